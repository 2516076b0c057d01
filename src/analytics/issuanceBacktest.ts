// The issuance forecast's backtest on the Livepeer Explorer's daily history (vendored with Atlas), as the staking
// pages show it. A run takes seconds of CPU, too long for a request, so `npm run backtest` computes the figures once
// and stores them beside this module; a test recomputes them from the vendored history and compares.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backtestIssuance, DEFAULT_BACKTEST, historyFromExport, type BacktestOptions, type HistoryDay } from './backtest.js';

/** The Explorer's daily network export (vendor/network-daily-history, MIT). */
export const HISTORY_FILE = fileURLToPath(new URL('../../vendor/network-daily-history/network-daily-history.json', import.meta.url));
/** Where the computed figures are stored (copied into the build with the module). */
export const STORED_BACKTEST_FILE = fileURLToPath(new URL('./issuanceBacktest.json', import.meta.url));

/** Backtest figures per horizon (`<figure>_<h>d`), the no-change forecast's under the same keys, and what was run. */
export interface IssuanceBacktest {
  figures: Record<string, number>;
  baseline: Record<string, number>;
  dataset: string;
}

/** The vendored daily history, oldest day first. */
export function vendoredHistory(): HistoryDay[] {
  return historyFromExport(JSON.parse(readFileSync(HISTORY_FILE, 'utf8')));
}

/** Runs the backtest (seconds of CPU) and words what it ran on for the page. */
export function computeIssuanceBacktest(days: readonly HistoryDay[] = vendoredHistory(), options: BacktestOptions = DEFAULT_BACKTEST): IssuanceBacktest {
  const figures: Record<string, number> = {};
  const baseline: Record<string, number> = {};
  for (const h of backtestIssuance(days, options)) {
    const d = `${h.horizonDays}d`;
    figures[`inflation_mape_percent_${d}`] = h.inflationMapePercent;
    figures[`inflation_mae_ppb_${d}`] = h.inflationMaePpb;
    figures[`participation_mae_pp_${d}`] = h.participationMaePp;
    figures[`inflation_p10_p90_coverage_percent_${d}`] = h.inflationCoveragePercent;
    figures[`origins_${d}`] = h.origins;
    baseline[`inflation_mape_percent_${d}`] = h.baseline.inflationMapePercent;
    baseline[`inflation_mae_ppb_${d}`] = h.baseline.inflationMaePpb;
    baseline[`participation_mae_pp_${d}`] = h.baseline.participationMaePp;
    // The no-change forecast has no band.
    baseline[`inflation_p10_p90_coverage_percent_${d}`] = 0;
    baseline[`origins_${d}`] = h.origins;
  }
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const dataset =
    `Livepeer Explorer daily history ${day(days[0]!.time)} → ${day(days[days.length - 1]!.time)} (${days.length.toLocaleString('en-US')} days): ` +
    `a forecast from every ${options.every}th day after the first ${options.warmup}, fitted only on what was known that day ` +
    `(participation as a random walk over the trailing ${options.fitDays} days, rounds per day over the trailing ${options.rateDays}, ` +
    `${options.paths} paths), compared with what happened ${options.horizons.join(' and ')} days later; the baseline forecasts no change`;
  return { figures, baseline, dataset };
}

let stored: IssuanceBacktest | null | undefined;

/** The stored backtest figures (null if the file is missing or unreadable). */
export function storedIssuanceBacktest(): IssuanceBacktest | null {
  if (stored === undefined) {
    try {
      stored = JSON.parse(readFileSync(STORED_BACKTEST_FILE, 'utf8')) as IssuanceBacktest;
    } catch {
      stored = null;
    }
  }
  return stored;
}
