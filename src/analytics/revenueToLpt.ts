import type { PriceBook } from '../prices/lookup.js';
import type { Db } from '../read/db.js';
import { allRounds } from '../read/rounds.js';
import type { IncomeItem } from './income.js';

const WEI = 10n ** 18n;
const PPB = 1_000_000_000n;

/** One round's protocol totals as revenue and dilution inputs (LPT-wei / ETH-wei). */
export interface RoundTotals {
  round: number;
  time: number;
  totalActiveStake: bigint;
  supply: bigint;
  rewards: bigint;
  treasuryRewards: bigint;
  fees: bigint;
  inflationPpb: bigint;
  mintable: bigint;
  treasuryRewardCutRate: bigint;
}

/** Round totals of [fromRound, toRound], oldest first. */
export async function roundTotals(db: Db, fromRound: number, toRound: number): Promise<RoundTotals[]> {
  return (await allRounds(db, { from: BigInt(fromRound), to: BigInt(toRound) })).map((r) => ({
    round: Number(r.round),
    time: r.blockTime,
    totalActiveStake: r.totalActiveStake,
    supply: r.l2Supply + (r.l1Supply ?? 0n),
    rewards: r.rewards,
    treasuryRewards: r.treasuryRewards,
    fees: r.fees,
    inflationPpb: r.inflation,
    mintable: r.mintable,
    treasuryRewardCutRate: r.treasuryRewardCutRate,
  }));
}

/**
 * "Revenue dividends" of one round: the ETH fees paid to stakers (the delegators' share of every
 * payment) per staked LPT, and the issuance-adjusted (real) yield of holding staked LPT that round.
 */
export interface RoundRevenue {
  round: number;
  time: number;
  /** ETH-wei paid to stakers (delegator share of fees). */
  feesToStakers: bigint;
  /** ETH-wei per whole staked LPT: feesToStakers × 1e18 / totalActiveStake, floored. */
  dividendWeiPerLpt: bigint;
  /** The same per LPT in 1e-8 USD at the round's time (null without prices). */
  dividendUsdE8PerLpt: bigint | null;
  /** Stake growth from rewards: rewards / totalActiveStake (fraction per round). */
  rewardYield: number;
  /** Supply growth: (rewards + treasury rewards) / supply. */
  dilution: number;
  /** Fee income as a fraction of the stake's value: feesToStakers (ETH) / (stake in ETH at the round's LPT/ETH); null without a price. */
  feeYield: number | null;
  /** (1 + rewardYield + feeYield) / (1 + dilution) − 1: what a staker gains against the whole supply. */
  realYield: number | null;
}

/** Per-round revenue to stakers from round totals and the split fee items of those rounds. */
export function revenueByRound(rounds: readonly RoundTotals[], items: readonly IncomeItem[], book: PriceBook): RoundRevenue[] {
  const shared = new Map<number, bigint>();
  for (const i of items) if (i.kind === 'fee') shared.set(i.round, (shared.get(i.round) ?? 0n) + i.shared);
  return rounds.map((r) => {
    const feesToStakers = shared.get(r.round) ?? 0n;
    const dividendWeiPerLpt = r.totalActiveStake > 0n ? (feesToStakers * WEI) / r.totalActiveStake : 0n;
    const rewardYield = frac(r.rewards, r.totalActiveStake);
    const dilution = frac(r.rewards + r.treasuryRewards, r.supply);
    const lptEth = book.at('LPT/ETH', r.time);
    const stakeEthWei = lptEth ? (r.totalActiveStake * lptEth.num) / lptEth.den : null;
    const feeYield = stakeEthWei && stakeEthWei > 0n ? frac(feesToStakers, stakeEthWei) : null;
    return {
      round: r.round,
      time: r.time,
      feesToStakers,
      dividendWeiPerLpt,
      dividendUsdE8PerLpt: book.usdE8(dividendWeiPerLpt, 'ETH', r.time),
      rewardYield,
      dilution,
      feeYield,
      realYield: feeYield === null ? null : (1 + rewardYield + feeYield) / (1 + dilution) - 1,
    };
  });
}

/** a / b as a float through a 1e18-scaled integer (exact inputs, float only for the ratio). */
function frac(a: bigint, b: bigint): number {
  if (b === 0n) return 0;
  return Number((a * WEI) / b) / 1e18;
}

/** Compounds a per-round rate over a year of rounds: (1 + r)^n − 1. */
export function annualize(perRound: number, roundsPerYear: number): number {
  return Math.pow(1 + perRound, roundsPerYear) - 1;
}

/** Median seconds between consecutive round starts (the default L1 round length × 12 s when unknown). */
export function roundSeconds(rounds: readonly { time: number }[]): number {
  const gaps = rounds.slice(1).map((r, i) => r.time - rounds[i]!.time).filter((g) => g > 0).sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : 6377 * 12;
}

/** The staking-tracker feed (format documented in src/api/routes/economics.ts). */
export interface StakingFeed {
  round: number;
  time: number;
  totalStaked: bigint;
  totalSupply: bigint;
  stakingRatio: number;
  inflationPpbPerRound: bigint;
  inflationAnnual: number;
  /** Reward rate a staker gets if every orchestrator calls reward: mintable × (1 − treasury cut) / stake, per round. */
  rewardRatePerRound: number;
  rewardRateAnnual: number;
  /** Realised over the last rounds: rewards / stake, compounded to a year. */
  realizedRewardRateAnnual: number;
  unbondingPeriodRounds: number;
  roundSeconds: number;
  treasuryRewardCut: number;
}

/** Builds the feed from the last rounds (at most 30 for realised rates) and the unbonding period. */
export function stakingFeed(rounds: readonly RoundTotals[], unbondingPeriodRounds: number): StakingFeed | null {
  const last = rounds.at(-1);
  if (!last) return null;
  const secs = roundSeconds(rounds);
  const perYear = (365 * 86_400) / secs;
  const cut = Number((last.treasuryRewardCutRate * 1_000_000n) / 10n ** 27n) / 1e6;
  const rewardRatePerRound = frac((last.mintable * (10n ** 27n - last.treasuryRewardCutRate)) / 10n ** 27n, last.totalActiveStake);
  const recent = rounds.slice(-30);
  const realized = recent.reduce((acc, r) => acc * (1 + frac(r.rewards, r.totalActiveStake)), 1);
  return {
    round: last.round,
    time: last.time,
    totalStaked: last.totalActiveStake,
    totalSupply: last.supply,
    stakingRatio: frac(last.totalActiveStake, last.supply),
    inflationPpbPerRound: last.inflationPpb,
    inflationAnnual: annualize(Number(last.inflationPpb) / Number(PPB), perYear),
    rewardRatePerRound,
    rewardRateAnnual: annualize(rewardRatePerRound, perYear),
    realizedRewardRateAnnual: Math.pow(realized, perYear / recent.length) - 1,
    unbondingPeriodRounds,
    roundSeconds: secs,
    treasuryRewardCut: cut,
  };
}

