import { describe, expect, it } from 'vitest';
import {
  MAX_UINT256,
  PERC_DIVISOR,
  PERC_DIVISOR_V2,
  PRECISE_PERC_DIVISOR,
  ProtocolRevertError,
  add,
  div,
  mul,
  percOf,
  percOfPerc,
  percPoints,
  sub,
  validPerc,
} from './precision.js';

describe('precision constants', () => {
  it('match MathUtils, MathUtilsV2 and PreciseMathUtils', () => {
    expect(PERC_DIVISOR).toBe(1_000_000n);
    expect(PERC_DIVISOR_V2).toBe(1_000_000_000n);
    expect(PRECISE_PERC_DIVISOR).toBe(1_000_000_000_000_000_000_000_000_000n);
  });
});

describe('percPoints', () => {
  it('floors fracNum * D / fracDenom', () => {
    // 1/3 = 0.333333.. → 333333 ppm, 333333333 ppb
    expect(percPoints(1n, 3n, PERC_DIVISOR)).toBe(333_333n);
    expect(percPoints(1n, 3n, PERC_DIVISOR_V2)).toBe(333_333_333n);
    // 2/3 floors down, never rounds: 666666.67 → 666666
    expect(percPoints(2n, 3n, PERC_DIVISOR)).toBe(666_666n);
  });
  it('reverts on division by zero', () => {
    expect(() => percPoints(1n, 0n, PERC_DIVISOR)).toThrow(ProtocolRevertError);
  });
});

describe('percOf', () => {
  it('floors the fraction first, then the product (differs from naive a*n/d)', () => {
    // percPoints(1,3) = 333333; 3,000,000 * 333333 / 1e6 = 999,999 — naive 3,000,000 / 3 = 1,000,000
    const naive = (3_000_000n * 1n) / 3n;
    const ordered = percOf(3_000_000n, 1n, 3n, PERC_DIVISOR);
    expect(ordered).toBe(999_999n);
    expect(naive).toBe(1_000_000n);
    expect(ordered).not.toBe(naive);
  });
  it('at 1e27 a growth factor of 4/3 applied to 3 wei gives 3, not 4', () => {
    // floor(4e27 * 1e27 / 3e27) = 1333333333333333333333333333; 3 * that / 1e27 = 3.999.. → 3
    expect(percOf(3n, 4n * 10n ** 27n, 3n * 10n ** 27n, PRECISE_PERC_DIVISOR)).toBe(3n);
  });
  it('is exact when the fraction is representable', () => {
    // 1/4 = 250000 ppm; 1000 * 250000 / 1e6 = 250
    expect(percOf(1000n, 1n, 4n, PERC_DIVISOR)).toBe(250n);
  });
});

describe('percOfPerc', () => {
  it('floors amount * perc / D', () => {
    // 12345 * 50% = 6172.5 → 6172
    expect(percOfPerc(12_345n, 500_000n, PERC_DIVISOR)).toBe(6_172n);
    // 10% at 1e27 of 1001 wei = 100.1 → 100
    expect(percOfPerc(1001n, 10n ** 26n, PRECISE_PERC_DIVISOR)).toBe(100n);
  });
});

describe('validPerc', () => {
  it('accepts 0..D inclusive', () => {
    expect(validPerc(0n, PERC_DIVISOR)).toBe(true);
    expect(validPerc(1_000_000n, PERC_DIVISOR)).toBe(true);
    expect(validPerc(1_000_001n, PERC_DIVISOR)).toBe(false);
    expect(validPerc(10n ** 27n, PRECISE_PERC_DIVISOR)).toBe(true);
    expect(validPerc(-1n, PERC_DIVISOR)).toBe(false);
  });
});

describe('uint256 checked arithmetic', () => {
  it('reverts like Solidity 0.8 on overflow, underflow and /0', () => {
    expect(() => mul(MAX_UINT256, 2n)).toThrow(ProtocolRevertError);
    expect(() => add(MAX_UINT256, 1n)).toThrow(ProtocolRevertError);
    expect(() => sub(1n, 2n)).toThrow(ProtocolRevertError);
    expect(() => div(1n, 0n)).toThrow(ProtocolRevertError);
    expect(() => percOf(-1n, 1n, 1n, PERC_DIVISOR)).toThrow(ProtocolRevertError);
    expect(mul(2n ** 128n, 2n ** 127n)).toBe(2n ** 255n);
  });
});
