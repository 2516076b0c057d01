// Economics: prices (chain-indexed ETH/USD and LPT/ETH, imported series), orchestrator income split kept
// vs shared in USD at the time, implied operating costs, the k-anonymous cost survey, revenue to LPT and
// the staking-tracker feed. Every figure that reads prices is uncached: imported series change without blocks.
import { z } from 'zod';
import { impliedCosts, DEFAULT_ASSUMPTIONS } from '../../analytics/impliedCost.js';
import { incomeItems, rankByKeptUsd, sumIncome, type IncomeCell, type IncomePeriod } from '../../analytics/income.js';
import { annualize, revenueByRound, roundSeconds, roundTotals, stakingFeed } from '../../analytics/revenueToLpt.js';
import { readSeries } from '../../prices/csv.js';
import { formatUsd, loadPriceBook, weiPerLpt, type Price } from '../../prices/lookup.js';
import { COST_REPORT_TYPES, costReportSchema, DEFAULT_SURVEY_K, DEPLOYMENTS, submitCostReport, surveyAggregates, surveyPrivacy } from '../../registry/costSurvey.js';
import type { Db } from '../../read/db.js';
import { indexedChainId, readNetwork } from '../../read/network.js';
import { protocolParams } from '../../read/params.js';
import { latestRound } from '../../read/rounds.js';
import { AtlasError } from '../errors.js';
import { amountSchema, eth, formatUnits, lpt } from '../format.js';
import { operation, operationRoute, route } from '../route.js';
import { addressParam, boolParam, intParam, limitParam, roundParam } from '../schemas.js';

const usdSchema = z.string().nullable().meta({ description: 'US dollars at the time (cents, truncated), null when no price was known then' });
const usd = (e8: bigint | null) => (e8 === null ? null : formatUsd(e8));
const periodParam = z.enum(['round', 'day', 'quarter'], { error: 'must be "round", "day" or "quarter"' }).default('round');
const TIME_MAX = 4_102_444_800;

/** Decimal rendering of a price with 8 fractional digits (truncated). */
function priceText(p: Price | null): string | null {
  if (!p) return null;
  return formatUnits((p.num * 10n ** 8n) / p.den, 8);
}

/** Round range: explicit bounds, else the last `defaultSpan` rounds. */
async function roundRange(db: Db, q: { fromRound?: number; toRound?: number }, defaultSpan: number): Promise<{ from: number; to: number }> {
  const to = q.toRound ?? Number(await latestRound(db));
  const from = q.fromRound ?? Math.max(0, to - defaultSpan + 1);
  if (from > to) throw new AtlasError('bad_request', `fromRound ${from} is after toRound ${to}`);
  if (to - from > 5_000) throw new AtlasError('bad_request', 'a range covers at most 5,000 rounds');
  return { from, to };
}

const cellSchema = z.object({
  period: z.string(),
  firstRound: z.number().int(),
  lastRound: z.number().int(),
  rewards: z.object({ total: amountSchema, kept: amountSchema, shared: amountSchema, usd: usdSchema, keptUsd: usdSchema, sharedUsd: usdSchema, calls: z.number().int() }),
  fees: z.object({ total: amountSchema, kept: amountSchema, shared: amountSchema, usd: usdSchema, keptUsd: usdSchema, sharedUsd: usdSchema, payments: z.number().int() }),
  keptUsd: usdSchema,
  sharedUsd: usdSchema,
  unpriced: z.number().int().meta({ description: 'items without a price at their time (left out of the USD sums)' }),
});

