// Forward yield of delegating to one orchestrator, with every assumption explicit: issuance paths (inflation and
// participation), the orchestrator's reward-call probability, its cuts, trailing fees, the treasury cut and the
// delegator's share of the pool after bonding.
import { simulateIssuance, type IssuanceAssumptions, type IssuancePath } from './issuanceForecast.js';
import { fanOf, seededUniform, type Fan } from './random.js';
import { trailingWindow, type RoundTime } from './yields.js';

/** The assumptions of one forward-yield estimate; all shown to the user. */
export interface ForwardYieldAssumptions {
  /** Probability the orchestrator calls reward in a round (reward calls / active rounds, trailing). */
  rewardCallProbability: number;
  /** Share of rewards the orchestrator keeps, parts per 1e6. */
  rewardCut: number;
  /** Share of fees delegators get, parts per 1e6. */
  feeShare: number;
  /** Treasury cut of minted rewards (0..1). */
  treasuryCut: number;
  /** Pool stake before the delegation, LPT. */
  poolStake: number;
  /** Amount to delegate, LPT. */
  amount: number;
  /** Fees paid into the pool per round over the trailing window, ETH; resampled per round for the fan. */
  feesPerRound: number[];
}

/** Per-round fan of cumulative earnings for the delegated amount. */
export interface ForwardYieldStep {
  round: number;
  /** Cumulative LPT earned as a fraction of the amount. */
  rewardYield: Fan;
  /** Cumulative ETH fees earned for the amount. */
  feesEth: Fan;
}

/**
 * Fan of forward yield for `amount` LPT: on each issuance path and round, a reward call happens with the call
 * probability and adds inflation/participation × (1 − treasury cut) × (1 − rewardCut) per bonded LPT (the pool's
 * share of mintable is stake/totalActiveStake, so pool size cancels); fees are one of the trailing rounds' fees drawn
 * at random × feeShare × amount/(pool + amount). Rewards compound, as CRF does. Each path draws from its own
 * generator, so the first k rounds of a fan do not depend on how far it runs.
 */
export function forwardYield(paths: readonly IssuancePath[], a: ForwardYieldAssumptions, seed = 7): ForwardYieldStep[] {
  const steps = paths[0]?.inflation.length ?? 0;
  const share = a.amount > 0 ? a.amount / (a.poolStake + a.amount) : 0;
  const keep = (1 - a.treasuryCut) * (1 - a.rewardCut / 1e6);
  const rewards: number[][] = Array.from({ length: steps }, () => []);
  const fees: number[][] = Array.from({ length: steps }, () => []);
  for (const [i, p] of paths.entries()) {
    const rand = seededUniform(seed * 7919 + i);
    let growth = 1;
    let eth = 0;
    for (let k = 0; k < steps; k++) {
      if (rand() < a.rewardCallProbability) growth *= 1 + ((p.inflation[k]! / 1e9) * keep) / Math.max(1e-6, p.participation[k]!);
      if (a.feesPerRound.length > 0) {
        const f = a.feesPerRound[Math.floor(rand() * a.feesPerRound.length)]!;
        // Fees accrue per bonded LPT, so compounded stake earns proportionally more.
        eth += f * (a.feeShare / 1e6) * share * growth;
      }
      rewards[k]!.push(growth - 1);
      fees[k]!.push(eth);
    }
  }
  return rewards.map((r, k) => ({ round: k + 1, rewardYield: fanOf(r), feesEth: fanOf(fees[k]!) }));
}

/**
 * The one forward-yield model: the issuance paths (their number and seed) and the draw seed every forward
 * question is answered with, so the forward fan of one orchestrator and the recommender's ranking of all of
 * them give the same percentiles for the same orchestrator, amount and horizon.
 */
export const FORWARD_MODEL = { paths: 300, issuanceSeed: 11, drawSeed: 7, feesTrailingDays: 30, maxRounds: 730 } as const;

/**
 * The issuance paths (one step per round) every forward-yield estimate over `rounds` rounds draws from: the
 * first `rounds` steps of the model's longest paths, so a shorter horizon is a prefix of a longer one.
 */
export function forwardIssuancePaths(a: IssuanceAssumptions, rounds: number): IssuancePath[] {
  if (rounds > FORWARD_MODEL.maxRounds) throw new RangeError(`forward horizon above ${FORWARD_MODEL.maxRounds} rounds`);
  return simulateIssuance({ ...a, roundsPerStep: 1 }, FORWARD_MODEL.maxRounds, FORWARD_MODEL.paths, FORWARD_MODEL.issuanceSeed).map((p) => ({
    inflation: p.inflation.slice(0, rounds),
    participation: p.participation.slice(0, rounds),
    supply: p.supply.slice(0, rounds),
  }));
}

/** Forward-yield fan of `a` over the model's issuance paths, with the model's draw seed. */
export function forwardYieldOf(paths: readonly IssuancePath[], a: ForwardYieldAssumptions): ForwardYieldStep[] {
  return forwardYield(paths, a, FORWARD_MODEL.drawSeed);
}

/**
 * ETH paid into one pool in each round of the trailing window (rounds after the window's start round up to the
 * last), 0 for rounds without fees: the fee sample the forward model draws from. `pools` sorted by round.
 */
export function trailingFeesPerRound(rounds: readonly RoundTime[], pools: readonly { round: bigint; fees: bigint }[], days: number = FORWARD_MODEL.feesTrailingDays): number[] {
  const w = trailingWindow(rounds, days);
  if (!w) return [];
  const feeByRound = new Map(pools.map((p) => [p.round, p.fees]));
  return rounds.filter((r) => r.round > w.startRound && r.round <= w.endRound).map((r) => Number(feeByRound.get(r.round) ?? 0n) / 1e18);
}
