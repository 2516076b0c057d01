import { decodeFunctionData, decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import type { RpcClient } from './rpc.js';

// ParameterUpdate carries only the parameter's name (docs/protocol.md §2): its value is read with eth_call
// at the block of the event. Getter per (contract, param).
const getters: Record<string, Record<string, string>> = {
  BondingManager: {
    unbondingPeriod: 'unbondingPeriod',
    numActiveTranscoders: 'getTranscoderPoolMaxSize',
    treasuryRewardCutRate: 'treasuryRewardCutRate',
    nextRoundTreasuryRewardCutRate: 'nextRoundTreasuryRewardCutRate',
    treasuryBalanceCeiling: 'treasuryBalanceCeiling',
  },
  RoundsManager: { roundLength: 'roundLength', roundLockAmount: 'roundLockAmount' },
  Minter: { targetBondingRate: 'targetBondingRate', inflationChange: 'inflationChange', inflation: 'inflation' },
  TicketBroker: { unlockPeriod: 'unlockPeriod', ticketValidityPeriod: 'ticketValidityPeriod' },
};

// The owner's setter behind each ParameterUpdate, by contract and parameter (the value is its one argument).
const setters: Record<string, Record<string, string>> = {
  BondingManager: {
    unbondingPeriod: 'setUnbondingPeriod(uint64)',
    numActiveTranscoders: 'setNumActiveTranscoders(uint256)',
    nextRoundTreasuryRewardCutRate: 'setTreasuryRewardCutRate(uint256)',
    treasuryBalanceCeiling: 'setTreasuryBalanceCeiling(uint256)',
  },
  RoundsManager: { roundLength: 'setRoundLength(uint256)', roundLockAmount: 'setRoundLockAmount(uint256)' },
  Minter: { targetBondingRate: 'setTargetBondingRate(uint256)', inflationChange: 'setInflationChange(uint256)' },
  TicketBroker: { unlockPeriod: 'setUnlockPeriod(uint256)', ticketValidityPeriod: 'setTicketValidityPeriod(uint256)' },
};

const uintGetterAbi = (name: string) => parseAbi([`function ${name}() view returns (uint256)`]);
const setterAbi = (signature: string) => parseAbi([`function ${signature}` as string]);

export interface ParamRequest {
  blockNumber: number;
  contract: string;
  address: Address;
  param: string;
  /** The transaction that emitted the ParameterUpdate. */
  txHash: Hex;
}

interface TxLite {
  to: Address | null;
  input: Hex;
}

const keyOf = (block: number, contract: string, param: string) => `${block}|${contract}|${param}`;

/**
 * Reads parameter values at their blocks, cached. When the node cannot serve the state of that block (a pruned
 * node), a transaction that called the setter directly still tells the value; otherwise it stays unknown.
 */
export class ParamReader {
  private readonly cache = new Map<string, bigint | null>();
  failures = 0;

  constructor(private readonly rpc: RpcClient) {}

  async prefetch(reqs: ParamRequest[]): Promise<void> {
    const todo = reqs.filter((r) => !this.cache.has(keyOf(r.blockNumber, r.contract, r.param)) && getters[r.contract]?.[r.param]);
    if (todo.length === 0) return;
    const calls = todo.map((r) => {
      const fn = getters[r.contract]![r.param]!;
      return { method: 'eth_call', params: [{ to: r.address, data: encodeFunctionData({ abi: uintGetterAbi(fn), functionName: fn }) }, `0x${r.blockNumber.toString(16)}`] };
    });
    const outcomes = await this.rpc.batchSettled(calls);
    outcomes.forEach((o, i) => {
      const r = todo[i]!;
      const fn = getters[r.contract]![r.param]!;
      let value: bigint | null = null;
      if (o.ok) {
        try {
          value = decodeFunctionResult({ abi: uintGetterAbi(fn), functionName: fn, data: o.result as Hex }) as bigint;
        } catch {
          value = null;
        }
      }
      this.cache.set(keyOf(r.blockNumber, r.contract, r.param), value);
    });
    const unread = todo.filter((r) => this.cache.get(keyOf(r.blockNumber, r.contract, r.param)) === null);
    if (unread.length === 0) return;
    const txs = await this.rpc.batchSettled(unread.map((r) => ({ method: 'eth_getTransactionByHash', params: [r.txHash] })));
    txs.forEach((o, i) => {
      const r = unread[i]!;
      const value = o.ok ? setterArgument(o.result as TxLite | null, r) : null;
      if (value === null) this.failures++;
      else this.cache.set(keyOf(r.blockNumber, r.contract, r.param), value);
    });
  }

  lookup = (blockNumber: number, contract: string, param: string): bigint | undefined => {
    const v = this.cache.get(keyOf(blockNumber, contract, param));
    return v === null ? undefined : v;
  };
}

/** The value a transaction sent straight to the contract passed to the parameter's setter, if it did. */
function setterArgument(tx: TxLite | null, r: ParamRequest): bigint | null {
  const signature = setters[r.contract]?.[r.param];
  if (!tx || !signature || tx.to?.toLowerCase() !== r.address.toLowerCase()) return null;
  try {
    const call = decodeFunctionData({ abi: setterAbi(signature), data: tx.input });
    const v = call.args?.[0];
    return typeof v === 'bigint' || typeof v === 'number' ? BigInt(v) : null;
  } catch {
    return null;
  }
}