function cellJson(c: IncomeCell): z.input<typeof cellSchema> {
  return {
    period: c.period,
    firstRound: c.firstRound,
    lastRound: c.lastRound,
    rewards: { total: lpt(c.rewards), kept: lpt(c.rewardsKept), shared: lpt(c.rewardsShared), usd: usd(c.rewardsUsdE8), keptUsd: usd(c.rewardsKeptUsdE8), sharedUsd: usd(c.rewardsSharedUsdE8), calls: c.rewardCalls },
    fees: { total: eth(c.fees), kept: eth(c.feesKept), shared: eth(c.feesShared), usd: usd(c.feesUsdE8), keptUsd: usd(c.feesKeptUsdE8), sharedUsd: usd(c.feesSharedUsdE8), payments: c.feePayments },
    keptUsd: usd(c.rewardsKeptUsdE8 + c.feesKeptUsdE8),
    sharedUsd: usd(c.rewardsSharedUsdE8 + c.feesSharedUsdE8),
    unpriced: c.unpriced,
  };
}

const rangeQuery = {
  fromRound: roundParam('first round (default: the last 30 rounds)'),
  toRound: roundParam('last round (default: the latest)'),
};

const incomeResponse = z.object({ period: z.string(), fromRound: z.number().int(), toRound: z.number().int(), orchestrator: z.string().nullable(), cells: z.array(cellSchema) });

const incomeOperation = (withAddress: boolean) =>
  operation({
    params: withAddress ? z.strictObject({ address: addressParam }) : z.strictObject({}),
    query: z.strictObject({ period: periodParam, ...rangeQuery }),
    response: incomeResponse,
    answer: async ({ params, query, data }) => {
      const orchestrator = (params as { address?: string }).address;
      const { from, to } = await roundRange(data.db, query, 30);
      const book = await loadPriceBook(data.db);
      const items = await incomeItems(data.db, book, { fromRound: from, toRound: to, orchestrator });
      const cells = sumIncome(items, query.period as IncomePeriod).get('') ?? new Map();
      return { period: query.period, fromRound: from, toRound: to, orchestrator: orchestrator ?? null, cells: [...cells.values()].map(cellJson) };
    },
  });
export const networkIncomeOperation = incomeOperation(false);
export const orchestratorIncomeOperation = incomeOperation(true);

const incomeRoute = <Path extends string>(path: Path, withAddress: boolean) =>
  operationRoute(withAddress ? orchestratorIncomeOperation : networkIncomeOperation, {
    path,
    tag: 'economics',
    summary: withAddress ? "An orchestrator's income per period, kept vs shared, in USD at the time" : 'Network income of all orchestrators per period, kept vs shared, in USD at the time',
    description:
      'Every reward call and fee payment split as the contract splits it (kept = rewardCut share of rewards and 1 − feeShare of fees; shared = the rest, paid to the pool stake) and valued in USD at its own block time. Periods: round, UTC day, calendar quarter.',
    maxAge: 30,
    cache: 'none',
  });

// ------------------------------------------------------------------ operations (REST routes and GraphQL fields)

export const pricesOperation = operation({
  query: z.strictObject({
    time: intParam(0, TIME_MAX, 'unix seconds of the "price at" answer (default: latest)').optional(),
    fromTime: intParam(0, TIME_MAX, 'series start (unix seconds)').optional(),
    toTime: intParam(0, TIME_MAX, 'series end (unix seconds)').optional(),
  }),
  response: z.object({
    at: z.object({ time: z.number().int(), ethUsd: z.string().nullable(), lptEth: z.string().nullable(), lptUsd: z.string().nullable() }),
    series: z.array(z.object({ time: z.number().int(), pair: z.enum(['ETH/USD', 'LPT/ETH']), price: z.string() })),
  }),
  answer: async ({ query, data }) => {
    const book = await loadPriceBook(data.db);
    const time = query.time ?? TIME_MAX;
    const ethUsd = book.at('ETH/USD', time);
    const lptEth = book.at('LPT/ETH', time);
    const from = query.fromTime ?? 0;
    const to = query.toTime ?? TIME_MAX;
    const series = (['ETH/USD', 'LPT/ETH'] as const).flatMap((pair) =>
      book.series(pair).filter((p) => p.time >= from && p.time <= to).map((p) => ({ time: p.time, pair, price: priceText(p.price)! })),
    );
    series.sort((a, b) => a.time - b.time);
    const lptUsd = ethUsd && lptEth ? usd(book.usdE8(10n ** 18n, 'LPT', time)) : null;
    return { at: { time: query.time ?? Math.floor(Date.now() / 1000), ethUsd: priceText(ethUsd), lptEth: lptEth ? formatUnits(weiPerLpt(lptEth)) : null, lptUsd }, series: series.slice(-5000) };
  },
});

