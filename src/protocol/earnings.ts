// LIP-36 cumulative-factor earnings math as in BondingManager + EarningsPoolLIP36 (docs/protocol.md §7).
// Cuts (rewardCut, feeShare) are parts per 1e6; factors (CRF, CFF) and treasuryRewardCutRate parts per 1e27.
import {
  PERC_DIVISOR,
  PRECISE_PERC_DIVISOR,
  add,
  percOf,
  percOfPerc,
  sub,
  uint256,
} from './precision.js';

/** The two cumulative factors of an earnings pool (parts per 1e27; 0 = never written). */
export interface CumulativeFactors {
  cumulativeRewardFactor: bigint;
  cumulativeFeeFactor: bigint;
}

/** A CRF of 0 means "no reward yet" and stands for 1.0 (1e27) in every formula that divides by or scales with it. */
export function crfOrOne(crf: bigint): bigint {
  return crf === 0n ? PRECISE_PERC_DIVISOR : crf;
}

/** How a reward call's minted LPT (LPT-wei) is split between treasury, orchestrator commission and delegators. */
export interface RewardSplit {
  /** TreasuryReward.amount (LPT-wei). */
  treasury: bigint;
  /** Reward.amount = total - treasury (LPT-wei): what the pool's stake grows by. */
  transcoderRewards: bigint;
  /** Orchestrator's rewardCut share of transcoderRewards (LPT-wei). */
  commission: bigint;
  /** transcoderRewards - commission (LPT-wei), distributed through the CRF. */
  delegatorsRewards: bigint;
}

/** Split totalRewardTokens (LPT-wei) by treasuryRewardCutRate (per 1e27) then rewardCut (per 1e6), rounding as the contract. */
export function splitReward(totalRewardTokens: bigint, treasuryRewardCutRate: bigint, rewardCut: bigint): RewardSplit {
  const treasury = percOfPerc(totalRewardTokens, treasuryRewardCutRate, PRECISE_PERC_DIVISOR);
  const transcoderRewards = sub(totalRewardTokens, treasury);
  const commission = percOfPerc(transcoderRewards, rewardCut, PERC_DIVISOR);
  return { treasury, transcoderRewards, commission, delegatorsRewards: sub(transcoderRewards, commission) };
}

/**
 * The treasury cut rate (per 1e27) that splits totalRewardTokens (LPT-wei) into the observed treasury share
 * (LPT-wei), for when the node cannot serve the parameter: of the rates giving exactly that share, the one
 * with the most trailing zeros (governance sets round rates). Null when no rate gives that share.
 */
export function inferTreasuryRewardCutRate(totalRewardTokens: bigint, treasuryRewards: bigint): bigint | null {
  if (totalRewardTokens <= 0n || treasuryRewards < 0n || treasuryRewards > totalRewardTokens) return null;
  // floor(total * r / 1e27) = T  ⇔  T * 1e27 ≤ total * r < (T + 1) * 1e27
  const lo = (treasuryRewards * PRECISE_PERC_DIVISOR + totalRewardTokens - 1n) / totalRewardTokens;
  let hi = ((treasuryRewards + 1n) * PRECISE_PERC_DIVISOR - 1n) / totalRewardTokens;
  if (hi > PRECISE_PERC_DIVISOR) hi = PRECISE_PERC_DIVISOR;
  if (lo > hi) return null;
  for (let m = PRECISE_PERC_DIVISOR; m >= 1n; m /= 10n) {
    const c = ((lo + m - 1n) / m) * m;
    if (c <= hi) return c;
  }
  return lo;
}

/** CRF after a reward call (per 1e27): prev + prev * floor(delegatorsRewards * 1e27 / poolTotalStake) / 1e27; prevCRF 0 = 1e27. */
export function nextCumulativeRewardFactor(prevCRF: bigint, delegatorsRewards: bigint, poolTotalStake: bigint): bigint {
  const base = crfOrOne(uint256(prevCRF, 'prevCRF'));
  return add(base, percOf(base, delegatorsRewards, poolTotalStake, PRECISE_PERC_DIVISOR));
}

/**
 * CFF of the current round's pool after adding delegatorsFees (ETH-wei), per 1e27. A zero currentCFF is
 * uninitialised and starts from prevCFF; otherwise fees accumulate on it. prevCRF 0 = 1e27.
 */
