import { describe, expect, it } from 'vitest';
import { tallyPoll, type PollVoterStake } from './polls.js';

const LPT = 10n ** 18n;
const stakes: Record<string, PollVoterStake> = {
  orchA: { delegate: 'orchA', pendingStake: 100n * LPT, orchestratorStake: 1_000n * LPT },
  orchB: { delegate: 'orchB', pendingStake: 50n * LPT, orchestratorStake: 400n * LPT },
  del1: { delegate: 'orchA', pendingStake: 300n * LPT, orchestratorStake: null },
  del2: { delegate: 'orchA', pendingStake: 200n * LPT, orchestratorStake: null },
  del3: { delegate: 'orchB', pendingStake: 7n, orchestratorStake: null },
  gone: { delegate: null, pendingStake: 0n, orchestratorStake: null },
};
const of = (v: string): PollVoterStake => stakes[v]!;

describe('tallyPoll', () => {
  it('takes voting delegators out of their orchestrator, as the governor does', () => {
    const t = tallyPoll(new Map([['orchA', 0n], ['del1', 1n], ['del2', 0n], ['orchB', 1n]]), of, 2_000n * LPT, 333_300n, 500_000n);
    expect(t.weights.get('orchA')!.weight).toBe(500n * LPT); // 1000 − 300 − 200
    expect(t.yes).toBe(700n * LPT);
    expect(t.no).toBe(700n * LPT);
    expect(t.voters).toBe(4);
    expect(t.quorumMet).toBe(true); // 1400 ≥ 2000 × 33.33 %
    expect(t.passed).toBe(true); // yes ≥ 50 % of 1400 (a tie passes)
  });

  it('counts a delegator whose orchestrator did not vote only once, and ignores unknown choices', () => {
    const t = tallyPoll(new Map([['del3', 1n], ['del1', 7n], ['gone', 0n]]), of, 2_000n * LPT, 333_300n, 500_000n);
    expect(t.no).toBe(7n);
    expect(t.yes).toBe(0n);
    expect(t.voters).toBe(2);
    expect(t.weights.get('del1')).toEqual({ choice: 7n, weight: 0n });
    expect(t.quorumMet).toBe(false);
    expect(t.passed).toBe(false);
  });

  it('quorum is exact at the boundary (parts per 1e6)', () => {
    const total = 3_000_000n;
    const just = tallyPoll(new Map([['x', 0n]]), () => ({ delegate: 'y', pendingStake: 999_900n, orchestratorStake: null }), total, 333_300n, 500_000n);
    expect(just.quorumMet).toBe(true); // 999,900 × 1e6 = 3,000,000 × 333,300
    const short = tallyPoll(new Map([['x', 0n]]), () => ({ delegate: 'y', pendingStake: 999_899n, orchestratorStake: null }), total, 333_300n, 500_000n);
    expect(short.quorumMet).toBe(false);
  });

  it('fails below quota', () => {
    const t = tallyPoll(new Map([['orchA', 1n], ['orchB', 0n]]), of, 1_400n * LPT, 333_300n, 500_000n);
    expect(t.yes).toBe(400n * LPT);
    expect(t.no).toBe(1_000n * LPT);
    expect(t.passed).toBe(false);
  });
});