export const convertOperation = operation({
  query: z.strictObject({
    amount: z.string().regex(/^\d{1,40}$/, { error: 'must be a whole number of wei' }).transform((s) => BigInt(s)).meta({ description: 'amount in wei (ETH-wei or LPT-wei)' }),
    unit: z.enum(['ETH', 'LPT'], { error: 'must be "ETH" or "LPT"' }),
    time: intParam(0, TIME_MAX, 'unix seconds'),
  }),
  response: z.object({ amount: amountSchema, time: z.number().int(), usd: usdSchema }),
  answer: async ({ query, data }) => {
    const book = await loadPriceBook(data.db);
    const a = query.amount as bigint;
    return { amount: query.unit === 'ETH' ? eth(a) : lpt(a), time: query.time, usd: usd(book.usdE8(a, query.unit, query.time)) };
  },
});

export const seriesOperation = operation({
  params: z.strictObject({ series: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$/, { error: 'must be a series name of letters, digits and / . _ -' }) }),
  query: z.strictObject({ fromTime: intParam(0, TIME_MAX, 'unix seconds').optional(), toTime: intParam(0, TIME_MAX, 'unix seconds').optional() }),
  response: z.object({ series: z.string(), points: z.array(z.object({ time: z.number().int(), value: z.string(), unit: z.string() })) }),
  answer: async ({ params, query, data }) => {
    const pts = await readSeries(data.db, params.series, query.fromTime ?? 0, query.toTime ?? TIME_MAX);
    if (pts.length === 0) throw new AtlasError('not_found', `no points of series ${params.series} in that range`);
    return { series: params.series, points: pts.map((p) => ({ time: p.time, value: p.value, unit: p.unit })) };
  },
});

export const incomeRankingOperation = operation({
  query: z.strictObject({ ...rangeQuery, limit: limitParam(20, 200) }),
  response: z.object({
    fromRound: z.number().int(),
    toRound: z.number().int(),
    data: z.array(z.object({ rank: z.number().int(), orchestrator: z.string(), keptUsd: usdSchema, totalUsd: usdSchema, feesKept: amountSchema, rewardsKept: amountSchema })),
  }),
  answer: async ({ query, data }) => {
    const { from, to } = await roundRange(data.db, query, 30);
    const items = await incomeItems(data.db, await loadPriceBook(data.db), { fromRound: from, toRound: to });
    const ranked = rankByKeptUsd(items).slice(0, query.limit);
    return {
      fromRound: from,
      toRound: to,
      data: ranked.map((r, i) => ({ rank: i + 1, orchestrator: r.orchestrator, keptUsd: usd(r.keptUsdE8), totalUsd: usd(r.totalUsdE8), feesKept: eth(r.feesKept), rewardsKept: lpt(r.rewardsKept) })),
    };
  },
});

