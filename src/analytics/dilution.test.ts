import { describe, expect, it } from 'vitest';
import { forecastDilution, pastDilution } from './dilution.js';

const L = 10n ** 18n;

describe('dilution', () => {
  it('tracks liquid and staked ownership by hand', () => {
    // Supply 1000 → 1010 → 1020.1 LPT; 500 staked, rewards of 10 then 10.1 into pools.
    const rounds = [
      { round: 1n, time: 0, supply: 1000n * L, totalActiveStake: 500n * L, rewards: 10n * L },
      { round: 2n, time: 1, supply: 1010n * L, totalActiveStake: 510n * L, rewards: 101n * L / 10n },
      { round: 3n, time: 2, supply: 10201n * L / 10n, totalActiveStake: 5201n * L / 10n, rewards: 0n },
    ];
    const d = pastDilution(rounds);
    expect(d[0]).toEqual({ round: 1n, time: 0, liquidShare: 1_000_000_000n, stakedShare: 1_000_000_000n, stakedGrowth: 1_000_000_000n });
    // Liquid: 1000/1010 = 0.990099009…; staked grows 2% (10/500) → 1.02 × 1000/1010 = 1.00990099…
    expect(d[1]!.liquidShare).toBe(990_099_009n);
    expect(d[1]!.stakedGrowth).toBe(1_020_000_000n);
    expect(d[1]!.stakedShare).toBe(1_009_900_990n);
    // Round 3: growth × (1 + 10.1/510) = 1.02 × 1.0198039… = 1.0402; liquid 1000/1020.1; staked 1040.2/1020.1 = 1.01970395.
    expect(d[2]!.stakedGrowth).toBe(1_040_200_000n);
    expect(d[2]!.liquidShare).toBe(980_296_049n);
    expect(d[2]!.stakedShare).toBe(1_019_703_950n);
    expect(pastDilution([])).toEqual([]);
  });
  it('forecasts shares from issuance paths', () => {
    // One path: inflation 0.1% per round, participation 50%, supply grows 0.1% per round: staked gets 0.2% per round.
    const path = { inflation: [1_000_000, 1_000_000], participation: [0.5, 0.5], supply: [1001, 1002.001] };
    const f = forecastDilution([path], { supply: 1000, participation: 0.5, inflation: 1_000_000 }, 0, 1);
    expect(f[0]!.liquidShare.p50).toBeCloseTo(1000 / 1001, 12);
    expect(f[1]!.stakedShare.p50).toBeCloseTo((1.002 ** 2 * 1000) / 1002.001, 12);
    // A 10% treasury cut takes 10% of the staked growth.
    const t = forecastDilution([path], { supply: 1000, participation: 0.5, inflation: 1_000_000 }, 0.1, 1);
    expect(t[0]!.stakedShare.p50).toBeCloseTo((1.0018 * 1000) / 1001, 12);
  });
});
