// The LPT market: the Uniswap V3 LPT/WETH pools (price, depth and slippage to buy or sell N LPT, volume,
// liquidity by price band, liquidity providers' fees) and the L1↔L2 LPT bridge flows. Windows count back from
// the newest indexed market event (chain time).
import { z } from 'zod';
import { collectedFees, decimal, depth, liquidityBands, lptInWeth, midPrice, poolSnapshot, quote, volume, type PoolSnapshot, type VolumeBucket } from '../../market/analytics.js';
import { marketPools, type LptPool } from '../../market/pools.js';
import { bridgeEvents, newestMarketTime, poolEvents } from '../../market/queries.js';
import { sqrtRatioAtTick } from '../../market/uniswapMath.js';
import { formatUsd, type PriceBook } from '../../prices/lookup.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { readNetwork } from '../../read/network.js';
import type { ApiData } from '../data.js';
import { AtlasError } from '../errors.js';
import { amountSchema, eth, lpt } from '../format.js';
import { route } from '../route.js';
import { addressParam, intParam } from '../schemas.js';

const DAY = 86_400;
const E18 = 10n ** 18n;

/** The indexed network's LPT pools. */
async function pools(data: ApiData): Promise<LptPool[]> {
  return marketPools({ name: (await readNetwork(data.db)).name ?? 'simulator' });
}

interface Loaded {
  pool: LptPool;
  snapshot: PoolSnapshot;
}

/** Every initialized pool with its state now. */
async function snapshots(data: ApiData): Promise<Loaded[]> {
  const out: Loaded[] = [];
  for (const pool of await pools(data)) {
    const s = poolSnapshot(pool.address.toLowerCase(), pool.fee, pool.tickSpacing, await poolEvents(data.db, pool.address));
    if (s) out.push({ pool, snapshot: s });
  }
  return out;
}

const usdAt = (book: PriceBook, weiEth: bigint, time: number) => {
  const v = book.usdE8(weiEth, 'ETH', time);
  return v === null ? null : formatUsd(v);
};
const feeTier = (fee: number) => `${fee / 10_000}%`;
const ppm = (x: number) => x / 1_000_000;

const volumeSchema = z.object({ swaps: z.number().int(), lpt: amountSchema, weth: amountSchema, usd: z.string().nullable(), feesWeth: amountSchema });
function sumVolume(buckets: VolumeBucket[], book: PriceBook, at: number) {
  const s = buckets.reduce((a, b) => ({ swaps: a.swaps + b.swaps, lpt: a.lpt + b.lpt, weth: a.weth + b.weth, feesWeth: a.feesWeth + b.feesWeth }), { swaps: 0, lpt: 0n, weth: 0n, feesWeth: 0n });
  return { swaps: s.swaps, lpt: lpt(s.lpt), weth: eth(s.weth), usd: usdAt(book, s.weth, at), feesWeth: eth(s.feesWeth) };
}

const poolSchema = z.object({
  address: z.string(),
  feeTier: z.string().meta({ description: 'e.g. 0.3%' }),
  price: z.string().meta({ description: 'WETH per LPT (mid price, 18 digits)' }),
  liquidity: z.string().meta({ description: 'in-range liquidity (Uniswap L)' }),
  reserves: z.object({ lpt: amountSchema, weth: amountSchema }),
  tvl: z.object({ weth: amountSchema, usd: z.string().nullable() }),
  volume24h: volumeSchema,
  volume7d: volumeSchema,
  feeApr7d: z.number().nullable().meta({ description: 'liquidity providers’ fees of the last 7 days over the pool’s value, annualized (0.12 = 12%)' }),
});

const quoteSchema = z.object({
  side: z.enum(['buy', 'sell']),
  amount: amountSchema,
  filled: z.boolean().meta({ description: 'false when the pool cannot fill the whole amount' }),
  lpt: amountSchema,
  weth: amountSchema.meta({ description: 'paid (buy) or received (sell), the pool fee included' }),
  averagePrice: z.string().meta({ description: 'WETH per LPT' }),
  slippage: z.number().meta({ description: 'average price against the mid price, as a cost (0.01 = 1%)' }),
  priceImpact: z.number().meta({ description: 'mid price after against before (signed)' }),
});

function quoteJson(q: ReturnType<typeof quote>) {
  return {
    side: q.side,
    amount: lpt(q.amount),
    filled: q.filled,
    lpt: lpt(q.lpt),
    weth: eth(q.weth),
    averagePrice: q.lpt === 0n ? '0' : decimal({ num: q.weth, den: q.lpt }),
    slippage: ppm(q.slippagePpm),
    priceImpact: ppm(q.priceImpactPpm),
  };
}