export const revenueOperation = operation({
  query: z.strictObject({ period: z.enum(['round', 'quarter'], { error: 'must be "round" or "quarter"' }).default('round'), ...rangeQuery }),
  response: z.object({
    period: z.string(),
    roundsPerYear: z.number(),
    data: z.array(z.object({
      period: z.string(), firstRound: z.number().int(), lastRound: z.number().int(),
      feesToStakers: amountSchema, feesToStakersUsd: usdSchema, dividendPerLpt: amountSchema, dividendPerLptUsd: usdSchema,
      rewardYield: z.number(), dilution: z.number(), feeYield: z.number().nullable(), realYield: z.number().nullable(), realYieldAnnualized: z.number().nullable(),
    })),
  }),
  answer: async ({ query, data }) => {
    const { from, to } = await roundRange(data.db, query, 30);
    const book = await loadPriceBook(data.db);
    const rounds = await roundTotals(data.db, from, to);
    const items = await incomeItems(data.db, book, { fromRound: from, toRound: to });
    const rev = revenueByRound(rounds, items, book);
    const perYear = (365 * 86_400) / roundSeconds(rounds);
    type Acc = { period: string; firstRound: number; lastRound: number; fees: bigint; feesUsd: bigint | null; div: bigint; divUsd: bigint | null; g: number; d: number; f: number | null; real: number | null; n: number };
    const groups = new Map<string, Acc>();
    for (const r of rev) {
      const key = query.period === 'round' ? String(r.round) : quarterOf(r.time);
      let a = groups.get(key);
      if (!a) groups.set(key, (a = { period: key, firstRound: r.round, lastRound: r.round, fees: 0n, feesUsd: 0n, div: 0n, divUsd: 0n, g: 1, d: 1, f: 1, real: 1, n: 0 }));
      a.lastRound = r.round;
      a.fees += r.feesToStakers;
      const fu = book.usdE8(r.feesToStakers, 'ETH', r.time);
      a.feesUsd = a.feesUsd === null || fu === null ? null : a.feesUsd + fu;
      a.div += r.dividendWeiPerLpt;
      a.divUsd = a.divUsd === null || r.dividendUsdE8PerLpt === null ? null : a.divUsd + r.dividendUsdE8PerLpt;
      a.g *= 1 + r.rewardYield;
      a.d *= 1 + r.dilution;
      a.f = a.f === null || r.feeYield === null ? null : a.f * (1 + r.feeYield);
      a.real = a.real === null || r.realYield === null ? null : a.real * (1 + r.realYield);
      a.n++;
    }
    return {
      period: query.period,
      roundsPerYear: Math.round(perYear * 100) / 100,
      data: [...groups.values()].map((a) => ({
        period: a.period, firstRound: a.firstRound, lastRound: a.lastRound,
        feesToStakers: eth(a.fees), feesToStakersUsd: usd(a.feesUsd), dividendPerLpt: eth(a.div), dividendPerLptUsd: a.divUsd === null ? null : formatUsdPrecise(a.divUsd),
        rewardYield: a.g - 1, dilution: a.d - 1, feeYield: a.f === null ? null : a.f - 1, realYield: a.real === null ? null : a.real - 1,
        realYieldAnnualized: a.real === null ? null : annualize(Math.pow(a.real, 1 / a.n) - 1, perYear),
      })),
    };
  },
});

