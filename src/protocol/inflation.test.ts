import { describe, expect, it } from 'vitest';
import {
  bondingRate,
  createReward,
  mintableTokens,
  nextInflation,
  rewardTokens,
  setCurrentRewardTokens,
  type MinterState,
} from './inflation.js';
import { ProtocolRevertError } from './precision.js';

const E9 = 10n ** 9n;
const E18 = 10n ** 18n;

// the network at round 2535 (2022-04-17)
const SUPPLY_2535 = 25_309_417_374_855_594_405_008_446n;
const TAS_2535 = 12_660_572_689_057_253_001_431_262n;

describe('mintableTokens', () => {
  it('reproduces round 2535 exactly: 6289.390217651615209644 LPT', () => {
    // 25,309,417.374855594405008446 LPT * 248500 / 1e9, floored
    expect(mintableTokens(SUPPLY_2535, 248_500n)).toBe(6_289_390_217_651_615_209_644n);
    // the remainder that the floor drops is 598,831,000 / 1e9 wei
    expect((SUPPLY_2535 * 248_500n) % E9).toBe(598_831_000n);
  });
  it('is 0 at 0 inflation', () => {
    expect(mintableTokens(SUPPLY_2535, 0n)).toBe(0n);
  });
});

describe('bondingRate', () => {
  it('is floor(TAS * 1e9 / supply) in ppb', () => {
    // 12,660,572.689 / 25,309,417.375: 0.5 * supply = 12,654,708.687, excess 5,864.002 / supply = 0.000231692.. → 500231692 ppb
    const expected = (TAS_2535 * E9) / SUPPLY_2535;
    expect(bondingRate(TAS_2535, SUPPLY_2535)).toBe(expected);
    expect(expected).toBe(500_231_692n);
  });
  it('is 0 when supply is 0 (no division)', () => {
    expect(bondingRate(5n, 0n)).toBe(0n);
  });
});

describe('nextInflation', () => {
  const base = { inflation: 248_500n, inflationChange: 500n, totalBonded: TAS_2535, globalSupply: SUPPLY_2535 };
  it('decreases when the bonding rate is above target', () => {
    // 500231692 > 500000000
    expect(nextInflation({ ...base, targetBondingRate: 500_000_000n })).toBe(248_500n - 500n);
  });
  it('increases when below target', () => {
    expect(nextInflation({ ...base, targetBondingRate: 500_231_693n })).toBe(248_500n + 500n);
  });
  it('is unchanged when exactly at target', () => {
    expect(nextInflation({ ...base, targetBondingRate: 500_231_692n })).toBe(248_500n);
  });
  it('floors at 0 when the change exceeds inflation', () => {
    expect(nextInflation({ ...base, inflation: 300n, targetBondingRate: 1n })).toBe(0n);
    // change == inflation is not "greater": 500 - 500 = 0 through the subtraction branch
    expect(nextInflation({ ...base, inflation: 500n, targetBondingRate: 1n })).toBe(0n);
  });
  it('raises inflation when supply is 0 (bonding rate 0 < target)', () => {
    expect(nextInflation({ ...base, globalSupply: 0n, targetBondingRate: 1n })).toBe(249_000n);
  });
});

describe('rewardTokens (Minter.createReward at 1e9)', () => {
  it('floors the stake share to ppb before scaling mintable', () => {
    const mintable = 6_289_390_217_651_615_209_644n;
    const stake = 1_000_000n * E18;
    // share = floor(1e6 LPT * 1e9 / 12,660,572.689 LPT) = 0.078985368.. → 78985368 ppb
    const share = (stake * E9) / TAS_2535;
    expect(share).toBe(78_985_368n);
    const expected = (mintable * 78_985_368n) / E9;
    expect(rewardTokens(mintable, stake, TAS_2535)).toBe(expected);
    // the naive proportional split gives more: the ppb floor drops up to mintable/1e9 wei
    const naive = (mintable * stake) / TAS_2535;
    expect(naive - expected).toBeGreaterThan(0n);
  });
});

describe('Minter state helpers', () => {
  const state: MinterState = {
    inflation: 1_000n,
    inflationChange: 100n,
    targetBondingRate: 500_000_000n,
    currentMintableTokens: 0n,
    currentMintedTokens: 7n,
  };
  it('setCurrentRewardTokens adjusts inflation then mints from supply and resets minted', () => {
    // bonded 40 of 100 → 400000000 ppb < target → inflation 1100; mintable = 100e18 * 1100 / 1e9
    const s = setCurrentRewardTokens(state, 40n * E18, 100n * E18);
    expect(s.inflation).toBe(1_100n);
    expect(s.currentMintableTokens).toBe((100n * E18 * 1_100n) / E9);
    expect(s.currentMintedTokens).toBe(0n);
  });
  it('createReward caps minting at currentMintableTokens', () => {
    const s = { ...state, currentMintableTokens: 1_000n, currentMintedTokens: 0n };
    // 3/4 of 1000 = 750 (750000000 ppb exact)
    const a = createReward(s, 3n, 4n);
    expect(a.minted).toBe(750n);
    expect(a.state.currentMintedTokens).toBe(750n);
    // another 3/4 would bring minted to 1500 > 1000
    expect(() => createReward(a.state, 3n, 4n)).toThrow(ProtocolRevertError);
  });
});
