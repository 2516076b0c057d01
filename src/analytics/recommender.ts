// Delegation recommender: ranks orchestrators by the forward-yield model's median earnings for a given amount and
// horizon, filtered by the user's risk and voting preferences, with the cost of switching from a current orchestrator.
import { forwardYieldOf, type ForwardYieldAssumptions } from './forwardYield.js';
import type { IssuancePath } from './issuanceForecast.js';

/** One candidate orchestrator with what the ranking needs. */
export interface Candidate {
  address: string;
  active: boolean;
  rewardCallProbability: number;
  /** Parts per 1e6. */
  rewardCut: number;
  /** Parts per 1e6. */
  feeShare: number;
  /** Pool stake, LPT. */
  poolStake: number;
  /** ETH paid into the pool in each round of the trailing window (the forward model's fee sample). */
  feesPerRound: number[];
  /** Composite risk score 0..100. */
  riskScore: number;
  /** Share of governor proposals it voted on (0..1); null when there were none. */
  votingRate: number | null;
}

/** What the user asks for. */
export interface RecommendRequest {
  /** LPT to delegate. */
  amount: number;
  horizonRounds: number;
  maxRisk: number;
  /** Minimum share of proposals voted on (0..1). */
  minVotingRate: number;
  /** Issuance paths of the forward model over the horizon (`forwardIssuancePaths`). */
  paths: readonly IssuancePath[];
  treasuryCut: number;
  /** The orchestrator the amount is bonded to now (lower-case), if any. */
  currentDelegate: string | null;
  /** Unbonding period in rounds (7 on Arbitrum). */
  unbondingRounds: number;
}

export interface Recommendation {
  address: string;
  rank: number;
  /** Median (P50) LPT earned over the horizon for the amount. */
  expectedRewardsLpt: number;
  /** Median (P50) ETH fees over the horizon for the amount. */
  expectedFeesEth: number;
  /** Median reward yield over the horizon as a fraction of the amount. */
  rewardYield: number;
  riskScore: number;
  votingRate: number | null;
  /** Rounds without earnings if the move goes through unbond + withdraw + bond instead of a direct re-bond. */
  switchViaUnbondRounds: number;
  /** LPT forgone by moving through an unbonding period rather than re-bonding directly (median). */
  switchViaUnbondCostLpt: number;
}

/** The forward-model assumptions of delegating `amount` LPT to a candidate (its pool holds the amount already if it is the current delegate). */
export function candidateAssumptions(c: Candidate, amount: number, treasuryCut: number, current: boolean): ForwardYieldAssumptions {
  return {
    rewardCallProbability: c.rewardCallProbability,
    rewardCut: c.rewardCut,
    feeShare: c.feeShare,
    treasuryCut,
    poolStake: current ? Math.max(0, c.poolStake - amount) : c.poolStake,
    amount,
    feesPerRound: c.feesPerRound,
  };
}

/**
 * Candidates passing the filters (active, risk ≤ maxRisk, voting rate ≥ minimum), ranked by the forward model's
 * median rewards plus median fees valued at `lptPerEth` (0 ranks by LPT alone): the same fan the forward-yield
 * endpoint draws for each of them. A direct re-bond to another orchestrator keeps earning; the unbond path loses
 * the unbonding period's rewards, shown as the switching cost.
 */
export function recommend(candidates: readonly Candidate[], req: RecommendRequest, lptPerEth = 0): Recommendation[] {
  const h = Math.min(req.horizonRounds, req.paths[0]?.inflation.length ?? 0);
  const scored = candidates
    .filter((c) => c.active && c.riskScore <= req.maxRisk && (req.minVotingRate <= 0 || (c.votingRate ?? 0) >= req.minVotingRate))
    .map((c) => {
      const current = c.address === req.currentDelegate;
      const fan = h > 0 ? forwardYieldOf(req.paths, candidateAssumptions(c, req.amount, req.treasuryCut, current)) : [];
      const end = fan[h - 1];
      const y = end?.rewardYield.p50 ?? 0;
      const idle = current ? 0 : Math.min(req.unbondingRounds, h);
      const lost = idle > 0 ? req.amount * fan[idle - 1]!.rewardYield.p50 : 0;
      return { c, rewards: req.amount * y, fees: end?.feesEth.p50 ?? 0, y, idle, lost };
    })
    .sort((a, b) => b.rewards + b.fees * lptPerEth - (a.rewards + a.fees * lptPerEth) || a.c.riskScore - b.c.riskScore || (a.c.address < b.c.address ? -1 : 1));
  return scored.map((s, i) => ({
    address: s.c.address,
    rank: i + 1,
    expectedRewardsLpt: s.rewards,
    expectedFeesEth: s.fees,
    rewardYield: s.y,
    riskScore: s.c.riskScore,
    votingRate: s.c.votingRate,
    switchViaUnbondRounds: s.idle,
    switchViaUnbondCostLpt: s.lost,
  }));
}