export const stakingFeedOperation = operation({
  response: z.object({
    schema: z.literal('atlas.staking/1'),
    asset: z.literal('LPT'),
    network: z.string(),
    round: z.number().int(),
    updatedAt: z.string(),
    rewardRate: z.object({ perRound: z.number(), annual: z.number() }),
    realizedRewardRate: z.object({ annual: z.number() }),
    dilutionAdjustedRewardRate: z.object({ annual: z.number() }).meta({ description: 'rewardRate net of supply growth: (1 + rewardRate) / (1 + inflation) − 1, the growth of a staker’s share of all LPT' }),
    stakingRatio: z.number(),
    totalStaked: z.string(),
    totalSupply: z.string(),
    inflation: z.object({ perRound: z.number(), annual: z.number() }),
    unbondingPeriod: z.object({ rounds: z.number().int(), days: z.number() }),
    roundLengthSeconds: z.number(),
    treasuryRewardCut: z.number(),
  }),
  answer: async ({ data }) => {
    const to = Number(await latestRound(data.db));
    const rounds = await roundTotals(data.db, Math.max(0, to - 29), to);
    const feed = stakingFeed(rounds, Number((await protocolParams(data.db)).unbondingPeriod));
    if (!feed) throw new AtlasError('not_found', 'no round indexed yet');
    return {
      schema: 'atlas.staking/1' as const,
      asset: 'LPT' as const,
      network: (await readNetwork(data.db)).name === 'arbitrum-one' ? 'arbitrum-one' : 'simulator',
      round: feed.round,
      updatedAt: new Date(feed.time * 1000).toISOString(),
      rewardRate: { perRound: feed.rewardRatePerRound, annual: feed.rewardRateAnnual },
      realizedRewardRate: { annual: feed.realizedRewardRateAnnual },
      dilutionAdjustedRewardRate: { annual: (1 + feed.rewardRateAnnual) / (1 + feed.inflationAnnual) - 1 },
      stakingRatio: feed.stakingRatio,
      totalStaked: formatUnits(feed.totalStaked),
      totalSupply: formatUnits(feed.totalSupply),
      inflation: { perRound: Number(feed.inflationPpbPerRound) / 1e9, annual: feed.inflationAnnual },
      unbondingPeriod: { rounds: feed.unbondingPeriodRounds, days: Math.round(((feed.unbondingPeriodRounds * feed.roundSeconds) / 86_400) * 100) / 100 },
      roundLengthSeconds: feed.roundSeconds,
      treasuryRewardCut: feed.treasuryRewardCut,
    };
  },
});

