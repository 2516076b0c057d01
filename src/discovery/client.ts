// One GetOrchestrator call the way a go-livepeer gateway makes it: gRPC over TLS to the service URI's
// host (self-signed certificates accepted, as gateways do), a connect timeout, then a deadline for the call.
import * as grpc from '@grpc/grpc-js';
import { getAddress, keccak256, toBytes, type Hex } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { AtlasError } from '../base/errors.js';
import { decodeOrchestratorInfo, encodeOrchestratorRequest, GET_ORCHESTRATOR_PATH, type OrchestratorInfoJson } from '../chain/orchestratorWire.js';

/** go-livepeer's limits (server/rpc.go): 3 s to connect, 8 s for the call. */
export const CONNECT_TIMEOUT_MS = 3_000;
export const CALL_TIMEOUT_MS = 8_000;

/** How a poll failed: the node is not there, too slow, said no, or answered something unreadable. */
export type FailureKind = 'invalid-uri' | 'unreachable' | 'timeout' | 'refused' | 'malformed';

/** A node that could not be asked or did not answer; stored with the poll, never sent to API clients. */
export class DiscoveryError extends AtlasError {
  override name = 'DiscoveryError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super('unavailable', message, { reason: kind });
  }
}

/** The gateway's credentials for OrchestratorRequest: its address and its signature over the checksummed hex address. */
export interface DiscoveryIdentity {
  address: Uint8Array;
  sig: Uint8Array;
}

/**
 * Signs as go-livepeer's broadcaster does (starter.go: `Sign([]byte(addr.Hex()))`, an EIP-191 message over
 * keccak256 of the checksummed address); orchestrators check it before answering.
 */
export async function discoveryIdentity(account: LocalAccount): Promise<DiscoveryIdentity> {
  const checksummed = getAddress(account.address);
  const sig = await account.signMessage({ message: { raw: keccak256(toBytes(checksummed)) } });
  return { address: toBytes(checksummed), sig: toBytes(sig as Hex) };
}

/** Where to dial: the URI's host and port, optionally resolved to another address (the simulator's loopback nodes). */
export interface DialTarget {
  uri: string;
  /** host:port to connect to instead of the URI's; TLS still names the URI's host. */
  connectTo?: string;
}

export interface CallOptions {
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
}

function parseUri(uri: string): URL {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new DiscoveryError('invalid-uri', `service URI ${JSON.stringify(uri.slice(0, 200))} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DiscoveryError('invalid-uri', `service URI ${JSON.stringify(uri.slice(0, 200))} is not http(s)`);
  if (!u.hostname) throw new DiscoveryError('invalid-uri', `service URI ${JSON.stringify(uri.slice(0, 200))} has no host`);
  return u;
}

// Built once: credentials carry a TLS context, and building one per call costs more than the call.
let tlsCredentials: grpc.ChannelCredentials | null = null;
const tls = () => (tlsCredentials ??= grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false }));

const hostPort = (u: URL) => `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;

/** Calls GetOrchestrator at one service URI; the decoded OrchestratorInfo JSON and the time it took. */
export async function getOrchestratorInfo(target: DialTarget, identity: DiscoveryIdentity, opts: CallOptions = {}): Promise<{ info: OrchestratorInfoJson; latencyMs: number }> {
  const u = parseUri(target.uri);
  const authority = hostPort(u);
  // http:// service URIs are dialled in the clear, as go-livepeer does; everything else over TLS.
  const creds = u.protocol === 'http:' ? grpc.credentials.createInsecure() : tls();
  const client = new grpc.Client(target.connectTo ?? authority, creds, {
    'grpc.default_authority': authority,
    'grpc.ssl_target_name_override': u.hostname,
    // One attempt per poll: the poller owns retries and backoff.
    'grpc.enable_retries': 0,
    // A channel of its own per call: a pooled subchannel may still be backing off from an earlier failure.
    'grpc.use_local_subchannel_pool': 1,
    'grpc.initial_reconnect_backoff_ms': 1_000,
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
  });
  const started = performance.now();
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + (opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS), (err) =>
        err ? reject(new DiscoveryError('unreachable', `could not connect to ${authority} within ${opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS} ms`)) : resolve(),
      ),
    );
    const raw = await new Promise<Buffer>((resolve, reject) => {
      client.makeUnaryRequest<Buffer, Buffer>(
        GET_ORCHESTRATOR_PATH,
        (b) => b,
        (b) => b,
        encodeOrchestratorRequest({ address: identity.address, sig: identity.sig }),
        new grpc.Metadata(),
        { deadline: Date.now() + (opts.callTimeoutMs ?? CALL_TIMEOUT_MS) },
        (err, value) => {
          if (err) {
            const kind: FailureKind = err.code === grpc.status.DEADLINE_EXCEEDED ? 'timeout' : err.code === grpc.status.UNAVAILABLE ? 'unreachable' : 'refused';
            reject(new DiscoveryError(kind, `${authority}: ${grpc.status[err.code] ?? err.code}${err.details ? ` (${err.details.slice(0, 200)})` : ''}`));
          } else resolve(value ?? Buffer.alloc(0));
        },
      );
    });
    let info: OrchestratorInfoJson;
    try {
      info = decodeOrchestratorInfo(raw);
    } catch (e) {
      throw new DiscoveryError('malformed', `${authority}: OrchestratorInfo does not decode (${(e as Error).message.slice(0, 200)})`);
    }
    return { info, latencyMs: performance.now() - started };
  } finally {
    client.close();
  }
}
