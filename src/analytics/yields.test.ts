import { describe, expect, it } from 'vitest';
import { annualize, annualizedPoolYield, delegatorWindowEarnings, factorsAt, poolReturn, trailingWindow, type PoolFactors } from './yields.js';

const E27 = 10n ** 27n;
// Pool of one orchestrator: rewards in rounds 11 (+1%) and 13 (+1% again), fees in 11 and 12.
const pools: PoolFactors[] = [
  { round: 10n, crf: E27, cff: 0n },
  { round: 11n, crf: (E27 * 101n) / 100n, cff: 2n * 10n ** 25n },
  { round: 12n, crf: 0n, cff: 3n * 10n ** 25n },
  { round: 13n, crf: (E27 * 10201n) / 10000n, cff: 0n },
  { round: 14n, crf: 0n, cff: 0n },
];

describe('realized pool yield from factors', () => {
  it('annualizes a window: rewards compound, fees scale, the fee yield values LPT at the price', () => {
    // Rounds 10 → 14 over 73 days (a fifth of a year): +2.01% reward, 0.03 ETH per LPT of fees.
    const w = { days: 90, startRound: 10n, endRound: 14n, coveredDays: 73, complete: false };
    const y = annualizedPoolYield(pools, w, 0.005);
    expect(y.rewardPerLpt).toBe(201n * 10n ** 14n);
    expect(y.rewardAnnualized).toBeCloseTo(1.0201 ** 5 - 1, 12);
    expect(y.feesPerLptPerYear).toBeCloseTo(0.03 * 5, 12);
    // 0.15 ETH a year per LPT worth 0.005 ETH: 30 times its value.
    expect(y.feeAnnualized).toBeCloseTo(30, 9);
    expect(annualizedPoolYield(pools, w, null).feeAnnualized).toBeNull();
    expect(annualizedPoolYield(pools, { ...w, coveredDays: 0 }, 0.005).rewardAnnualized).toBeNull();
  });
  it('falls back to the latest written factor at or before a round', () => {
    expect(factorsAt(pools, 12n)).toEqual({ cumulativeRewardFactor: (E27 * 101n) / 100n, cumulativeFeeFactor: 3n * 10n ** 25n });
    expect(factorsAt(pools, 14n)).toEqual({ cumulativeRewardFactor: (E27 * 10201n) / 10000n, cumulativeFeeFactor: 3n * 10n ** 25n });
    expect(factorsAt(pools, 9n)).toEqual({ cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n });
  });
  it('computes reward and fee per LPT by hand', () => {
    // 10 → 14: CRF 1.0 → 1.0201 = 2.01% = 0.0201 LPT per LPT; CFF 0 → 0.03 over CRF 1.0 = 0.03 ETH per LPT.
    const r = poolReturn(factorsAt(pools, 10n), factorsAt(pools, 14n));
    expect(r.rewardPerLpt).toBe(20_100_000_000_000_000n);
    expect(r.feesPerLpt).toBe(30_000_000_000_000_000n);
    // 11 → 13: (1.0201 − 1.01)/1.01 = 1%; fees (0.03 − 0.02)/1.01 ETH = 0.00990099… ETH.
    const s = poolReturn(factorsAt(pools, 11n), factorsAt(pools, 13n));
    expect(s.rewardPerLpt).toBe(10_000_000_000_000_000n);
    expect(s.feesPerLpt).toBe((10n ** 25n * 10n ** 18n) / ((E27 * 101n) / 100n));
    // A never-rewarded start counts as CRF 1.0.
    expect(poolReturn({ cumulativeRewardFactor: 0n, cumulativeFeeFactor: 0n }, factorsAt(pools, 11n)).rewardPerLpt).toBe(10_000_000_000_000_000n);
  });
  it('annualizes by compounding over the covered days', () => {
    expect(annualize(0.01, 365)).toBeCloseTo(0.01, 12);
    expect(annualize(0.01, 182.5)).toBeCloseTo(1.01 ** 2 - 1, 12);
    expect(annualize(0.01, 0)).toBeNull();
  });
  it('picks the window start round by time', () => {
    const rounds = [0, 1, 2, 3, 4].map((i) => ({ round: BigInt(100 + i), time: 1_000_000 + i * 86_400 }));
    expect(trailingWindow(rounds, 2)).toEqual({ days: 2, startRound: 102n, endRound: 104n, coveredDays: 2, complete: true });
    expect(trailingWindow(rounds, 30)).toEqual({ days: 30, startRound: 100n, endRound: 104n, coveredDays: 4, complete: false });
    expect(trailingWindow([], 30)).toBeNull();
  });
});

