import { decodeEventLog, toEventSelector, type AbiEvent, type Address, type Hex } from 'viem';
import {
  bondingManagerEvents,
  bondingVotesEvents,
  controllerEvents,
  governorEvents,
  l2LptDataCacheEvents,
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
  PollCreator: pollCreatorEvents,
};

/** Decodes logs of the protocol contracts of one network; unknown logs are reported, not thrown. */
export class EventDecoder {
  private readonly byAddress = new Map<string, { key: EventSource; bySelector: Map<string, AbiEvent> }>();
  private readonly pollSelectors = new Map(pollEvents.map((e) => [toEventSelector(e), e as AbiEvent]));
  readonly unknown = new Map<string, number>();

  constructor(network: NetworkConfig) {
    for (const [key, dep] of Object.entries(network.contracts) as [ContractKey, { address: Address }][]) {
      const abi = abiOf[key];
      if (!abi) continue;
      const bySelector = new Map<string, AbiEvent>();
      for (const item of abi) bySelector.set(toEventSelector(item), item);
      this.byAddress.set(dep.address.toLowerCase(), { key, bySelector });
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
    const item = c && topic0 ? c.bySelector.get(topic0) : undefined;
    if (!c || !item) {
      const k = `${log.address.toLowerCase()}:${topic0 ?? 'anonymous'}`;
      this.unknown.set(k, (this.unknown.get(k) ?? 0) + 1);
      return null;
    }
    const args = fastDecode(item, log) ?? slowDecode(item, log);
    return {
      contract: c.key,
      name: item.name,
      args,
      address: log.address.toLowerCase() as Address,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      txHash: log.transactionHash,
      txIndex: log.transactionIndex,
    };
  }
}

const STATIC = /^(uint\d*|int\d*|address|bool|bytes(\d+))$/;

/**
 * Most protocol events hold only 32-byte static values: read them straight from topics and data
 * words (an order of magnitude cheaper than generic ABI decoding on the backfill hot path).
 */
function fastDecode(item: AbiEvent, log: LogInput): Record<string, unknown> | null {
  if (!item.inputs.every((i) => STATIC.test(i.type))) return null;
  const args: Record<string, unknown> = {};
  let topic = 1;
  let word = 0;
  const data = log.data;
  const nonIndexed = item.inputs.filter((i) => !i.indexed).length;
  if (data.length < 2 + nonIndexed * 64) return null;
  if (log.topics.length !== 1 + item.inputs.filter((i) => i.indexed).length) return null;
  for (const input of item.inputs) {
    let hex: string;
    if (input.indexed) hex = log.topics[topic++]!.slice(2);
    else hex = data.slice(2 + word * 64, 2 + (word++ + 1) * 64);
    const name = input.name ?? '';
    if (input.type === 'address') args[name] = `0x${hex.slice(24)}`.toLowerCase();
    else if (input.type === 'bool') args[name] = hex.endsWith('1');
    else if (input.type.startsWith('bytes')) {
      const n = Number(input.type.slice(5));
      args[name] = `0x${hex.slice(0, n * 2)}`;
    } else if (input.type.startsWith('int')) {
      const bits = Number(input.type.slice(3) || '256');
      let v = BigInt(`0x${hex}`);
      if (v >= 1n << BigInt(bits - 1) && v < 1n << 256n) v -= 1n << 256n;
      args[name] = v;
    } else {
      const bits = Number(input.type.slice(4) || '256');
      const v = BigInt(`0x${hex}`);
      args[name] = bits <= 48 ? Number(v) : v;
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
