// GraphQL fields of legacy polls, shaped like the public subgraph's Poll / PollTally / Vote entities (a Vote
// is a voter's current choice in a poll, id "voter-poll"), plus Atlas's result fields; built from the
// same loaders as the REST endpoints.
import type { ApiData } from '../data.js';
import { loadPolls, loadPollVotes } from './polls.js';

export const pollSdl = `
enum PollChoice { Yes No }
"""A legacy poll created by the PollCreator. status, passed, quorumReached, totalStake and voters are Atlas extensions (stake in LPT)."""
type Poll { id: ID!, proposal: String!, endBlock: BigInt!, quorum: BigInt!, quota: BigInt!, tally: PollTally, votes: [Vote!]!, status: String!, passed: Boolean, quorumReached: Boolean, totalStake: BigDecimal, voters: Int! }
"""Stake behind each choice when the poll closed (LPT)."""
type PollTally { id: ID!, yes: BigDecimal!, no: BigDecimal! }
"""A voter's last choice in a poll."""
type Vote { id: ID!, voter: String!, choiceID: PollChoice, poll: Poll! }
`;

export const pollQuerySdl = `  poll(id: ID!): Poll
  polls(first: Int = 100, skip: Int = 0): [Poll!]!`;

type Args = Record<string, unknown>;
type Ctx = { data: ApiData };
type PollRow = Awaited<ReturnType<typeof loadPolls>>[number];

function pollObject(data: ApiData, p: PollRow) {
  const node: Record<string, unknown> = {
    id: p.address,
    proposal: p.proposal,
    endBlock: String(p.endBlock),
    quorum: String(p.quorum),
    quota: String(p.quota),
    tally: p.tally ? { id: p.address, yes: p.tally.yes.formatted, no: p.tally.no.formatted } : null,
    status: p.status,
    passed: p.tally?.passed ?? null,
    quorumReached: p.tally?.quorumReached ?? null,
    totalStake: p.tally?.totalStake.formatted ?? null,
    voters: p.voters,
  };
  node.votes = async () =>
    (await loadPollVotes(data.db, p.address))
      .filter((v) => v.counted)
      .map((v) => ({ id: `${v.voter}-${p.address}`, voter: v.voter, choiceID: v.choice === 'yes' ? 'Yes' : v.choice === 'no' ? 'No' : null, poll: node }));
  return node;
}

/** Query resolvers of the fields above. */
export const pollQueryResolvers: Record<string, (parent: unknown, args: Args, ctx: Ctx) => Promise<unknown>> = {
  poll: async (_p, args, { data }) => {
    const id = String(args.id).toLowerCase();
    if (!/^0x[0-9a-f]{40}$/.test(id)) return null;
    const [p] = await loadPolls(data.db, id);
    return p ? pollObject(data, p) : null;
  },
  polls: async (_p, args, { data }) => {
    const first = Math.max(0, Math.min(1000, Number(args.first ?? 100)));
    const skip = Math.max(0, Number(args.skip ?? 0));
    return (await loadPolls(data.db)).slice(skip, skip + first).map((p) => pollObject(data, p));
  },
};