export function addFeesToCumulativeFeeFactor(
  currentCFF: bigint,
  prevCFF: bigint,
  prevCRF: bigint,
  delegatorsFees: bigint,
  poolTotalStake: bigint,
): bigint {
  const increment = percOf(crfOrOne(uint256(prevCRF, 'prevCRF')), delegatorsFees, poolTotalStake, PRECISE_PERC_DIVISOR);
  return add(uint256(currentCFF, 'currentCFF') === 0n ? uint256(prevCFF, 'prevCFF') : currentCFF, increment);
}

/** Split fees (ETH-wei) by feeShare (per 1e6): delegators get floor(fees*feeShare/1e6), the orchestrator the rest. */
export function splitFees(fees: bigint, feeShare: bigint): { delegatorsFees: bigint; transcoderCommissionFees: bigint } {
  const delegatorsFees = percOfPerc(fees, feeShare, PERC_DIVISOR);
  return { delegatorsFees, transcoderCommissionFees: sub(fees, delegatorsFees) };
}

/** Part of delegatorsRewards (LPT-wei) earned by the orchestrator's own unclaimed rewards: percOf at 1e27 of activeCumulativeRewards/totalStake. */
export function transcoderRewardStakeRewards(
  delegatorsRewards: bigint,
  activeCumulativeRewards: bigint,
  poolTotalStake: bigint,
): bigint {
  return percOf(delegatorsRewards, activeCumulativeRewards, poolTotalStake, PRECISE_PERC_DIVISOR);
}

/** Part of delegatorsFees (ETH-wei) earned by the orchestrator's own unclaimed rewards: percOf at 1e27 of activeCumulativeRewards/totalStake. */
export function transcoderRewardStakeFees(
  delegatorsFees: bigint,
  activeCumulativeRewards: bigint,
  poolTotalStake: bigint,
): bigint {
  return percOf(delegatorsFees, activeCumulativeRewards, poolTotalStake, PRECISE_PERC_DIVISOR);
}

/** Increment of Transcoder.cumulativeRewards on reward (LPT-wei): reward-stake rewards + commission. */
export function cumulativeRewardsIncrement(
  split: Pick<RewardSplit, 'commission' | 'delegatorsRewards'>,
  activeCumulativeRewards: bigint,
  poolTotalStake: bigint,
): bigint {
  return add(transcoderRewardStakeRewards(split.delegatorsRewards, activeCumulativeRewards, poolTotalStake), split.commission);
}

/** Increment of Transcoder.cumulativeFees on fees (ETH-wei): reward-stake fees + fee commission. */
export function cumulativeFeesIncrement(
  fees: bigint,
  feeShare: bigint,
  activeCumulativeRewards: bigint,
  poolTotalStake: bigint,
): bigint {
  const { delegatorsFees, transcoderCommissionFees } = splitFees(fees, feeShare);
  return add(transcoderRewardStakeFees(delegatorsFees, activeCumulativeRewards, poolTotalStake), transcoderCommissionFees);
}

/** Stake (LPT-wei) grown from startPool to endPool: stake * floor(endCRF * 1e27 / startCRF) / 1e27, zero CRFs = 1e27. */
export function delegatorCumulativeStake(startPool: CumulativeFactors, endPool: CumulativeFactors, stake: bigint): bigint {
  return percOf(stake, crfOrOne(endPool.cumulativeRewardFactor), crfOrOne(startPool.cumulativeRewardFactor), PRECISE_PERC_DIVISOR);
}

/** Fees (ETH-wei) = fees + stake * floor((endCFF - startCFF) * 1e27 / startCRF) / 1e27; reverts if endCFF < startCFF as the contract. */
export function delegatorCumulativeFees(
  startPool: CumulativeFactors,
  endPool: CumulativeFactors,
  stake: bigint,
  fees: bigint,
): bigint {
  const earned = percOf(
    stake,
    sub(endPool.cumulativeFeeFactor, startPool.cumulativeFeeFactor),
    crfOrOne(startPool.cumulativeRewardFactor),
    PRECISE_PERC_DIVISOR,
  );
  return add(fees, earned);
}

