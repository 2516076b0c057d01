// LivepeerGovernor math: GovernorCountingOverridable tally (delegator overrides), OZ 4.9 quorum fraction with a
// 1e6 denominator, the quota rule, and the proposal state machine (Governor + GovernorTimelockControl) in rounds.
import { PERC_DIVISOR, add, div, mul, percOfPerc, requireThat, sub, uint256 } from './precision.js';

/** Governor Bravo support values as cast on chain. */
export enum VoteType {
  Against = 0,
  For = 1,
  Abstain = 2,
}

/** OZ IGovernor.ProposalState, same numeric order as on chain. */
export enum ProposalState {
  Pending = 0,
  Active = 1,
  Canceled = 2,
  Defeated = 3,
  Succeeded = 4,
  Queued = 5,
  Expired = 6,
  Executed = 7,
}

/** Per-voter state kept by the tally (weights in LPT-wei). */
export interface VoterState {
  readonly hasVoted: boolean;
  readonly support: VoteType;
  /** Weight of this account's delegators who already voted themselves (LPT-wei). */
  readonly deductions: bigint;
}

/** Vote totals (LPT-wei), as proposalVotes() returns them. */
export interface VoteTotals {
  readonly againstVotes: bigint;
  readonly forVotes: bigint;
  readonly abstainVotes: bigint;
}

/** A vote as the Governor sees it: weight is getVotes at the snapshot round, delegate is delegatedAt(voter, snapshot). */
export interface CastVoteInput {
  voter: string;
  /** The voter's delegate at the snapshot round; equal to voter for an orchestrator. */
  delegate: string;
  /**
   * Whether that delegate was its own delegate at the snapshot round (default true): only then is a delegator's vote
   * an override of it (GovernorCountingOverridable._handleVoteOverrides).
   */
  delegateSelfDelegated?: boolean;
  support: VoteType;
  /** Voting power at the snapshot round (LPT-wei); this is also VoteCast.weight. */
  weight: bigint;
}

/**
 * One proposal's tally with delegator overrides: a delegator's vote moves its weight out of its orchestrator's
 * tally (if the orchestrator already voted) and records a deduction applied if the orchestrator votes later.
 * Summing VoteCast weights double-counts; read totals() instead.
 */
export class ProposalTally {
  private againstVotes = 0n;
  private forVotes = 0n;
  private abstainVotes = 0n;
  private readonly voters = new Map<string, VoterState>();

  /** _countVote: returns the weight actually added to the chosen support (LPT-wei); reverts on double vote. */
  castVote(v: CastVoteInput): bigint {
    const voter = v.voter.toLowerCase();
    const delegate = v.delegate.toLowerCase();
    const weight = uint256(v.weight, 'weight');
    requireThat(v.support === VoteType.Against || v.support === VoteType.For || v.support === VoteType.Abstain, 'InvalidVoteType');
    const prior = this.voter(voter);
    requireThat(!prior.hasVoted, 'VoteAlreadyCast');
    this.voters.set(voter, { ...prior, hasVoted: true, support: v.support });

    let counted: bigint;
    if (voter === delegate) {
      // Checked subtraction as in the contract: deductions can never exceed the orchestrator's own weight.
      counted = sub(weight, prior.deductions);
    } else if (v.delegateSelfDelegated === false) {
      // A delegate that is itself delegating has no voting power from its delegators: nothing to override.
      counted = weight;
    } else {
      const d = this.voter(delegate);
      this.voters.set(delegate, { ...d, deductions: add(d.deductions, weight) });
      if (d.hasVoted) this.addTo(d.support, -weight);
      counted = weight;
    }
    this.addTo(v.support, counted);
    return counted;
  }

  /** hasVoted(account). */
  hasVoted(account: string): boolean {
    return this.voter(account.toLowerCase()).hasVoted;
  }

  /** Voter state (deductions in LPT-wei). */
  voter(account: string): VoterState {
    return this.voters.get(account.toLowerCase()) ?? { hasVoted: false, support: VoteType.Against, deductions: 0n };
  }

  /** proposalVotes (LPT-wei). */
  totals(): VoteTotals {
    return { againstVotes: this.againstVotes, forVotes: this.forVotes, abstainVotes: this.abstainVotes };
  }

  private addTo(support: VoteType, delta: bigint): void {
    // Subtraction is checked like Solidity 0.8: a negative total would be a revert on chain.
    const apply = (x: bigint): bigint => (delta < 0n ? sub(x, -delta) : add(x, delta));
    if (support === VoteType.Against) this.againstVotes = apply(this.againstVotes);
    else if (support === VoteType.For) this.forVotes = apply(this.forVotes);
    else this.abstainVotes = apply(this.abstainVotes);
  }
}

/** Quorum (LPT-wei) per GovernorVotesQuorumFraction: floor(totalSupplyAtSnapshot * quorumNumerator / 1e6); numerator per 1e6. */
export function quorumVotes(totalSupplyAtSnapshot: bigint, quorumNumerator: bigint): bigint {
  return div(mul(uint256(totalSupplyAtSnapshot, 'totalSupply'), uint256(quorumNumerator, 'quorum')), PERC_DIVISOR);
}

/** _quorumReached: for + against + abstain >= quorum (all LPT-wei). */
export function quorumReached(t: VoteTotals, quorum: bigint): boolean {
  return add(add(t.againstVotes, t.forVotes), t.abstainVotes) >= quorum;
}

/** _voteSucceeded: for >= floor((for + against) * quota / 1e6), abstain ignored; quota per 1e6. */
export function voteSucceeded(t: VoteTotals, quota: bigint): boolean {
  return t.forVotes >= percOfPerc(add(t.againstVotes, t.forVotes), quota, PERC_DIVISOR);
}

/** Status of the proposal's operation in the Treasury timelock: none = never queued. */
export type TimelockStatus = 'none' | 'pending' | 'done' | 'cancelled';

/** Inputs of the state machine; rounds are the Governor's clock (BondingVotes.clock = current round). */
export interface ProposalStateInputs {
  /** ProposalCreated.voteStart = snapshot round. */
  voteStart: bigint;
  /** ProposalCreated.voteEnd = deadline round. */
  voteEnd: bigint;
  currentRound: bigint;
  executed: boolean;
  canceled: boolean;
  totals: VoteTotals;
  /** Quorum in LPT-wei (see quorumVotes). */
  quorum: bigint;
  /** Quota per 1e6 (500000 on chain). */
  quota: bigint;
  timelock: TimelockStatus;
}

/**
 * LivepeerGovernor.state: Executed/Canceled flags first; Pending while currentRound <= voteStart; Active while
 * currentRound <= voteEnd; then Defeated unless quorum and quota hold; a succeeded proposal is Queued/Executed/
 * Canceled by its timelock operation. Expired is never produced (GovernorTimelockControl has no grace period).
 */
export function proposalState(p: ProposalStateInputs): ProposalState {
  if (p.executed) return ProposalState.Executed;
  if (p.canceled) return ProposalState.Canceled;
  requireThat(p.voteStart !== 0n, 'Governor: unknown proposal id');
  if (p.voteStart >= p.currentRound) return ProposalState.Pending;
  if (p.voteEnd >= p.currentRound) return ProposalState.Active;
  if (!(quorumReached(p.totals, p.quorum) && voteSucceeded(p.totals, p.quota))) return ProposalState.Defeated;
  switch (p.timelock) {
    case 'none':
      return ProposalState.Succeeded;
    case 'done':
      return ProposalState.Executed;
    case 'pending':
      return ProposalState.Queued;
    case 'cancelled':
      return ProposalState.Canceled;
  }
}
