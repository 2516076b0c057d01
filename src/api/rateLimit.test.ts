import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rateLimit.js';

describe('token bucket rate limit', () => {
  it('allows a burst, then the sustained rate, per client', () => {
    let now = 0;
    const tb = new TokenBuckets({ ratePerSec: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => tb.take('a').ok)).toEqual([true, true, true, false]);
    expect(tb.take('b').ok).toBe(true);
    const refused = tb.take('a');
    expect(refused.ok === false && refused.retryAfterSec).toBe(1);
    now += 500; // one token back at 2/s
    expect(tb.take('a').ok).toBe(true);
    expect(tb.take('a').ok).toBe(false);
    now += 10_000; // refills to the burst, not beyond
    expect([1, 2, 3, 4].map(() => tb.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('tracks a bounded number of clients', () => {
    const tb = new TokenBuckets({ ratePerSec: 1, burst: 1, maxClients: 100 }, () => 0);
    for (let i = 0; i < 1000; i++) tb.take(`10.0.${i >> 8}.${i & 255}`);
    expect(tb.size).toBe(100);
  });
});
