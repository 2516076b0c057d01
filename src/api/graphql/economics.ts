// GraphQL fields for prices and economics (Atlas extensions). Each field runs the REST route's own handler
// after validating its arguments with the route's own zod schemas, so GraphQL and REST answer the same
// values and reject the same input with the same message.
import { GraphQLError } from 'graphql';
import { sql } from 'kysely';
import type { Context } from 'hono';
import type { AppOptions } from '../app.js';
import type { ApiData } from '../data.js';
import { AtlasError, validationError } from '../errors.js';
import type { RouteDef } from '../rest.js';
import { economicsRoutes } from '../routes/economics.js';

export const economicsSdl = `
"""A token amount (Atlas extension): exact wei and the same value in whole tokens."""
type TokenAmount { wei: BigInt!, formatted: BigDecimal!, unit: String! }
"""ETH/USD, LPT/ETH and LPT/USD in effect at a time (8-decimal strings; LPT/USD in cents)."""
type PriceAt { time: Int!, ethUsd: String, lptEth: String, lptUsd: String }
type PriceObservation { time: Int!, pair: String!, price: String! }
"""Prices indexed from the chain (Chainlink feed, Uniswap V3 LPT/WETH pool) and imported history."""
type Prices { at: PriceAt!, series: [PriceObservation!]! }
type UsdConversion { amount: TokenAmount!, time: Int!, usd: String }
type ExternalPricePoint { time: Int!, value: String!, unit: String! }
type ExternalPriceSeries { series: String!, points: [ExternalPricePoint!]! }
type RewardIncome { total: TokenAmount!, kept: TokenAmount!, shared: TokenAmount!, usd: String, keptUsd: String, sharedUsd: String, calls: Int! }
type FeeIncome { total: TokenAmount!, kept: TokenAmount!, shared: TokenAmount!, usd: String, keptUsd: String, sharedUsd: String, payments: Int! }
type IncomeCell { period: String!, firstRound: Int!, lastRound: Int!, rewards: RewardIncome!, fees: FeeIncome!, keptUsd: String, sharedUsd: String, unpriced: Int! }
"""Income per round, UTC day or quarter, kept vs shared, in USD at the time of each payment."""
type Income { period: String!, fromRound: Int!, toRound: Int!, orchestrator: String, cells: [IncomeCell!]! }
type IncomeRank { rank: Int!, orchestrator: String!, keptUsd: String, totalUsd: String, feesKept: TokenAmount!, rewardsKept: TokenAmount! }
type IncomeRanking { fromRound: Int!, toRound: Int!, data: [IncomeRank!]! }
type RevenuePeriod { period: String!, firstRound: Int!, lastRound: Int!, feesToStakers: TokenAmount!, feesToStakersUsd: String, dividendPerLpt: TokenAmount!, dividendPerLptUsd: String, rewardYield: Float!, dilution: Float!, feeYield: Float, realYield: Float, realYieldAnnualized: Float }
"""Revenue to LPT: fees paid to stakers per staked LPT and issuance-adjusted real yield."""
type RevenueToLpt { period: String!, roundsPerYear: Float!, data: [RevenuePeriod!]! }
type RatePerRound { perRound: Float!, annual: Float! }
type AnnualRate { annual: Float! }
type UnbondingPeriod { rounds: Int!, days: Float! }
"""The staking-tracker feed (schema atlas.staking/1)."""
type StakingFeed { schema: String!, asset: String!, network: String!, round: Int!, updatedAt: String!, rewardRate: RatePerRound!, realizedRewardRate: AnnualRate!, stakingRatio: Float!, totalStaked: String!, totalSupply: String!, inflation: RatePerRound!, unbondingPeriod: UnbondingPeriod!, roundLengthSeconds: Float!, treasuryRewardCut: Float! }
`;

export const economicsQuerySdl = `  prices(time: Int, block: Int, fromTime: Int, toTime: Int): Prices!
  priceConvert(amount: BigInt!, unit: String!, time: Int, block: Int): UsdConversion!
  priceSeries(series: String!, fromTime: Int, toTime: Int): ExternalPriceSeries
  income(orchestrator: String, period: String, fromRound: Int, toRound: Int): Income!
  incomeRanking(fromRound: Int, toRound: Int, limit: Int): IncomeRanking!
  revenueToLpt(period: String, fromRound: Int, toRound: Int): RevenueToLpt!
  stakingFeed: StakingFeed`;

