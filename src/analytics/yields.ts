// Realized yields from the stored earnings-pool factors (EarningsPoolLIP36, docs/protocol.md §7): what one LPT delegated to a pool
// actually earned between two rounds, and what one delegator actually earned inside a time window.
import { crfOrOne, type CumulativeFactors } from '../protocol/earnings.js';
import { PRECISE_PERC_DIVISOR } from '../protocol/precision.js';

const ONE = 10n ** 18n;

/** One stored earnings pool of an orchestrator: factors as written (0 = not written that round). */
export interface PoolFactors {
  round: bigint;
  /** Cumulative reward factor, parts per 1e27 (0 = unset). */
  crf: bigint;
  /** Cumulative fee factor, parts per 1e27 (0 = unset). */
  cff: bigint;
}

/**
 * Factors in force at the end of `round` (parts per 1e27): the latest written CRF and CFF at or before it,
 * which is what BondingManager's latestCumulativeFactorsPool falls back to. `pools` must be sorted by round.
 */
export function factorsAt(pools: readonly PoolFactors[], round: bigint): CumulativeFactors {
  let crf = 0n;
  let cff = 0n;
  for (const p of pools) {
    if (p.round > round) break;
    if (p.crf !== 0n) crf = p.crf;
    if (p.cff !== 0n) cff = p.cff;
  }
  return { cumulativeRewardFactor: crf, cumulativeFeeFactor: cff };
}

/** What one LPT bonded at the start earned: rewards in LPT-wei per LPT (1e18) and fees in ETH-wei per LPT. */
export interface PoolReturn {
  /** LPT-wei of reward stake earned per 1 LPT (1e18 LPT-wei) staked at the start. */
  rewardPerLpt: bigint;
  /** ETH-wei of fees earned per 1 LPT (1e18 LPT-wei) staked at the start. */
  feesPerLpt: bigint;
}

/**
 * Return of one delegated LPT from the end of round S to the end of round E (rewards of rounds S+1..E), from the
 * factors in force at S and E: reward (CRF_E − CRF_S)/CRF_S, fees (CFF_E − CFF_S)/CRF_S, both per 1e18 LPT-wei.
 */
export function poolReturn(start: CumulativeFactors, end: CumulativeFactors): PoolReturn {
  const s = crfOrOne(start.cumulativeRewardFactor);
  const e = crfOrOne(end.cumulativeRewardFactor);
  const dCff = end.cumulativeFeeFactor - start.cumulativeFeeFactor;
  return { rewardPerLpt: ((e - s) * ONE) / s, feesPerLpt: dCff > 0n ? (dCff * ONE) / s : 0n };
}

/** Rate (fraction) from an amount per 1 LPT (1e18 base units); float only at this edge. */
export function perLptRate(perLpt: bigint): number {
  return Number(perLpt) / 1e18;
}

/** Compound a rate earned over `days` to a 365-day rate; null when the window is empty. */
export function annualize(rate: number, days: number): number | null {
  if (!(days > 0)) return null;
  return Math.pow(1 + rate, 365 / days) - 1;
}

/** A round with its start time (unix s). */
export interface RoundTime {
  round: bigint;
  time: number;
}

/** Rounds covering a trailing window of `days` ending at the last round. */
export interface RoundWindow {
  days: number;
  startRound: bigint;
  endRound: bigint;
  /** Days between the start and end rounds' start times. */
  coveredDays: number;
  /** False when the history is shorter than the window (the window starts at the first round). */
  complete: boolean;
}

/**
 * The trailing window of `days` ending at the last round: it starts at the latest round that began at or
 * before end − days (so rewards of the rounds after it are counted), else at the first round. `rounds` sorted.
 */
export function trailingWindow(rounds: readonly RoundTime[], days: number): RoundWindow | null {
  const last = rounds[rounds.length - 1];
  if (!last) return null;
  const from = last.time - days * 86_400;
  let start = rounds[0]!;
  let complete = false;
  for (const r of rounds) {
    if (r.time <= from) {
      start = r;
      complete = true;
    } else break;
  }
  return { days, startRound: start.round, endRound: last.round, coveredDays: (last.time - start.time) / 86_400, complete };
}

/**
 * An EarningsClaimed event: the contract's own computation of rewards (LPT-wei) and fees (ETH-wei) for rounds
 * startRound..endRound inclusive (startRound = the previous lastClaimRound + 1, so factors grow from startRound − 1).
 */
export interface Claim {
  delegate: string;
  startRound: bigint;
  endRound: bigint;
  rewards: bigint;
  fees: bigint;
}

/** A delegator's state as stored (after its last claim). */
export interface DelegatorState {
  delegate: string | null;
  /** LPT-wei as of lastClaimRound. */
  bondedAmount: bigint;
  lastClaimRound: bigint;
}

/** What a delegator earned inside a window: LPT-wei of rewards and ETH-wei of fees. */
export interface DelegatorEarnings {
  rewards: bigint;
  fees: bigint;
}

