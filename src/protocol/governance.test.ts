import { describe, expect, it } from 'vitest';
import {
  ProposalState,
  ProposalTally,
  VoteType,
  proposalState,
  quorumReached,
  quorumVotes,
  voteSucceeded,
  type ProposalStateInputs,
} from './governance.js';
import { ProtocolRevertError } from './precision.js';

const T = '0x00000000000000000000000000000000000000aa';
const A = '0x00000000000000000000000000000000000000a1';
const B = '0x00000000000000000000000000000000000000b2';

// T's voting power (1000) includes its delegators A (300) and B (200).
describe('ProposalTally overrides', () => {
  it('delegators voting after their orchestrator move their weight out of its support', () => {
    const t = new ProposalTally();
    expect(t.castVote({ voter: T, delegate: T, support: VoteType.For, weight: 1000n })).toBe(1000n);
    // A disagrees: For 1000 - 300 = 700, Against 300
    expect(t.castVote({ voter: A, delegate: T, support: VoteType.Against, weight: 300n })).toBe(300n);
    // B agrees: For 700 - 200 + 200 = 700
    expect(t.castVote({ voter: B, delegate: T, support: VoteType.For, weight: 200n })).toBe(200n);
    expect(t.totals()).toEqual({ againstVotes: 300n, forVotes: 700n, abstainVotes: 0n });
    expect(t.voter(T).deductions).toBe(500n);
  });

  it('an orchestrator voting after its delegators counts its weight minus their overrides', () => {
    const t = new ProposalTally();
    t.castVote({ voter: A, delegate: T, support: VoteType.Against, weight: 300n });
    // 1000 - 300 already cast by A
    expect(t.castVote({ voter: T, delegate: T, support: VoteType.For, weight: 1000n })).toBe(700n);
    // B abstains afterwards: For 700 - 200 = 500, Abstain 200
    t.castVote({ voter: B, delegate: T, support: VoteType.Abstain, weight: 200n });
    expect(t.totals()).toEqual({ againstVotes: 300n, forVotes: 500n, abstainVotes: 200n });
    // Total stays T's 1000 although VoteCast weights sum to 1500
    const { againstVotes, forVotes, abstainVotes } = t.totals();
    expect(againstVotes + forVotes + abstainVotes).toBe(1000n);
  });

  it('a vote of a delegator whose delegate delegates too is no override (GovernorCountingOverridable._handleVoteOverrides)', () => {
    const t = new ProposalTally();
    // T is not self-delegated at the snapshot: A's vote neither deducts from T nor moves T's votes.
    expect(t.castVote({ voter: T, delegate: B, support: VoteType.For, weight: 1000n })).toBe(1000n);
    expect(t.castVote({ voter: A, delegate: T, delegateSelfDelegated: false, support: VoteType.Against, weight: 300n })).toBe(300n);
    expect(t.totals()).toEqual({ againstVotes: 300n, forVotes: 1000n, abstainVotes: 0n });
    expect(t.voter(T).deductions).toBe(0n);
  });

  it('rejects double votes and invalid support values', () => {
    const t = new ProposalTally();
    t.castVote({ voter: T, delegate: T, support: VoteType.For, weight: 1n });
    expect(() => t.castVote({ voter: T, delegate: T, support: VoteType.For, weight: 1n })).toThrow(ProtocolRevertError);
    expect(() => t.castVote({ voter: A, delegate: T, support: 3 as VoteType, weight: 1n })).toThrow(ProtocolRevertError);
    expect(t.hasVoted(T)).toBe(true);
    expect(t.hasVoted(A)).toBe(false);
  });
});

describe('quorum and quota', () => {
  it('quorum = floor(supplyAtSnapshot * numerator / 1e6)', () => {
    // 10,000 LPT * 33.33% = 3,333 LPT
    expect(quorumVotes(10_000n * 10n ** 18n, 333_300n)).toBe(3_333n * 10n ** 18n);
    // 1001 * 0.3333 = 333.63 → 333
    expect(quorumVotes(1001n, 333_300n)).toBe(333n);
  });
  it('quorum counts abstain', () => {
    expect(quorumReached({ againstVotes: 100n, forVotes: 100n, abstainVotes: 133n }, 333n)).toBe(true);
    expect(quorumReached({ againstVotes: 100n, forVotes: 100n, abstainVotes: 132n }, 333n)).toBe(false);
  });
  it('quota floors (for+against)*quota/1e6, so 500 for vs 501 against still passes at 50%', () => {
    // 1001 * 0.5 = 500.5 → 500; 500 >= 500
    expect(voteSucceeded({ againstVotes: 501n, forVotes: 500n, abstainVotes: 0n }, 500_000n)).toBe(true);
    // 1000 * 0.5 = 500; 499 < 500
    expect(voteSucceeded({ againstVotes: 501n, forVotes: 499n, abstainVotes: 0n }, 500_000n)).toBe(false);
    // abstain is ignored
    expect(voteSucceeded({ againstVotes: 0n, forVotes: 0n, abstainVotes: 10n }, 500_000n)).toBe(true);
  });
});

describe('proposalState', () => {
  const base: ProposalStateInputs = {
    voteStart: 100n,
    voteEnd: 110n,
    currentRound: 100n,
    executed: false,
    canceled: false,
    totals: { againstVotes: 100n, forVotes: 300n, abstainVotes: 0n },
    quorum: 333n,
    quota: 500_000n,
    timelock: 'none',
  };
  it('walks Pending → Active → Succeeded/Defeated by round', () => {
    expect(proposalState({ ...base, currentRound: 99n })).toBe(ProposalState.Pending);
    // the snapshot round itself is still Pending (snapshot >= clock)
    expect(proposalState({ ...base, currentRound: 100n })).toBe(ProposalState.Pending);
    expect(proposalState({ ...base, currentRound: 101n })).toBe(ProposalState.Active);
    expect(proposalState({ ...base, currentRound: 110n })).toBe(ProposalState.Active);
    // 400 >= 333 quorum, 300 >= floor(400 * 0.5)
    expect(proposalState({ ...base, currentRound: 111n })).toBe(ProposalState.Succeeded);
    expect(proposalState({ ...base, currentRound: 111n, quorum: 401n })).toBe(ProposalState.Defeated);
    expect(
      proposalState({ ...base, currentRound: 111n, totals: { againstVotes: 300n, forVotes: 100n, abstainVotes: 0n } }),
    ).toBe(ProposalState.Defeated);
  });
  it('maps the timelock operation of a succeeded proposal', () => {
    const after = { ...base, currentRound: 200n };
    expect(proposalState({ ...after, timelock: 'pending' })).toBe(ProposalState.Queued);
    expect(proposalState({ ...after, timelock: 'done' })).toBe(ProposalState.Executed);
    expect(proposalState({ ...after, timelock: 'cancelled' })).toBe(ProposalState.Canceled);
  });
  it('executed and canceled flags win; unknown proposals revert', () => {
    expect(proposalState({ ...base, executed: true, canceled: true })).toBe(ProposalState.Executed);
    expect(proposalState({ ...base, canceled: true })).toBe(ProposalState.Canceled);
    expect(() => proposalState({ ...base, voteStart: 0n })).toThrow(ProtocolRevertError);
  });
});
