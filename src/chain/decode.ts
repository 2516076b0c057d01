import { decodeEventLog, toEventSelector, type AbiEvent, type Address, type Hex } from 'viem';
import {
  bondingManagerEvents,
  bondingVotesEvents,
  controllerEvents,
  governorEvents,
  l2LptDataCacheEvents,
  l2MigratorEvents,
  l2LptGatewayEvents,
  pollCreatorEvents,
  pollEvents,
  livepeerTokenEvents,
  minterEvents,
  roundsManagerEvents,
  serviceRegistryEvents,
  ticketBrokerEvents,
  treasuryEvents,
} from './abis.js';
import type { ContractKey, NetworkConfig } from './networks.js';

/** A log as delivered by the sync layer. */
export interface LogInput {
  address: Hex;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: number;
  logIndex: number;
  transactionHash: Hex;
  transactionIndex: number;
  blockHash?: Hex;
}

/** Where an event came from: a protocol contract, or a poll created by the PollCreator. */
export type EventSource = ContractKey | 'Poll';

/** A decoded protocol event; `args` keys are the ABI parameter names. */
export interface DecodedEvent {
  contract: EventSource;
  name: string;
  args: Record<string, unknown>;
  address: Address;
  blockNumber: number;
  logIndex: number;
  txHash: Hex;
  txIndex: number;
}

const abiOf: Partial<Record<ContractKey, readonly AbiEvent[]>> = {
  Controller: controllerEvents,
  LivepeerToken: livepeerTokenEvents,
  BondingManager: bondingManagerEvents,
  TicketBroker: ticketBrokerEvents,
  RoundsManager: roundsManagerEvents,
  MinterV1: minterEvents,
  Minter: minterEvents,
  ServiceRegistry: serviceRegistryEvents,
  AIServiceRegistry: serviceRegistryEvents,
  BondingVotes: bondingVotesEvents,
  Treasury: treasuryEvents,
  LivepeerGovernor: governorEvents,
  L2LPTDataCache: l2LptDataCacheEvents,
  L2Migrator: l2MigratorEvents,
  L2LPTGateway: l2LptGatewayEvents,
  PollCreator: pollCreatorEvents,
};

/** Decodes logs of the protocol contracts of one network; unknown logs are reported, not thrown. */
export class EventDecoder {
  private readonly byAddress = new Map<string, { key: EventSource; bySelector: Map<string, KnownEvent> }>();
  private readonly pollSelectors = selectorsOf(pollEvents);
  readonly unknown = new Map<string, number>();

  constructor(network: NetworkConfig) {
    for (const [key, dep] of Object.entries(network.contracts) as [ContractKey, { address: Address }][]) {
      const abi = abiOf[key];
      if (!abi) continue;
      this.byAddress.set(dep.address.toLowerCase(), { key, bySelector: selectorsOf(abi) });
    }
  }

  /** A poll contract (announced by PollCreated): its Vote logs decode from now on. */
  registerPoll(address: string): void {
    const a = address.toLowerCase();
    if (!this.byAddress.has(a)) this.byAddress.set(a, { key: 'Poll', bySelector: this.pollSelectors });
  }

  /** Addresses whose logs this decoder understands. */
  addresses(): Address[] {
    return [...this.byAddress.keys()] as Address[];
  }

  decode(log: LogInput): DecodedEvent | null {
    const c = this.byAddress.get(log.address.toLowerCase());
    const topic0 = log.topics[0];
    const known = c && topic0 ? c.bySelector.get(topic0) : undefined;
    if (!c || !known) {
      const k = `${log.address.toLowerCase()}:${topic0 ?? 'anonymous'}`;
      this.unknown.set(k, (this.unknown.get(k) ?? 0) + 1);
      return null;
    }
    const args = (known.layout && fastDecode(known.layout, log)) ?? slowDecode(known.item, log);
    return {
      contract: c.key,
      name: known.item.name,
      args,
      address: log.address.toLowerCase() as Address,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      txHash: log.transactionHash,
      txIndex: log.transactionIndex,
    };
  }
}

type Field =
  | { name: string; indexed: boolean; kind: 'address' | 'bool' | 'bytes' }
  | { name: string; indexed: boolean; kind: 'fixedBytes'; size: number }
  | { name: string; indexed: boolean; kind: 'uint' | 'int'; bits: number };

