// Governance analytics over indexed proposals and votes: quorum and quota progress exactly as the governor
// computes them (override-correct tallies, floor order of the quota), the weight each vote finally counts
// with, pivotal votes, per-delegate voting records and participation.
import { ProposalTally, quorumReached, voteSucceeded, type VoteTotals } from '../protocol/index.js';
import { percOfPerc, PERC_DIVISOR } from '../protocol/precision.js';

/** A vote as stored: weight in LPT-wei at the snapshot round; delegate = the voter's delegate at the snapshot. */
export interface VoteInput {
  voter: string;
  delegate: string | null;
  /** 0 against, 1 for, 2 abstain. */
  support: number;
  weight: bigint;
}

/** Quorum and quota progress of one proposal (amounts in LPT-wei). */
export interface TallyProgress {
  totals: VoteTotals;
  /** for + against + abstain. */
  totalVotes: bigint;
  quorum: bigint;
  quorumReached: boolean;
  /** Votes still needed for quorum (0 once reached). */
  quorumShortfall: bigint;
  /** Smallest for-vote that meets the quota now: floor((for + against) * quota / 1e6) as the governor floors it. */
  quotaThreshold: bigint;
  quotaReached: boolean;
  /** For-votes still needed at the current against-votes (0 once reached). */
  quotaShortfall: bigint;
  /** Both hold: the proposal would succeed if voting closed now. */
  passing: boolean;
}

/** Quorum and quota progress as LivepeerGovernor evaluates them; quorum in LPT-wei, quota per 1e6. */
export function tallyProgress(totals: VoteTotals, quorum: bigint, quota: bigint): TallyProgress {
  const totalVotes = totals.forVotes + totals.againstVotes + totals.abstainVotes;
  const quotaThreshold = percOfPerc(totals.forVotes + totals.againstVotes, quota, PERC_DIVISOR);
  const qr = quorumReached(totals, quorum);
  const qs = voteSucceeded(totals, quota);
  // For-votes needed so that for ≥ (for + x + against)·q: x ≥ (q·against − (1−q)·for)/(1−q), checked by the exact rule.
  let quotaShortfall = 0n;
  if (!qs) {
    const denom = PERC_DIVISOR - quota;
    quotaShortfall = denom > 0n ? (quota * totals.againstVotes - denom * totals.forVotes + denom - 1n) / denom : 0n;
    while (quotaShortfall > 0n && voteSucceeded({ ...totals, forVotes: totals.forVotes + quotaShortfall - 1n }, quota)) quotaShortfall--;
    while (!voteSucceeded({ ...totals, forVotes: totals.forVotes + quotaShortfall }, quota)) quotaShortfall++;
  }
  return {
    totals,
    totalVotes,
    quorum,
    quorumReached: qr,
    quorumShortfall: qr ? 0n : quorum - totalVotes,
    quotaThreshold,
    quotaReached: qs,
    quotaShortfall,
    passing: qr && qs,
  };
}

/** Replays votes in chain order through the governor's overridable counting; totals in LPT-wei. */
export function replayTally(votes: VoteInput[]): VoteTotals {
  const t = new ProposalTally();
  for (const v of votes) t.castVote({ voter: v.voter, delegate: v.delegate ?? '0x0000000000000000000000000000000000000000', support: v.support, weight: v.weight });
  return t.totals();
}

/**
 * Weight each vote finally counts with (LPT-wei): a delegate's own vote loses the weight of every delegator of
 * it who voted too (in whichever order), a delegator's vote counts in full. Sums to replayTally's total.
 */
export function countedWeights(votes: VoteInput[]): Map<string, bigint> {
  const deductions = new Map<string, bigint>();
  for (const v of votes) {
    const d = v.delegate?.toLowerCase();
    if (d && d !== v.voter.toLowerCase()) deductions.set(d, (deductions.get(d) ?? 0n) + v.weight);
  }
  return new Map(votes.map((v) => [v.voter.toLowerCase(), v.delegate?.toLowerCase() === v.voter.toLowerCase() ? v.weight - (deductions.get(v.voter.toLowerCase()) ?? 0n) : v.weight]));
}

