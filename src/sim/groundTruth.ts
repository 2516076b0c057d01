import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Address, Hex } from 'viem';
import { viewAbi } from '../chain/abis.js';
import type { Deployment } from './deploy.js';
import type { SimRpc } from './simRpc.js';

/** Network figures read from the contracts right after a round was initialized. */
export interface RoundSummary {
  round: number;
  block: number;
  timestamp: number;
  l1Block: number;
  mintable: bigint; // LPT-wei
  /** Minter.currentMintedTokens once the round's blocks are mined (LPT-wei): Reward plus TreasuryReward amounts. */
  minted: bigint;
  inflation: bigint; // parts per 1e9
  totalActiveStake: bigint; // LPT-wei
  globalSupply: bigint; // LPT-wei
  l2Supply: bigint; // LPT-wei
  treasuryBalance: bigint; // LPT-wei
  treasuryRewardCutRate: bigint; // parts per 1e27
  activeOrchestrators: number;
}

export interface TranscoderTruth {
  lastRewardRound: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  lastActiveStakeUpdateRound: bigint;
  activationRound: bigint;
  deactivationRound: bigint;
  activeCumulativeRewards: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
  lastFeeRound: bigint;
  totalStake: bigint;
  active: boolean;
}

export interface DelegatorTruth {
  bondedAmount: bigint;
  fees: bigint;
  delegateAddress: Address;
  delegatedAmount: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
  nextUnbondingLockId: bigint;
  pendingStake: bigint;
  pendingFees: bigint;
}

/** Contract state at the end of a round, read from the contracts' own views. */
export interface Snapshot {
  round: number;
  block: number;
  blockHash: Hex;
  transcoders: Record<Address, TranscoderTruth>;
  delegators: Record<Address, DelegatorTruth>;
}

export interface GroundTruth {
  seed: string | number;
  firstRound: number;
  lastRound: number;
  rounds: RoundSummary[];
  snapshots: Snapshot[];
  stats: { blocks: number; txs: number; reverted: number; logs: number; revertReasons: Record<string, number> };
}

type TranscoderTuple = readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
type DelegatorTuple = readonly [bigint, bigint, Address, bigint, bigint, bigint, bigint];

/** The round's network figures; `treasuryCut` false for a BondingManager from before the treasury (its cut reads as 0). */
export async function readRoundSummary(rpc: SimRpc, d: Deployment, round: number, orchestrators: Address[], treasuryCut = true): Promise<RoundSummary> {
  const a = d.addresses;
  const block = await rpc.call<{ number: Hex; timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
  const tag = block.number;
  const [mintable, inflation, tas, supply, l2Supply, treasury, cut = 0n] = await rpc.reads<bigint>(
    [
      { address: a.Minter, abi: viewAbi, functionName: 'currentMintableTokens' },
      { address: a.Minter, abi: viewAbi, functionName: 'inflation' },
      { address: a.BondingManager, abi: viewAbi, functionName: 'getTotalBonded' },
      { address: a.Minter, abi: viewAbi, functionName: 'getGlobalTotalSupply' },
      { address: a.LivepeerToken, abi: viewAbi, functionName: 'totalSupply' },
      { address: a.LivepeerToken, abi: viewAbi, functionName: 'balanceOf', args: [a.Treasury] },
      ...(treasuryCut ? [{ address: a.BondingManager, abi: viewAbi, functionName: 'treasuryRewardCutRate' }] : []),
    ],
    tag,
  );
  const active = await rpc.reads<boolean>(
    orchestrators.map((o) => ({ address: a.BondingManager, abi: viewAbi, functionName: 'isActiveTranscoder', args: [o] })),
    tag,
  );
  return {
    round,
    block: Number(block.number),
    timestamp: Number(block.timestamp),
    // RoundsManager's clock is block.number: the block itself off Arbitrum.
    l1Block: Number(block.number),
    mintable: mintable!,
    minted: 0n, // none yet: set when the round ends (readMintedTokens)
    inflation: inflation!,
    totalActiveStake: tas!,
    globalSupply: supply!,
    l2Supply: l2Supply!,
    treasuryBalance: treasury!,
    treasuryRewardCutRate: cut!,
    activeOrchestrators: active.filter(Boolean).length,
  };
}

/** Minter.currentMintedTokens at the latest block (LPT-wei). */
export async function readMintedTokens(rpc: SimRpc, d: Deployment): Promise<bigint> {
  const [minted] = await rpc.reads<bigint>([{ address: d.addresses.Minter, abi: viewAbi, functionName: 'currentMintedTokens' }]);
  return minted!;
}

/** Read every orchestrator's and delegator's state from the contracts at the latest block. */
export async function takeSnapshot(
  rpc: SimRpc,
  d: Deployment,
  round: number,
  orchestrators: Address[],
  delegators: Address[],
): Promise<Snapshot> {
  const block = await rpc.call<{ number: Hex; hash: Hex }>('eth_getBlockByNumber', ['latest', false]);
  const tag = block.number;
  const bm = d.addresses.BondingManager;
  const tr = await rpc.reads<TranscoderTuple>(orchestrators.map((o) => ({ address: bm, abi: viewAbi, functionName: 'getTranscoder', args: [o] })), tag);
  const ts = await rpc.reads<bigint>(orchestrators.map((o) => ({ address: bm, abi: viewAbi, functionName: 'transcoderTotalStake', args: [o] })), tag);
  const act = await rpc.reads<boolean>(orchestrators.map((o) => ({ address: bm, abi: viewAbi, functionName: 'isActiveTranscoder', args: [o] })), tag);
  const everyone = [...new Set([...orchestrators, ...delegators])];
  const dl = await rpc.reads<DelegatorTuple>(everyone.map((x) => ({ address: bm, abi: viewAbi, functionName: 'getDelegator', args: [x] })), tag);
  const ps = await rpc.reads<bigint>(everyone.map((x) => ({ address: bm, abi: viewAbi, functionName: 'pendingStake', args: [x, 0n] })), tag);
  const pf = await rpc.reads<bigint>(everyone.map((x) => ({ address: bm, abi: viewAbi, functionName: 'pendingFees', args: [x, 0n] })), tag);
  const transcoders: Record<Address, TranscoderTruth> = {};
  orchestrators.forEach((o, i) => {
    const t = tr[i]!;
    transcoders[o] = {
      lastRewardRound: t[0], rewardCut: t[1], feeShare: t[2], lastActiveStakeUpdateRound: t[3], activationRound: t[4],
      deactivationRound: t[5], activeCumulativeRewards: t[6], cumulativeRewards: t[7], cumulativeFees: t[8], lastFeeRound: t[9],
      totalStake: ts[i]!, active: act[i]!,
    };
  });
  const dels: Record<Address, DelegatorTruth> = {};
  everyone.forEach((x, i) => {
    const v = dl[i]!;
    if (v[0] === 0n && v[1] === 0n && v[6] === 0n) return;
    dels[x] = {
      bondedAmount: v[0], fees: v[1], delegateAddress: v[2], delegatedAmount: v[3], startRound: v[4], lastClaimRound: v[5],
      nextUnbondingLockId: v[6], pendingStake: ps[i]!, pendingFees: pf[i]!,
    };
  });
  return { round, block: Number(block.number), blockHash: block.hash, transcoders, delegators: dels };
}

/** JSON with bigints as decimal strings (amounts stay exact). */
export function groundTruthJson(gt: GroundTruth): string {
  return JSON.stringify(gt, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 1);
}

export function writeGroundTruth(file: string, gt: GroundTruth): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, groundTruthJson(gt));
}