export const economicsRoutes = [
  operationRoute(pricesOperation, {
    path: '/api/v1/prices',
    tag: 'economics',
    summary: 'ETH/USD and LPT/ETH prices indexed from the chain (Chainlink feed, Uniswap V3 LPT/WETH pool)',
    description: 'Prices in effect at `time` (default now) and every observation in [fromTime, toTime]. Prices are decimal strings with 8 fractional digits.',
    maxAge: 30,
    cache: 'none',
  }),
  operationRoute(convertOperation, {
    path: '/api/v1/prices/convert',
    tag: 'economics',
    summary: 'USD value of an ETH or LPT amount at a time',
    maxAge: 30,
    cache: 'none',
  }),
  operationRoute(seriesOperation, {
    path: '/api/v1/prices/series/{series}',
    tag: 'economics',
    summary: 'An imported external price series (CSV import, see src/prices/README.md)',
    maxAge: 60,
    errors: [404],
    cache: 'none',
  }),
  incomeRoute('/api/v1/economics/income', false),
  incomeRoute('/api/v1/economics/orchestrators/{address}/income', true),
  operationRoute(incomeRankingOperation, {
    path: '/api/v1/economics/income/ranking',
    tag: 'economics',
    summary: 'Orchestrators ranked by kept income in USD over a round range',
    maxAge: 30,
    cache: 'none',
  }),
  route({
    path: '/api/v1/economics/implied-costs',
    tag: 'economics',
    summary: 'Break-even operating cost per GPU-hour and per million pixels implied by kept income',
    description:
      'monthly kept = kept USD in the window × 30 days / window; per GPU-hour = monthly kept / (gpus × hoursPerMonth × utilization); pixels = fees / pricePerPixelWei; per megapixel = monthly kept fees / monthly pixels × 1e6. Assumptions are query parameters and are echoed back.',
    query: z.strictObject({
      ...rangeQuery,
      orchestrator: addressParam.optional(),
      gpus: intParam(1, 100_000, `GPUs the orchestrator runs (default ${DEFAULT_ASSUMPTIONS.gpus})`).default(DEFAULT_ASSUMPTIONS.gpus),
      hoursPerMonth: intParam(1, 744, `hours per month (default ${DEFAULT_ASSUMPTIONS.hoursPerMonth})`).default(DEFAULT_ASSUMPTIONS.hoursPerMonth),
      utilizationPercent: intParam(1, 100, 'share of hours doing paid work (default 100)').default(100),
      pricePerPixelWei: intParam(1, 1_000_000_000_000, `quoted price per pixel in wei (default ${DEFAULT_ASSUMPTIONS.pricePerPixelWei})`).default(DEFAULT_ASSUMPTIONS.pricePerPixelWei),
      includeRewards: boolParam.default(true).meta({ description: 'count LPT rewards (at their USD value) as income (default true)' }),
      limit: limitParam(20, 200),
    }),
    response: z.object({
      assumptions: z.object({ gpus: z.number(), hoursPerMonth: z.number(), utilization: z.number(), pricePerPixelWei: z.number(), includeRewards: z.boolean(), fromRound: z.number().int(), toRound: z.number().int(), windowSeconds: z.number() }),
      data: z.array(z.object({ orchestrator: z.string(), monthlyKeptUsd: usdSchema, monthlyKeptFeesUsd: usdSchema, breakEvenUsdPerGpuHour: z.number(), pixelsPerMonth: z.number(), breakEvenUsdPerMegapixel: z.number().nullable() })),
    }),
    maxAge: 30,
    cache: 'none',
    handler: async ({ query, data }) => {
      const { from, to } = await roundRange(data.db, query, 30);
      const book = await loadPriceBook(data.db);
      const rounds = await roundTotals(data.db, from, to);
      const windowSeconds = (to - from + 1) * roundSeconds(rounds);
      const items = await incomeItems(data.db, book, { fromRound: from, toRound: to, orchestrator: query.orchestrator });
      const a = { gpus: query.gpus, hoursPerMonth: query.hoursPerMonth, utilization: query.utilizationPercent / 100, pricePerPixelWei: query.pricePerPixelWei, includeRewards: query.includeRewards as boolean };
      const rows = impliedCosts(items, windowSeconds, a).slice(0, query.limit);
      return {
        assumptions: { ...a, fromRound: from, toRound: to, windowSeconds },
        data: rows.map((r) => ({ orchestrator: r.orchestrator, monthlyKeptUsd: usd(r.monthlyKeptUsdE8), monthlyKeptFeesUsd: usd(r.monthlyKeptFeesUsdE8), breakEvenUsdPerGpuHour: round4(r.breakEvenUsdPerGpuHour), pixelsPerMonth: Math.round(r.pixelsPerMonth), breakEvenUsdPerMegapixel: r.breakEvenUsdPerMegapixel === null ? null : round6(r.breakEvenUsdPerMegapixel) })),
      };
    },
  }),
  route({
    path: '/api/v1/economics/cost-survey',
    method: 'post',
    tag: 'economics',
    summary: 'Submit a signed orchestrator cost report (never published individually)',
    description:
      'Typed data: domain atlasDomain(chainId) (name "Livepeer Atlas", version "1"); CostReport(address orchestrator, string period, string deployment, string gpuModel, uint32 gpuCount, uint64 hardwareCents, uint64 powerCents, uint64 bandwidthCents, uint64 otherCents, string region, uint64 nonce). ' +
      `deployment is one of ${DEPLOYMENTS.join(', ')}; period YYYY-MM, not in the future and still open (a period closes when its release is drawn, seven days after its month ends: 409 period_closed); costs are US cents per month. ` +
      'One report per orchestrator and period (409 for a second); the signer must be the orchestrator (401) and a registered one with at least 100 LPT bonded (403).',
    body: costReportSchema,
    maxBodyBytes: 4096,
    response: z.object({ accepted: z.boolean(), orchestrator: z.string(), period: z.string() }),
    maxAge: 0,
    errors: [401, 403, 409, 413, 415],
    handler: async ({ body, data, clock }) => {
      const r = await submitCostReport(data.db, body as z.infer<typeof costReportSchema>, { chainId: await indexedChainId(data.db), now: new Date(clock()) });
      return { accepted: true, ...r };
    },
  }),
  route({
    path: '/api/v1/economics/cost-survey',
    tag: 'economics',
    summary: 'Cost survey aggregates from frozen, differentially private releases',
    description:
      'One release per period, drawn once seven days after the month ends and never changed; reports for a period close then. Buckets are (period, deployment, GPU model): per bucket, the number of reports, GPUs and ' +
      'per-GPU costs are sums of clipped values with Laplace noise (ε = 3 per orchestrator and period, split over six measures), and a bucket is shown only when its noisy count reaches k (ATLAS_COST_SURVEY_K, default 5). ' +
      'Groups and filters merge whole released buckets. `privacy` states the budget, the clip bounds and the noise scales; noiseStdUsdPerGpu how far each mean may be off.',
    query: z.strictObject({
      group: z.enum(['bucket', 'deployment', 'gpuModel', 'all'], { error: 'must be bucket, deployment, gpuModel or all' }).default('bucket'),
      fromPeriod: z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, { error: 'must be YYYY-MM' }).optional(),
      toPeriod: z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, { error: 'must be YYYY-MM' }).optional(),
      deployment: z.enum(DEPLOYMENTS, { error: `must be one of ${DEPLOYMENTS.join(', ')}` }).optional(),
      gpuModel: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/, { error: 'must be a GPU model name' }).optional(),
    }),
    response: z.object({
      k: z.number().int(),
      group: z.string(),
      privacy: z.object({
        epsilon: z.number(),
        clip: z.object({ gpus: z.number(), hardwareUsdPerGpu: z.number(), powerUsdPerGpu: z.number(), bandwidthUsdPerGpu: z.number(), otherUsdPerGpu: z.number() }),
        laplaceScaleUsdPerGpu: z.object({ hardware: z.number(), power: z.number(), bandwidth: z.number(), other: z.number() }),
        minStakeLpt: z.string(),
      }),
      periods: z.array(z.string()).meta({ description: 'released periods the answer draws on' }),
      data: z.array(z.object({
        period: z.string().nullable(), deployment: z.string().nullable(), gpuModel: z.string().nullable(),
        reports: z.number().int().meta({ description: 'noisy number of reports' }),
        gpusPerReport: z.number(),
        meanMonthlyUsdPerGpu: z.object({ hardware: z.number(), power: z.number(), bandwidth: z.number(), other: z.number(), total: z.number() }),
        noiseStdUsdPerGpu: z.number().meta({ description: 'standard deviation of the noise in the total per GPU (USD)' }),
      })),
    }),
    maxAge: 60,
    cache: 'none',
    handler: async ({ query, data, options, clock }) => {
      const k = options.costSurveyK ?? DEFAULT_SURVEY_K;
      const { group, ...filters } = query;
      return { k, group, privacy: surveyPrivacy(), ...(await surveyAggregates(data.db, { k, group, filters, nowS: Math.floor(clock() / 1000) })) };
    },
  }),
  operationRoute(revenueOperation, {
    path: '/api/v1/economics/revenue',
    tag: 'economics',
    summary: 'Revenue to LPT: ETH fees paid to stakers per staked LPT ("revenue dividends") and issuance-adjusted real yield',
    maxAge: 30,
    cache: 'none',
  }),
  operationRoute(stakingFeedOperation, {
    path: '/api/v1/feeds/staking',
    tag: 'economics',
    summary: 'Staking-tracker feed: reward rate, staking ratio, unbonding period, total staked, inflation',
    maxAge: 60,
    errors: [404],
  }),
];

/** EIP-712 types of the cost report, for clients that sign. */
export { COST_REPORT_TYPES };

function quarterOf(time: number): string {
  const d = new Date(time * 1000);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** Per-LPT dividends are fractions of a cent: 1e-8 USD rendered with all 8 digits. */
function formatUsdPrecise(e8: bigint): string {
  return formatUnits(e8, 8);
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
