// Legacy polls (PollCreator era): each poll, its votes with the one that counts per voter, and the result
// fixed by the indexer at the first block past the poll's end (stake-weighted, with delegator overrides).
import { sql } from 'kysely';
import { z } from 'zod';
import { hexToString, isHex } from 'viem';
import { AtlasError } from '../errors.js';
import { amountSchema, lpt } from '../format.js';
import { route, type RouteDef } from '../route.js';
import { addressParam } from '../schemas.js';

const address = z.string().meta({ description: 'lower-case 0x address' });
const CHOICES: Record<string, 'yes' | 'no'> = { '0': 'yes', '1': 'no' };

const tallySchema = z
  .object({
    yes: amountSchema,
    no: amountSchema,
    totalStake: amountSchema.meta({ description: 'stake the quorum is measured against (total bonded at the close)' }),
    voters: z.number().int().meta({ description: 'voters whose last vote was yes or no' }),
    quorumReached: z.boolean(),
    passed: z.boolean(),
    closedAtBlock: z.number().int().meta({ description: 'first indexed block past the end; stake as it stood before it' }),
    round: z.number().int().nullable(),
  })
  .meta({ id: 'PollTally' });

const pollSchema = z
  .object({
    address,
    proposal: z.string().meta({ description: 'proposal bytes as given to createPoll (hex)' }),
    proposalText: z.string().nullable().meta({ description: 'the proposal bytes as UTF-8 text (usually an IPFS hash) when printable' }),
    createdBlock: z.number().int(),
    createdTime: z.number().int(),
    txHash: z.string(),
    endBlock: z.number().int().meta({ description: 'last L1 block at which votes count' }),
    quorum: z.number().int().meta({ description: 'parts per 1e6 of the total bonded stake' }),
    quota: z.number().int().meta({ description: 'parts per 1e6 of yes+no needed for yes' }),
    status: z.enum(['active', 'ended']),
    votes: z.number().int().meta({ description: 'vote transactions (a voter may vote again; the last counts)' }),
    voters: z.number().int(),
    tally: tallySchema.nullable().meta({ description: 'null while the poll is open' }),
  })
  .meta({ id: 'Poll' });

const pollVoteSchema = z
  .object({
    voter: address,
    choiceId: z.string(),
    choice: z.enum(['yes', 'no', 'other']),
    counted: z.boolean().meta({ description: "true for the voter's last vote, the one the tally uses" }),
    block: z.number().int(),
    time: z.number().int(),
    txHash: z.string(),
  })
  .meta({ id: 'PollVote' });

type Db = Parameters<RouteDef['handler']>[0]['data']['db'];
type PollJson = z.input<typeof pollSchema>;

interface EventRow {
  block_number: string;
  log_index: number;
  tx_hash: string;
  block_time: string;
  a1: string | null;
  a2: string | null;
  args: unknown;
}

const argsOf = (r: EventRow): Record<string, unknown> => (typeof r.args === 'string' ? (JSON.parse(r.args) as Record<string, unknown>) : (r.args as Record<string, unknown>));
// chain_event stores uint256 args as "123n" strings (bigint-safe JSON).
const bigArg = (v: unknown): bigint => BigInt(String(v).replace(/n$/, ''));

function printable(hex: string): string | null {
  if (!isHex(hex) || hex.length <= 2) return null;
  try {
    const s = hexToString(hex);
    return /^[\x20-\x7e]+$/.test(s) ? s : null;
  } catch {
    return null;
  }
}

