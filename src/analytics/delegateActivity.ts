// Delegate activity: how an orchestrator-delegate votes on governor proposals and how often its delegators
// override it with their own vote.

/** A proposal with its voting window (rounds). */
export interface ProposalRef {
  id: string;
  voteEnd: bigint;
}

/** A vote as indexed: `delegate` is the voter's delegate at the snapshot (null when it is its own). */
export interface VoteRef {
  proposalId: string;
  voter: string;
  support: number;
  /** LPT-wei. */
  weight: bigint;
  delegate: string | null;
}

export interface DelegateVotingSummary {
  /** Proposals whose voting ended by `round` (or all, with no round). */
  proposals: number;
  voted: number;
  /** voted / proposals; null with none. */
  votingRate: number | null;
  /** Votes of the delegate's own delegators (overrides of its vote or votes where it did not vote). */
  delegatorVotes: number;
  /** Delegator votes whose support differs from the delegate's vote on the same proposal. */
  overrides: number;
}

/** Voting summary of `delegate` over the proposals, counting its delegators' votes and overrides. */
export function delegateVoting(delegate: string, proposals: readonly ProposalRef[], votes: readonly VoteRef[]): DelegateVotingSummary {
  const own = new Map<string, VoteRef>();
  for (const v of votes) if (v.voter === delegate) own.set(v.proposalId, v);
  const ids = new Set(proposals.map((p) => p.id));
  let delegatorVotes = 0;
  let overrides = 0;
  for (const v of votes) {
    if (v.voter === delegate || v.delegate !== delegate || !ids.has(v.proposalId)) continue;
    delegatorVotes++;
    const d = own.get(v.proposalId);
    if (d && d.support !== v.support) overrides++;
  }
  const voted = proposals.filter((p) => own.has(p.id)).length;
  return { proposals: proposals.length, voted, votingRate: proposals.length ? voted / proposals.length : null, delegatorVotes, overrides };
}
