// Treasury proposals with their votes.
import { z } from 'zod';
import { paginate, type SortKey } from '../cursor.js';
import type { ProposalData } from '../data.js';
import { route } from '../route.js';
import { AtlasError } from '../errors.js';
import { addressParam, cursorParam, limitParam, listOf, orderParam, proposalDetailSchema, proposalSchema } from '../schemas.js';
import { proposalJson, voteJson } from '../json.js';

export const proposalRoutes = [
  route({
    path: '/api/v1/proposals',
    tag: 'governance',
    summary: 'Treasury proposals',
    query: z.strictObject({
      status: z
        .enum(['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'], { error: 'must be one of pending, active, canceled, defeated, succeeded, queued, expired, executed' })
        .optional(),
      proposer: addressParam.optional(),
      sort: z.enum(['created', 'votes', 'voters'], { error: 'must be one of created, votes, voters' }).default('created'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 500),
      cursor: cursorParam,
    }),
    response: listOf(proposalSchema, 'ProposalList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      const snap = await data.snapshot();
      const list = snap.proposals.filter((p) => (!query.status || p.status === query.status) && (!query.proposer || p.proposer === query.proposer));
      const key = (p: ProposalData): SortKey => (query.sort === 'votes' ? p.forVotes + p.againstVotes + p.abstainVotes : query.sort === 'voters' ? p.voters : p.createdBlock);
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key, id: (p) => p.id, order: query.order });
      return { data: page.data.map(proposalJson), page: { limit: query.limit, nextCursor: page.nextCursor } };
    },
  }),
  route({
    path: '/api/v1/proposals/{id}',
    tag: 'governance',
    summary: 'Treasury proposal with votes',
    params: z.strictObject({ id: z.string().regex(/^\d{1,78}$/, { error: 'must be a decimal proposal id' }).meta({ description: 'Governor proposal id (decimal)' }) }),
    response: proposalDetailSchema,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, data }) => {
      const snap = await data.snapshot();
      const p = snap.proposalsById.get(params.id);
      if (!p) throw new AtlasError('not_found', `no proposal with id ${params.id}`);
      return { proposal: proposalJson(p), votes: (await data.votes(p.id)).map(voteJson) };
    },
  }),
];
