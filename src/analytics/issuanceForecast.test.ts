import { describe, expect, it } from 'vitest';
import { bondingRate, fitParticipation, forecastIssuance, nextInflation, roundsInStep, simulateIssuance, type IssuanceAssumptions } from './issuanceForecast.js';

describe('Minter inflation rule (Minter.setInflation)', () => {
  it('moves inflation toward the target bonding rate, never below 0', () => {
    expect(nextInflation(600_000n, 490_000_000n, 500_000_000n, 500n)).toBe(600_500n);
    expect(nextInflation(600_000n, 510_000_000n, 500_000_000n, 500n)).toBe(599_500n);
    expect(nextInflation(600_000n, 500_000_000n, 500_000_000n, 500n)).toBe(600_000n);
    expect(nextInflation(300n, 510_000_000n, 500_000_000n, 500n)).toBe(0n);
  });
  it('computes the bonding rate in parts per 1e9 like the Minter', () => {
    // Round 2535 on the network: 12,660,572.689… of 25,309,417.374… LPT = 0.5002316926… → floor to ppb.
    expect(bondingRate(12_660_572_689_057_253_001_431_262n, 25_309_417_374_855_594_405_008_446n)).toBe(500_231_692n);
    expect(bondingRate(1n, 0n)).toBe(0n);
  });
});

describe('issuance forecast', () => {
  const base: IssuanceAssumptions = {
    inflation: 600_000,
    participation: 0.45,
    supply: 1_000_000,
    inflationChange: 500,
    targetBondingRate: 500_000_000,
    roundsPerStep: 1,
    mintedShare: 1,
    participationModel: { drift: 0, kappa: 0, mean: 0.45, sigma: 0 },
  };
  it('is the deterministic rule when participation does not move', () => {
    const fan = forecastIssuance(base, 3, { paths: 5 });
    expect(fan.map((s) => s.inflation.p50)).toEqual([600_500, 601_000, 601_500]);
    // Supply grows by supply × inflation each round: 1e6 × (1 + 600500e-9) × (1 + 601000e-9).
    expect(fan[1]!.supply.p50).toBeCloseTo(1_000_000 * (1 + 600_500e-9) * (1 + 601_000e-9), 6);
    expect(fan[0]!.inflation.p10).toBe(fan[0]!.inflation.p90);
  });
  it('splits fractional rounds per step without losing any', () => {
    const total = Array.from({ length: 100 }, (_, k) => roundsInStep(k, 1.13)).reduce((a, b) => a + b, 0);
    expect(total).toBe(113);
  });
  it('spreads into a fan with participation noise, reproducibly per seed', () => {
    const a = { ...base, participation: 0.5, participationModel: { drift: 0, kappa: 0, mean: 0.5, sigma: 0.01 } };
    const fan = forecastIssuance(a, 30, { paths: 200, seed: 3 });
    expect(fan[29]!.inflation.p10).toBeLessThan(fan[29]!.inflation.p90);
    expect(forecastIssuance(a, 30, { paths: 200, seed: 3 })).toEqual(fan);
    expect(simulateIssuance(a, 4, 2, 1)).toHaveLength(2);
  });
  it('fits mean reversion and random walks', () => {
    const mr: number[] = [0.6];
    for (let i = 0; i < 50; i++) mr.push(mr[i]! + 0.2 * (0.5 - mr[i]!));
    const m = fitParticipation(mr);
    expect(m.kappa).toBeCloseTo(0.2, 6);
    expect(m.mean).toBeCloseTo(0.5, 6);
    const trend = Array.from({ length: 20 }, (_, i) => 0.4 + i * 0.001);
    const t = fitParticipation(trend);
    expect(t.kappa).toBe(0);
    expect(t.drift).toBeCloseTo(0.001, 9);
  });
});