interface Layout {
  fields: Field[];
  topics: number;
  words: number;
}

/** An event of a contract's ABI with its word layout, compiled once (null: generic decoding only). */
interface KnownEvent {
  item: AbiEvent;
  layout: Layout | null;
}

function selectorsOf(abi: readonly AbiEvent[]): Map<string, KnownEvent> {
  return new Map(abi.map((item) => [toEventSelector(item), { item, layout: compileLayout(item) }]));
}

const FIXED_BYTES = /^bytes(\d+)$/;
const INTEGER = /^(u?)int(\d*)$/;

/** The word-level layout of an event, or null when a field needs the generic decoder (strings, arrays, tuples). */
function compileLayout(item: AbiEvent): Layout | null {
  const fields: Field[] = [];
  for (const input of item.inputs) {
    const name = input.name ?? '';
    const indexed = input.indexed === true;
    const t = input.type;
    const fixed = FIXED_BYTES.exec(t);
    const integer = INTEGER.exec(t);
    if (t === 'address' || t === 'bool') fields.push({ name, indexed, kind: t });
    // An indexed dynamic value is only its hash in a topic: left to the generic decoder.
    else if (t === 'bytes' && !indexed) fields.push({ name, indexed, kind: 'bytes' });
    else if (fixed) fields.push({ name, indexed, kind: 'fixedBytes', size: Number(fixed[1]) });
    else if (integer) fields.push({ name, indexed, kind: integer[1] ? 'uint' : 'int', bits: Number(integer[2] || '256') });
    else return null;
  }
  return { fields, topics: 1 + fields.filter((f) => f.indexed).length, words: fields.filter((f) => !f.indexed).length };
}


/**
 * Most protocol events hold 32-byte values and at most a `bytes` field: read them straight from topics and
 * data words (an order of magnitude cheaper than generic ABI decoding on the backfill hot path). Anything
 * that does not fit the layout exactly returns null, and the generic decoder gives the verdict.
 */
function fastDecode(layout: Layout, log: LogInput): Record<string, unknown> | null {
  const data = log.data;
  const dataBytes = (data.length - 2) / 2;
  if (dataBytes < layout.words * 32 || log.topics.length !== layout.topics) return null;
  const args: Record<string, unknown> = {};
  let topic = 1;
  let word = 0;
  for (const f of layout.fields) {
    const hex = f.indexed ? log.topics[topic++]!.slice(2) : data.slice(2 + word * 64, 2 + ++word * 64);
    switch (f.kind) {
      case 'address':
        args[f.name] = `0x${hex.slice(24)}`.toLowerCase();
        break;
      case 'bool':
        args[f.name] = hex.endsWith('1');
        break;
      case 'fixedBytes':
        args[f.name] = `0x${hex.slice(0, f.size * 2)}`;
        break;
      case 'int': {
        let v = BigInt(`0x${hex}`);
        if (v >= 1n << BigInt(f.bits - 1)) v -= 1n << 256n;
        args[f.name] = v;
        break;
      }
      case 'uint': {
        const v = BigInt(`0x${hex}`);
        args[f.name] = f.bits <= 48 ? Number(v) : v;
        break;
      }
      case 'bytes': {
        // Head word: offset of [length word, bytes…] in the data.
        const offset = Number.parseInt(hex, 16);
        if (!Number.isSafeInteger(offset) || offset % 32 !== 0 || offset + 32 > dataBytes) return null;
        const length = Number.parseInt(data.slice(2 + offset * 2, 2 + offset * 2 + 64), 16);
        if (!Number.isSafeInteger(length) || offset + 32 + length > dataBytes) return null;
        const start = 2 + (offset + 32) * 2;
        args[f.name] = `0x${data.slice(start, start + length * 2)}`.toLowerCase();
        break;
      }
    }
  }
  return args;
}

function slowDecode(item: AbiEvent, log: LogInput): Record<string, unknown> {
  const ev = decodeEventLog({ abi: [item], data: log.data, topics: log.topics as [Hex, ...Hex[]], strict: true });
  const args = { ...(ev.args as Record<string, unknown>) };
  for (const [k, v] of Object.entries(args)) if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) args[k] = v.toLowerCase();
  return args;
}
