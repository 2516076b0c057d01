import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** A legacy poll as PollCreator.createPoll made it (chain_event PollCreated). */
export interface LegacyPollRow {
  address: string;
  /** The proposal bytes given to createPoll (hex). */
  proposal: string;
  createdBlock: bigint;
  createdTime: number;
  txHash: string;
  /** Last L1 block at which votes count. */
  endBlock: bigint;
  /** Parts per 1e6 of the total bonded stake. */
  quorum: bigint;
  /** Parts per 1e6 of yes+no needed for yes. */
  quota: bigint;
}

/** The result the indexer fixed at the first block past a poll's end (poll_tally). */
export interface PollTallyRow {
  poll: string;
  blockNumber: bigint;
  round: bigint | null;
  yesStake: bigint;
  noStake: bigint;
  /** Total bonded stake the quorum is measured against (LPT-wei). */
  totalStake: bigint;
  quorum: bigint;
  voters: number;
  passed: boolean;
}

/** One Vote of a legacy poll (chain_event Vote of contract Poll). */
export interface PollVoteRow {
  voter: string;
  choiceId: bigint;
  blockNumber: bigint;
  time: number;
  txHash: string;
}

interface EventText {
  block_number: Text;
  tx_hash: string;
  block_time: Text;
  a1: string | null;
  a2: string | null;
  args: unknown;
}

const argsOf = (r: EventText): Record<string, unknown> => (typeof r.args === 'string' ? (JSON.parse(r.args) as Record<string, unknown>) : (r.args as Record<string, unknown>));
// chain_event stores uint256 args as "123n" strings (bigint-safe JSON).
const bigArg = (v: unknown): bigint => BigInt(String(v ?? 0).replace(/n$/, ''));

/** Legacy polls newest first (only: one poll address). */
export async function legacyPolls(db: Db, only?: string): Promise<LegacyPollRow[]> {
  const r = await rows(
    db,
    sql<EventText>`
      select block_number::text, tx_hash, block_time::text, a1, a2, args from chain_event
      where contract = 'PollCreator' and name = 'PollCreated' ${only ? sql`and a1 = ${only}` : sql``}
      order by block_number desc, log_index desc`,
  );
  return r.map((e) => {
    const a = argsOf(e);
    return {
      address: e.a1!,
      proposal: String(a.proposal ?? '0x'),
      createdBlock: big(e.block_number),
      createdTime: Number(e.block_time),
      txHash: e.tx_hash,
      endBlock: bigArg(a.endBlock),
      quorum: bigArg(a.quorum),
      quota: bigArg(a.quota),
    };
  });
}

/** Vote transactions and distinct voters per poll, for the given polls. */
export async function pollVoteCounts(db: Db, polls: string[]): Promise<Map<string, { votes: number; voters: number }>> {
  if (polls.length === 0) return new Map();
  const r = await rows(
    db,
    sql<{ poll: string; votes: Text; voters: Text }>`
      select a2 as poll, count(*)::text as votes, count(distinct a1)::text as voters from chain_event
      where contract = 'Poll' and name = 'Vote' and a2 in (${sql.join(polls)}) group by a2`,
  );
  return new Map(r.map((c) => [c.poll, { votes: Number(c.votes), voters: Number(c.voters) }]));
}

/** The fixed results of the given polls (a poll still open has none). */
export async function pollTallies(db: Db, polls: string[]): Promise<Map<string, PollTallyRow>> {
  if (polls.length === 0) return new Map();
  const r = await rows(
    db,
    sql<{ poll: string; block_number: Text; round: Text | null; yes_stake: Text; no_stake: Text; total_stake: Text; quorum: Text; voters: number; passed: boolean }>`
      select poll, block_number::text, round::text, yes_stake::text, no_stake::text, total_stake::text, quorum::text, voters, passed
      from poll_tally where poll in (${sql.join(polls)})`,
  );
  return new Map(
    r.map((t) => [
      t.poll,
      {
        poll: t.poll,
        blockNumber: big(t.block_number),
        round: t.round === null ? null : big(t.round),
        yesStake: big(t.yes_stake),
        noStake: big(t.no_stake),
        totalStake: big(t.total_stake),
        quorum: big(t.quorum),
        voters: Number(t.voters),
        passed: Boolean(t.passed),
      },
    ]),
  );
}

/** Every vote of a poll in chain order. */
export async function pollVotes(db: Db, poll: string): Promise<PollVoteRow[]> {
  const r = await rows(
    db,
    sql<EventText>`
      select block_number::text, tx_hash, block_time::text, a1, a2, args from chain_event
      where contract = 'Poll' and name = 'Vote' and a2 = ${poll} order by chain_event.block_number, log_index`,
  );
  return r.map((e) => ({ voter: e.a1!, choiceId: bigArg(argsOf(e).choiceID), blockNumber: big(e.block_number), time: Number(e.block_time), txHash: e.tx_hash }));
}
