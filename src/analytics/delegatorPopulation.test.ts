import { describe, expect, it } from 'vitest';
import { dailyChurn, gini, stakeDistribution, stakeFlows } from './delegatorPopulation.js';
import { delegateVoting } from './delegateActivity.js';

const L = 10n ** 18n;
const Z = '0x0000000000000000000000000000000000000000';

describe('delegator population', () => {
  it('computes the Gini coefficient by hand', () => {
    expect(gini([1n, 1n, 1n, 1n])).toBe(0);
    // [1, 3]: Σ(2i − n − 1)x = (−1)(1) + (1)(3) = 2; / (2 × 4) = 0.25.
    expect(gini([3n, 1n])).toBe(0.25);
    // [0, 0, 0, 10] ignores zero holders: one holder → 0.
    expect(gini([0n, 10n])).toBe(0);
    // [1, 2, 3]: (−2)(1) + 0(2) + 2(3) = 4; / (3 × 6) = 0.222222222.
    expect(gini([1n, 2n, 3n])).toBe(0.222222222);
  });
  it('buckets stake', () => {
    const b = stakeDistribution([5n * L, 10n * L, 150n * L, 2_000_000n * L, 0n]);
    expect(b.map((x) => x.delegators)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(b[1]!.stake).toBe(10n * L);
    expect(b[5]).toEqual({ fromLpt: 100_000, toLpt: null, delegators: 1, stake: 2_000_000n * L });
  });
  it('counts joins and exits per day', () => {
    const d = dailyChurn([
      { account: 'a', time: 0, previous: 0n, next: 5n },
      { account: 'b', time: 10, previous: 0n, next: 5n },
      { account: 'a', time: 86_400, previous: 5n, next: 0n },
      { account: 'b', time: 86_401, previous: 5n, next: 7n },
    ]);
    expect(d).toEqual([
      { day: '1970-01-01', joined: 2, left: 0, delegators: 2 },
      { day: '1970-01-02', joined: 0, left: 1, delegators: 1 },
    ]);
  });
  it('derives flows per orchestrator from Bond, Unbond and Rebond', () => {
    const f = stakeFlows([
      { kind: 'Bond', newDelegate: 'o1', oldDelegate: Z, additionalAmount: 100n, bondedAmount: 100n },
      { kind: 'Bond', newDelegate: 'o2', oldDelegate: 'o1', additionalAmount: 10n, bondedAmount: 110n },
      { kind: 'Unbond', delegate: 'o2', amount: 30n },
      { kind: 'Rebond', delegate: 'o2', amount: 5n },
    ]);
    // Sorted by volume moved: o1 200, o2 145.
    expect(f).toEqual([
      { orchestrator: 'o1', inflow: 100n, outflow: 100n, net: 0n },
      { orchestrator: 'o2', inflow: 115n, outflow: 30n, net: 85n },
    ]);
  });
});

describe('delegate voting', () => {
  it('counts its votes, its delegators votes and overrides', () => {
    const s = delegateVoting('o', [{ id: 'p1', voteEnd: 1n }, { id: 'p2', voteEnd: 2n }], [
      { proposalId: 'p1', voter: 'o', support: 1, weight: 10n, delegate: 'o' },
      { proposalId: 'p1', voter: 'd1', support: 0, weight: 1n, delegate: 'o' },
      { proposalId: 'p1', voter: 'd2', support: 1, weight: 1n, delegate: 'o' },
      { proposalId: 'p2', voter: 'd1', support: 2, weight: 1n, delegate: 'o' },
      { proposalId: 'p2', voter: 'x', support: 2, weight: 1n, delegate: 'other' },
    ]);
    expect(s).toEqual({ proposals: 2, voted: 1, votingRate: 0.5, delegatorVotes: 3, overrides: 1 });
  });
});
