import { describe, expect, it } from 'vitest';
import {
  addFeesToCumulativeFeeFactor,
  cumulativeFeesIncrement,
  cumulativeRewardsIncrement,
  delegatorCumulativeFees,
  delegatorCumulativeStake,
  delegatorCumulativeStakeAndFees,
  estimateMissedRewardFactor,
  nextCumulativeRewardFactor,
  pendingStakeAndFees,
  inferTreasuryRewardCutRate,
  splitFees,
  splitReward,
  transcoderRewardStakeFees,
  transcoderRewardStakeRewards,
} from './earnings.js';
import { ProtocolRevertError } from './precision.js';

const E17 = 10n ** 17n;
const E18 = 10n ** 18n;
const E26 = 10n ** 26n;
const E27 = 10n ** 27n;

describe('splitReward', () => {
  it('takes the treasury cut at 1e27, then the reward cut at 1e6, flooring each', () => {
    // 1001 * 10% = 100.1 → 100; 901 * 25% = 225.25 → 225; delegators 901 - 225 = 676
    expect(splitReward(1001n, E26, 250_000n)).toEqual({
      treasury: 100n,
      transcoderRewards: 901n,
      commission: 225n,
      delegatorsRewards: 676n,
    });
  });
  it('with no treasury cut and 100% reward cut the orchestrator keeps all', () => {
    expect(splitReward(999n, 0n, 1_000_000n)).toEqual({
      treasury: 0n,
      transcoderRewards: 999n,
      commission: 999n,
      delegatorsRewards: 0n,
    });
  });
});

describe('nextCumulativeRewardFactor', () => {
  it('treats a zero previous CRF as 1.0', () => {
    // 676 / 3000 = 0.225333.. → floor(676e27 / 3000) = 225333333333333333333333333
    expect(nextCumulativeRewardFactor(0n, 676n, 3000n)).toBe(E27 + 225_333_333_333_333_333_333_333_333n);
  });
  it('floors the growth of a non-unit CRF (1 less than naive here)', () => {
    // 1.5e27 * 225333333333333333333333333 / 1e27 = 337999999999999999999999999.5 → ...999
    const got = nextCumulativeRewardFactor(15n * E26, 676n, 3000n);
    expect(got).toBe(15n * E26 + 337_999_999_999_999_999_999_999_999n);
    // naive 1.5e27 * 676 / 3000 = 3.38e26 exactly
    expect(15n * E26 + (15n * E26 * 676n) / 3000n - got).toBe(1n);
  });
  it('reverts on a zero-stake pool like the contract', () => {
    expect(() => nextCumulativeRewardFactor(E27, 1n, 0n)).toThrow(ProtocolRevertError);
  });
});

describe('addFeesToCumulativeFeeFactor', () => {
  it('initialises from the previous CFF when the current one is 0', () => {
    // 1 ETH over 3 LPT-e18 stake, prevCRF 1.0: floor(1e27/3) = 333333333333333333333333333
    expect(addFeesToCumulativeFeeFactor(0n, 5n * E26, 0n, E18, 3n * E18)).toBe(5n * E26 + 333_333_333_333_333_333_333_333_333n);
  });
  it('accumulates on an initialised CFF and ignores prevCFF', () => {
    // prevCRF 2.0: 2e27 * floor(1e27/4) / 1e27 = 5e26
    expect(addFeesToCumulativeFeeFactor(7n, 999n * E26, 2n * E27, E18, 4n * E18)).toBe(7n + 5n * E26);
  });
});

describe('splitFees', () => {
  it('floors the delegators share at 1e6', () => {
    // 1,000,003 * 60% = 600,001.8 → 600,001; orchestrator 400,002
    expect(splitFees(1_000_003n, 600_000n)).toEqual({ delegatorsFees: 600_001n, transcoderCommissionFees: 400_002n });
  });
});

describe('orchestrator own-stake increments', () => {
  it('transcoderRewardStakeRewards = delegatorsRewards * floor(acr*1e27/S) / 1e27', () => {
    // 300/3000 = 10% exactly; 676 * 10% = 67.6 → 67
    expect(transcoderRewardStakeRewards(676n, 300n, 3000n)).toBe(67n);
    expect(transcoderRewardStakeFees(676n, 300n, 3000n)).toBe(67n);
  });
  it('cumulativeRewardsIncrement adds the commission', () => {
    expect(cumulativeRewardsIncrement({ commission: 225n, delegatorsRewards: 676n }, 300n, 3000n)).toBe(67n + 225n);
  });
  it('cumulativeFeesIncrement = reward-stake fees + fee commission', () => {
    // fees 1000 at feeShare 25%: delegators 250, commission 750; acr share 10% of 250 = 25
    expect(cumulativeFeesIncrement(1000n, 250_000n, 300n, 3000n)).toBe(25n + 750n);
  });
});

