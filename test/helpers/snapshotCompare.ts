import { sql } from 'kysely';
import { pendingEarnings } from '../../src/analytics/pendingEarnings.js';
import type { Snapshot } from '../../src/sim/groundTruth.js';
import type { TestDb } from './db.js';

export interface Mismatch {
  round: number;
  what: string;
  expected: string;
  actual: string;
}

/** Compares the indexed delegators (with pending stake and fees) and transcoders with a simulator snapshot, to the wei; returns how many values it checked. */
export async function compareWithSnapshot(db: TestDb, snap: Snapshot, out: Mismatch[]): Promise<number> {
  let checked = 0;
  const bad = (what: string, expected: unknown, actual: unknown) => {
    if (out.length < 50) out.push({ round: snap.round, what, expected: String(expected), actual: String(actual) });
  };
  const compare = (who: string, pairs: [string, bigint | string, bigint | string][]) => {
    for (const [f, e, got] of pairs) {
      checked++;
      if (e !== got) bad(`${who}.${f}`, e, got);
    }
  };
  const pending = new Map((await pendingEarnings(db.db)).map((p) => [p.delegator, p]));
  const rows = new Map((await sql<Record<string, string>>`select * from delegator`.execute(db.db)).rows.map((r) => [r.address!, r]));
  for (const [addr, truth] of Object.entries(snap.delegators)) {
    const a = addr.toLowerCase();
    const p = pending.get(a);
    const r = rows.get(a);
    if (!p || !r) {
      bad(`delegator ${a} missing`, 'a row', 'none');
      continue;
    }
    compare(`delegator ${a}`, [
      ['pendingStake', truth.pendingStake, p.pendingStake],
      ['pendingFees', truth.pendingFees, p.pendingFees],
      ['bondedAmount', truth.bondedAmount, BigInt(r.bonded_amount!)],
      ['fees', truth.fees, BigInt(r.fees!)],
      ['delegate', truth.delegateAddress.toLowerCase(), r.delegate!],
      ['delegatedAmount', truth.delegatedAmount, BigInt(r.delegated_amount!)],
      ['startRound', truth.startRound, BigInt(r.start_round!)],
      ['lastClaimRound', truth.lastClaimRound, BigInt(r.last_claim_round!)],
      ['nextUnbondingLockId', truth.nextUnbondingLockId, BigInt(r.next_unbonding_lock_id!)],
    ]);
  }
  const trs = new Map((await sql<Record<string, string>>`select * from transcoder`.execute(db.db)).rows.map((r) => [r.address!, r]));
  for (const [addr, truth] of Object.entries(snap.transcoders)) {
    if (truth.activationRound === 0n && truth.lastRewardRound === 0n && truth.totalStake === 0n) continue;
    const r = trs.get(addr.toLowerCase());
    if (!r) {
      bad(`transcoder ${addr} missing`, 'a row', 'none');
      continue;
    }
    compare(`transcoder ${addr}`, [
      ['lastRewardRound', truth.lastRewardRound, BigInt(r.last_reward_round!)],
      ['rewardCut', truth.rewardCut, BigInt(r.reward_cut!)],
      ['feeShare', truth.feeShare, BigInt(r.fee_share!)],
      ['activationRound', truth.activationRound, BigInt(r.activation_round!)],
      ['deactivationRound', truth.deactivationRound, BigInt(r.deactivation_round!)],
      ['cumulativeRewards', truth.cumulativeRewards, BigInt(r.cumulative_rewards!)],
      ['cumulativeFees', truth.cumulativeFees, BigInt(r.cumulative_fees!)],
      ['lastFeeRound', truth.lastFeeRound, BigInt(r.last_fee_round!)],
      ['totalStake', truth.totalStake, BigInt(r.total_stake!)],
    ]);
  }
  return checked;
}