type Args = Record<string, unknown>;
type Ctx = { data: ApiData };

const byPath = new Map<string, RouteDef>(economicsRoutes.filter((r) => r.method !== 'post').map((r) => [r.path, r]));

/** Arguments as the query string would carry them: present values as text, absent ones left out. */
function asQuery(args: Args): Record<string, string> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}

/** Runs a REST route's handler on GraphQL arguments, validated by the route's own schemas. */
async function run(path: string, data: ApiData, query: Args, params: Args = {}): Promise<unknown> {
  const r = byPath.get(path);
  if (!r) throw new Error(`no economics route ${path}`);
  try {
    const p = (r.params ?? null)?.safeParse(asQuery(params));
    if (p && !p.success) throw validationError('path parameter', p.error);
    const q = (r.query ?? null)?.safeParse(asQuery(query));
    if (q && !q.success) throw validationError('query parameter', q.error);
    // The economics handlers read only params, query and data; the HTTP context does not exist here.
    const out = await r.handler({ params: p?.data ?? {}, query: q?.data ?? {}, body: undefined, data, c: undefined as unknown as Context, app: undefined as unknown as AppOptions });
    if (out instanceof Response) throw new Error(`${path} answered a raw response`);
    return out;
  } catch (e) {
    if (e instanceof AtlasError) throw new GraphQLError(e.message, { extensions: { code: e.code, status: e.status } });
    throw e;
  }
}

/** Unix time of a block: the newest indexed event or price at or before it (prices are step functions of time). */
async function timeOfBlock(data: ApiData, block: number): Promise<number> {
  const r = await sql<{ t: string | null }>`
    select greatest(
      (select block_time from chain_event where block_number <= ${block} order by block_number desc, log_index desc limit 1),
      (select block_time from price_tick where block_number <= ${block} order by block_number desc, log_index desc limit 1))::text as t`.execute(data.db);
  const t = r.rows[0]?.t;
  if (t === null || t === undefined) throw new GraphQLError(`no indexed data at or before block ${block}`, { extensions: { code: 'not_found', status: 404 } });
  return Number(t);
}

async function timeArg(data: ApiData, args: Args): Promise<number | undefined> {
  if (args.block !== undefined && args.block !== null) {
    if (args.time !== undefined && args.time !== null) throw new GraphQLError('give either time or block, not both', { extensions: { code: 'bad_request', status: 400 } });
    const b = Number(args.block);
    if (!Number.isInteger(b) || b < 0) throw new GraphQLError('block must be a non-negative whole number', { extensions: { code: 'bad_request', status: 400 } });
    return timeOfBlock(data, b);
  }
  return args.time === null ? undefined : (args.time as number | undefined);
}

/** Query resolvers of the fields above. */
export const economicsQueryResolvers: Record<string, (parent: unknown, args: Args, ctx: Ctx) => Promise<unknown>> = {
  prices: async (_p, args, { data }) => run('/api/v1/prices', data, { time: await timeArg(data, args), fromTime: args.fromTime, toTime: args.toTime }),
  priceConvert: async (_p, args, { data }) => {
    const time = await timeArg(data, args);
    if (time === undefined) throw new GraphQLError('priceConvert needs a time or a block', { extensions: { code: 'bad_request', status: 400 } });
    return run('/api/v1/prices/convert', data, { amount: args.amount, unit: args.unit, time });
  },
  priceSeries: async (_p, args, { data }) => {
    try {
      return await run('/api/v1/prices/series/{series}', data, { fromTime: args.fromTime, toTime: args.toTime }, { series: args.series });
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code === 'not_found') return null;
      throw e;
    }
  },
  income: async (_p, args, { data }) => {
    const q = { period: args.period, fromRound: args.fromRound, toRound: args.toRound };
    return args.orchestrator === undefined || args.orchestrator === null
      ? run('/api/v1/economics/income', data, q)
      : run('/api/v1/economics/orchestrators/{address}/income', data, q, { address: args.orchestrator });
  },
  incomeRanking: async (_p, args, { data }) => run('/api/v1/economics/income/ranking', data, args),
  revenueToLpt: async (_p, args, { data }) => run('/api/v1/economics/revenue', data, args),
  stakingFeed: async (_p, _a, { data }) => {
    try {
      return await run('/api/v1/feeds/staking', data, {});
    } catch (e) {
      if (e instanceof GraphQLError && e.extensions.code === 'not_found') return null;
      throw e;
    }
  },
};
