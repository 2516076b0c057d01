// Livepeer beside other opportunities: imported series (CSV with source and date) of other networks' staking
// yields and of GPU rental prices, next to Livepeer's own staking yield (nominal and net of dilution) and what
// orchestrators earn in fees per GPU-hour (from their discovered hardware).
import { z } from 'zod';
import { readSeriesByPrefix, type SeriesPoint } from '../../prices/csv.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { currentAdverts } from '../../registry/store.js';
import { amountSchema, eth, formatUnits } from '../format.js';
import { route } from '../route.js';
import { stakingFeedOperation } from './economics.js';

/** Series name prefixes of the comparators: `staking-yield/<asset>` (unit %/year) and `gpu-price/<gpu>` (unit USD/h). */
export const STAKING_YIELD_PREFIX = 'staking-yield/';
export const GPU_PRICE_PREFIX = 'gpu-price/';

const seriesSchema = z.object({
  series: z.string(),
  name: z.string(),
  unit: z.string(),
  latest: z.object({ time: z.number().int(), value: z.string(), source: z.string().nullable() }),
  points: z.array(z.object({ time: z.number().int(), value: z.string(), source: z.string().nullable() })),
});
const seriesJson = (prefix: string) => ([series, pts]: [string, SeriesPoint[]]) => {
  const last = pts[pts.length - 1]!;
  return { series, name: series.slice(prefix.length), unit: last.unit, latest: { time: last.time, value: last.value, source: last.source }, points: pts.map((p) => ({ time: p.time, value: p.value, source: p.source })) };
};

export const comparatorRoutes = [
  route({
    path: '/api/v1/comparators',
    tag: 'economics',
    summary: 'Livepeer’s staking yield and orchestrator earnings per GPU-hour beside other networks’ yields and GPU rental prices',
    description:
      'Other networks’ staking yields (series `staking-yield/<asset>`, %/year) and GPU rental prices (series `gpu-price/<gpu>`, USD/h) come from imported CSV files with their source and date (`atlas prices import`); Livepeer’s figures come from the chain: the annual reward rate, the same net of supply growth, the realized rate of the last 30 rounds, and orchestrators’ fees of the last 30 days per discovered GPU-hour.',
    response: z.object({
      stakingYields: z.object({
        livepeer: z
          .object({ round: z.number().int(), nominal: z.number(), dilutionAdjusted: z.number(), realized: z.number() })
          .nullable()
          .meta({ description: 'fractions per year (0.05 = 5%)' }),
        others: z.array(seriesSchema),
      }),
      gpuPrices: z.object({
        livepeer: z.object({
          orchestrators: z.number().int().meta({ description: 'orchestrators with discovered GPUs' }),
          gpus: z.number().int(),
          feesPerGpuHour: amountSchema.nullable().meta({ description: 'their fees of the last 30 days of chain time per GPU-hour' }),
          feesPerGpuHourUsd: z.string().nullable(),
        }),
        others: z.array(seriesSchema),
      }),
    }),
    maxAge: 30,
    cache: 'none',
    handler: async ({ data }) => {
      // Livepeer's own figures come from the staking feed (404 before any round: then there is none to show).
      const feed = await stakingFeedOperation.answer({ data, params: {}, query: {} }).catch(() => null);
      const snap = await data.snapshot();
      const adverts = await currentAdverts(data.db);
      const gpusOf = new Map(adverts.map((a) => [a.advert.orchestrator, new Set(a.advert.hardware.flatMap((h) => h.gpus.map((g) => g.id))).size]));
      let fees = 0n;
      let gpus = 0;
      let orchestrators = 0;
      for (const o of snap.orchestrators) {
        const n = gpusOf.get(o.address) ?? 0;
        if (n === 0) continue;
        orchestrators++;
        gpus += n;
        fees += o.fees30d;
      }
      const perGpuHour = gpus === 0 ? null : fees / BigInt(gpus * 30 * 24);
      const book = await cachedPriceBook(data.db);
      // Valued at the newest round's price: the fees are of the last 30 days up to it.
      const usd = perGpuHour === null || !snap.current ? null : book.usdE8(perGpuHour, 'ETH', snap.current.blockTime);
      return {
        stakingYields: {
          livepeer: feed && { round: feed.round, nominal: feed.rewardRate.annual, dilutionAdjusted: feed.dilutionAdjustedRewardRate.annual, realized: feed.realizedRewardRate.annual },
          others: [...(await readSeriesByPrefix(data.db, STAKING_YIELD_PREFIX))].map(seriesJson(STAKING_YIELD_PREFIX)),
        },
        gpuPrices: {
          livepeer: { orchestrators, gpus, feesPerGpuHour: perGpuHour === null ? null : eth(perGpuHour), feesPerGpuHourUsd: usd === null ? null : formatUnits(usd, 8) },
          others: [...(await readSeriesByPrefix(data.db, GPU_PRICE_PREFIX))].map(seriesJson(GPU_PRICE_PREFIX)),
        },
      };
    },
  }),
];
