import { sql } from 'kysely';
import { createApp } from '../src/api/app.js';
import { createDb, type AtlasDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { signedReportBatch } from '../src/telemetry/batchHash.js';
import { bucketOf, BUCKETS } from '../src/telemetry/histogram.js';
import { ingestReportBatch, type IngestOptions } from '../src/telemetry/ingest.js';
import { generateHour, planFromScenario } from '../src/telemetry/loadgen.js';
import { reportBatchSchema, type JobReportInput } from '../src/telemetry/reportSchema.js';
import { parseReportBatch } from '../src/telemetry/fastReport.js';
import { rebuildDailyRollups } from '../src/telemetry/daily.js';
import { dayOf, ensureDayPartitions } from '../src/telemetry/partitions.js';
import { freshDatabase, postgresAdminUrl } from './indexer.bench.js';
import { round2, writeResult } from './results.js';

/**
 * Telemetry bench, on PostgreSQL:
 * - ingest: signed JSON batches from the load generator (demo population), generated outside the timing
 *   (a stream: the last 8 hours densely; a backfill: the sparse 136 hours before), go through JSON.parse, hot-path validation, signature recovery, the allow-list
 *   check and the one-transaction write (raw rows by COPY + hourly and daily rollups), several batches in
 *   flight; counts are checked afterwards (raw rows, hourly and daily rollup jobs = sent).
 *   Baseline: the same reports written one row at a time (insert + rollup upsert per report).
 * - leaderboard: /api/aggregated_stats and /api/v1/telemetry/leaderboard through the app over rollups
 *   holding ATLAS_BENCH_TELEMETRY_TOTAL reports (default 50M) over 30 days: the ingested ones plus
 *   synthesized hourly rows, their days summed into the daily table. Baseline: the same scores computed
 *   from raw rows (percentile_cont and averages over telemetry_report) for the ingested set.
 * Env: ATLAS_BENCH_TELEMETRY_REPORTS (streamed, default 2M), ATLAS_BENCH_TELEMETRY_BACKFILL (default 1M),
 * ATLAS_BENCH_TELEMETRY_TOTAL (default 50M).
 */
const HOUR = 3_600_000;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

interface GenState {
  plan: ReturnType<typeof planFromScenario>;
  nonce: bigint;
  pending: Map<number, JobReportInput[]>;
}

/**
 * Signed bodies for the hours [fromHour, toHour] at perHour reports each: each gateway sends a batch
 * whenever it holds batchSize reports, as a real gateway buffering its jobs would. `last` flushes the rest.
 */
async function generateBatches(st: GenState, fromHour: number, toHour: number, perHour: number, now: number, chainId: number, batchSize: number, last: boolean) {
  const bodies: string[] = [];
  let total = 0;
  const flush = async (gi: number, list: JobReportInput[]) => {
    bodies.push(JSON.stringify(await signedReportBatch(st.plan.gateways[gi]!.account, chainId, { nonce: st.nonce++, sentAt: now, reports: list })));
    total += list.length;
  };
  for (let h = fromHour; h <= toHour; h += HOUR) {
    const hour = generateHour(st.plan, h, perHour);
    for (const [gi, list] of hour.reports) {
      const buf = st.pending.get(gi) ?? [];
      // One at a time: spreading an hour's list (hundreds of thousands) would overflow the call stack.
      for (const r of list) buf.push(r);
      while (buf.length >= batchSize) await flush(gi, buf.splice(0, batchSize));
      st.pending.set(gi, buf);
    }
  }
  if (last) for (const [gi, buf] of st.pending) if (buf.length) await flush(gi, buf.splice(0));
  return { bodies, total };
}

/** Wall time (ms) and this process's CPU time (µs, user + system) spent ingesting the bodies. */
async function ingestAll(db: AtlasDb, bodies: string[], opts: IngestOptions, concurrency: number): Promise<{ ms: number; cpuUs: number }> {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        await ingestReportBatch(db.db, parseReportBatch(JSON.parse(body)), opts);
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUs: cpu.user + cpu.system };
}

