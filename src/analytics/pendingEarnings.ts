import { sql } from 'kysely';
import { delegatorCumulativeStakeAndFees, type CumulativeFactors } from '../protocol/index.js';
import { fromNumeric } from '../store/amounts.js';
import type { Db } from '../read/db.js';
import { latestRound } from '../read/rounds.js';

export interface PendingEarnings {
  delegator: string;
  delegate: string;
  bondedAmount: bigint; // LPT-wei, as of the last claim
  pendingStake: bigint; // LPT-wei, bonded + unclaimed rewards through endRound
  pendingFees: bigint; // ETH-wei, withdrawable + unclaimed fees through endRound
  lastClaimRound: bigint;
  endRound: bigint;
}

const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * Pending stake (LPT-wei) and fees (ETH-wei) of every delegator (or one) through `endRound`, from the
 * stored earnings-pool factors (docs/protocol.md §7), exactly as BondingManager.pendingStake/pendingFees compute them.
 * `endRound` defaults to the last initialized round; the orchestrator's own cumulative rewards and
 * fees are included only then, as the contract does.
 */
export async function pendingEarnings(db: Db, opts: { delegator?: string; endRound?: bigint } = {}): Promise<PendingEarnings[]> {
  const current = await latestRound(db);
  const endRound = opts.endRound ?? current;
  const dels = opts.delegator
    ? await sql<Record<string, string>>`select * from delegator where address = ${opts.delegator.toLowerCase()}`.execute(db)
    : await sql<Record<string, string>>`select * from delegator`.execute(db);
  const delegates = [...new Set(dels.rows.map((d) => d.delegate!).filter((d) => d !== ZERO))];
  if (delegates.length === 0) return dels.rows.map((d) => plain(d, endRound));
  const trs = await sql<Record<string, string>>`select address, last_reward_round, last_fee_round, cumulative_rewards, cumulative_fees from transcoder where address in (${sql.join(delegates)})`.execute(db);
  const tmap = new Map(trs.rows.map((t) => [t.address!, t]));
  // Pools needed: each delegator's start pool (its lastClaimRound) and each delegate's end pool with fallbacks.
  const pools = await sql<Record<string, string>>`
    select transcoder, round, cumulative_reward_factor, cumulative_fee_factor from earnings_pool
    where transcoder in (${sql.join(delegates)}) and round <= ${endRound.toString()}`.execute(db);
  const pmap = new Map<string, CumulativeFactors>();
  for (const p of pools.rows) {
    pmap.set(`${p.transcoder}|${p.round}`, { cumulativeRewardFactor: fromNumeric(p.cumulative_reward_factor!), cumulativeFeeFactor: fromNumeric(p.cumulative_fee_factor!) });
  }
  const factors = (t: string, r: bigint): CumulativeFactors => pmap.get(`${t}|${r}`) ?? { cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n };
  const latest = (t: string, r: bigint): CumulativeFactors => {
    const f = { ...factors(t, r) };
    const tr = tmap.get(t);
    const lrr = tr ? BigInt(tr.last_reward_round!) : 0n;
    const lfr = tr ? BigInt(tr.last_fee_round!) : 0n;
    if (f.cumulativeRewardFactor === 0n && lrr < r) f.cumulativeRewardFactor = factors(t, lrr).cumulativeRewardFactor;
    if (f.cumulativeFeeFactor === 0n && lfr < r) f.cumulativeFeeFactor = factors(t, lfr).cumulativeFeeFactor;
    return f;
  };
  return dels.rows.map((d) => {
    const base = plain(d, endRound);
    const delegate = d.delegate!;
    if (delegate === ZERO) return base;
    let stake = base.bondedAmount;
    let fees = base.pendingFees;
    if (base.lastClaimRound + 1n <= endRound) {
      ({ stake, fees } = delegatorCumulativeStakeAndFees(factors(delegate, base.lastClaimRound), latest(delegate, endRound), stake, fees));
    }
    if (d.address === delegate && endRound === current) {
      const t = tmap.get(delegate);
      if (t) {
        stake += fromNumeric(t.cumulative_rewards!);
        fees += fromNumeric(t.cumulative_fees!);
      }
    }
    return { ...base, pendingStake: stake, pendingFees: fees };
  });
}

function plain(d: Record<string, string>, endRound: bigint): PendingEarnings {
  return {
    delegator: d.address!,
    delegate: d.delegate!,
    bondedAmount: fromNumeric(d.bonded_amount!),
    pendingStake: fromNumeric(d.bonded_amount!),
    pendingFees: fromNumeric(d.fees!),
    lastClaimRound: BigInt(d.last_claim_round!),
    endRound,
  };
}
