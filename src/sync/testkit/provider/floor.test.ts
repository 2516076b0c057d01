import { describe, expect, it } from 'vitest';
import { fewestGetLogsCalls, rateFloor } from './floor.js';
import { alchemy, localArchive, quicknode } from './profiles.js';

describe('sync floor', () => {
  const blocks = [
    { number: 10, logs: 3 },
    { number: 15, logs: 4 },
    { number: 16, logs: 2 },
    { number: 40, logs: 5 },
    { number: 95, logs: 1 },
  ];

  it('covers the range in one call when nothing caps it, and span by span under a span cap', () => {
    expect(fewestGetLogsCalls(blocks, 0, 99, {})).toBe(1);
    expect(fewestGetLogsCalls(blocks, 0, 99, { maxRange: 10 })).toBe(10);
    expect(fewestGetLogsCalls(blocks, 0, 100, { maxRange: 10 })).toBe(11);
    expect(fewestGetLogsCalls([], 0, 9_999_999, { maxRange: 10_000 })).toBe(1_000);
  });

  it('ends a call before the block that would take it past the result cap', () => {
    // [0, 15] holds 7, then [16, 94] holds 7, then [95, 99] holds 1.
    expect(fewestGetLogsCalls(blocks, 0, 99, { maxResults: 7 })).toBe(3);
    expect(fewestGetLogsCalls(blocks, 0, 99, { maxResults: 100 })).toBe(1);
    // [0, 14] 3, [15, 15] 4, [16, 39] 2, [40, 89] 5, [90, 99] 1.
    expect(fewestGetLogsCalls(blocks, 0, 99, { maxResults: 5, maxRange: 50 })).toBe(5);
    expect(() => fewestGetLogsCalls(blocks, 0, 99, { maxResults: 4 })).toThrow(/block 40 alone holds 5 logs/);
  });

  it('prices the calls in the provider\'s units and takes the burst off the time', () => {
    const calls = { eth_getLogs: 5, eth_getBlockByNumber: 12_000, eth_call: 10 };
    const a = rateFloor(alchemy, calls);
    expect(a.units).toBe(5 * 60 + 12_000 * 20 + 10 * 26);
    expect(a.seconds).toBeCloseTo((a.units - 6_600) / 660, 6);
    expect(rateFloor(quicknode, calls).units).toBe(12_015);
    expect(rateFloor(localArchive, calls)).toEqual({ calls, units: 0, seconds: 0 });
  });
});