/** Row-at-a-time writes of the same reports: the design the batch path replaces. */
async function naiveIngest(db: AtlasDb, bodies: string[], limit: number): Promise<{ ms: number; n: number }> {
  let n = 0;
  const t0 = performance.now();
  for (const body of bodies) {
    if (n >= limit) break;
    const b = reportBatchSchema.parse(JSON.parse(body));
    await ensureDayPartitions(db.db, 'telemetry_report', new Set(b.reports.map((r) => dayOf(r.finishedAt))));
    await db.db.transaction().execute(async (trx) => {
      for (const r of b.reports) {
        const day = new Date(r.finishedAt).toISOString().slice(0, 10);
        await sql`insert into telemetry_report (day, gateway, job_id, batch_nonce, capability, model, orchestrator, region, started_at, finished_at, round_trip_ms, success, error_code, price_paid, units)
          values (${day}, ${b.gateway.toLowerCase()}, ${r.jobId}, ${b.nonce}, ${String(r.capability)}, ${r.model}, ${r.orchestrator}, ${r.region}, to_timestamp(${r.startedAt}::float8 / 1000), to_timestamp(${r.finishedAt}::float8 / 1000), ${r.latency.roundTripMs}, ${r.success}, ${r.errorCode ?? null}, ${r.pricePaid}, ${r.units})`.execute(trx);
        const hist = new Array<number>(BUCKETS).fill(0);
        if (r.success) hist[bucketOf(r.latency.roundTripMs)] = 1;
        await sql`insert into telemetry_rollup (hour, orchestrator, capability, model, region, gateway, jobs, successes, round_trip_sum_ms, queue_sum_ms, upload_sum_ms, processing_sum_ms, download_sum_ms, seg_duration_sum_ms, seg_jobs, price_paid, units, latency_hist)
          values (date_trunc('hour', to_timestamp(${r.finishedAt}::float8 / 1000)), ${r.orchestrator}, ${String(r.capability)}, ${r.model}, ${r.region}, ${b.gateway.toLowerCase()}, 1, ${r.success ? 1 : 0}, ${r.success ? r.latency.roundTripMs : 0}, 0, 0, 0, 0, 0, 0, ${r.pricePaid}, ${r.units}, ${`{${hist.join(',')}}`}::bigint[])
          on conflict (hour, orchestrator, capability, model, region, gateway) do update set jobs = telemetry_rollup.jobs + 1, successes = telemetry_rollup.successes + excluded.successes,
            round_trip_sum_ms = telemetry_rollup.round_trip_sum_ms + excluded.round_trip_sum_ms,
            latency_hist = array(select a + b from unnest(telemetry_rollup.latency_hist, excluded.latency_hist) with ordinality x(a, b, i) order by i)`.execute(trx);
        n++;
      }
    });
  }
  return { ms: performance.now() - t0, n };
}

const COMBOS: [string, string][] = [
  ['transcoding', ''],
  ['text-to-image', 'ByteDance/SDXL-Lightning'],
  ['text-to-image', 'black-forest-labs/FLUX.1-schnell'],
  ['image-to-image', 'timbrooks/instruct-pix2pix'],
  ['image-to-video', 'stabilityai/stable-video-diffusion-img2vid-xt-1-1'],
  ['upscale', 'stabilityai/stable-diffusion-x4-upscaler'],
  ['audio-to-text', 'openai/whisper-large-v3'],
  ['llm', 'meta-llama/Meta-Llama-3.1-8B-Instruct'],
  ['image-to-text', 'Salesforce/blip-image-captioning-large'],
  ['live-video-to-video', 'streamdiffusion'],
  ['text-to-speech', 'parler-tts/parler-tts-large-v1'],
  ['segment-anything-2', 'facebook/sam2-hiera-large'],
];
const REGIONS = ['FRA', 'LAX', 'MDW', 'NYC', 'SIN', 'SEA', 'LON', 'SAO'];

/**
 * Hourly rollups standing for `target` reports over 30 days: 100 orchestrators × 2 (pipeline, model) ×
 * 2 regions × 5 gateways per hour, job counts scaled so the stored sum reaches the target.
 */