describe('delegator earnings inside a window', () => {
  const poolsOf = () => pools;
  it('counts unclaimed earnings from the window start', () => {
    // 1000 LPT bonded, last claim 10: in window 11..14 it earns 1000 × (1.0201 − 1.01) = 10.1 LPT and 1000 × (0.03 − 0.02) = 10 ETH.
    const e = delegatorWindowEarnings({ delegate: 'o', bondedAmount: 1000n * 10n ** 18n, lastClaimRound: 10n }, [], poolsOf, 11n, 14n);
    expect(e.rewards).toBe(10_100_000_000_000_000_000n);
    expect(e.fees).toBe(10n * 10n ** 18n);
  });
  it('takes the in-window share of a claim that straddles the window start', () => {
    // EarningsClaimed(startRound 11, endRound 13): rounds 11..13 claimed on 1000 LPT (last claim was round 10),
    // 1000 × (1.0201 − 1.0) = 20.1 LPT and 1000 × (0.03 − 0) = 30 ETH.
    const claim = { delegate: 'o', startRound: 11n, endRound: 13n, rewards: 20_100_000_000_000_000_000n, fees: 30n * 10n ** 18n };
    const after = { delegate: 'o', bondedAmount: 0n, lastClaimRound: 13n };
    // Window 13..14 (from 12): reward share (1.0201 − 1.01)/(1.0201 − 1.0) = 10.1/20.1, fee share (0.03 − 0.03)/0.03 = 0.
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 12n, 14n)).toEqual({ rewards: 10_100_000_000_000_000_000n, fees: 0n });
    // Window 12..14 (from 11): round 11 is outside, so only (1.0201 − 1.01)/0.0201 of the rewards and (0.03 − 0.02)/0.03 of the fees.
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 11n, 14n)).toEqual({ rewards: 10_100_000_000_000_000_000n, fees: 10n * 10n ** 18n });
    // A claim wholly inside the window counts whole; one before it not at all.
    expect(delegatorWindowEarnings({ delegate: null, bondedAmount: 0n, lastClaimRound: 13n }, [claim], poolsOf, 10n, 14n)).toEqual({ rewards: claim.rewards, fees: claim.fees });
    expect(delegatorWindowEarnings({ delegate: null, bondedAmount: 0n, lastClaimRound: 13n }, [claim], poolsOf, 13n, 14n)).toEqual({ rewards: 0n, fees: 0n });
    // Window 11..12 (from 10): the claim's rounds 11 and 12 only: 10 LPT of 20.1 and all 30 ETH (CFF 0 → 0.03 by round 12).
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 10n, 12n)).toEqual({ rewards: 10_000_000_000_000_000_000n, fees: 30n * 10n ** 18n });
  });
  it('counts a one-round claim for its round', () => {
    // EarningsClaimed(13, 13) on 1010 LPT: round 13's reward 1010 × (1.0201/1.01 − 1) = 10.1 LPT.
    const claim = { delegate: 'o', startRound: 13n, endRound: 13n, rewards: 10_100_000_000_000_000_000n, fees: 0n };
    const after = { delegate: 'o', bondedAmount: 0n, lastClaimRound: 13n };
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 12n, 14n)).toEqual({ rewards: claim.rewards, fees: 0n });
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 11n, 13n)).toEqual({ rewards: claim.rewards, fees: 0n });
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 13n, 14n)).toEqual({ rewards: 0n, fees: 0n });
    expect(delegatorWindowEarnings(after, [claim], poolsOf, 10n, 12n)).toEqual({ rewards: 0n, fees: 0n });
  });
});