/**
 * Voters whose vote decided the outcome: without it (and with its override undone) the proposal's
 * pass/fail result under the same quorum (LPT-wei) and quota (per 1e6) would flip.
 */
export function pivotalVoters(votes: VoteInput[], quorum: bigint, quota: bigint): Set<string> {
  const passes = (t: VoteTotals) => quorumReached(t, quorum) && voteSucceeded(t, quota);
  const totals = replayTally(votes);
  const actual = passes(totals);
  const counted = countedWeights(votes);
  const supportOf = new Map(votes.map((v) => [v.voter.toLowerCase(), v.support]));
  const key = ['againstVotes', 'forVotes', 'abstainVotes'] as const;
  const out = new Set<string>();
  // Removing one vote changes the totals in closed form, so each check is O(1) instead of a full replay:
  // a delegate's vote takes away what it counted; a delegator's vote takes away its weight and, if its
  // delegate voted, gives that weight back to the delegate's choice.
  for (const v of votes) {
    const voter = v.voter.toLowerCase();
    const delegate = v.delegate?.toLowerCase() ?? null;
    const t = { ...totals };
    t[key[v.support]!] -= counted.get(voter) ?? v.weight;
    if (delegate !== null && delegate !== voter && supportOf.has(delegate)) t[key[supportOf.get(delegate)!]!] += v.weight;
    if (passes(t) !== actual) out.add(voter);
  }
  return out;
}

/** What a participation rate is computed over: a proposal and the round its vote snapshot was taken. */
export interface ProposalRef {
  id: string;
  voteStart: bigint;
  /** False while pending (voting has not opened): such proposals do not count yet. */
  votingOpened: boolean;
}

/** One delegate's participation: proposals it could vote on (opened after it became active) and voted on. */
export interface Participation {
  eligible: number;
  voted: number;
  /** voted / eligible; null when it was eligible for none. */
  rate: number | null;
}

/** Participation of an account active from `activeFrom` (round, null = never active) in the given proposals. */
export function participation(activeFrom: bigint | null, proposals: ProposalRef[], votedIds: Set<string>): Participation {
  // Having voted proves eligibility even when the activation round is unknown.
  const eligible = proposals.filter((p) => p.votingOpened && (votedIds.has(p.id) || (activeFrom !== null && activeFrom <= p.voteStart)));
  const voted = eligible.filter((p) => votedIds.has(p.id)).length;
  return { eligible: eligible.length, voted, rate: eligible.length === 0 ? null : voted / eligible.length };
}

/** Known round starts (unix s) and the median round length, to date past and future rounds. */
export interface RoundClock {
  starts: Map<bigint, number>;
  /** Median seconds between consecutive initialized rounds; null with fewer than two rounds. */
  medianLength: number | null;
  lastRound: bigint | null;
}

/** Builds the round clock from initialized rounds (round, start time in unix s). */
export function roundClock(rounds: { round: bigint; time: number }[]): RoundClock {
  const sorted = [...rounds].sort((a, b) => (a.round < b.round ? -1 : 1));
  const lengths: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = Number(sorted[i]!.round - sorted[i - 1]!.round);
    if (gap > 0) lengths.push((sorted[i]!.time - sorted[i - 1]!.time) / gap);
  }
  lengths.sort((a, b) => a - b);
  return {
    starts: new Map(sorted.map((r) => [r.round, r.time])),
    medianLength: lengths.length ? lengths[Math.floor(lengths.length / 2)]! : null,
    lastRound: sorted.length ? sorted[sorted.length - 1]!.round : null,
  };
}

/** Start time of a round (unix s): the initializeRound block when known, else extrapolated from the last known round. */
export function roundStart(clock: RoundClock, round: bigint): { time: number | null; estimated: boolean } {
  const known = clock.starts.get(round);
  if (known !== undefined) return { time: known, estimated: false };
  if (clock.lastRound === null || clock.medianLength === null) return { time: null, estimated: true };
  const base = clock.starts.get(clock.lastRound)!;
  return { time: Math.round(base + Number(round - clock.lastRound) * clock.medianLength), estimated: true };
}

/** LIP numbers a proposal text names ("LIP-101", "LIP 92", "lip92"), ascending and unique. */
export function lipReferences(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/\bLIP[-\s#]?(\d{1,4})\b/gi)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}