export async function synthesizeRollups(db: AtlasDb, now: number, target: number): Promise<{ rows: number; reports: number; dailyRows: number }> {
  const hours = 720;
  const cells = hours * 100 * 2 * 2 * 5;
  // Rounded up so the stored total reaches the target.
  const mean = Math.max(1, Math.ceil(target / cells));
  const end = Math.floor(now / HOUR) * HOUR - HOUR;
  const start = new Date(end - (hours - 1) * HOUR).toISOString();
  const combos = `array[${COMBOS.map(([c]) => `'${c}'`).join(',')}]`;
  const models = `array[${COMBOS.map(([, m]) => `'${m}'`).join(',')}]`;
  const regions = `array[${REGIONS.map((r) => `'${r}'`).join(',')}]`;
  // Per hour so each statement stays small and the server keeps up with the other work on the machine.
  for (let h = 0; h < hours; h += 24) {
    await sql
      .raw(
        `insert into telemetry_rollup (hour, orchestrator, capability, model, region, gateway, jobs, successes, round_trip_sum_ms, queue_sum_ms, upload_sum_ms, processing_sum_ms, download_sum_ms, seg_duration_sum_ms, seg_jobs, price_paid, units, latency_hist)
        select t.hour, t.orch, (${combos})[t.ci], (${models})[t.ci], (${regions})[t.ri], t.gw, t.jobs, t.succ, t.succ * t.rtt, 0, 0, t.succ * t.rtt * 8 / 10, 0,
          case when t.ci = 1 then t.succ * 2000 else 0 end, case when t.ci = 1 then t.succ else 0 end, (t.succ * 1000000000000)::numeric, (t.succ * 1000)::numeric,
          array_fill(0::bigint, array[t.b - 2]) || array[t.succ - t.succ / 2 - t.succ / 4, t.succ / 2, t.succ / 4]::bigint[] || array_fill(0::bigint, array[${BUCKETS} - t.b - 1])
        from (
          select '${start}'::timestamptz + (hs * interval '1 hour') as hour, '0x' || lpad(to_hex(os + 4096), 40, '0') as orch,
            1 + (os + ps * 5) % ${COMBOS.length} as ci, 1 + (os + rs * 3) % ${REGIONS.length} as ri, '0x' || lpad(to_hex(gs + 61440), 40, '0') as gw,
            j.jobs, j.jobs - (j.jobs * ((os % 9) + 1) / 40) as succ, 300 + (os % 17) * 120 + ps * 700 as rtt, 28 + (os % 17) + ps * 2 as b
          from generate_series(${h}, ${Math.min(hours, h + 24) - 1}) hs, generate_series(0, 99) os, generate_series(0, 1) ps, generate_series(0, 1) rs, generate_series(0, 4) gs,
            lateral (select greatest(1, ${mean} + ((hs * 7 + os * 13 + ps * 3 + rs * 5 + gs * 11) % ${mean}) - ${Math.floor(mean / 2)}) as jobs) j
        ) t
        on conflict do nothing`,
      )
      .execute(db.db);
  }
  // The synthesized hours bypass ingest, so their days are summed here (ingested days are recomputed alike).
  const dailyRows = await rebuildDailyRollups(db.db, { fromDay: new Date(Math.floor(Date.parse(start) / 86_400_000) * 86_400_000) });
  await sql`analyze telemetry_rollup`.execute(db.db);
  await sql`analyze telemetry_rollup_daily`.execute(db.db);
  const r = await sql<{ rows: string; jobs: string }>`select count(*)::text as rows, sum(jobs)::text as jobs from telemetry_rollup`.execute(db.db);
  return { rows: Number(r.rows[0]!.rows), reports: Number(r.rows[0]!.jobs), dailyRows };
}

