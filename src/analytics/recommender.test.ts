import { describe, expect, it } from 'vitest';
import { expectedRewardYield, forwardYield } from './forwardYield.js';
import { recommend, type Candidate } from './recommender.js';

const cand = (address: string, over: Partial<Candidate> = {}): Candidate => ({
  address, active: true, rewardCallProbability: 1, rewardCut: 0, feeShare: 1_000_000, poolStake: 1000, feesPerRound: 0, riskScore: 10, votingRate: 1, ...over,
});

describe('forward yield', () => {
  it('computes the expected reward yield by hand', () => {
    // 0.06%/round inflation at 50% participation, no cuts: 0.12% per round; 10 rounds compounded.
    expect(expectedRewardYield(600_000, 0.5, { rewardCallProbability: 1, rewardCut: 0, treasuryCut: 0 }, 10)).toBeCloseTo(1.0012 ** 10 - 1, 12);
    // 10% treasury, 20% reward cut, calls half the time: 0.0012 × 0.9 × 0.8 × 0.5 = 0.000432 per round.
    expect(expectedRewardYield(600_000, 0.5, { rewardCallProbability: 0.5, rewardCut: 200_000, treasuryCut: 0.1 }, 1)).toBeCloseTo(0.000432, 12);
  });
  it('fans out over paths, with fees shared by pool share', () => {
    const paths = [{ inflation: [600_000, 600_000], participation: [0.5, 0.5], supply: [1, 1] }];
    const f = forwardYield(paths, { rewardCallProbability: 1, rewardCut: 0, feeShare: 500_000, treasuryCut: 0, poolStake: 900, amount: 100, feesPerRound: [2] });
    expect(f[1]!.rewardYield.p50).toBeCloseTo(1.0012 ** 2 - 1, 12);
    // Fees: 2 ETH × 50% × 10% share, the second round on the compounded stake.
    expect(f[0]!.feesEth.p50).toBeCloseTo(0.1 * 1.0012, 12);
    expect(f[1]!.feesEth.p50).toBeCloseTo(0.1 * 1.0012 + 0.1 * 1.0012 ** 2, 12);
  });
});

describe('recommender', () => {
  const req = { amount: 100, horizonRounds: 10, maxRisk: 50, minVotingRate: 0.5, inflationPpb: 600_000, participation: 0.5, treasuryCut: 0, currentDelegate: null, unbondingRounds: 7 };
  it('ranks by expected yield and filters by risk, voting and activity', () => {
    const r = recommend([cand('0xa', { rewardCut: 100_000 }), cand('0xb'), cand('0xc', { riskScore: 80 }), cand('0xd', { votingRate: 0.2 }), cand('0xe', { active: false })], req);
    expect(r.map((x) => x.address)).toEqual(['0xb', '0xa']);
    expect(r[0]!.expectedRewardsLpt).toBeCloseTo(100 * (1.0012 ** 10 - 1), 9);
    expect(r[0]!.switchViaUnbondRounds).toBe(7);
    expect(r[0]!.switchViaUnbondCostLpt).toBeCloseTo(100 * (1.0012 ** 7 - 1), 9);
  });
  it('staying with the current orchestrator costs nothing to switch', () => {
    const r = recommend([cand('0xb')], { ...req, currentDelegate: '0xb' });
    expect(r[0]!.switchViaUnbondCostLpt).toBe(0);
  });
});
