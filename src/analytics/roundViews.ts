// The indexed rounds (read/rounds.ts RoundRow) as the staking and treasury analytics take them.
import type { RoundRow } from '../read/rounds.js';
import type { SupplyRound } from './dilution.js';

/** An indexed round with what the staking analytics use (amounts LPT-wei, inflation ppb, cut rate per 1e27). */
export interface StakingRound extends SupplyRound {
  inflation: bigint;
  mintable: bigint;
  treasuryRewards: bigint;
  treasuryRewardCutRate: bigint;
  fees: bigint;
}

/** A round for the staking analytics; supply is the global one (L2 totalSupply + L1 circulating). */
export function stakingRound(r: RoundRow): StakingRound {
  return {
    round: r.round,
    time: r.blockTime,
    supply: r.l2Supply + (r.l1Supply ?? 0n),
    totalActiveStake: r.totalActiveStake,
    rewards: r.rewards,
    treasuryRewards: r.treasuryRewards,
    inflation: r.inflation,
    mintable: r.mintable,
    treasuryRewardCutRate: r.treasuryRewardCutRate,
    fees: r.fees,
  };
}

/** One initialized round as the treasury views need it (LPT-wei; inflation per 1e9; cut per 1e27). */
export interface TreasuryRound {
  round: bigint;
  block: bigint;
  time: number;
  cutRate: bigint;
  mintable: bigint;
  inflation: bigint;
  /** Reward.amount + TreasuryReward.amount minted in the round. */
  minted: bigint;
  treasuryRewards: bigint;
  supply: bigint;
  balance: bigint;
}

/** A round for the treasury views. */
export function treasuryRound(r: RoundRow): TreasuryRound {
  return {
    round: r.round,
    block: r.blockNumber,
    time: r.blockTime,
    cutRate: r.treasuryRewardCutRate,
    mintable: r.mintable,
    inflation: r.inflation,
    minted: r.rewards + r.treasuryRewards,
    treasuryRewards: r.treasuryRewards,
    supply: r.l2Supply + (r.l1Supply ?? 0n),
    balance: r.treasuryBalance,
  };
}
