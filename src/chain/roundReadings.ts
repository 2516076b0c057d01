import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import type { RpcClient } from './rpc.js';

/**
 * RoundsManager and Minter settings as they stood when a round was initialized, read with eth_call at the
 * block of its NewRound (the Minter's are set by its constructor without an event, so only a read tells them).
 * A field is null when the node cannot serve that block's state (a pruned node during a backfill).
 */
export interface RoundReadings {
  /** RoundsManager.roundLength (round-clock blocks). */
  roundLength: bigint | null;
  /** RoundsManager.roundLockAmount (parts per 1e6 of a round). */
  roundLockAmount: bigint | null;
  /** RoundsManager.currentRoundStartBlock (round-clock block). */
  startBlock: bigint | null;
  /** Minter.inflationChange (per 1e9). */
  inflationChange: bigint | null;
  /** Minter.targetBondingRate (per 1e9). */
  targetBondingRate: bigint | null;
}

const READS: { key: keyof RoundReadings; contract: 'RoundsManager' | 'Minter'; fn: string }[] = [
  { key: 'roundLength', contract: 'RoundsManager', fn: 'roundLength' },
  { key: 'roundLockAmount', contract: 'RoundsManager', fn: 'roundLockAmount' },
  { key: 'startBlock', contract: 'RoundsManager', fn: 'currentRoundStartBlock' },
  { key: 'inflationChange', contract: 'Minter', fn: 'inflationChange' },
  { key: 'targetBondingRate', contract: 'Minter', fn: 'targetBondingRate' },
];

const abiOf = (fn: string) => parseAbi([`function ${fn}() view returns (uint256)`]);

/** The readings at each of `blocks` (blocks of NewRound events), in one JSON-RPC batch. */
export async function readRoundReadings(rpc: RpcClient, contracts: { RoundsManager: Address; Minter: Address }, blocks: readonly number[]): Promise<Map<number, RoundReadings>> {
  const out = new Map<number, RoundReadings>();
  if (blocks.length === 0) return out;
  const calls = blocks.flatMap((b) =>
    READS.map((r) => ({ method: 'eth_call', params: [{ to: contracts[r.contract], data: encodeFunctionData({ abi: abiOf(r.fn), functionName: r.fn }) }, `0x${b.toString(16)}`] })),
  );
  const results = await rpc.batchSettled(calls);
  blocks.forEach((b, i) => {
    const reading: RoundReadings = { roundLength: null, roundLockAmount: null, startBlock: null, inflationChange: null, targetBondingRate: null };
    READS.forEach((r, k) => {
      const o = results[i * READS.length + k]!;
      if (!o.ok) return;
      try {
        reading[r.key] = decodeFunctionResult({ abi: abiOf(r.fn), functionName: r.fn, data: o.result as Hex }) as bigint;
      } catch {
        // an empty answer: the contract has no such getter at that block
      }
    });
    out.set(b, reading);
  });
  return out;
}
