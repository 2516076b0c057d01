import { describe, expect, it } from 'vitest';
import { clientKey, TokenBuckets } from './rateLimit.js';

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

describe('rate-limit client keys', () => {
  it('keys IPv6 clients by their /64 (one subscriber rotates freely inside it), IPv4 by address', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:db8:1:2:ffff:ffff:ffff:fffe'));
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:0db8:0001:0002:0000:0000:0000:0009'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::1')).toBe(clientKey('::2'));
    expect(clientKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('10.0.0.1')).not.toBe(clientKey('10.0.0.2'));
    expect(clientKey('fe80::1%eth0')).toBe(clientKey('fe80::2'));
  });
});