/** EarningsPoolLIP36.delegatorCumulativeStakeAndFees: stake in LPT-wei, fees in ETH-wei. */
export function delegatorCumulativeStakeAndFees(
  startPool: CumulativeFactors,
  endPool: CumulativeFactors,
  stake: bigint,
  fees: bigint,
): { stake: bigint; fees: bigint } {
  return {
    stake: delegatorCumulativeStake(startPool, endPool, stake),
    fees: delegatorCumulativeFees(startPool, endPool, stake, fees),
  };
}

/** Inputs of BondingManager.pendingStakeAndFees, with the pools already resolved by the caller. */
export interface PendingInputs {
  /** Delegator.bondedAmount (LPT-wei). */
  bondedAmount: bigint;
  /** Delegator.fees (ETH-wei). */
  fees: bigint;
  /** Delegator.lastClaimRound (rounds). */
  lastClaimRound: bigint;
  /** Round to claim through, normally the current round (rounds). */
  endRound: bigint;
  /** Raw pool of the delegate at lastClaimRound (no fallback). */
  startPool: CumulativeFactors;
  /** latestCumulativeFactorsPool(delegate, endRound): falls back to lastRewardRound/lastFeeRound pools. */
  endPool: CumulativeFactors;
  /** True when the delegator is its own delegate (an orchestrator). */
  isTranscoder: boolean;
  /** Transcoder.cumulativeRewards (LPT-wei), used only when isTranscoder. */
  transcoderCumulativeRewards: bigint;
  /** Transcoder.cumulativeFees (ETH-wei), used only when isTranscoder. */
  transcoderCumulativeFees: bigint;
}

/** Pending stake (LPT-wei) and fees (ETH-wei) as BondingManager.pendingStakeAndFees, incl. the orchestrator's own cumulative earnings. */
export function pendingStakeAndFees(p: PendingInputs): { stake: bigint; fees: bigint } {
  let stake = p.bondedAmount;
  let fees = p.fees;
  if (p.lastClaimRound + 1n <= p.endRound) {
    ({ stake, fees } = delegatorCumulativeStakeAndFees(p.startPool, p.endPool, stake, fees));
  }
  // The orchestrator's share of its own pool is tracked outside the factors (cumulativeRewards/Fees),
  // because the CRF rewards its bondedAmount only, not the rewards it has not claimed yet.
  if (p.isTranscoder) {
    stake = add(stake, p.transcoderCumulativeRewards);
    fees = add(fees, p.transcoderCumulativeFees);
  }
  return { stake, fees };
}

/** Inputs of the retroactive CRF estimate used by updateTranscoderWithFees when round-1 has no CRF. */
export interface MissedRewardEstimateInputs {
  /** Minter.currentMintableTokens() + currentMintedTokens() (LPT-wei): the round's whole reward budget, minted or not. */
  roundRewardTokens: bigint;
  /** Current round's pool totalStake (LPT-wei). */
  poolTotalStake: bigint;
  /** BondingManager.currentRoundTotalActiveStake (LPT-wei). */
  currentRoundTotalActiveStake: bigint;
  /** treasuryRewardCutRate (per 1e27). */
  treasuryRewardCutRate: bigint;
  /** Current pool's transcoderRewardCut (per 1e6). */
  rewardCut: bigint;
  /** Current round's pool CRF (per 1e27), set by this round's reward call. */
  currentCumulativeRewardFactor: bigint;
}

/**
 * Estimated CRF of round-1 (per 1e27) when the orchestrator rewarded this round but not the previous one:
 * currentCRF * floor(S * 1e27 / (delegatorsRewards + S)) / 1e27. Note: rewards are re-derived at 1e27 precision
 * here, not with the Minter's 1e9, so they can differ from the Reward event by a few wei.
 */
export function estimateMissedRewardFactor(p: MissedRewardEstimateInputs): bigint {
  const rewards = percOf(p.roundRewardTokens, p.poolTotalStake, p.currentRoundTotalActiveStake, PRECISE_PERC_DIVISOR);
  const treasuryRewards = percOfPerc(rewards, p.treasuryRewardCutRate, PRECISE_PERC_DIVISOR);
  const afterTreasury = sub(rewards, treasuryRewards);
  const commission = percOfPerc(afterTreasury, p.rewardCut, PERC_DIVISOR);
  const delegatorsRewards = sub(afterTreasury, commission);
  return percOf(p.currentCumulativeRewardFactor, p.poolTotalStake, add(delegatorsRewards, p.poolTotalStake), PRECISE_PERC_DIVISOR);
}
