// Forward yield of delegating to one orchestrator, with every assumption explicit: issuance paths (inflation and
// participation), the orchestrator's reward-call probability, its cuts, trailing fees, the treasury cut and the
// delegator's share of the pool after bonding.
import { fanOf, seededUniform, type Fan } from './random.js';
import type { IssuancePath } from './issuanceForecast.js';

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
 * at random × feeShare × amount/(pool + amount). Rewards compound, as CRF does.
 */
export function forwardYield(paths: readonly IssuancePath[], a: ForwardYieldAssumptions, seed = 7): ForwardYieldStep[] {
  const rand = seededUniform(seed);
  const steps = paths[0]?.inflation.length ?? 0;
  const share = a.amount > 0 ? a.amount / (a.poolStake + a.amount) : 0;
  const keep = (1 - a.treasuryCut) * (1 - a.rewardCut / 1e6);
  const rewards: number[][] = Array.from({ length: steps }, () => []);
  const fees: number[][] = Array.from({ length: steps }, () => []);
  for (const p of paths) {
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
 * Point estimate of expected net reward yield over `rounds` rounds (fraction): the mean-path growth with the
 * call probability as expected value, minus rounds spent not earning (e.g. the unbonding period when switching).
 */
export function expectedRewardYield(inflationPpb: number, participation: number, a: Pick<ForwardYieldAssumptions, 'rewardCallProbability' | 'rewardCut' | 'treasuryCut'>, rounds: number): number {
  if (rounds <= 0 || participation <= 0) return 0;
  const perRound = ((inflationPpb / 1e9) * (1 - a.treasuryCut) * (1 - a.rewardCut / 1e6) * a.rewardCallProbability) / participation;
  return Math.pow(1 + perRound, rounds) - 1;
}
