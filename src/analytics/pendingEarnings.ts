import { delegatorCumulativeStakeAndFees, type CumulativeFactors } from '../protocol/index.js';
import type { Db } from '../read/db.js';
import { allDelegators, delegatorRecord, ZERO_ADDRESS, type DelegatorRecord } from '../read/delegators.js';
import { allTranscoders, type TranscoderRow } from '../read/orchestrators.js';
import { poolsByTranscoder, type PoolFactorRow } from '../read/pools.js';
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

/**
 * Pending stake (LPT-wei) and fees (ETH-wei) of every delegator (or one) through `endRound`, from the
 * stored earnings-pool factors (docs/protocol.md §7), exactly as BondingManager.pendingStake/pendingFees compute them.
 * `endRound` defaults to the last initialized round; the orchestrator's own cumulative rewards and
 * fees are included only then, as the contract does.
 */
export async function pendingEarnings(db: Db, opts: { delegator?: string; endRound?: bigint } = {}): Promise<PendingEarnings[]> {
  const current = await latestRound(db);
  const endRound = opts.endRound ?? current;
  const one = opts.delegator === undefined ? undefined : await delegatorRecord(db, opts.delegator.toLowerCase());
  const delegators = one === undefined ? await allDelegators(db) : one ? [one] : [];
  const delegates = [...new Set(delegators.flatMap((d) => (d.delegate === null ? [] : [d.delegate])))];
  if (delegates.length === 0) return pendingEarningsOf(delegators, [], new Map(), endRound, current);
  // Pools needed: each delegator's start pool (its lastClaimRound) and each delegate's end pool with fallbacks.
  const [transcoders, pools] = await Promise.all([allTranscoders(db, delegates), poolsByTranscoder(db, delegates, endRound)]);
  return pendingEarningsOf(delegators, transcoders, pools, endRound, current);
}

/**
 * BondingManager.pendingStake/pendingFees (LPT-wei / ETH-wei) of each delegator through `endRound`, given its
 * delegates' transcoder records and their pools up to `endRound`; `currentRound` is the last initialized round.
 */
export function pendingEarningsOf(
  delegators: readonly DelegatorRecord[],
  transcoders: readonly TranscoderRow[],
  pools: ReadonlyMap<string, readonly PoolFactorRow[]>,
  endRound: bigint,
  currentRound: bigint,
): PendingEarnings[] {
  const tmap = new Map(transcoders.map((t) => [t.address, t]));
  const pmap = new Map<string, CumulativeFactors>();
  for (const [t, list] of pools) for (const p of list) pmap.set(`${t}|${p.round}`, { cumulativeRewardFactor: p.crf, cumulativeFeeFactor: p.cff });
  const factors = (t: string, r: bigint): CumulativeFactors => pmap.get(`${t}|${r}`) ?? { cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n };
  // BondingManager.latestCumulativeFactorsPool: a pool without factors falls back to the last reward / fee round's.
  const latest = (t: string, r: bigint): CumulativeFactors => {
    const f = { ...factors(t, r) };
    const tr = tmap.get(t);
    const lrr = tr ? tr.lastRewardRound : 0n;
    const lfr = tr ? tr.lastFeeRound : 0n;
    if (f.cumulativeRewardFactor === 0n && lrr < r) f.cumulativeRewardFactor = factors(t, lrr).cumulativeRewardFactor;
    if (f.cumulativeFeeFactor === 0n && lfr < r) f.cumulativeFeeFactor = factors(t, lfr).cumulativeFeeFactor;
    return f;
  };
  return delegators.map((d) => {
    const base: PendingEarnings = {
      delegator: d.address,
      delegate: d.delegate ?? ZERO_ADDRESS,
      bondedAmount: d.bondedAmount,
      pendingStake: d.bondedAmount,
      pendingFees: d.fees,
      lastClaimRound: d.lastClaimRound,
      endRound,
    };
    const delegate = d.delegate;
    if (delegate === null) return base;
    let stake = base.bondedAmount;
    let fees = base.pendingFees;
    if (base.lastClaimRound + 1n <= endRound) {
      ({ stake, fees } = delegatorCumulativeStakeAndFees(factors(delegate, base.lastClaimRound), latest(delegate, endRound), stake, fees));
    }
    if (d.address === delegate && endRound === currentRound) {
      const t = tmap.get(delegate);
      if (t) {
        stake += t.cumulativeRewards;
        fees += t.cumulativeFees;
      }
    }
    return { ...base, pendingStake: stake, pendingFees: fees };
  });
}
