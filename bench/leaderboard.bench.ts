import os from 'node:os';
import { createApp, startServer } from '../src/api/index.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { autocannon } from './api.bench.js';
import { freshDatabase, postgresAdminUrl } from './databases.js';
import { writeResult } from './results.js';
import { synthesizeRollups } from './telemetry.bench.js';

const RATE = 50; // the review's load: 10 clients × 5 requests/s
const DURATION_S = 20;
const REPORTS = 51_000_000;
const PIPELINES = ['', 'pipeline=text-to-image&model=ByteDance%2FSDXL-Lightning&', 'pipeline=llm&model=meta-llama%2FMeta-Llama-3.1-8B-Instruct&', 'pipeline=audio-to-text&model=openai%2Fwhisper-large-v3&'];

/**
 * The dashboard's leaderboard (/api/v1/telemetry/leaderboard, with latency percentiles) under 50 requests/s over
 * its three windows (24 h, 7 and 30 days) and four pipelines, over 51M reports as hourly and daily rollups
 * (bench/telemetry.bench.ts's synthesized set) on PostgreSQL; figures with the window cache (15 s, the route's max-age), baseline
 * computed for every request as before.
 */
export async function leaderboardBench(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const fresh = await freshDatabase(postgresAdminUrl(), 'leaderboard');
  const db = await createDb({ kind: 'postgres', url: fresh.url });
  try {
    await migrate(db.db);
    process.stderr.write(`leaderboard bench: synthesizing ${REPORTS.toLocaleString('en-US')} reports as rollups…\n`);
    const now = Date.now();
    const synth = await synthesizeRollups(db, now, REPORTS);
    const paths = PIPELINES.flatMap((p) => [24, 168, 720].map((h) => `/api/v1/telemetry/leaderboard?${p}hours=${h}`));
    const run = async (windowCacheMs: number) => {
      const app = createApp({ db: db.db, dbKind: 'postgres', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'bench' }), rateLimit: false, webDir: null, windowCacheMs });
      const server = await startServer({ app, port: 0 });
      try {
        for (const p of paths) {
          const res = await fetch(`${server.url}${p}`);
          if (res.status !== 200) throw new Error(`${p}: ${res.status} ${await res.text()}`);
          await res.text();
        }
        return await autocannon(server.url, paths, DURATION_S, RATE);
      } finally {
        await server.close();
      }
    };
    process.stderr.write('leaderboard bench: with the window cache…\n');
    const cached = await run(15_000);
    process.stderr.write('leaderboard bench: computed per request…\n');
    const uncached = await run(0);
    const figures = (l: typeof cached) => ({ leaderboard_p50_ms: l.p50_ms, leaderboard_p99_ms: l.p99_ms, leaderboard_requests_per_s: l.requests_per_s, leaderboard_errors: l.errors });
    const r = writeResult({
      bench: 'leaderboard',
      figures: { ...figures(cached), stored_reports: synth.reports, rollup_rows: synth.rows, daily_rollup_rows: synth.dailyRows },
      baseline: figures(uncached),
      dataset:
        `PostgreSQL 15: ${synth.reports.toLocaleString('en-US')} reports as ${synth.rows.toLocaleString('en-US')} hourly and ${synth.dailyRows.toLocaleString('en-US')} daily rollup rows (100 orchestrators, 12 pipeline/model pairs, 8 regions, 5 gateways, 30 days; bench telemetry's synthesized set). ` +
        `Load: autocannon in a second process at ${RATE} req/s, 16 connections, ${DURATION_S} s, cycling through /api/v1/telemetry/leaderboard for 4 pipelines × 24 h, 7 d and 30 d windows (12 URLs, the dashboard's own). ` +
        'Figures: the window cache (answers reused for their max-age, 15 s, one computation per URL at a time, older answers served while one refreshes); baseline: computed for every request. ' +
        `${os.cpus().length} cores shared by server, database, load generator and other work (load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end).`,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await db.close();
    await fresh.drop();
  }
}
