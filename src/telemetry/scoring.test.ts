import { describe, expect, it } from 'vitest';
import { BUCKET_BOUNDS_MS, bucketOf, emptyHistogram, interpolatedPercentileMs } from './histogram.js';
import { aiScore, wilsonLowerBound } from './scoring.js';

describe('sample-size-aware ranking', () => {
  it('bounds a success rate from below by how many jobs it rests on (Wilson, 95%)', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 4);
    expect(wilsonLowerBound(44, 45)).toBeCloseTo(0.8843, 4);
    expect(wilsonLowerBound(1000, 1000)).toBeGreaterThan(0.996);
  });

  it('ranks 44 of 45 jobs above 1 of 1 at the same latency', () => {
    const rt = 0.9;
    expect(aiScore(1, rt)).toBeGreaterThan(aiScore(44 / 45, rt));
    expect(aiScore(wilsonLowerBound(44, 45), rt)).toBeGreaterThan(aiScore(wilsonLowerBound(1, 1), rt));
  });
});

describe('interpolated latency percentiles', () => {
  it('interpolates inside the bucket instead of printing its upper edge', () => {
    const h = emptyHistogram();
    // Ten jobs in the (1500, 2000] ms bucket.
    h[bucketOf(1800)] = 10;
    const b = bucketOf(1800);
    expect(BUCKET_BOUNDS_MS[b]).toBe(2000);
    expect(interpolatedPercentileMs(h, 0.5)).toBe(1750);
    expect(interpolatedPercentileMs(h, 0.95)).toBe(1975);
    expect(interpolatedPercentileMs(h, 0.99)).toBe(1995);
    expect(interpolatedPercentileMs(emptyHistogram(), 0.5)).toBeNull();
  });

  it('crosses buckets by rank', () => {
    const h = emptyHistogram();
    h[bucketOf(1000)] = 5; // (800, 1000]
    h[bucketOf(2000)] = 5; // (1500, 2000]
    expect(interpolatedPercentileMs(h, 0.5)).toBe(1000);
    expect(interpolatedPercentileMs(h, 0.6)).toBe(1600);
  });
});