const amountsParam = z
  .string()
  .regex(/^\d{1,9}(,\d{1,9}){0,9}$/, 'must be up to 10 whole LPT amounts separated by commas')
  .default('1000,10000,50000,100000')
  .meta({ description: 'LPT amounts to quote (whole LPT, comma list; default 1000,10000,50000,100000)' });

export const marketRoutes = [
  route({
    path: '/api/v1/market/lpt',
    tag: 'market',
    summary: 'LPT on Uniswap V3: price, value locked, volume and liquidity providers’ returns per pool',
    description: 'From every event of the LPT/WETH pools (Swap, Mint, Burn, Collect): reserves, the mid price, 24-hour and 7-day volume and the fee return of providing liquidity.',
    response: z.object({
      asOf: z.number().int().nullable(),
      price: z.object({ weth: z.string().nullable(), usd: z.string().nullable() }).meta({ description: 'LPT mid price of the deepest pool' }),
      pools: z.array(poolSchema),
      totals: z.object({ tvlWeth: amountSchema, tvlUsd: z.string().nullable(), volume7d: volumeSchema }),
    }),
    maxAge: 10,
    handler: async ({ data }) => {
      const book = await cachedPriceBook(data.db);
      const loaded = await snapshots(data);
      const asOf = loaded.reduce((m, l) => Math.max(m, l.snapshot.asOf), 0) || null;
      const now = asOf ?? 0;
      let tvlWeth = 0n;
      const weekBuckets: VolumeBucket[] = [];
      const out = [];
      for (const { pool, snapshot: s } of loaded) {
        const mid = midPrice(s.sqrtPriceX96);
        const tvl = lptInWeth(s.reserve0, mid) + s.reserve1;
        tvlWeth += tvl;
        const swaps = await poolEvents(data.db, pool.address, ['swap'], now - 7 * DAY);
        const week = volume(swaps, pool.fee, DAY);
        const day = volume(swaps.filter((e) => e.blockTime >= now - DAY), pool.fee, DAY);
        weekBuckets.push(...week);
        const fees7 = week.reduce((a, b) => a + b.feesWeth, 0n);
        out.push({
          address: pool.address,
          feeTier: feeTier(pool.fee),
          price: decimal(mid),
          liquidity: s.liquidity.toString(),
          reserves: { lpt: lpt(s.reserve0), weth: eth(s.reserve1) },
          tvl: { weth: eth(tvl), usd: usdAt(book, tvl, now) },
          volume24h: sumVolume(day, book, now),
          volume7d: sumVolume(week, book, now),
          feeApr7d: tvl === 0n ? null : Number((fees7 * 365n * 1_000_000n) / (tvl * 7n)) / 1_000_000,
        });
      }
      const deepest = [...loaded].sort((a, b) => (b.snapshot.liquidity > a.snapshot.liquidity ? 1 : -1))[0];
      const price = deepest ? midPrice(deepest.snapshot.sqrtPriceX96) : null;
      return {
        asOf,
        price: { weth: price ? decimal(price) : null, usd: price ? usdAt(book, lptInWeth(E18, price), now) : null },
        pools: out,
        totals: { tvlWeth: eth(tvlWeth), tvlUsd: usdAt(book, tvlWeth, now), volume7d: sumVolume(weekBuckets, book, now) },
      };
    },
  }),
  route({
    path: '/api/v1/market/lpt/depth',
    tag: 'market',
    summary: 'Cost and slippage of buying or selling N LPT, and depth to a price move, per pool',
    description:
      'Each quote runs the pool’s own swap math (Uniswap V3 SwapMath across initialized ticks) on the indexed pool state, so it equals what the pool would charge now to the wei. `best` is the cheapest single pool for each amount and side.',
    query: z.strictObject({ amounts: amountsParam }),
    response: z.object({
      asOf: z.number().int().nullable(),
      best: z.array(quoteSchema.extend({ pool: z.string(), feeTier: z.string() })),
      pools: z.array(
        z.object({
          address: z.string(),
          feeTier: z.string(),
          quotes: z.array(quoteSchema),
          depth: z.array(z.object({ move: z.number().meta({ description: 'price move, e.g. 0.02 = +2%' }), lpt: amountSchema, weth: amountSchema })),
        }),
      ),
    }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const amounts = query.amounts.split(',').map((x) => BigInt(x) * E18);
      const loaded = await snapshots(data);
      const pools = loaded.map(({ pool, snapshot: s }) => ({
        address: pool.address,
        feeTier: feeTier(pool.fee),
        quotes: amounts.flatMap((a) => [quote(s, 'buy', a), quote(s, 'sell', a)]),
        depth: [-100_000, -50_000, -20_000, 20_000, 50_000, 100_000].map((m) => depth(s, m)),
      }));
      const best = amounts.flatMap((a) =>
        (['buy', 'sell'] as const).flatMap((side) => {
          const cands = pools.map((p) => ({ p, q: p.quotes.find((q) => q.side === side && q.amount === a)! })).filter((c) => c.q.filled);
          if (cands.length === 0) return [];
          // Cheapest to buy (least WETH paid), best to sell (most WETH received).
          const pick = cands.sort((x, y) => (side === 'buy' ? (x.q.weth < y.q.weth ? -1 : 1) : x.q.weth > y.q.weth ? -1 : 1))[0]!;
          return [{ ...quoteJson(pick.q), pool: pick.p.address, feeTier: pick.p.feeTier }];
        }),
      );
      return {
        asOf: loaded.reduce((m, l) => Math.max(m, l.snapshot.asOf), 0) || null,
        best,
        pools: pools.map((p) => ({ address: p.address, feeTier: p.feeTier, quotes: p.quotes.map(quoteJson), depth: p.depth.map((d) => ({ move: ppm(d.movePpm), lpt: lpt(d.lpt), weth: eth(d.weth) })) })),
      };
    },
  }),
  route({
    path: '/api/v1/market/lpt/volume',
    tag: 'market',
    summary: 'LPT trading volume and liquidity providers’ fees over time, all pools',
    query: z.strictObject({ interval: z.enum(['day', 'week']).default('day'), days: intParam(1, 3650, 'window in days back from the newest market event (default 90)').default(90) }),
    response: z.object({ data: z.array(z.object({ at: z.number().int(), swaps: z.number().int(), lpt: amountSchema, weth: amountSchema, usd: z.string().nullable(), feesWeth: amountSchema })) }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const book = await cachedPriceBook(data.db);
      const now = (await newestMarketTime(data.db)) ?? 0;
      const bucket = query.interval === 'week' ? 7 * DAY : DAY;
      const merged = new Map<number, VolumeBucket>();
      for (const pool of await pools(data))
        for (const b of volume(await poolEvents(data.db, pool.address, ['swap'], now - query.days * DAY), pool.fee, bucket)) {
          const m = merged.get(b.at) ?? { at: b.at, swaps: 0, lpt: 0n, weth: 0n, feesWeth: 0n };
          merged.set(b.at, { at: b.at, swaps: m.swaps + b.swaps, lpt: m.lpt + b.lpt, weth: m.weth + b.weth, feesWeth: m.feesWeth + b.feesWeth });
        }
      return { data: [...merged.values()].sort((a, b) => a.at - b.at).map((b) => ({ at: b.at, swaps: b.swaps, lpt: lpt(b.lpt), weth: eth(b.weth), usd: usdAt(book, b.weth, b.at + bucket - 1), feesWeth: eth(b.feesWeth) })) };
    },
  }),
  route({
    path: '/api/v1/market/lpt/liquidity',
    tag: 'market',
    summary: 'Liquidity by price band of one LPT pool (tick liquidity)',
    query: z.strictObject({ pool: addressParam.optional().meta({ description: 'pool address (default: the deepest pool)' }) }),
    response: z.object({
      pool: z.string().nullable(),
      price: z.string().nullable(),
      bands: z.array(z.object({ priceLower: z.string(), priceUpper: z.string(), liquidity: z.string(), lpt: amountSchema, weth: amountSchema, inRange: z.boolean() })),
    }),
    errors: [404],
    maxAge: 10,
    handler: async ({ query, data }) => {
      const loaded = await snapshots(data);
      const pick = query.pool ? loaded.find((l) => l.pool.address.toLowerCase() === query.pool) : [...loaded].sort((a, b) => (b.snapshot.liquidity > a.snapshot.liquidity ? 1 : -1))[0];
      if (query.pool && !pick) throw new AtlasError('not_found', `${query.pool} is not an indexed LPT pool`);
      if (!pick) return { pool: null, price: null, bands: [] };
      const s = pick.snapshot;
      return {
        pool: pick.pool.address,
        price: decimal(midPrice(s.sqrtPriceX96)),
        bands: liquidityBands(s).map((b) => ({
          priceLower: decimal(midPrice(sqrtRatioAtTick(b.tickLower))),
          priceUpper: decimal(midPrice(sqrtRatioAtTick(b.tickUpper))),
          liquidity: b.liquidity.toString(),
          lpt: lpt(b.amount0),
          weth: eth(b.amount1),
          inRange: s.tick >= b.tickLower && s.tick < b.tickUpper,
        })),
      };
    },
  }),
  route({
    path: '/api/v1/market/lpt/providers',
    tag: 'market',
    summary: 'Liquidity providers: liquidity they hold and the fees they collected',
    description: 'Fees collected are exact: what Collect paid beyond the principal each Burn released. Fees accrued on liquidity still in the pool count once collected.',
    response: z.object({ data: z.array(z.object({ owner: z.string(), pool: z.string(), feeTier: z.string(), liquidity: z.string(), feesCollected: z.object({ lpt: amountSchema, weth: amountSchema, totalWeth: amountSchema }) })) }),
    maxAge: 10,
    handler: async ({ data }) => {
      const out = [];
      for (const { pool, snapshot: s } of await snapshots(data)) {
        const events = await poolEvents(data.db, pool.address, ['mint', 'burn', 'collect']);
        const liq = new Map<string, bigint>();
        for (const e of events) if (e.kind === 'mint' || e.kind === 'burn') liq.set(e.owner!, (liq.get(e.owner!) ?? 0n) + (e.kind === 'mint' ? e.liquidity! : -e.liquidity!));
        const fees = collectedFees(events);
        const mid = midPrice(s.sqrtPriceX96);
        for (const owner of new Set([...liq.keys(), ...fees.keys()])) {
          const f = fees.get(owner) ?? { fees0: 0n, fees1: 0n };
          out.push({ owner, pool: pool.address, feeTier: feeTier(pool.fee), liquidity: (liq.get(owner) ?? 0n).toString(), feesCollected: { lpt: lpt(f.fees0), weth: eth(f.fees1), totalWeth: eth(lptInWeth(f.fees0, mid) + f.fees1) } });
        }
      }
      return { data: out.sort((a, b) => (BigInt(b.liquidity) > BigInt(a.liquidity) ? 1 : BigInt(b.liquidity) < BigInt(a.liquidity) ? -1 : 0)) };
    },
  }),
  route({
    path: '/api/v1/market/bridge',
    tag: 'market',
    summary: 'LPT moving between Ethereum and Arbitrum: deposits, withdrawals and net flow over time',
    description: 'The L2 LPT gateway’s DepositFinalized (LPT arriving from L1) and WithdrawalInitiated (LPT leaving for L1) events, per day or per round, with the largest accounts.',
    query: z.strictObject({ interval: z.enum(['day', 'round']).default('day'), top: intParam(1, 100, 'accounts listed (default 10)').default(10) }),
    response: z.object({
      totals: z.object({ deposits: amountSchema, withdrawals: amountSchema, net: amountSchema, depositCount: z.number().int(), withdrawalCount: z.number().int() }),
      data: z.array(z.object({ at: z.number().int().meta({ description: 'day start (unix s) or round' }), deposits: amountSchema, withdrawals: amountSchema, net: amountSchema, transfers: z.number().int() })),
      top: z.array(z.object({ account: z.string(), deposited: amountSchema, withdrawn: amountSchema })),
    }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const events = await bridgeEvents(data.db);
      const by = new Map<number, { in: bigint; out: bigint; n: number }>();
      const acct = new Map<string, { in: bigint; out: bigint }>();
      let dIn = 0n;
      let dOut = 0n;
      for (const e of events) {
        const k = query.interval === 'round' ? (e.round ?? 0) : Math.floor(e.blockTime / DAY) * DAY;
        const b = by.get(k) ?? { in: 0n, out: 0n, n: 0 };
        const a = acct.get(e.account) ?? { in: 0n, out: 0n };
        if (e.kind === 'deposit') {
          b.in += e.amount;
          a.in += e.amount;
          dIn += e.amount;
        } else {
          b.out += e.amount;
          a.out += e.amount;
          dOut += e.amount;
        }
        b.n++;
        by.set(k, b);
        acct.set(e.account, a);
      }
      return {
        totals: { deposits: lpt(dIn), withdrawals: lpt(dOut), net: lpt(dIn - dOut), depositCount: events.filter((e) => e.kind === 'deposit').length, withdrawalCount: events.filter((e) => e.kind === 'withdrawal').length },
        data: [...by].sort((a, b) => a[0] - b[0]).map(([at, b]) => ({ at, deposits: lpt(b.in), withdrawals: lpt(b.out), net: lpt(b.in - b.out), transfers: b.n })),
        top: [...acct]
          .sort((a, b) => (b[1].in + b[1].out > a[1].in + a[1].out ? 1 : -1))
          .slice(0, query.top)
          .map(([account, a]) => ({ account, deposited: lpt(a.in), withdrawn: lpt(a.out) })),
      };
    },
  }),
];