describe('delegatorCumulativeStake / Fees', () => {
  it('scales stake by endCRF/startCRF with zero CRFs as 1.0', () => {
    // 1.5 / 1.2 = 1.25 exactly
    expect(
      delegatorCumulativeStake({ cumulativeRewardFactor: 12n * E26, cumulativeFeeFactor: 0n }, { cumulativeRewardFactor: 15n * E26, cumulativeFeeFactor: 0n }, 1000n * E18),
    ).toBe(1250n * E18);
    expect(delegatorCumulativeStake({ cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n }, { cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n }, 77n)).toBe(77n);
  });
  it('rounding trap: 3 wei grown by 4/3 stays 3 (naive gives 4)', () => {
    const got = delegatorCumulativeStake(
      { cumulativeRewardFactor: 3n * E27, cumulativeFeeFactor: 0n },
      { cumulativeRewardFactor: 4n * E27, cumulativeFeeFactor: 0n },
      3n,
    );
    expect(got).toBe(3n);
    expect((3n * 4n * E27) / (3n * E27)).toBe(4n);
  });
  it('fees = fees + stake * floor(ΔCFF*1e27/startCRF)/1e27', () => {
    // ΔCFF 3e26 over startCRF 2.0 = 1.5e26 per unit; 10e18 * 1.5e26 / 1e27 = 1.5e18
    const start = { cumulativeRewardFactor: 2n * E27, cumulativeFeeFactor: E26 };
    const end = { cumulativeRewardFactor: 9n * E27, cumulativeFeeFactor: 4n * E26 };
    expect(delegatorCumulativeFees(start, end, 10n * E18, 5n)).toBe(15n * E17 + 5n);
    expect(delegatorCumulativeStakeAndFees(start, end, 10n * E18, 5n)).toEqual({ stake: 45n * E18, fees: 15n * E17 + 5n });
  });
  it('reverts when the end CFF is below the start CFF (SafeMath.sub)', () => {
    expect(() =>
      delegatorCumulativeFees({ cumulativeRewardFactor: 0n, cumulativeFeeFactor: 2n }, { cumulativeRewardFactor: 0n, cumulativeFeeFactor: 1n }, 1n, 0n),
    ).toThrow(ProtocolRevertError);
  });
});

describe('pendingStakeAndFees', () => {
  const start = { cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n };
  const end = { cumulativeRewardFactor: 11n * E26, cumulativeFeeFactor: 2n * E26 };
  const base = {
    bondedAmount: 1000n,
    fees: 3n,
    lastClaimRound: 10n,
    endRound: 12n,
    startPool: start,
    endPool: end,
    isTranscoder: false,
    transcoderCumulativeRewards: 40n,
    transcoderCumulativeFees: 9n,
  };
  it('applies the factors for a delegator', () => {
    // stake 1000 * 1.1 = 1100; fees 3 + 1000 * 0.2 = 203
    expect(pendingStakeAndFees(base)).toEqual({ stake: 1100n, fees: 203n });
  });
  it('adds cumulativeRewards/Fees for the orchestrator itself', () => {
    expect(pendingStakeAndFees({ ...base, isTranscoder: true })).toEqual({ stake: 1140n, fees: 212n });
  });
  it('does not apply factors when already claimed through endRound', () => {
    expect(pendingStakeAndFees({ ...base, lastClaimRound: 12n })).toEqual({ stake: 1000n, fees: 3n });
    expect(pendingStakeAndFees({ ...base, lastClaimRound: 12n, isTranscoder: true })).toEqual({ stake: 1040n, fees: 12n });
  });
});

describe('estimateMissedRewardFactor', () => {
  it('re-derives rewards at 1e27 precision and backs out the previous CRF', () => {
    const stake = 100n * E18;
    // rewards = 1000 LPT * floor(100/400 * 1e27) / 1e27 = 250 LPT; treasury 10% = 25; after 225;
    // commission 10% = 22.5; delegators 202.5 LPT
    const delegatorsRewards = 2025n * E17;
    // prev = 1.1e27 * floor(100e18 * 1e27 / 302.5e18) / 1e27
    const ratio = (stake * E27) / (stake + delegatorsRewards);
    const expected = (11n * E26 * ratio) / E27;
    const got = estimateMissedRewardFactor({
      roundRewardTokens: 1000n * E18,
      poolTotalStake: stake,
      currentRoundTotalActiveStake: 400n * E18,
      treasuryRewardCutRate: E26,
      rewardCut: 100_000n,
      currentCumulativeRewardFactor: 11n * E26,
    });
    expect(got).toBe(expected);
    // sanity: 1.1 / (1 + 2.025) = 0.3636..: prev CRF ≈ 3.636e26
    expect(got / 10n ** 24n).toBe(363n);
  });
});

describe('inferTreasuryRewardCutRate', () => {
  const E27 = 10n ** 27n;
  it('recovers round rates from one observed split', () => {
    for (const rate of [0n, 10n ** 26n, 75n * 10n ** 24n, 5n * 10n ** 25n, E27]) {
      for (const total of [1_234_567_891_234_567_891_234n, 98_765_432_109_876_543n, 10n ** 21n + 7n]) {
        const t = splitReward(total, rate, 0n).treasury;
        expect(inferTreasuryRewardCutRate(total, t)).toBe(rate);
      }
    }
  });

  it('always reproduces the observed split, also for rates that are not round', () => {
    const rate = 123_456_789_123_456_789_123_456_789n;
    for (const total of [10n ** 18n, 3n * 10n ** 20n + 11n, 987_654_321_987_654_321_987n]) {
      const t = splitReward(total, rate, 0n).treasury;
      const inferred = inferTreasuryRewardCutRate(total, t)!;
      expect(splitReward(total, inferred, 0n).treasury).toBe(t);
    }
  });

  it('refuses shares no rate gives', () => {
    expect(inferTreasuryRewardCutRate(0n, 0n)).toBeNull();
    expect(inferTreasuryRewardCutRate(100n, 101n)).toBeNull();
    expect(inferTreasuryRewardCutRate(100n, -1n)).toBeNull();
  });
});