/** Polls as the REST list shows them, newest first (only: one poll address). */
export async function loadPolls(db: Db, only?: string): Promise<PollJson[]> {
  const created = await sql<EventRow>`
    select block_number, log_index, tx_hash, block_time, a1, a2, args from chain_event
    where contract = 'PollCreator' and name = 'PollCreated' ${only ? sql`and a1 = ${only}` : sql``}
    order by block_number desc, log_index desc`.execute(db);
  if (created.rows.length === 0) return [];
  const addrs = created.rows.map((r) => r.a1!);
  const counts = await sql<{ poll: string; votes: string; voters: string }>`
    select a2 as poll, count(*) as votes, count(distinct a1) as voters from chain_event
    where contract = 'Poll' and name = 'Vote' and a2 in (${sql.join(addrs)}) group by a2`.execute(db);
  const byPoll = new Map(counts.rows.map((c) => [c.poll, c]));
  const tallies = await sql<Record<string, string | number | boolean | null>>`select * from poll_tally where poll in (${sql.join(addrs)})`.execute(db);
  const tallyOf = new Map(tallies.rows.map((t) => [String(t.poll), t]));
  return created.rows.map((r) => {
    const a = argsOf(r);
    const t = tallyOf.get(r.a1!);
    const c = byPoll.get(r.a1!);
    const proposal = String(a.proposal ?? '0x');
    let tally: z.input<typeof tallySchema> | null = null;
    if (t) {
      const yes = BigInt(String(t.yes_stake));
      const no = BigInt(String(t.no_stake));
      const total = BigInt(String(t.total_stake));
      tally = {
        yes: lpt(yes),
        no: lpt(no),
        totalStake: lpt(total),
        voters: Number(t.voters),
        quorumReached: yes + no > 0n && (yes + no) * 1_000_000n >= total * BigInt(String(t.quorum)),
        passed: Boolean(t.passed),
        closedAtBlock: Number(t.block_number),
        round: t.round === null ? null : Number(t.round),
      };
    }
    return {
      address: r.a1!,
      proposal,
      proposalText: printable(proposal),
      createdBlock: Number(r.block_number),
      createdTime: Number(r.block_time),
      txHash: r.tx_hash,
      endBlock: Number(bigArg(a.endBlock)),
      quorum: Number(bigArg(a.quorum)),
      quota: Number(bigArg(a.quota)),
      status: t ? 'ended' : 'active',
      votes: Number(c?.votes ?? 0),
      voters: Number(c?.voters ?? 0),
      tally,
    };
  });
}

export const pollRoutes = [
  route({
    path: '/api/v1/governance/polls',
    tag: 'governance',
    summary: 'Legacy polls (PollCreator): proposal, end, votes and the stake-weighted result',
    description:
      'Each poll is a contract created by the PollCreator; its Vote events are indexed from its creation on. The result is fixed at the first block past the end (L1 block): an orchestrator weighs its delegated stake minus the stake of its delegators who voted themselves, a delegator its own pending stake; quorum and quota in parts per 1e6.',
    query: z.strictObject({ status: z.enum(['active', 'ended'], { error: 'must be "active" or "ended"' }).optional() }),
    response: z.object({ data: z.array(pollSchema) }).meta({ id: 'PollList' }),
    maxAge: 5,
    handler: async ({ query, data }) => ({ data: (await loadPolls(data.db)).filter((p) => !query.status || p.status === query.status) }),
  }),
  route({
    path: '/api/v1/governance/polls/{address}',
    tag: 'governance',
    summary: 'One legacy poll with every vote (the last vote of each voter counts)',
    params: z.strictObject({ address: addressParam }),
    response: z.object({ poll: pollSchema, votes: z.array(pollVoteSchema) }).meta({ id: 'PollDetail' }),
    maxAge: 5,
    errors: [404],
    handler: async ({ params, data }) => {
      const [poll] = await loadPolls(data.db, params.address);
      if (!poll) throw new AtlasError('not_found', `no poll at ${params.address}`);
      return { poll, votes: await loadPollVotes(data.db, params.address) };
    },
  }),
];

/** Every vote of a poll in chain order; `counted` marks each voter's last one. */
export async function loadPollVotes(db: Db, poll: string): Promise<z.input<typeof pollVoteSchema>[]> {
      const rows = await sql<EventRow>`
        select block_number, log_index, tx_hash, block_time, a1, a2, args from chain_event
        where contract = 'Poll' and name = 'Vote' and a2 = ${poll} order by block_number, log_index`.execute(db);
      const last = new Map<string, number>();
      rows.rows.forEach((r, i) => last.set(r.a1!, i));
      return rows.rows.map((r, i) => {
        const id = bigArg(argsOf(r).choiceID).toString();
        return { voter: r.a1!, choiceId: id, choice: CHOICES[id] ?? ('other' as const), counted: last.get(r.a1!) === i, block: Number(r.block_number), time: Number(r.block_time), txHash: r.tx_hash };
      });
}
