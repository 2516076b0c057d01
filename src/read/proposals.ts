import { sql } from 'kysely';
import { big, bigOrNull, rows, type Db, type Text } from './db.js';

/** A governor proposal as indexed (proposal): its actions, vote window, lifecycle blocks and tallies. */
export interface ProposalRow {
  id: string;
  proposer: string;
  /** Lower-case target addresses. */
  targets: string[];
  values: string[];
  calldatas: string[];
  description: string;
  voteStart: bigint;
  voteEnd: bigint;
  createdBlock: bigint;
  createdRound: bigint | null;
  createdTime: number | null;
  queuedBlock: bigint | null;
  eta: bigint | null;
  executedBlock: bigint | null;
  canceledBlock: bigint | null;
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  voters: number;
}

/** A vote as counted (vote): the voter's delegate at the snapshot, weight in LPT-wei. */
export interface VoteData {
  voter: string;
  /** 0 against, 1 for, 2 abstain (GovernorCountingSimple.VoteType). */
  support: number;
  weight: bigint;
  reason: string;
  delegate: string | null;
  blockNumber: bigint;
  logIndex: number;
}

/** Every proposal, newest first. */
export async function allProposals(db: Db): Promise<ProposalRow[]> {
  const ps = await rows(
    db,
    sql<Record<string, unknown>>`
      select p.id, p.proposer, p.targets, p."values", p.calldatas, p.description, p.vote_start::text, p.vote_end::text,
        p.created_block::text, p.created_round::text, p.queued_block::text, p.eta::text, p.executed_block::text,
        p.canceled_block::text, p.for_votes::text, p.against_votes::text, p.abstain_votes::text, p.voters,
        (select block_time::text from chain_event e where e.block_number = p.created_block limit 1) as created_time
      from proposal p order by p.created_block desc, p.id`,
  );
  const s = (k: string, p: Record<string, unknown>) => (p[k] === null || p[k] === undefined ? null : String(p[k]));
  const arr = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  return ps.map((p) => ({
    id: String(p.id),
    proposer: String(p.proposer),
    targets: arr(p.targets).map((t) => t.toLowerCase()),
    values: arr(p.values),
    calldatas: arr(p.calldatas),
    description: String(p.description ?? ''),
    voteStart: big(s('vote_start', p)),
    voteEnd: big(s('vote_end', p)),
    createdBlock: big(s('created_block', p)),
    createdRound: bigOrNull(s('created_round', p)),
    createdTime: s('created_time', p) === null ? null : Number(s('created_time', p)),
    queuedBlock: bigOrNull(s('queued_block', p)),
    eta: bigOrNull(s('eta', p)),
    executedBlock: bigOrNull(s('executed_block', p)),
    canceledBlock: bigOrNull(s('canceled_block', p)),
    forVotes: big(s('for_votes', p)),
    againstVotes: big(s('against_votes', p)),
    abstainVotes: big(s('abstain_votes', p)),
    voters: Number(p.voters),
  }));
}

export async function votes(db: Db, proposalId: string): Promise<VoteData[]> {
  const r = await rows(
    db,
    sql<Record<string, unknown>>`
      select v.voter, v.support, v.weight::text, v.reason, v.delegate, v.block_number::text, v.log_index from vote v
      where v.proposal_id = ${proposalId} order by v.weight desc, v.voter`,
  );
  return r.map((v) => ({
    voter: String(v.voter),
    support: Number(v.support),
    weight: big(String(v.weight)),
    reason: String(v.reason ?? ''),
    delegate: v.delegate === null ? null : String(v.delegate),
    blockNumber: big(String(v.block_number)),
    logIndex: Number(v.log_index),
  }));
}


/** A governor vote (vote) with its reason and the voter's delegate at the snapshot; weight in LPT-wei. */
export interface ProposalVote {
  proposalId: string;
  voter: string;
  /** 0 against, 1 for, 2 abstain (GovernorCountingSimple.VoteType). */
  support: number;
  weight: bigint;
  reason: string;
  /** The voter's delegate at the snapshot; null when the voter is its own delegate. */
  delegate: string | null;
}

/** Every governor vote on every proposal, in chain order. */
export async function allVotes(db: Db): Promise<ProposalVote[]> {
  const r = await rows(
    db,
    sql<{ proposal_id: string; voter: string; support: number; weight: Text; reason: string; delegate: string | null }>`
      select proposal_id, voter, support, weight::text, reason, delegate from vote order by block_number, log_index`,
  );
  return r.map((x) => ({ proposalId: x.proposal_id, voter: x.voter, support: Number(x.support), weight: big(x.weight), reason: x.reason, delegate: x.delegate }));
}

/** Every proposal (oldest first, with its voting end round) and every vote (in chain order). */
export async function votingRecord(db: Db): Promise<{ proposals: { id: string; voteEnd: bigint; description: string }[]; votes: ProposalVote[] }> {
  const [p, votes] = await Promise.all([rows(db, sql<{ id: string; vote_end: Text; description: string }>`select id, vote_end::text, description from proposal order by created_block`), allVotes(db)]);
  return { proposals: p.map((x) => ({ id: x.id, voteEnd: big(x.vote_end), description: x.description })), votes };
}
