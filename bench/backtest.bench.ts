import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { backtestIssuance, DEFAULT_BACKTEST, historyFromExport } from '../src/analytics/backtest.js';
import { round2, writeResult } from './results.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The explorer's daily export (facts §5), beside the repository; ATLAS_HISTORY_FILE points elsewhere. */
const HISTORY = process.env.ATLAS_HISTORY_FILE ?? path.resolve(here, '../../shared/data/network-daily-history.json');

/**
 * Backtest of the issuance forecast on the real daily history: from an origin every 7 days after a 180-day warm-up,
 * fit on what was known then, forecast 30 and 90 days ahead, compare the P50 with what happened. The baseline is the
 * no-change forecast (inflation and participation stay where they are); it has no band, so its coverage is 0.
 */
export async function backtestBench(): Promise<void> {
  if (!existsSync(HISTORY)) throw new Error(`history file not found: ${HISTORY} (set ATLAS_HISTORY_FILE)`);
  const days = historyFromExport(JSON.parse(readFileSync(HISTORY, 'utf8')));
  const started = Date.now();
  const res = backtestIssuance(days);
  const seconds = (Date.now() - started) / 1000;
  const figures: Record<string, number> = {};
  const baseline: Record<string, number> = {};
  for (const h of res) {
    const d = `${h.horizonDays}d`;
    figures[`inflation_mape_percent_${d}`] = h.inflationMapePercent;
    figures[`inflation_mae_ppb_${d}`] = h.inflationMaePpb;
    figures[`participation_mae_pp_${d}`] = h.participationMaePp;
    figures[`inflation_p10_p90_coverage_percent_${d}`] = h.inflationCoveragePercent;
    figures[`origins_${d}`] = h.origins;
    baseline[`inflation_mape_percent_${d}`] = h.baseline.inflationMapePercent;
    baseline[`inflation_mae_ppb_${d}`] = h.baseline.inflationMaePpb;
    baseline[`participation_mae_pp_${d}`] = h.baseline.participationMaePp;
    baseline[`inflation_p10_p90_coverage_percent_${d}`] = 0;
    baseline[`origins_${d}`] = h.origins;
  }
  figures.runtime_s = round2(seconds);
  baseline.runtime_s = 0;
  const first = new Date(days[0]!.time * 1000).toISOString().slice(0, 10);
  const last = new Date(days[days.length - 1]!.time * 1000).toISOString().slice(0, 10);
  const r = writeResult({
    bench: 'backtest',
    figures,
    baseline,
    dataset:
      `explorer daily history ${first} → ${last} (${days.length} days); origins every ${DEFAULT_BACKTEST.every} days after ${DEFAULT_BACKTEST.warmup}; ` +
      `participation as a random walk fitted on the trailing ${DEFAULT_BACKTEST.fitDays} days, rounds per day measured on the trailing ${DEFAULT_BACKTEST.rateDays}; ` +
      `${DEFAULT_BACKTEST.paths} paths per origin; baseline = no change; run on a shared 2-core machine under load`,
  });
  process.stderr.write(`${JSON.stringify(r.figures)}\n`);
}
