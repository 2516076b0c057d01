// Delegation recommender: ranks orchestrators by expected net yield for a given amount and horizon, filtered by the
// user's risk and voting preferences, with the cost of switching from a current orchestrator.
import { expectedRewardYield } from './forwardYield.js';

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
  /** Mean fees per round over the trailing window, ETH. */
  feesPerRound: number;
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
  inflationPpb: number;
  participation: number;
  treasuryCut: number;
  /** The orchestrator the amount is bonded to now (lower-case), if any. */
  currentDelegate: string | null;
  /** Unbonding period in rounds (7 on Arbitrum). */
  unbondingRounds: number;
}

export interface Recommendation {
  address: string;
  rank: number;
  /** Expected LPT earned over the horizon for the amount. */
  expectedRewardsLpt: number;
  /** Expected ETH fees over the horizon for the amount. */
  expectedFeesEth: number;
  /** Expected reward yield over the horizon as a fraction of the amount. */
  rewardYield: number;
  riskScore: number;
  votingRate: number | null;
  /** Rounds without earnings if the move goes through unbond + withdraw + bond instead of a direct re-bond. */
  switchViaUnbondRounds: number;
  /** LPT forgone by moving through an unbonding period rather than re-bonding directly. */
  switchViaUnbondCostLpt: number;
}

/**
 * Candidates passing the filters (active, risk ≤ maxRisk, voting rate ≥ minimum), ranked by expected rewards plus
 * fees valued at `ethPerLpt` (LPT per ETH price ratio; 0 ranks by LPT alone). A direct re-bond to another
 * orchestrator keeps earning; the unbond path loses the unbonding period's rewards, shown as the switching cost.
 */
export function recommend(candidates: readonly Candidate[], req: RecommendRequest, lptPerEth = 0): Recommendation[] {
  const scored = candidates
    .filter((c) => c.active && c.riskScore <= req.maxRisk && (req.minVotingRate <= 0 || (c.votingRate ?? 0) >= req.minVotingRate))
    .map((c) => {
      const y = expectedRewardYield(req.inflationPpb, req.participation, { rewardCallProbability: c.rewardCallProbability, rewardCut: c.rewardCut, treasuryCut: req.treasuryCut }, req.horizonRounds);
      const addsStake = c.address === req.currentDelegate ? 0 : req.amount;
      const share = req.amount > 0 ? req.amount / (c.poolStake + addsStake || 1) : 0;
      const fees = c.feesPerRound * (c.feeShare / 1e6) * share * req.horizonRounds;
      const idle = c.address === req.currentDelegate ? 0 : Math.min(req.unbondingRounds, req.horizonRounds);
      const lost = req.amount * expectedRewardYield(req.inflationPpb, req.participation, { rewardCallProbability: c.rewardCallProbability, rewardCut: c.rewardCut, treasuryCut: req.treasuryCut }, idle);
      return { c, rewards: req.amount * y, fees, y, idle, lost };
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