async function timeQueries(app: ReturnType<typeof createApp>, paths: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const p of paths) {
    const t0 = performance.now();
    const res = await app.request(p);
    await res.text();
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function telemetryBench(): Promise<void> {
  const admin = postgresAdminUrl();
  const ingestN = Number(process.env.ATLAS_BENCH_TELEMETRY_REPORTS ?? 2_000_000);
  const backfillN = Number(process.env.ATLAS_BENCH_TELEMETRY_BACKFILL ?? 1_000_000);
  const totalTarget = Number(process.env.ATLAS_BENCH_TELEMETRY_TOTAL ?? 50_000_000);
  const now = Date.now();
  const chainId = 31337;
  const gen: GenState = { plan: planFromScenario(resolveScenario({ preset: 'demo' })), nonce: 1n, pending: new Map() };
  const allowList = new Set(gen.plan.gateways.map((g) => g.account.address.toLowerCase()));
  const opts: IngestOptions = { chainId, allowList, now: () => now };

  const target = await freshDatabase(admin, 'telemetry');
  const db = await createDb({ kind: 'postgres', url: target.url, poolSize: 8 });
  const naiveTarget = await freshDatabase(admin, 'telemetry_naive');
  const naiveDb = await createDb({ kind: 'postgres', url: naiveTarget.url, poolSize: 2 });
  try {
    await migrate(db.db);
    await migrate(naiveDb.db);
    // Two shapes of load, generated and signed a slice at a time (untimed) so the bodies never all sit in
    // memory; only ingesting them is timed.
    // - stream: what gateways send under sustained load: each buffers its latest jobs and sends them every
    //   5000, so a batch covers minutes of one hour (the last 8 hours, ingestN reports).
    // - backfill: a sparse week replayed (the 136 hours before those, backfillN reports): each gateway's
    //   batch then spans several hours, so a batch touches about 6× more rollup cells.
    const streamHours = 8;
    const backfillHours = 136;
    const firstHour = Math.floor(now / HOUR) * HOUR - (streamHours + backfillHours) * HOUR;
    const phase = async (name: string, fromHour: number, hours: number, n: number, sliceHours: number) => {
      const perHour = Math.ceil(n / hours);
      let ms = 0;
      let cpuUs = 0;
      let total = 0;
      let batches = 0;
      for (let d = 0; d < hours / sliceHours; d++) {
        const from = fromHour + d * sliceHours * HOUR;
        const chunk = await generateBatches(gen, from, from + (sliceHours - 1) * HOUR, perHour, now, chainId, 5000, d === hours / sliceHours - 1);
        if (name === 'backfill' && d === 0) naiveBodies = chunk.bodies.slice(0, 8);
        const run = await ingestAll(db, chunk.bodies, opts, 4);
        ms += run.ms;
        cpuUs += run.cpuUs;
        total += chunk.total;
        batches += chunk.bodies.length;
        process.stderr.write(`telemetry ${name}: ingested ${total} reports in ${batches} batches (${round2(total / (ms / 1000))} reports/s)\n`);
      }
      return { ms, cpuUs, total, batches };
    };
    let naiveBodies: string[] = [];
    const backfill = await phase('backfill', firstHour, backfillHours, backfillN, 17);
    const stream = await phase('stream', firstHour + backfillHours * HOUR, streamHours, ingestN, 1);
    const total = backfill.total + stream.total;
    const counted = await sql<{ raw: string; jobs: string; daily: string }>`
      select (select count(*) from telemetry_report)::text as raw, (select sum(jobs) from telemetry_rollup)::text as jobs, (select sum(jobs) from telemetry_rollup_daily)::text as daily`.execute(db.db);
    const raw = Number(counted.rows[0]!.raw);
    const jobs = Number(counted.rows[0]!.jobs);
    const daily = Number(counted.rows[0]!.daily);
    if (raw !== total || jobs !== total || daily !== total) throw new Error(`ingest lost reports: sent ${total}, raw rows ${raw}, hourly rollup jobs ${jobs}, daily rollup jobs ${daily}`);
    const perSec = stream.total / (stream.ms / 1000);
    process.stderr.write(`telemetry: ${round2(perSec)} reports/s streamed, ${round2(backfill.total / (backfill.ms / 1000))} backfilled; naive baseline…\n`);
    const naive = await naiveIngest(naiveDb, naiveBodies, 20_000);

    // Baseline leaderboard: AI scores straight from the raw rows of the ingested set.
    await sql`analyze telemetry_report`.execute(db.db);
    const rawQuery = async (pipeline: string) => {
      const t0 = performance.now();
      await sql`
        with s as (select orchestrator, region, count(*) as jobs, count(*) filter (where success) as ok, avg(round_trip_ms) filter (where success) as rtt
          from telemetry_report where capability = ${pipeline} and finished_at >= ${new Date(now - 24 * HOUR).toISOString()}::timestamptz group by 1, 2),
        m as (select percentile_cont(0.5) within group (order by round_trip_ms) as med from telemetry_report where success and capability = ${pipeline} and finished_at >= ${new Date(now - 24 * HOUR).toISOString()}::timestamptz)
        select s.*, 0.65 * ok / jobs + 0.35 * exp(-ln(1.25) / m.med * rtt) as score from s, m`.execute(db.db);
      return performance.now() - t0;
    };
    const rawTimes: number[] = [];
    for (let i = 0; i < 40; i++) rawTimes.push(await rawQuery(COMBOS[1 + (i % (COMBOS.length - 1))]![0]));

    process.stderr.write(`telemetry: synthesizing rollups up to ${totalTarget} reports…\n`);
    const synth = await synthesizeRollups(db, now, totalTarget - total);
    // synth.reports sums every hourly row, the ingested ones included.
    const stored = synth.reports;
    const synthesized = stored - total;
    const app = createApp({ db: db.db, dbKind: 'postgres', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, telemetry: { chainId, allowList: [...allowList], now: () => now, retention: false } });
    const since24 = Math.floor((now - 24 * HOUR) / 1000);
    const since7d = Math.floor((now - 7 * 24 * HOUR) / 1000);
    const paths24: string[] = [];
    const pathsWeb: string[] = [];
    const paths7d: string[] = [];
    const paths30d: string[] = [];
    const since30d = Math.floor((now - 30 * 24 * HOUR) / 1000);
    for (let i = 0; i < 300; i++) {
      const [c, m] = COMBOS[i % COMBOS.length]!;
      const region = i % 3 === 0 ? `&region=${REGIONS[i % REGIONS.length]}` : '';
      const q = c === 'transcoding' ? '' : `pipeline=${c}&model=${encodeURIComponent(m)}&`;
      paths24.push(`/api/aggregated_stats?${q}since=${since24}${region}`);
      if (i < 150) pathsWeb.push(`/api/v1/telemetry/leaderboard?${q}since=${since24}${region}`);
      if (i < 100) paths7d.push(`/api/aggregated_stats?${q}since=${since7d}${region}`);
      if (i < 100) paths30d.push(`/api/aggregated_stats?${q}since=${since30d}${region}`);
    }
    await timeQueries(app, paths24.slice(0, 20));
    const t24 = await timeQueries(app, paths24);
    const tWeb = await timeQueries(app, pathsWeb);
    const t7 = await timeQueries(app, paths7d);
    const t30 = await timeQueries(app, paths30d);
    writeResult({
      bench: 'telemetry',
      figures: {
        ingest_reports_per_s: round2(perSec),
        ingest_reports: stream.total,
        // Less sensitive to other load than the rate: what the app process spends per report (PostgreSQL's share not included).
        ingest_node_cpu_us_per_report: round2(stream.cpuUs / stream.total),
        ingest_batches: stream.batches,
        ingest_backfill_reports_per_s: round2(backfill.total / (backfill.ms / 1000)),
        ingest_backfill_reports: backfill.total,
        ingest_backfill_node_cpu_us_per_report: round2(backfill.cpuUs / backfill.total),
        leaderboard_p50_ms: round2(pct(t24, 0.5)),
        leaderboard_p99_ms: round2(pct(t24, 0.99)),
        web_leaderboard_p50_ms: round2(pct(tWeb, 0.5)),
        web_leaderboard_p99_ms: round2(pct(tWeb, 0.99)),
        leaderboard_7d_p50_ms: round2(pct(t7, 0.5)),
        leaderboard_7d_p99_ms: round2(pct(t7, 0.99)),
        leaderboard_30d_p50_ms: round2(pct(t30, 0.5)),
        leaderboard_30d_p99_ms: round2(pct(t30, 0.99)),
        stored_reports: stored,
        rollup_rows: synth.rows,
        daily_rollup_rows: synth.dailyRows,
      },
      baseline: {
        ingest_reports_per_s: round2(naive.n / (naive.ms / 1000)),
        leaderboard_p50_ms: round2(pct(rawTimes, 0.5)),
        leaderboard_p99_ms: round2(pct(rawTimes, 0.99)),
      },
      dataset:
        `PostgreSQL (scripts/ci-postgres.sh cluster) on a 2-core machine. Ingest (app run with --max-semi-space-size=32 as bin/atlas.js runs the server): reports from the load generator (demo population, 12 gateways), generated and signed outside the timing, each gateway sending a batch per 5000 reports, 4 batches in flight. ingest_* = stream: ${stream.total} reports finishing over the last ${streamHours} hours in ${stream.batches} batches (a batch covers minutes of one hour, as under sustained load); ingest_backfill_* = ${backfill.total} reports spread over the ${backfillHours} hours before in ${backfill.batches} batches (a batch spans hours, touching ~6× more rollup cells). Each batch: JSON.parse + hot-path validation + canonical JSON + SHA-256 + EIP-712 recovery + allow-list + one transaction each (nonce, raw rows by COPY, hourly and daily rollup upserts); afterwards raw rows = hourly rollup jobs = daily rollup jobs = sent (no loss). ` +
        `Leaderboard: ${stored} reports stored = ${total} ingested through that path (raw rows + rollups) + ${synthesized} as synthesized hourly rollups (100 orchestrators, 12 pipeline/model pairs, 8 regions, 5 gateways, 30 days) whose daily rows are summed from the hourly ones; ${synth.rows} hourly and ${synth.dailyRows} daily rollup rows. leaderboard_* = 300 /api/aggregated_stats queries over the last 24 h (12 pipeline/model pairs, a third of them for one region), web_leaderboard_* = 150 /api/v1/telemetry/leaderboard queries (adds per-orchestrator latency percentiles), leaderboard_7d_* and leaderboard_30d_* = 100 aggregated_stats queries each over 7 and 30 days (whole days from the daily rollup, the partial first day from the hourly one); all through the app in-process. ` +
        `Baselines: ingest one row at a time (insert + rollup upsert per report, ${naive.n} reports); leaderboard computed from raw rows (percentile_cont + averages) over the ${total} ingested reports only.`,
    });
  } finally {
    await db.close();
    await naiveDb.close();
    await target.drop();
    await naiveTarget.drop();
  }
}
