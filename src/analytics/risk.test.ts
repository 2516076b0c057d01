import { describe, expect, it } from 'vitest';
import { cutSpikes, hhiPpm, reliability, riskProfile, RISK_WEIGHTS } from './risk.js';

describe('risk components', () => {
  it('counts missed rounds and streaks over active rounds only', () => {
    const pattern = [true, false, false, true, false, true, false, false, false];
    const r = reliability(pattern.map((called, i) => ({ round: BigInt(i), active: i !== 5, called })));
    // Round 5 was inactive; active rounds 8, called 2 (0, 3), missed 6; longest streak 4 (4, 6, 7, 8 skipping the inactive 5), ending now.
    expect(r).toEqual({ activeRounds: 8, calledRounds: 2, missedRounds: 6, longestMissStreak: 4, currentMissStreak: 4, callRatio: 0.25 });
    expect(reliability([]).callRatio).toBeNull();
  });
  it('dates cut spikes', () => {
    const c = cutSpikes([
      { round: 1n, time: 100, rewardCut: 50_000, feeShare: 900_000 },
      { round: 2n, time: 200, rewardCut: 50_000, feeShare: 900_000 },
      { round: 3n, time: 300, rewardCut: 100_000, feeShare: 900_000 },
      { round: 4n, time: 400, rewardCut: 250_000, feeShare: 700_000 },
    ]);
    expect(c.changes).toBe(2);
    expect(c.spikes).toEqual([{ round: 4n, time: 400, rewardCutUp: 150_000, feeCutUp: 200_000 }]);
  });
  it('computes HHI in parts per 1e6', () => {
    expect(hhiPpm([1n, 1n])).toBe(500_000);
    expect(hhiPpm([3n, 1n])).toBe(625_000);
    expect(hhiPpm([5n])).toBe(1_000_000);
    expect(hhiPpm([])).toBe(0);
  });
  it('weights sum to one and the composite is the weighted sum', () => {
    expect(Object.values(RISK_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const L = 10n ** 18n;
    const p = riskProfile({
      reliability: { activeRounds: 10, calledRounds: 8, missedRounds: 2, longestMissStreak: 1, currentMissStreak: 0, callRatio: 0.8 },
      cuts: { changes: 1, spikes: [] },
      feesByGateway: [1n, 1n],
      selfStake: 5n * L,
      totalStake: 100n * L,
      delegatorStakes: [5n * L, 95n * L],
      ageRounds: 45,
      active: true,
      activeSetCutoff: 80n * L,
      activeSetFull: true,
    });
    const risk = Object.fromEntries(p.components.map((c) => [c.key, c.risk]));
    expect(risk.reliability).toBeCloseTo(0.2, 12);
    expect(risk.missStreak).toBeCloseTo(0.1, 12);
    expect(risk.cutSpikes).toBe(0);
    expect(risk.feeConcentration).toBe(0.5);
    expect(risk.selfStake).toBeCloseTo(0.5, 12);
    expect(risk.stakeConcentration).toBeCloseTo(0.905, 12);
    expect(risk.age).toBeCloseTo(0.5, 12);
    // 25% above the cutoff → 1 − 0.25/0.5.
    expect(risk.deactivation).toBeCloseTo(0.5, 12);
    const expected = 0.3 * 0.2 + 0.1 * 0.1 + 0.05 * 0.5 + 0.1 * 0.5 + 0.1 * 0.905 + 0.05 * 0.5 + 0.15 * 0.5;
    expect(p.score).toBe(Math.round(expected * 1000) / 10);
  });
});
