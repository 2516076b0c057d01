import { CompiledQuery, type Kysely } from 'kysely';
import { COPY_MARKER } from '../store/bulkCopy.js';
import type { Database } from '../store/schema.js';
import { BUCKETS, bucketOf, emptyHistogram, histogramLiteral } from './histogram.js';
import { REPORT_COLUMNS, reportsCopyPayload, type ReportRow } from './reportCopy.js';

export type { ReportRow };

/** Additive hourly cell: counts and sums only (rates are derived when read). */
export interface RollupCell {
  hour: number;
  orchestrator: string;
  capability: string;
  model: string;
  region: string;
  gateway: string;
  jobs: number;
  successes: number;
  roundTripSumMs: number;
  queueSumMs: number;
  uploadSumMs: number;
  processingSumMs: number;
  downloadSumMs: number;
  segDurationSumMs: number;
  segJobs: number;
  pricePaid: bigint;
  units: bigint;
  hist: number[];
  errors: Map<string, number>;
}

const HOUR = 3_600_000;

/** Start of the UTC hour (ms) a job counts in: the hour it finished. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

/** Folds reports into hourly cells keyed by (hour, orchestrator, capability, model, region, gateway). */
export function rollUp(rows: readonly ReportRow[]): RollupCell[] {
  const cells = new Map<string, RollupCell>();
  for (const r of rows) {
    const hour = hourOf(r.finishedAt);
    const key = `${hour}\u0000${r.orchestrator}\u0000${r.capability}\u0000${r.model}\u0000${r.region}\u0000${r.gateway}`;
    let c = cells.get(key);
    if (!c) {
      c = {
        hour, orchestrator: r.orchestrator, capability: r.capability, model: r.model, region: r.region, gateway: r.gateway,
        jobs: 0, successes: 0, roundTripSumMs: 0, queueSumMs: 0, uploadSumMs: 0, processingSumMs: 0, downloadSumMs: 0,
        segDurationSumMs: 0, segJobs: 0, pricePaid: 0n, units: 0n, hist: emptyHistogram(), errors: new Map(),
      };
      cells.set(key, c);
    }
    c.jobs++;
    c.pricePaid += r.pricePaid;
    c.units += r.units;
    if (r.success) {
      c.successes++;
      c.roundTripSumMs += r.roundTripMs;
      c.queueSumMs += r.queueMs ?? 0;
      c.uploadSumMs += r.uploadMs ?? 0;
      c.processingSumMs += r.processingMs ?? 0;
      c.downloadSumMs += r.downloadMs ?? 0;
      if (r.segDurationMs !== null) {
        c.segDurationSumMs += r.segDurationMs;
        c.segJobs++;
      }
      c.hist[bucketOf(r.roundTripMs)]!++;
    } else {
      const code = r.errorCode ?? 'unknown';
      c.errors.set(code, (c.errors.get(code) ?? 0) + 1);
    }
  }
  // A fixed order: concurrent writers lock rollup rows in the same sequence, so they never deadlock.
  return [...cells.values()].sort(cellOrder);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const DAY = 86_400_000;

/** Start of the UTC day (ms) an hourly cell belongs to. */
export function dayStartOf(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** Sums hourly cells into daily cells (the `hour` field then holds the day's start, ms); errors are left out. */
export function rollUpDaily(cells: readonly RollupCell[]): RollupCell[] {
  const days = new Map<string, RollupCell>();
  for (const c of cells) {
    const day = dayStartOf(c.hour);
    const key = `${day}\u0000${c.orchestrator}\u0000${c.capability}\u0000${c.model}\u0000${c.region}\u0000${c.gateway}`;
    let d = days.get(key);
    if (!d) {
      d = { ...c, hour: day, hist: [...c.hist], errors: new Map() };
      days.set(key, d);
      continue;
    }
    d.jobs += c.jobs;
    d.successes += c.successes;
    d.roundTripSumMs += c.roundTripSumMs;
    d.queueSumMs += c.queueSumMs;
    d.uploadSumMs += c.uploadSumMs;
    d.processingSumMs += c.processingSumMs;
    d.downloadSumMs += c.downloadSumMs;
    d.segDurationSumMs += c.segDurationSumMs;
    d.segJobs += c.segJobs;
    d.pricePaid += c.pricePaid;
    d.units += c.units;
    for (let i = 0; i < d.hist.length; i++) d.hist[i]! += c.hist[i]!;
  }
  // The same lock order as the hourly cells, for the same reason.
  return [...days.values()].sort(cellOrder);
}

const cellOrder = (a: RollupCell, b: RollupCell) =>
  a.hour - b.hour || cmp(a.orchestrator, b.orchestrator) || cmp(a.capability, b.capability) || cmp(a.model, b.model) || cmp(a.region, b.region) || cmp(a.gateway, b.gateway);

const DIM_COLS = ['orchestrator', 'capability', 'model', 'region', 'gateway'];
const SUM_COLS = ['jobs', 'successes', 'round_trip_sum_ms', 'queue_sum_ms', 'upload_sum_ms', 'processing_sum_ms', 'download_sum_ms', 'seg_duration_sum_ms', 'seg_jobs', 'price_paid', 'units'];
const DIMS = ['hour', ...DIM_COLS];

/** The additive cell tables: hourly, and the same cells summed per UTC day. */
export const ROLLUP_TABLES = { hourly: { table: 'telemetry_rollup', time: 'hour' }, daily: { table: 'telemetry_rollup_daily', time: 'day' } } as const;

function upsertText(table: string, time: string): string {
  const dims = [time, ...DIM_COLS];
  return (
    `insert into ${table} (${[...dims, ...SUM_COLS, 'latency_hist'].join(', ')}) ` +
    `select to_timestamp(h / 1000.0), o, c, m, r, g, j, s, rt, q, u, p, d, sd, sj, pp, un, hl::bigint[] ` +
    `from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[], $15::int8[], $16::numeric[], $17::numeric[], $18::text[]) ` +
    `as t(h, o, c, m, r, g, j, s, rt, q, u, p, d, sd, sj, pp, un, hl) ` +
    `on conflict (${dims.join(', ')}) do update set ` +
    SUM_COLS.map((s) => `${s} = ${table}.${s} + excluded.${s}`).join(', ') +
    `, latency_hist = ${histogramSum(`${table}.latency_hist`, 'excluded.latency_hist')}`
  );
}

/**
 * SQL adding two latency histograms bucket by bucket, as one array constructor of BUCKETS sums: a subquery
 * over unnest per updated row cost about as much as the rest of the upsert. A missing bucket counts 0.
 */
export function histogramSum(a: string, b: string): string {
  const parts: string[] = [];
  for (let i = 1; i <= BUCKETS; i++) parts.push(`coalesce(${a}[${i}], 0) + coalesce(${b}[${i}], 0)`);
  return `array[${parts.join(', ')}]::bigint[]`;
}

const UPSERT = { hourly: upsertText(ROLLUP_TABLES.hourly.table, ROLLUP_TABLES.hourly.time), daily: upsertText(ROLLUP_TABLES.daily.table, ROLLUP_TABLES.daily.time) };

/** Array literal `{1,2,3}` of integers (numbers or bigints) for an int8[] or numeric[] parameter. */
export function intArray(xs: readonly (number | bigint)[]): string {
  return `{${xs.join(',')}}`;
}

/** Array literal of strings for a text[] parameter: every element quoted, `"` and `\\` escaped. */
export function textArray(xs: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    out += `${i ? ',' : ''}"${x.includes('"') || x.includes('\\') ? x.replace(/[\\"]/g, '\\$&') : x}"`;
  }
  return `${out}}`;
}

async function upsertCells(db: Kysely<Database>, text: string, cells: readonly RollupCell[]): Promise<void> {
  const per = 5000;
  for (let i = 0; i < cells.length; i += per) {
    const chunk = cells.slice(i, i + per);
    // Array parameters go as literals built here: node-postgres would escape every element on its own.
    const params: unknown[] = [
      intArray(chunk.map((c) => c.hour)),
      textArray(chunk.map((c) => c.orchestrator)),
      textArray(chunk.map((c) => c.capability)),
      textArray(chunk.map((c) => c.model)),
      textArray(chunk.map((c) => c.region)),
      textArray(chunk.map((c) => c.gateway)),
      intArray(chunk.map((c) => c.jobs)),
      intArray(chunk.map((c) => c.successes)),
      intArray(chunk.map((c) => c.roundTripSumMs)),
      intArray(chunk.map((c) => c.queueSumMs)),
      intArray(chunk.map((c) => c.uploadSumMs)),
      intArray(chunk.map((c) => c.processingSumMs)),
      intArray(chunk.map((c) => c.downloadSumMs)),
      intArray(chunk.map((c) => c.segDurationSumMs)),
      intArray(chunk.map((c) => c.segJobs)),
      intArray(chunk.map((c) => c.pricePaid)),
      intArray(chunk.map((c) => c.units)),
      textArray(chunk.map((c) => histogramLiteral(c.hist))),
    ];
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/**
 * Adds cells into telemetry_rollup, telemetry_rollup_daily and telemetry_rollup_error (insert or increment).
 * Call inside the batch's transaction so the hourly and daily tables never disagree.
 */
export async function writeRollups(db: Kysely<Database>, cells: readonly RollupCell[]): Promise<void> {
  if (cells.length === 0) return;
  const per = 5000;
  await upsertCells(db, UPSERT.hourly, cells);
  await upsertCells(db, UPSERT.daily, rollUpDaily(cells));
  const errs = cells.flatMap((c) => [...c.errors.entries()].sort(([a], [b]) => cmp(a, b)).map(([code, n]) => ({ c, code, n })));
  for (let i = 0; i < errs.length; i += per) {
    const chunk = errs.slice(i, i + per);
    const params: unknown[] = [
      intArray(chunk.map((e) => e.c.hour)),
      textArray(chunk.map((e) => e.c.orchestrator)),
      textArray(chunk.map((e) => e.c.capability)),
      textArray(chunk.map((e) => e.c.model)),
      textArray(chunk.map((e) => e.c.region)),
      textArray(chunk.map((e) => e.c.gateway)),
      textArray(chunk.map((e) => e.code)),
      intArray(chunk.map((e) => e.n)),
    ];
    const text =
      `insert into telemetry_rollup_error (${[...DIMS, 'error_code', 'count'].join(', ')}) ` +
      `select to_timestamp(h / 1000.0), o, c, m, r, g, e, n from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[]) as t(h, o, c, m, r, g, e, n) ` +
      `on conflict (${[...DIMS, 'error_code'].join(', ')}) do update set count = telemetry_rollup_error.count + excluded.count`;
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

const COPY_REPORTS = `${COPY_MARKER} copy telemetry_report (${REPORT_COLUMNS}) from stdin`;

/**
 * Appends raw reports with one COPY (cheaper than a bound insert on both sides: no array parameters to
 * encode and parse); a duplicate (day, gateway, jobId) fails the statement with 23505.
 */
export async function insertReports(db: Kysely<Database>, rows: readonly ReportRow[], batchNonce: bigint): Promise<void> {
  if (rows.length === 0) return;
  await db.executeQuery(CompiledQuery.raw(COPY_REPORTS, [reportsCopyPayload(rows, batchNonce)]));
}
