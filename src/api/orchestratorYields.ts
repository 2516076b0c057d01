// Realized yield of every orchestrator's pool over the trailing window, annualized, for the directory and the
// orchestrator page: computed once per snapshot (data version) and price book.
import { z } from 'zod';
import { stakingRound } from '../analytics/roundViews.js';
import { poolsByTranscoder } from '../read/pools.js';
import { allRounds } from '../read/rounds.js';
import { annualizedPoolYield, trailingWindow, type AnnualizedPoolYield } from '../analytics/yields.js';
import { weiPerLpt, type PriceBook } from '../prices/lookup.js';
import { LATEST } from '../prices/usd.js';
import type { ApiData, Snapshot } from './data.js';
import { amountSchema, eth, lpt } from './format.js';

/** Days of the trailing window the directory's yields are realized over. */
export const YIELD_WINDOW_DAYS = 30;

export const orchestratorYieldSchema = z
  .object({
    windowDays: z.number().int(),
    startRound: z.number().int(),
    endRound: z.number().int(),
    coveredDays: z.number().meta({ description: 'days the window actually covers: less than windowDays while the indexed history is shorter' }),
    complete: z.boolean(),
    rewardPerLpt: amountSchema.meta({ description: 'LPT earned per LPT delegated at the window start (cumulative reward factor)' }),
    feesPerLpt: amountSchema.meta({ description: 'ETH earned per LPT delegated at the window start (cumulative fee factor)' }),
    rewardAnnualized: z.number().nullable().meta({ description: 'reward growth compounded to 365 days (fraction per year)' }),
    feesPerLptPerYear: z.number().nullable().meta({ description: 'ETH per LPT per year: the window\'s fees scaled to 365 days' }),
    feeAnnualized: z.number().nullable().meta({ description: 'fee yield per year as a fraction of the LPT\'s value in ETH at the latest LPT/ETH price; null without a price' }),
  })
  .meta({ id: 'OrchestratorYield', description: 'realized over the trailing window and annualized as if it repeated for a year (past performance, not a forecast)' });

export type OrchestratorYield = z.input<typeof orchestratorYieldSchema>;

export function yieldJson(y: AnnualizedPoolYield): OrchestratorYield {
  return {
    windowDays: y.window.days,
    startRound: Number(y.window.startRound),
    endRound: Number(y.window.endRound),
    coveredDays: Math.round(y.window.coveredDays * 1000) / 1000,
    complete: y.window.complete,
    rewardPerLpt: lpt(y.rewardPerLpt),
    feesPerLpt: eth(y.feesPerLpt),
    rewardAnnualized: y.rewardAnnualized,
    feesPerLptPerYear: y.feesPerLptPerYear,
    feeAnnualized: y.feeAnnualized,
  };
}

const cache = new WeakMap<Snapshot, { book: PriceBook; yields: Promise<Map<string, AnnualizedPoolYield>> }>();

/** Every pool's annualized trailing yield for this snapshot (fee yield valued at the book's latest LPT/ETH). */
export function orchestratorYields(data: ApiData, snap: Snapshot, book: PriceBook): Promise<Map<string, AnnualizedPoolYield>> {
  const hit = cache.get(snap);
  if (hit && hit.book === book) return hit.yields;
  const yields = (async () => {
    const [rounds, pools] = await Promise.all([allRounds(data.db).then((r) => r.map(stakingRound)), poolsByTranscoder(data.db)]);
    const w = trailingWindow(rounds, YIELD_WINDOW_DAYS);
    const out = new Map<string, AnnualizedPoolYield>();
    if (!w) return out;
    const price = book.at('LPT/ETH', LATEST);
    const ethPerLpt = price ? Number(weiPerLpt(price)) / 1e18 : null;
    for (const o of snap.orchestrators) out.set(o.address, annualizedPoolYield(pools.get(o.address) ?? [], w, ethPerLpt));
    return out;
  })();
  cache.set(snap, { book, yields });
  return yields;
}
