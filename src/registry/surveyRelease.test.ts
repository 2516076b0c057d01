import { describe, expect, it } from 'vitest';
import { seededUniform } from '../analytics/random.js';
import { drawRelease, laplace, noiseScales, releaseTime, SURVEY_CLIP, type SurveyReport } from './surveyRelease.js';

const report = (over: Partial<SurveyReport> = {}): SurveyReport => ({ deployment: 'cloud', gpuModel: 'A100', gpuCount: 2, hardwareCents: 200_000, powerCents: 40_000, bandwidthCents: 10_000, otherCents: 0, ...over });

describe('cost survey releases', () => {
  it('states its noise: scale = clip / (ε / 6) for each measure', () => {
    expect(noiseScales(3)).toEqual({ reports: 2, gpus: 64, hardwareCentsPerGpu: 300_000, powerCentsPerGpu: 100_000, bandwidthCentsPerGpu: 100_000, otherCentsPerGpu: 100_000 });
    // Laplace draws have mean 0 and mean absolute deviation = scale.
    const rnd = seededUniform(7);
    const xs = Array.from({ length: 20_000 }, () => laplace(10, rnd));
    expect(Math.abs(xs.reduce((a, x) => a + x, 0) / xs.length)).toBeLessThan(0.3);
    expect(xs.reduce((a, x) => a + Math.abs(x), 0) / xs.length).toBeCloseTo(10, 0);
  });

  it('releases a large bucket close to the truth and suppresses a lone report', () => {
    const reports = [...Array.from({ length: 400 }, () => report()), report({ deployment: 'onsite', gpuModel: 'RTX4090', gpuCount: 1, hardwareCents: 123_456 })];
    const r = drawRelease('2026-10', reports, { k: 10, releasedAt: 1, random: seededUniform(11) });
    expect(r.buckets.map((b) => [b.deployment, b.gpuModel])).toEqual([['cloud', 'A100']]);
    const b = r.buckets[0]!;
    // Truth: 400 reports, 2 GPUs each, $1,000 hardware per GPU. Noise scales: count 2, GPUs 64, per-GPU sums $3,000;
    // each figure is held to five scales (99.3 % of draws).
    expect(Math.abs(b.reports - 400)).toBeLessThan(10);
    expect(Math.abs(b.hardwareCentsPerGpu / b.reports - 100_000)).toBeLessThan(3_750);
    expect(Math.abs(b.gpus / b.reports - 2)).toBeLessThan(0.8);
  });

  it('defeats k − 1 colluders: nine known reports do not give the tenth away (error bound stated)', () => {
    // The attack, at the same scale: the colluders know their own reports exactly and subtract them.
    const victim = report({ gpuCount: 4, hardwareCents: 4 * 98_765, powerCents: 4 * 12_345 });
    const colluders = Array.from({ length: 9 }, (_, i) => report({ hardwareCents: 150_000 + i * 1000 }));
    const known = {
      gpus: colluders.reduce((a, r) => a + Math.min(r.gpuCount, SURVEY_CLIP.gpus), 0),
      hw: colluders.reduce((a, r) => a + Math.min(r.hardwareCents / r.gpuCount, SURVEY_CLIP.hardwareCentsPerGpu), 0),
    };
    const random = seededUniform(2026);
    const trials = 2000;
    let within2Usd = 0;
    let exactGpus = 0;
    let published = 0;
    const errors: number[] = [];
    for (let t = 0; t < trials; t++) {
      const rel = drawRelease('2026-10', [...colluders, victim], { k: 5, releasedAt: 1, random });
      const b = rel.buckets[0];
      if (!b) continue; // suppressed: the attacker learns nothing at all
      published++;
      const hwGuess = b.hardwareCentsPerGpu - known.hw;
      errors.push(Math.abs(hwGuess - 98_765));
      if (Math.abs(hwGuess - 98_765) <= 200) within2Usd++;
      if (b.gpus - known.gpus === 4) exactGpus++;
    }
    expect(published).toBeGreaterThan(trials * 0.9);
    // Bound: the error is Laplace with scale $3,000, so P(|error| ≤ $2) = 1 − e^(−2/3000) ≈ 0.07 % and the GPU count
    // is exact with probability 1 − e^(−0.5/64) ≈ 0.8 %; before, it was recovered within cents and exactly.
    expect(within2Usd / published).toBeLessThan(0.005);
    expect(exactGpus / published).toBeLessThan(0.02);
    const median = errors.sort((a, b) => a - b)[Math.floor(errors.length / 2)]!;
    expect(median).toBeGreaterThan(300_000 * Math.LN2 * 0.8);
    expect(median).toBeLessThan(300_000 * Math.LN2 * 1.2);
  });

  it('closes a period seven days after its month ends', () => {
    expect(new Date(releaseTime('2026-10') * 1000).toISOString()).toBe('2026-11-08T00:00:00.000Z');
    expect(new Date(releaseTime('2026-12') * 1000).toISOString()).toBe('2027-01-08T00:00:00.000Z');
  });
});
