// GraphQL fields for prices and economics (Atlas extensions). Each field is the REST route's operation: the
// same zod schemas validate the arguments (so both faces reject the same input with the same message), the
// same domain function computes the answer, and the answer's GraphQL types are generated from its schema.
import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { timeOfBlock } from '../../read/chain.js';
import type { ApiData } from '../data.js';
import { AtlasError, validationError } from '../errors.js';
import type { Operation } from '../route.js';
import {
  convertOperation,
  incomeRankingOperation,
  networkIncomeOperation,
  orchestratorIncomeOperation,
  pricesOperation,
  revenueOperation,
  seriesOperation,
  stakingFeedOperation,
} from '../routes/economics.js';
import { SdlTypes } from './zodSdl.js';

const types = new SdlTypes({ Amount: 'TokenAmount' });
const T = {
  prices: types.add('Prices', pricesOperation.response, 'Prices indexed from the chain (Chainlink feed, Uniswap V3 LPT/WETH pool) and imported history.'),
  convert: types.add('UsdConversion', convertOperation.response),
  series: types.add('ExternalPriceSeries', seriesOperation.response),
  income: types.add('Income', networkIncomeOperation.response, 'Income per round, UTC day or quarter, kept vs shared, in USD at the time of each payment.'),
  ranking: types.add('IncomeRanking', incomeRankingOperation.response),
  revenue: types.add('RevenueToLpt', revenueOperation.response, 'Revenue to LPT: fees paid to stakers per staked LPT and issuance-adjusted real yield.'),
  feed: types.add('StakingFeed', stakingFeedOperation.response, 'The staking-tracker feed (schema atlas.staking/1).'),
};

export const economicsSdl = types.sdl();

export const economicsQuerySdl = `  prices(time: Int, block: Int, fromTime: Int, toTime: Int): ${T.prices}!
  priceConvert(amount: BigInt!, unit: String!, time: Int, block: Int): ${T.convert}!
  priceSeries(series: String!, fromTime: Int, toTime: Int): ${T.series}
  income(orchestrator: String, period: String, fromRound: Int, toRound: Int): ${T.income}!
  incomeRanking(fromRound: Int, toRound: Int, limit: Int): ${T.ranking}!
  revenueToLpt(period: String, fromRound: Int, toRound: Int): ${T.revenue}!
  stakingFeed: ${T.feed}`;

type Args = Record<string, unknown>;
type Ctx = { data: ApiData };

/** Arguments as the query string would carry them: present values as text, absent ones left out. */
function asQuery(args: Args): Record<string, string> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}

const gqlError = (e: AtlasError) => new GraphQLError(e.message, { extensions: { code: e.code, status: e.status } });

/** Validates GraphQL arguments with the operation's own schemas and computes its answer. */
async function run<R extends z.ZodType>(op: Operation<z.ZodObject<z.ZodRawShape>, z.ZodObject<z.ZodRawShape>, R>, data: ApiData, query: Args, params: Args = {}): Promise<unknown> {
  try {
    const p = op.params?.safeParse(asQuery(params));
    if (p && !p.success) throw validationError('path parameter', p.error);
    const q = op.query?.safeParse(asQuery(query));
    if (q && !q.success) throw validationError('query parameter', q.error);
    return await op.answer({ params: p?.data ?? {}, query: q?.data ?? {}, data });
  } catch (e) {
    if (e instanceof AtlasError) throw gqlError(e);
    throw e;
  }
}

/** The result or null when the operation answers 404 (GraphQL's "no such entity"). */
async function orNull(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof GraphQLError && e.extensions.code === 'not_found') return null;
    throw e;
  }
}

async function timeArg(data: ApiData, args: Args): Promise<number | undefined> {
  if (args.block !== undefined && args.block !== null) {
    if (args.time !== undefined && args.time !== null) throw gqlError(new AtlasError('bad_request', 'give either time or block, not both'));
    const b = Number(args.block);
    if (!Number.isInteger(b) || b < 0) throw gqlError(new AtlasError('bad_request', 'block must be a non-negative whole number'));
    const t = await timeOfBlock(data.db, b);
    if (t === null) throw gqlError(new AtlasError('not_found', `no indexed data at or before block ${b}`));
    return t;
  }
  return args.time === null ? undefined : (args.time as number | undefined);
}

/** Query resolvers of the fields above. */
export const economicsQueryResolvers: Record<string, (parent: unknown, args: Args, ctx: Ctx) => Promise<unknown>> = {
  prices: async (_p, args, { data }) => run(pricesOperation, data, { time: await timeArg(data, args), fromTime: args.fromTime, toTime: args.toTime }),
  priceConvert: async (_p, args, { data }) => {
    const time = await timeArg(data, args);
    if (time === undefined) throw gqlError(new AtlasError('bad_request', 'priceConvert needs a time or a block'));
    return run(convertOperation, data, { amount: args.amount, unit: args.unit, time });
  },
  priceSeries: (_p, args, { data }) => orNull(run(seriesOperation, data, { fromTime: args.fromTime, toTime: args.toTime }, { series: args.series })),
  income: (_p, args, { data }) => {
    const q = { period: args.period, fromRound: args.fromRound, toRound: args.toRound };
    return args.orchestrator === undefined || args.orchestrator === null ? run(networkIncomeOperation, data, q) : run(orchestratorIncomeOperation, data, q, { address: args.orchestrator });
  },
  incomeRanking: (_p, args, { data }) => run(incomeRankingOperation, data, args),
  revenueToLpt: (_p, args, { data }) => run(revenueOperation, data, args),
  stakingFeed: (_p, _a, { data }) => orNull(run(stakingFeedOperation, data, {})),
};
