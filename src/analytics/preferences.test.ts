import { describe, expect, it } from 'vitest';
import { activeSpans, cutChangeResponses, cutsPerRound, distribution, overridesByProposal, summarizeResponses, unbondingHistory, unbondingQueue, type RoundMove } from './preferences.js';

const E18 = 10n ** 18n;
const Z = '0x0000000000000000000000000000000000000000';

describe('the market rate of cuts', () => {
  it('takes nearest-rank percentiles of the values someone chose', () => {
    expect(distribution([50, 10, 40, 20, 30])).toEqual({ count: 5, min: 10, p10: 10, p25: 20, median: 30, p75: 40, p90: 50, max: 50, mean: 30 });
    expect(distribution([])).toBeNull();
  });

  it('uses the cut in force (latest TranscoderUpdate at or before the round) of each orchestrator active in the round', () => {
    const spans = activeSpans([
      { orchestrator: 'a', kind: 'activated', round: 10n },
      { orchestrator: 'b', kind: 'activated', round: 10n },
      { orchestrator: 'b', kind: 'deactivated', round: 12n },
      { orchestrator: 'c', kind: 'activated', round: 12n },
    ]);
    const cuts = new Map([
      ['a', [{ round: 9n, time: 0, rewardCut: 100_000, feeShare: 500_000 }, { round: 12n, time: 0, rewardCut: 200_000, feeShare: 500_000 }]],
      ['b', [{ round: 9n, time: 0, rewardCut: 50_000, feeShare: 900_000 }]],
      ['c', [{ round: 12n, time: 0, rewardCut: 0, feeShare: 1_000_000 }]],
    ]);
    const r = cutsPerRound([11, 12], spans, cuts);
    // Round 11: a (10%) and b (5%); round 12: b left, a raised to 20%, c joined at 0%.
    expect(r.map((x) => [x.round, x.active, x.rewardCut?.min, x.rewardCut?.max, x.feeShare?.median])).toEqual([
      [11, 2, 50_000, 100_000, 500_000],
      [12, 2, 0, 200_000, 500_000],
    ]);
  });
});

describe('delegators’ response to cut changes', () => {
  it('sums net stake moved to the orchestrator in the rounds before and after each change', () => {
    const cuts = new Map([['o', [{ round: 5n, time: 0, rewardCut: 100_000, feeShare: 500_000 }, { round: 10n, time: 0, rewardCut: 100_000, feeShare: 500_000 }, { round: 20n, time: 0, rewardCut: 250_000, feeShare: 500_000 }]]]);
    const moves: RoundMove[] = [
      { kind: 'Bond', round: 17n, newDelegate: 'o', oldDelegate: Z, additionalAmount: 100n * E18, bondedAmount: 100n * E18 },
      { kind: 'Bond', round: 20n, newDelegate: 'x', oldDelegate: 'o', additionalAmount: 0n, bondedAmount: 40n * E18 },
      { kind: 'Unbond', round: 21n, delegate: 'o', amount: 10n * E18 },
      { kind: 'Rebond', round: 22n, delegate: 'o', amount: 5n * E18 },
      { kind: 'Unbond', round: 30n, delegate: 'o', amount: 99n * E18 },
    ];
    // The update in round 10 changes nothing and is no change; round 20 raises the reward cut.
    const r = cutChangeResponses(cuts, moves, 5);
    expect(r).toEqual([{ orchestrator: 'o', round: 20, rewardCut: { before: 100_000, after: 250_000 }, feeShare: { before: 500_000, after: 500_000 }, netFlowBefore: 100n * E18, netFlowAfter: -45n * E18 }]);
    expect(summarizeResponses(r)[0]).toEqual({ change: 'reward cut raised', changes: 1, meanNetFlowBefore: 100n * E18, meanNetFlowAfter: -45n * E18 });
    expect(summarizeResponses(r)[1]).toMatchObject({ change: 'reward cut lowered', changes: 0, meanNetFlowBefore: 0n });
  });
});

describe('override votes', () => {
  it('groups delegators voting against their delegate by proposal, with the reasons given', () => {
    const g = overridesByProposal([
      { proposalId: 'p', voter: 'd', support: 1, weight: 100n, reason: 'Aligned with the roadmap', delegate: null },
      { proposalId: 'p', voter: 'x', support: 0, weight: 10n, reason: 'Budget too large', delegate: 'd' },
      { proposalId: 'p', voter: 'y', support: 1, weight: 5n, reason: '', delegate: 'd' },
      { proposalId: 'p', voter: 'z', support: 2, weight: 7n, reason: ' Budget too large ', delegate: 'e' },
      { proposalId: 'p', voter: 'w', support: 1, weight: 1000n, reason: '', delegate: null },
    ]);
    expect(g).toHaveLength(1);
    // x disagrees with d; z's delegate e did not vote; y agrees with d.
    expect(g[0]).toMatchObject({ proposalId: 'p', overrides: 2, weight: 17n });
    expect(g[0]!.bySupport).toEqual([{ support: 0, votes: 1, weight: 10n }, { support: 1, votes: 0, weight: 0n }, { support: 2, votes: 1, weight: 7n }]);
    expect(g[0]!.reasons).toEqual([
      { reason: 'Aligned with the roadmap', votes: 1, weight: 100n, overrides: 0 },
      { reason: 'Budget too large', votes: 2, weight: 17n, overrides: 2 },
      // Votes without a reason come last, however much weight they carry.
      { reason: '', votes: 2, weight: 1005n, overrides: 0 },
    ]);
  });
});

describe('the unbonding queue', () => {
  it('folds locks past their withdraw round into "now" and groups the rest by round', () => {
    const q = unbondingQueue([{ amount: 5n, withdrawRound: 9n }, { amount: 7n, withdrawRound: 10n }, { amount: 3n, withdrawRound: 12n }, { amount: 1n, withdrawRound: 12n }], 10n);
    expect(q).toEqual({ withdrawableNow: 12n, pending: 4n, rounds: [{ round: 12n, amount: 4n, locks: 2 }] });
  });
});

describe('the unbonding history', () => {
  it('adds each Unbond to the round it unlocks and each WithdrawStake to the round it happened, oldest round first', () => {
    expect(
      unbondingHistory([
        { kind: 'Unbond', withdrawRound: 20n, amount: 5n * E18 },
        { kind: 'Unbond', withdrawRound: 17n, amount: 2n * E18 },
        { kind: 'WithdrawStake', round: 20n, amount: 4n * E18 },
        { kind: 'Unbond', withdrawRound: 20n, amount: 1n * E18 },
        { kind: 'WithdrawStake', round: null, amount: 9n * E18 },
      ]),
    ).toEqual([
      { round: 17n, unlocking: 2n * E18, withdrawn: 0n },
      { round: 20n, unlocking: 6n * E18, withdrawn: 4n * E18 },
    ]);
  });
});