/** floor(x * 1e27 / y) / 1e27 applied to a, as the contracts scale by factor ratios. */
function scaleBy(a: bigint, num: bigint, den: bigint): bigint {
  return (a * ((num * PRECISE_PERC_DIVISOR) / den)) / PRECISE_PERC_DIVISOR;
}

/**
 * Rewards (LPT-wei) and fees (ETH-wei) a delegator earned in rounds windowStart+1..end: unclaimed earnings of its
 * current bond from max(windowStart, lastClaimRound), plus the part of each EarningsClaimed that falls in the
 * window. A claim straddling a window edge keeps the share of its factor growth inside the window, which is exact
 * because the claimed amount is the principal times that growth.
 */
export function delegatorWindowEarnings(
  state: DelegatorState,
  claims: readonly Claim[],
  poolsOf: (orchestrator: string) => readonly PoolFactors[],
  windowStart: bigint,
  end: bigint,
): DelegatorEarnings {
  let rewards = 0n;
  let fees = 0n;
  if (state.delegate && state.bondedAmount > 0n && state.lastClaimRound < end) {
    const pools = poolsOf(state.delegate);
    const l = factorsAt(pools, state.lastClaimRound);
    const from = windowStart > state.lastClaimRound ? factorsAt(pools, windowStart) : l;
    const to = factorsAt(pools, end);
    const crfL = crfOrOne(l.cumulativeRewardFactor);
    rewards += scaleBy(state.bondedAmount, crfOrOne(to.cumulativeRewardFactor), crfL) - scaleBy(state.bondedAmount, crfOrOne(from.cumulativeRewardFactor), crfL);
    const feeTo = scaleBy(state.bondedAmount, to.cumulativeFeeFactor - l.cumulativeFeeFactor, crfL);
    const feeFrom = from === l ? 0n : scaleBy(state.bondedAmount, from.cumulativeFeeFactor - l.cumulativeFeeFactor, crfL);
    if (feeTo > feeFrom) fees += feeTo - feeFrom;
  }
  for (const c of claims) {
    // The claim's factors grow from base = startRound − 1 to endRound; the window's from windowStart to end.
    const base = c.startRound - 1n;
    const lo = base > windowStart ? base : windowStart;
    const hi = c.endRound < end ? c.endRound : end;
    if (hi <= lo) continue;
    if (lo === base && hi === c.endRound) {
      rewards += c.rewards;
      fees += c.fees;
      continue;
    }
    const pools = poolsOf(c.delegate);
    const s = factorsAt(pools, base);
    const e = factorsAt(pools, c.endRound);
    const from = factorsAt(pools, lo);
    const to = factorsAt(pools, hi);
    const crfSpan = crfOrOne(e.cumulativeRewardFactor) - crfOrOne(s.cumulativeRewardFactor);
    if (crfSpan > 0n) rewards += (c.rewards * (crfOrOne(to.cumulativeRewardFactor) - crfOrOne(from.cumulativeRewardFactor))) / crfSpan;
    const cffSpan = e.cumulativeFeeFactor - s.cumulativeFeeFactor;
    if (cffSpan > 0n) fees += (c.fees * (to.cumulativeFeeFactor - from.cumulativeFeeFactor)) / cffSpan;
  }
  return { rewards, fees };
}

/** A pool's realized yield over a trailing window, annualized, with what the annualization assumes. */
export interface AnnualizedPoolYield {
  window: RoundWindow;
  /** LPT earned per LPT delegated at the window's start (1e18 base units). */
  rewardPerLpt: bigint;
  /** ETH earned per LPT delegated at the window's start (wei per 1e18 LPT base units). */
  feesPerLpt: bigint;
  /** Reward growth compounded to 365 days (fraction); null for an empty window. */
  rewardAnnualized: number | null;
  /** ETH per LPT per year: the window's fees scaled to 365 days (fees are paid out, not compounded); null for an empty window. */
  feesPerLptPerYear: number | null;
  /** Fee yield per year as a fraction of the LPT's value in ETH at `ethPerLpt`; null without a price or window. */
  feeAnnualized: number | null;
}

/**
 * Realized yield of one pool over `w`, annualized as if the window repeated for a year: rewards compound (they
 * are bonded stake), fees scale linearly (paid out in ETH); the fee yield in percent values the LPT at
 * `ethPerLpt` (ETH per LPT, null when no price is known). `pools` sorted by round.
 */
export function annualizedPoolYield(pools: readonly PoolFactors[], w: RoundWindow, ethPerLpt: number | null): AnnualizedPoolYield {
  const ret = poolReturn(factorsAt(pools, w.startRound), factorsAt(pools, w.endRound));
  const days = w.coveredDays;
  const feesPerLptPerYear = days > 0 ? (perLptRate(ret.feesPerLpt) * 365) / days : null;
  return {
    window: w,
    rewardPerLpt: ret.rewardPerLpt,
    feesPerLpt: ret.feesPerLpt,
    rewardAnnualized: annualize(perLptRate(ret.rewardPerLpt), days),
    feesPerLptPerYear,
    feeAnnualized: feesPerLptPerYear !== null && ethPerLpt !== null && ethPerLpt > 0 ? feesPerLptPerYear / ethPerLpt : null,
  };
}
