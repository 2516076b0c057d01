import { performance } from 'node:perf_hooks';
import { createApp } from '../src/api/app.js';
import { routes } from '../src/api/routeTable.js';
import { computeCoverage } from '../src/needs/coverage.js';
import { dashboardPagePatterns, loadMapping } from '../src/needs/mapping.js';
import { reportCounts } from '../src/needs/model.js';
import { parseReport, readReportDir, type ReportFile } from '../src/needs/parser.js';
import { importReport } from '../src/needs/store.js';
import { openTestDb } from '../test/helpers/db.js';
import { round2, writeResult } from './results.js';
import { VENDORED_REPORT_DIR as REPORT_DIR } from '../src/needs/vendored.js';

const COPIES = 50;

function time(fn: () => void, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** The real role files copied under new names: a report 50 times the size, same format. */
function scaled(files: ReportFile[]): ReportFile[] {
  const out = files.filter((f) => !f.file.startsWith('roles/'));
  for (let i = 0; i < COPIES; i++)
    for (const f of files.filter((x) => x.file.startsWith('roles/')))
      out.push({ file: f.file.replace('.md', `-${i}.md`), text: f.text.replace(/^### (\w+)/gm, `### $1 ${i}`) });
  return out;
}

async function latency(fetch: () => Promise<Response> | Response, n: number): Promise<{ p50: number; p99: number }> {
  await fetch();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fetch();
    await r.arrayBuffer();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n * 0.5)]!, p99: t[Math.min(n - 1, Math.floor(n * 0.99))]! };
}

/** Parser, coverage, import and the map endpoint over the real report. */
export async function needsBench(): Promise<void> {
  const files = readReportDir(REPORT_DIR);
  const big = scaled(files);
  const report = parseReport(files);
  const bigCounts = reportCounts(parseReport(big));
  const mapping = loadMapping();
  const targets = { api: routes, pages: dashboardPagePatterns() };
  const lines = (fs: ReportFile[]) => fs.reduce((s, f) => s + f.text.split('\n').length, 0);

  const parseMs = time(() => parseReport(files), 200);
  const splitMs = time(() => files.map((f) => f.text.split(/\r?\n/).map((l) => l.trim())), 200);
  const bigParseMs = time(() => parseReport(big), 5);
  const bigSplitMs = time(() => big.map((f) => f.text.split(/\r?\n/).map((l) => l.trim())), 5);
  const coverageMs = time(() => computeCoverage(report, mapping, targets), 200);

  const db = await openTestDb('pglite', { migrate: true });
  try {
    const t0 = performance.now();
    await importReport(db.db, report, REPORT_DIR);
    const importMs = performance.now() - t0;
    const app = createApp({ db: db.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
    const map = await latency(() => app.request('/api/v1/needs'), 200);
    const cov = await latency(() => app.request('/api/v1/needs/coverage'), 200);
    const health = await latency(() => app.request('/api/v1/needs/imports'), 200);
    const r = writeResult({
      bench: 'needs',
      figures: {
        parse_report_ms: round2(parseMs),
        parse_report_x50_ms: round2(bigParseMs),
        coverage_ms: round2(coverageMs),
        import_pglite_ms: round2(importMs),
        api_needs_map_p50_ms: round2(map.p50),
        api_needs_map_p99_ms: round2(map.p99),
        api_needs_coverage_p50_ms: round2(cov.p50),
        report_lines: lines(files),
        report_x50_questions: bigCounts.questions + bigCounts.topics,
      },
      baseline: {
        parse_report_ms: round2(splitMs),
        parse_report_x50_ms: round2(bigSplitMs),
        coverage_ms: 0,
        import_pglite_ms: 0,
        api_needs_map_p50_ms: round2(health.p50),
        api_needs_map_p99_ms: round2(health.p99),
        api_needs_coverage_p50_ms: round2(health.p50),
        report_lines: lines(files),
        report_x50_questions: bigCounts.questions + bigCounts.topics,
      },
      dataset: `the real data-needs report (${lines(files)} lines, 112 questions) and a 50-copy report in the same format (${bigCounts.questions + bigCounts.topics} questions); API in-process over PGlite, 200 requests each. Baselines: splitting and trimming the same lines (no parsing) and the list of imports (one small query). Measured on a 2-core machine shared with other work`,
    });
    process.stdout.write(`${JSON.stringify(r.figures)}\n`);
  } finally {
    await db.close();
  }
}
