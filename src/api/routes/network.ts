// Network-wide figures: the overview, fees per day or week, rounds.
import { z } from 'zod';
import { paginate, type SortKey } from '../cursor.js';
import type { RoundData } from '../data.js';
import { route } from '../route.js';
import { formatUsd } from '../../prices/lookup.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { AtlasError } from '../errors.js';
import { eth, ratio } from '../format.js';
import { cursorParam, feeBucketSchema, intParam, limitParam, listOf, networkSchema, orderParam, roundParam, roundSchema, tokenAmountParam } from '../schemas.js';
import { networkJson, roundJson } from '../json.js';

export const networkRoutes = [
  route({
    path: '/api/v1/network',
    tag: 'network',
    summary: 'Network overview',
    description: 'Current round and its progress, rewards called vs mintable, participation, inflation, orchestrator and delegator counts, totals.',
    response: networkSchema,
    maxAge: 5,
    handler: async ({ data }) => networkJson(await data.snapshot(), await cachedPriceBook(data.db)),
  }),
  route({
    path: '/api/v1/network/fees',
    tag: 'network',
    summary: 'Fees per day or week',
    description: 'ETH paid to orchestrators by winning tickets (WinningTicketTransfer amounts), bucketed by UTC day or Monday-based week of block time, with the USD value at the time of payment where an ETH/USD price is known.',
    query: z.strictObject({
      interval: z.enum(['day', 'week'], { error: 'must be "day" or "week"' }).default('day'),
      from: intParam(0, 4_102_444_800, 'start (unix seconds, inclusive)').optional(),
      to: intParam(0, 4_102_444_800, 'end (unix seconds, exclusive)').optional(),
    }),
    response: z.object({ interval: z.enum(['day', 'week']), data: z.array(feeBucketSchema) }).meta({ id: 'FeeSeries' }),
    maxAge: 30,
    handler: async ({ query, data }) => {
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw new AtlasError('bad_request', 'query parameter "from" must be before "to"');
      const buckets = await data.feeBuckets(query.interval, query.from, query.to);
      return {
        interval: query.interval,
        data: buckets.map((b) => ({
          start: b.start,
          date: new Date(b.start * 1000).toISOString().slice(0, 10),
          fees: eth(b.fees),
          feesUsd: b.usdE8 === null ? null : formatUsd(b.usdE8),
          winningTickets: b.tickets,
        })),
      };
    },
  }),
  route({
    path: '/api/v1/rounds',
    tag: 'network',
    summary: 'Rounds',
    description: 'Initialized rounds with their Minter/BondingManager figures and what happened in them.',
    query: z.strictObject({
      from: roundParam('first round (inclusive)'),
      to: roundParam('last round (inclusive)'),
      minFees: tokenAmountParam('only rounds with at least this many ETH of fees').optional(),
      sort: z.enum(['round', 'fees', 'rewards', 'participation', 'winningTickets'], { error: 'must be one of round, fees, rewards, participation, winningTickets' }).default('round'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 1000),
      cursor: cursorParam,
    }),
    response: listOf(roundSchema, 'RoundList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw new AtlasError('bad_request', 'query parameter "from" must not be after "to"');
      const snap = await data.snapshot();
      const list = snap.rounds.filter(
        (r) => (query.from === undefined || r.round >= BigInt(query.from)) && (query.to === undefined || r.round <= BigInt(query.to)) && (query.minFees === undefined || r.fees >= query.minFees),
      );
      const key = (r: RoundData): SortKey => {
        switch (query.sort) {
          case 'fees':
            return r.fees;
          case 'rewards':
            return r.rewards;
          case 'winningTickets':
            return r.winningTickets;
          case 'participation':
            return ratio(r.totalActiveStake, r.l2Supply + (r.l1Supply ?? 0n));
          default:
            return r.round;
        }
      };
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key, id: (r) => r.round.toString().padStart(20, '0'), order: query.order });
      const book = await cachedPriceBook(data.db);
      return { data: page.data.map((r) => roundJson(r, book)), page: { limit: query.limit, nextCursor: page.nextCursor } };
    },
  }),];
