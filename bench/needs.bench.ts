import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { routes } from '../src/api/routeTable.js';
import { SELF_REQUEST_ENV } from '../src/api/selfRequest.js';
import { computeCoverage, specsToProbe, type Coverage } from '../src/needs/coverage.js';
import { dashboardPagePatterns, loadMapping, parseMapping, type Mapping } from '../src/needs/mapping.js';
import { probeAnswers, type AnswerFetcher } from '../src/needs/probe.js';
import { parseReportDir } from '../src/needs/parser.js';
import { VENDORED_REPORT_DIR } from '../src/needs/vendored.js';
import type { PresetName } from '../src/sim/scenario.js';
import { demoNetwork } from '../test/helpers/demoNetwork.js';
import { round2, writeResult } from './results.js';

/** The mapping before issue 25 (every route that existed counted as an answer), for the baseline. */
const BEFORE_COMMIT = 'e9965a4';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function mappingBefore(): Mapping | null {
  try {
    return parseMapping(JSON.parse(execFileSync('git', ['show', `${BEFORE_COMMIT}:src/needs/mapping.json`], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })), BEFORE_COMMIT);
  } catch {
    return null;
  }
}

function figures(c: Coverage, checkMs: number) {
  return {
    questions_total: c.overall.total,
    questions_answered: c.overall.answered,
    questions_partial: c.overall.partial,
    questions_empty: c.overall.empty,
    questions_out_of_scope: c.overall.outOfScope,
    items_total: c.items.overall.total,
    items_answered: c.items.overall.answered,
    items_partial: c.items.overall.partial,
    items_empty: c.items.overall.empty,
    gaps_answered: c.items.gaps.answered,
    actions_answered: c.items.actions.answered,
    availability_before: round2(c.overall.scoreBefore),
    availability_after: round2(c.overall.scoreAfter),
    live_check_ms: Math.round(checkMs),
  };
}

/**
 * Honest coverage of the data-needs report on the demo: every mapped answer asked on a freshly built demo
 * network (simulation, indexing, telemetry, discovery, demo statements) and judged by the live check.
 * Baseline: the mapping as it stood before issue 25, judged by the same check.
 */
export async function needsBench(preset: PresetName = 'demo'): Promise<void> {
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const net = await demoNetwork('pglite', { preset });
  const buildS = (performance.now() - t0) / 1000;
  try {
    const fetcher: AnswerFetcher = async (p) => {
      // Asked as the coverage endpoint asks them: in process, outside the rate and time limits.
      const res = await net.app.request(p, {}, SELF_REQUEST_ENV);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // judged as text
      }
      return { status: res.status, body };
    };
    const report = parseReportDir(VENDORED_REPORT_DIR);
    const targets = { api: routes, pages: dashboardPagePatterns() };
    const run = async (m: Mapping) => {
      const t = performance.now();
      const verdicts = await probeAnswers(specsToProbe(m, targets), fetcher);
      return { coverage: computeCoverage(report, m, targets, verdicts), ms: performance.now() - t };
    };
    const now = await run(loadMapping());
    const before = mappingBefore();
    const then = before ? await run(before) : null;
    const r = writeResult({
      bench: 'needs',
      figures: figures(now.coverage, now.ms),
      baseline: then ? figures(then.coverage, then.ms) : {},
      dataset: `the vendored data-needs report (112 questions, 27 role gaps, 33 action items of its summary) against the ${preset} preset built in ${buildS.toFixed(0)} s (the living network's history with the Uniswap V3 LPT pools and bridge, its gateways' telemetry and orchestrators' adverts, indexing, 7 days of discovery polls of every simulated orchestrator node over gRPC/TLS, signed gateway labels and job classes, example comparators and budget); every answered or partial mapping entry asked in process and judged by the live check (data of the kind asked, not empty). Baseline: the mapping of commit ${BEFORE_COMMIT}, before issue 25, judged the same way${then ? '' : ' (not available: no git history)'}. Measured on a 2-core machine shared with other sessions' test runs (1-min load average ${load.toFixed(1)} at the start)`,
    });
    process.stdout.write(`${JSON.stringify(r.figures)}\n`);
    // What the live check found empty, so a figure short of the mapping names its cause.
    const empty = [...now.coverage.questions, ...now.coverage.items.list].filter((e) => e.status === 'empty' || e.status === 'broken');
    for (const e of empty) process.stdout.write(`  ${e.status}: ${e.id}: ${e.reason ?? e.problems.join('; ')}\n`);
  } finally {
    await net.close();
  }
}
