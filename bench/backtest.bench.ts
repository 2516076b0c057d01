import { readFileSync } from 'node:fs';
import { historyFromExport } from '../src/analytics/backtest.js';
import { computeIssuanceBacktest, HISTORY_FILE } from '../src/analytics/issuanceBacktest.js';
import { round2, writeResult } from './results.js';

/** The vendored Explorer daily export; ATLAS_HISTORY_FILE points elsewhere. */
const HISTORY = process.env.ATLAS_HISTORY_FILE ?? HISTORY_FILE;

/**
 * Backtest of the issuance forecast on the real daily history: from an origin every 7 days after a 180-day warm-up,
 * fit on what was known then, forecast 30 and 90 days ahead, compare the P50 with what happened. The baseline is the
 * no-change forecast (inflation and participation stay where they are); it has no band, so its coverage is 0.
 */
export async function backtestBench(): Promise<void> {
  const days = historyFromExport(JSON.parse(readFileSync(HISTORY, 'utf8')));
  const started = Date.now();
  const res = computeIssuanceBacktest(days);
  const seconds = (Date.now() - started) / 1000;
  const r = writeResult({
    bench: 'backtest',
    figures: { ...res.figures, runtime_s: round2(seconds) },
    baseline: { ...res.baseline, runtime_s: 0 },
    dataset: `${res.dataset}; run on a shared 2-core machine under load`,
  });
  process.stderr.write(`${JSON.stringify(r.figures)}\n`);
}
