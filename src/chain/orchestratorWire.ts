// go-livepeer's discovery wire format: package `net`, service Orchestrator, rpc GetOrchestrator
// (OrchestratorRequest) → OrchestratorInfo, as its net/lp_rpc.proto defines them. Only the messages and
// fields discovery reads are declared; protobuf skips the rest, so newer nodes' extra fields are harmless.
// Field names are the proto names, so a decoded message is the JSON that registry/adverts.ts reads.
import protobuf from 'protobufjs/light.js';

/** Full method path of GetOrchestrator on the wire. */
export const GET_ORCHESTRATOR_PATH = '/net.Orchestrator/GetOrchestrator';

// Map fields carry a keyType; the descriptor is typed loosely for them.
const descriptor = {
  nested: {
    net: {
      nested: {
        OrchestratorRequest: {
          fields: {
            address: { type: 'bytes', id: 1 },
            sig: { type: 'bytes', id: 2 },
            capabilities: { type: 'Capabilities', id: 3 },
            ignoreCapacityCheck: { type: 'bool', id: 4 },
          },
        },
        PriceInfo: {
          fields: {
            pricePerUnit: { type: 'int64', id: 1 },
            pixelsPerUnit: { type: 'int64', id: 2 },
            capability: { type: 'uint32', id: 3 },
            constraint: { type: 'string', id: 4 },
          },
        },
        Capabilities: {
          fields: {
            bitstring: { rule: 'repeated', type: 'uint64', id: 1 },
            mandatories: { rule: 'repeated', type: 'uint64', id: 2 },
            capacities: { keyType: 'uint32', type: 'uint32', id: 3 },
            version: { type: 'string', id: 4 },
            constraints: { type: 'Constraints', id: 5 },
          },
          nested: {
            Constraints: {
              fields: {
                minVersion: { type: 'string', id: 1 },
                PerCapability: { keyType: 'uint32', type: 'CapabilityConstraints', id: 2 },
              },
            },
            CapabilityConstraints: {
              fields: { models: { keyType: 'string', type: 'ModelConstraint', id: 1 } },
              nested: {
                ModelConstraint: {
                  fields: {
                    warm: { type: 'bool', id: 1 },
                    capacity: { type: 'uint32', id: 2 },
                    runnerVersion: { type: 'string', id: 3 },
                    capacityInUse: { type: 'uint32', id: 4 },
                  },
                },
              },
            },
          },
        },
        TicketParams: {
          fields: {
            recipient: { type: 'bytes', id: 1 },
            face_value: { type: 'bytes', id: 2 },
            win_prob: { type: 'bytes', id: 3 },
            recipient_rand_hash: { type: 'bytes', id: 4 },
            seed: { type: 'bytes', id: 5 },
            expiration_block: { type: 'bytes', id: 6 },
          },
        },
        GPUComputeInfo: {
          fields: {
            id: { type: 'string', id: 1 },
            name: { type: 'string', id: 2 },
            major: { type: 'uint32', id: 4 },
            minor: { type: 'uint32', id: 5 },
            memory_free: { type: 'int64', id: 6 },
            memory_total: { type: 'int64', id: 7 },
          },
        },
        HardwareInformation: {
          fields: {
            pipeline: { type: 'string', id: 1 },
            model_id: { type: 'string', id: 2 },
            gpu_info: { keyType: 'string', type: 'GPUComputeInfo', id: 3 },
          },
        },
        OrchestratorInfo: {
          fields: {
            transcoder: { type: 'string', id: 1 },
            ticket_params: { type: 'TicketParams', id: 2 },
            price_info: { type: 'PriceInfo', id: 3 },
            address: { type: 'bytes', id: 4 },
            capabilities: { type: 'Capabilities', id: 5 },
            hardware: { rule: 'repeated', type: 'HardwareInformation', id: 7 },
            capabilities_prices: { rule: 'repeated', type: 'PriceInfo', id: 33 },
            nodes: { rule: 'repeated', type: 'string', id: 34 },
          },
        },
      },
    },
  },
};
const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);

const OrchestratorRequest = root.lookupType('net.OrchestratorRequest');
const OrchestratorInfo = root.lookupType('net.OrchestratorInfo');

export interface OrchestratorRequestMsg {
  /** The gateway's 20-byte address. */
  address: Uint8Array;
  /** The gateway's signature over its checksummed hex address (see `discoverySignature`). */
  sig: Uint8Array;
  ignoreCapacityCheck?: boolean;
}

export function encodeOrchestratorRequest(m: OrchestratorRequestMsg): Buffer {
  return Buffer.from(OrchestratorRequest.encode(OrchestratorRequest.fromObject(m)).finish());
}

export function decodeOrchestratorRequest(b: Uint8Array): OrchestratorRequestMsg {
  const o = OrchestratorRequest.toObject(OrchestratorRequest.decode(b), { defaults: true }) as { address: Uint8Array; sig: Uint8Array; ignoreCapacityCheck: boolean };
  return { address: o.address, sig: o.sig, ignoreCapacityCheck: o.ignoreCapacityCheck };
}

/** An OrchestratorInfo as plain JSON (proto field names; int64 as decimal strings; bytes as 0x-hex). */
export type OrchestratorInfoJson = Record<string, unknown>;

const toHex = (b: unknown) => (b instanceof Uint8Array ? `0x${Buffer.from(b).toString('hex')}` : b);

/** Protobuf bytes → the JSON form `advertFromOrchestratorInfo` reads; throws on a malformed message. */
export function decodeOrchestratorInfo(b: Uint8Array): OrchestratorInfoJson {
  const o = OrchestratorInfo.toObject(OrchestratorInfo.decode(b), { longs: String, arrays: true, objects: true }) as OrchestratorInfoJson;
  if (o.address !== undefined) o.address = toHex(o.address);
  const tp = o.ticket_params as Record<string, unknown> | undefined;
  if (tp?.recipient !== undefined) tp.recipient = toHex(tp.recipient);
  return o;
}

/** The JSON form (as `decodeOrchestratorInfo` returns it, addresses 0x-hex) → protobuf bytes. */
export function encodeOrchestratorInfo(json: OrchestratorInfoJson): Buffer {
  const hexBytes = (v: unknown) => (typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v) ? Buffer.from(v.slice(2), 'hex') : v);
  const j: Record<string, unknown> = { ...json, address: hexBytes(json.address) };
  const tp = json.ticket_params as Record<string, unknown> | undefined;
  if (tp) j.ticket_params = { ...tp, recipient: hexBytes(tp.recipient) };
  return Buffer.from(OrchestratorInfo.encode(OrchestratorInfo.fromObject(j)).finish());
}
