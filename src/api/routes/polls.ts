// Legacy polls (PollCreator era): each poll, its votes with the one that counts per voter, and the result
// fixed by the indexer at the first block past the poll's end (stake-weighted, with delegator overrides).
import { z } from 'zod';
import { hexToString, isHex } from 'viem';
import type { Db } from '../../read/db.js';
import { legacyPolls, pollTallies, pollVoteCounts, pollVotes, type PollTallyRow } from '../../read/polls.js';
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

type PollJson = z.input<typeof pollSchema>;

function printable(hex: string): string | null {
  if (!isHex(hex) || hex.length <= 2) return null;
  try {
    const s = hexToString(hex);
    return /^[\x20-\x7e]+$/.test(s) ? s : null;
  } catch {
    return null;
  }
}

function tallyJson(t: PollTallyRow): z.input<typeof tallySchema> {
  const cast = t.yesStake + t.noStake;
  return {
    yes: lpt(t.yesStake),
    no: lpt(t.noStake),
    totalStake: lpt(t.totalStake),
    voters: t.voters,
    quorumReached: cast > 0n && cast * 1_000_000n >= t.totalStake * t.quorum,
    passed: t.passed,
    closedAtBlock: Number(t.blockNumber),
    round: t.round === null ? null : Number(t.round),
  };
}

/** Polls as the REST list shows them, newest first (only: one poll address). */
export async function loadPolls(db: Db, only?: string): Promise<PollJson[]> {
  const polls = await legacyPolls(db, only);
  const addrs = polls.map((p) => p.address);
  const [counts, tallies] = await Promise.all([pollVoteCounts(db, addrs), pollTallies(db, addrs)]);
  return polls.map((p) => {
    const t = tallies.get(p.address);
    const c = counts.get(p.address);
    return {
      address: p.address,
      proposal: p.proposal,
      proposalText: printable(p.proposal),
      createdBlock: Number(p.createdBlock),
      createdTime: p.createdTime,
      txHash: p.txHash,
      endBlock: Number(p.endBlock),
      quorum: Number(p.quorum),
      quota: Number(p.quota),
      status: t ? 'ended' : 'active',
      votes: c?.votes ?? 0,
      voters: c?.voters ?? 0,
      tally: t ? tallyJson(t) : null,
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
  const votes = await pollVotes(db, poll);
  const last = new Map<string, number>();
  votes.forEach((v, i) => last.set(v.voter, i));
  return votes.map((v, i) => {
    const id = v.choiceId.toString();
    return { voter: v.voter, choiceId: id, choice: CHOICES[id] ?? ('other' as const), counted: last.get(v.voter) === i, block: Number(v.blockNumber), time: v.time, txHash: v.txHash };
  });
}
