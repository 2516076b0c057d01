// GraphQL fields of the treasury and governance area (Atlas extensions beside the subgraph-compatible entities):
// the same figures as the REST endpoints, from the same builders.
import type { ApiData } from '../data.js';
import { calendar, context, delegateRecords, govProposalJson } from './governance.js';
import { summary } from './treasury.js';

export const treasurySdl = `
"""Treasury balance, ceiling and cut (Atlas extension; amounts in LPT)."""
type TreasuryStatus { balance: BigDecimal!, ceiling: BigDecimal, atCeiling: Boolean!, cutRate: BigInt!, nextCutRate: BigInt!, earmarked: BigDecimal!, treasuryRewards: BigDecimal!, outflows: BigDecimal! }
"""A proposal's quorum and quota progress as the governor computes them (Atlas extension; amounts in LPT)."""
type ProposalProgress { id: ID!, title: String!, status: String!, forVotes: BigDecimal!, againstVotes: BigDecimal!, abstainVotes: BigDecimal!, totalVotes: BigDecimal!, quorum: BigDecimal!, quorumReached: Boolean!, quotaThreshold: BigDecimal!, quotaReached: Boolean!, passing: Boolean!, outflow: BigDecimal!, lips: [Int!]! }
"""Protocol calendar entry: upgrade, parameter change or proposal milestone (Atlas extension)."""
type CalendarEntry { kind: String!, block: Int!, time: Int, round: Int, title: String!, contract: String, param: String, value: String, previousValue: String, proposalId: String, lips: [Int!]! }
"""An orchestrator's governance participation (Atlas extension)."""
type DelegateParticipation { id: ID!, eligible: Int!, voted: Int!, participation: Float, pivotal: Int! }
`;

export const treasuryQuerySdl = `  treasuryStatus: TreasuryStatus!
  proposalProgress(id: ID!): ProposalProgress
  proposalProgresses: [ProposalProgress!]!
  protocolCalendar(kind: String): [CalendarEntry!]!
  delegateParticipation(id: ID!): DelegateParticipation`;

type Args = Record<string, unknown>;
type Ctx = { data: ApiData };

async function progress(data: ApiData, id?: string) {
  const ctx = await context(data);
  const list = ctx.snap.proposals.filter((p) => id === undefined || p.id === id);
  return list.map((p) => {
    const j = govProposalJson(p, ctx, new Map());
    const g = j.progress;
    return {
      id: j.id,
      title: j.title,
      status: j.status,
      forVotes: j.votes.for.formatted,
      againstVotes: j.votes.against.formatted,
      abstainVotes: j.votes.abstain.formatted,
      totalVotes: g.totalVotes.formatted,
      quorum: g.quorum.formatted,
      quorumReached: g.quorumReached,
      quotaThreshold: g.quotaThreshold.formatted,
      quotaReached: g.quotaReached,
      passing: g.passing,
      outflow: j.outflow.formatted,
      lips: j.lips,
    };
  });
}

/** Query resolvers of the fields above. */
export const treasuryQueryResolvers: Record<string, (parent: unknown, args: Args, ctx: Ctx) => Promise<unknown>> = {
  treasuryStatus: async (_p, _a, { data }) => {
    const s = await summary(data);
    return { balance: s.balance.formatted, ceiling: s.ceiling?.formatted ?? null, atCeiling: s.atCeiling, cutRate: s.cutRate, nextCutRate: s.nextCutRate, earmarked: s.earmarked.formatted, treasuryRewards: s.totals.treasuryRewards.formatted, outflows: s.totals.outflows.formatted };
  },
  proposalProgress: async (_p, args, { data }) => (await progress(data, String(args.id)))[0] ?? null,
  proposalProgresses: async (_p, _a, { data }) => progress(data),
  protocolCalendar: async (_p, args, { data }) =>
    (await calendar(data))
      .filter((e) => !args.kind || e.kind === args.kind)
      .map((e) => ({ ...e, block: Number(e.block), round: e.round === null ? null : Number(e.round) })),
  delegateParticipation: async (_p, args, { data }) => {
    const ctx = await context(data);
    const [r] = await delegateRecords(data, ctx, String(args.id).toLowerCase());
    return r ? { id: r.address, eligible: r.eligible, voted: r.voted, participation: r.participation, pivotal: r.pivotal } : null;
  },
};
