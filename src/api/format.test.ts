import { describe, expect, it } from 'vitest';
import { amount, formatUnits, parseUnits, perc, ratio } from './format.js';

describe('amount formatting', () => {
  it('renders wei as an exact token decimal, never rounded', () => {
    expect(formatUnits(0n)).toBe('0');
    expect(formatUnits(1n)).toBe('0.000000000000000001');
    expect(formatUnits(10n ** 18n)).toBe('1');
    expect(formatUnits(6289390217651615209644n)).toBe('6289.390217651615209644');
    expect(formatUnits(-1500000000000000000n)).toBe('-1.5');
    expect(formatUnits(2n ** 256n - 1n)).toBe('115792089237316195423570985008687907853269984665640564039457.584007913129639935');
    expect(formatUnits(10n ** 27n + 5n, 27)).toBe('1.000000000000000000000000005');
  });

  it('parses decimal token input back to wei and refuses what it cannot represent', () => {
    expect(parseUnits('1000')).toBe(1000n * 10n ** 18n);
    expect(parseUnits('0.5')).toBe(5n * 10n ** 17n);
    expect(parseUnits('6289.390217651615209644')).toBe(6289390217651615209644n);
    expect(() => parseUnits('1.0000000000000000001')).toThrow(/decimals/);
    expect(() => parseUnits('1e18')).toThrow(/not a decimal/);
  });

  it('round-trips every amount through the API shape', () => {
    for (const w of [0n, 1n, 999999999999999999n, 25309417374855594405008446n]) {
      const a = amount(w, 'LPT');
      expect(a.wei).toBe(w.toString());
      expect(parseUnits(a.formatted)).toBe(w);
    }
  });

  it('percentages and ratios', () => {
    expect(perc(100_000n)).toEqual({ ppm: 100000, percent: 10 });
    expect(perc('1000000')).toEqual({ ppm: 1000000, percent: 100 });
    expect(ratio(1n, 3n)).toBe(0.333333333);
    expect(ratio(5n, 0n)).toBeNull();
  });
});
