import { describe, expect, it } from 'vitest';
import { forwardIssuancePaths, forwardYield, forwardYieldOf, trailingFeesPerRound } from './forwardYield.js';
import type { IssuanceAssumptions } from './issuanceForecast.js';
import { candidateAssumptions, recommend, type Candidate } from './recommender.js';

const cand = (address: string, over: Partial<Candidate> = {}): Candidate => ({
  address, active: true, rewardCallProbability: 1, rewardCut: 0, feeShare: 1_000_000, poolStake: 1000, feesPerRound: [], riskScore: 10, votingRate: 1, ...over,
});

// Constant issuance: 0.06% per round at 50% participation, no drift or noise.
const flat = (rounds: number) => Array.from({ length: 3 }, () => ({ inflation: new Array<number>(rounds).fill(600_000), participation: new Array<number>(rounds).fill(0.5), supply: new Array<number>(rounds).fill(1) }));

// Participation above the 50% target: the Minter lowers inflation by 500 ppb every round.
const falling: IssuanceAssumptions = {
  inflation: 585_500,
  participation: 0.516,
  supply: 52_000_000,
  inflationChange: 500,
  targetBondingRate: 500_000_000,
  roundsPerStep: 1,
  mintedShare: 0.94,
  participationModel: { drift: 0, kappa: 0, mean: 0.516, sigma: 0.002 },
};

describe('forward yield', () => {
  it('fans out over paths, with fees shared by pool share', () => {
    const paths = [{ inflation: [600_000, 600_000], participation: [0.5, 0.5], supply: [1, 1] }];
    const f = forwardYield(paths, { rewardCallProbability: 1, rewardCut: 0, feeShare: 500_000, treasuryCut: 0, poolStake: 900, amount: 100, feesPerRound: [2] });
    expect(f[1]!.rewardYield.p50).toBeCloseTo(1.0012 ** 2 - 1, 12);
    // Fees: 2 ETH × 50% × 10% share, the second round on the compounded stake.
    expect(f[0]!.feesEth.p50).toBeCloseTo(0.1 * 1.0012, 12);
    expect(f[1]!.feesEth.p50).toBeCloseTo(0.1 * 1.0012 + 0.1 * 1.0012 ** 2, 12);
  });

  it('a shorter horizon is a prefix of a longer one', () => {
    const a = candidateAssumptions(cand('0xa', { rewardCallProbability: 0.7, feesPerRound: [0.1, 0, 0.3] }), 1000, 0.1, false);
    const long = forwardYieldOf(forwardIssuancePaths(falling, 90), a);
    const short = forwardYieldOf(forwardIssuancePaths(falling, 30), a);
    expect(short[29]).toEqual(long[29]);
  });

  it('follows the Minter rule: falling inflation earns less than today’s rate held constant', () => {
    const a = candidateAssumptions(cand('0xa'), 1000, 0.1, false);
    const p50 = forwardYieldOf(forwardIssuancePaths(falling, 90), a)[89]!.rewardYield.p50;
    const constant = (1 + (0.0005855 * 0.9) / 0.516) ** 90 - 1;
    expect(p50).toBeLessThan(constant);
    // Inflation averages ≈ 585,500 − 500 × 45.5 ppb over the 90 rounds.
    expect(p50).toBeCloseTo((1 + ((585_500 - 500 * 45.5) / 1e9) * 0.9 / 0.516) ** 90 - 1, 3);
  });

  it('samples the fees of the rounds after the trailing window starts', () => {
    const day = 86_400;
    const rounds = [0, 1, 2, 3].map((i) => ({ round: BigInt(100 + i), time: 1_000_000 + i * day }));
    const pools = [{ round: 102n, fees: 2n * 10n ** 18n }];
    expect(trailingFeesPerRound(rounds, pools, 2)).toEqual([2, 0]);
  });
});

describe('recommender', () => {
  const req = { amount: 100, horizonRounds: 10, maxRisk: 50, minVotingRate: 0.5, paths: flat(10), treasuryCut: 0, currentDelegate: null, unbondingRounds: 7 };
  it('ranks by median yield and filters by risk, voting and activity', () => {
    const r = recommend([cand('0xa', { rewardCut: 100_000 }), cand('0xb'), cand('0xc', { riskScore: 80 }), cand('0xd', { votingRate: 0.2 }), cand('0xe', { active: false })], req);
    expect(r.map((x) => x.address)).toEqual(['0xb', '0xa']);
    expect(r[0]!.expectedRewardsLpt).toBeCloseTo(100 * (1.0012 ** 10 - 1), 9);
    expect(r[1]!.expectedRewardsLpt).toBeCloseTo(100 * ((1 + 0.0012 * 0.9) ** 10 - 1), 9);
    expect(r[0]!.switchViaUnbondRounds).toBe(7);
    expect(r[0]!.switchViaUnbondCostLpt).toBeCloseTo(100 * (1.0012 ** 7 - 1), 9);
  });

  it('staying with the current orchestrator costs nothing to switch', () => {
    const r = recommend([cand('0xb')], { ...req, currentDelegate: '0xb' });
    expect(r[0]!.switchViaUnbondCostLpt).toBe(0);
  });

  it('gives the forward fan’s P50 for the same orchestrator, amount and horizon', () => {
    const c = cand('0xa', { rewardCallProbability: 29 / 30, rewardCut: 150_000, feeShare: 750_000, poolStake: 3_000_000, feesPerRound: [0.01, 0, 0.04, 0.02] });
    const paths = forwardIssuancePaths(falling, 90);
    const fan = forwardYieldOf(paths, candidateAssumptions(c, 1000, 0.1, false));
    const [r] = recommend([c], { ...req, amount: 1000, horizonRounds: 90, minVotingRate: 0, paths, treasuryCut: 0.1 });
    expect(r!.expectedRewardsLpt).toBe(fan[89]!.rewardYield.p50 * 1000);
    expect(r!.expectedFeesEth).toBe(fan[89]!.feesEth.p50);
  });
});
