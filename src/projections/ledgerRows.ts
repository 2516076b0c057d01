import type { BondingLedger } from '../protocol/index.js';
import type { DelegatorTableRow, EarningsPoolTableRow, PoolPaymentRow, TranscoderTableRow } from './rows.js';

// The rows of the ledger-backed tables (transcoder, delegator, earnings_pool) as the mirror holds them now: one
// builder for the batch's current rows and for the per-block history images.

/** BondingManager.getTranscoder plus the total stake (delegatedAmount of its own delegator record). */
export function transcoderRow(ledger: BondingLedger, address: string, updatedBlock: number): TranscoderTableRow {
  const t = ledger.getTranscoder(address as `0x${string}`);
  return {
    address,
    last_reward_round: t.lastRewardRound,
    reward_cut: t.rewardCut,
    fee_share: t.feeShare,
    last_active_stake_update_round: t.lastActiveStakeUpdateRound,
    activation_round: t.activationRound,
    deactivation_round: t.deactivationRound,
    active_cumulative_rewards: t.activeCumulativeRewards,
    cumulative_rewards: t.cumulativeRewards,
    cumulative_fees: t.cumulativeFees,
    last_fee_round: t.lastFeeRound,
    total_stake: ledger.transcoderTotalStake(address as `0x${string}`),
    updated_block: updatedBlock,
  };
}

/** BondingManager.getDelegator with its open unbonding locks. */
export function delegatorRow(ledger: BondingLedger, address: string, updatedBlock: number): DelegatorTableRow {
  const d = ledger.getDelegator(address as `0x${string}`);
  return {
    address,
    bonded_amount: d.bondedAmount,
    fees: d.fees,
    delegate: d.delegateAddress,
    delegated_amount: d.delegatedAmount,
    start_round: d.startRound,
    last_claim_round: d.lastClaimRound,
    next_unbonding_lock_id: d.nextUnbondingLockId,
    unbonding_locks: [...d.unbondingLocks.entries()].map(([id, l]) => ({ id: id.toString(), amount: l.amount.toString(), withdrawRound: l.withdrawRound.toString() })),
    updated_block: updatedBlock,
  };
}

/** The contract's earnings pool of (transcoder, round) with what was paid into it. */
export function earningsPoolRow(ledger: BondingLedger, transcoder: string, round: bigint, pay: PoolPaymentRow | undefined): EarningsPoolTableRow {
  const pool = ledger.getEarningsPool(transcoder as `0x${string}`, round);
  return {
    transcoder,
    round,
    total_stake: pool.totalStake,
    reward_cut: pool.transcoderRewardCut,
    fee_share: pool.transcoderFeeShare,
    cumulative_reward_factor: pool.cumulativeRewardFactor,
    cumulative_fee_factor: pool.cumulativeFeeFactor,
    rewards: pay?.rewards ?? 0n,
    treasury_rewards: pay?.treasury_rewards ?? 0n,
    fees: pay?.fees ?? 0n,
  };
}
