import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../store/schema.js';
import { rollupWhere, type RollupFilter } from './filters.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A half-open time range [from, to) in ms; `to` null = open-ended. */
export interface Span {
  from: number;
  to: number | null;
}

/** How a window is read: whole UTC days from the daily table, the rest from the hourly one. */
export interface WindowSplit {
  days: Span | null;
  hours: Span[];
}

const ceilDay = (ms: number) => Math.ceil(ms / DAY) * DAY;

/**
 * Splits [since, until) so the result sums exactly what the hourly rows with since ≤ hour < until sum:
 * a day is read whole when every one of its hours is in the window (day ≥ since and day + 23 h < until),
 * and the hours before the first and after the last such day come from the hourly table.
 */
export function splitWindow(since: number, until: number | null): WindowSplit {
  const first = ceilDay(since);
  const end = until === null ? null : ceilDay(until - 23 * HOUR);
  if (end !== null && end <= first) return { days: null, hours: [{ from: since, to: until }] };
  const hours: Span[] = [];
  if (since < first) hours.push({ from: since, to: first });
  if (end !== null && until !== null && end < until) hours.push({ from: end, to: until });
  return { days: { from: first, to: end }, hours };
}

/** Columns both rollup tables share, besides their time column. */
const COLUMNS = sql.raw(
  'orchestrator, capability, model, region, gateway, jobs, successes, round_trip_sum_ms, queue_sum_ms, upload_sum_ms, processing_sum_ms, download_sum_ms, seg_duration_sum_ms, seg_jobs, price_paid, units, latency_hist',
);

const spanFilter = (f: RollupFilter, s: Span): RollupFilter => ({ ...f, since: new Date(s.from), until: s.to === null ? undefined : new Date(s.to) });

/**
 * A FROM item (aliased `r`) with the rollup cells of a window: daily rows for whole days, hourly rows for
 * the edges. Sums over it equal sums over telemetry_rollup with the same filter; it has no time column.
 */
export function rollupCells(f: RollupFilter): RawBuilder<unknown> {
  const split = splitWindow(f.since.getTime(), f.until ? f.until.getTime() : null);
  const parts: RawBuilder<unknown>[] = [];
  if (split.days) parts.push(sql`select ${COLUMNS} from telemetry_rollup_daily where ${rollupWhere(spanFilter(f, split.days), 'day')}`);
  for (const h of split.hours) parts.push(sql`select ${COLUMNS} from telemetry_rollup where ${rollupWhere(spanFilter(f, h))}`);
  return sql`(${sql.join(parts, sql` union all `)}) as r`;
}

/**
 * Runs reads over rollup windows with parallel query off: they touch a few thousand rows, and starting
 * parallel workers (which the planner picks for the daily table's long ranges) costs more than the scan.
 * Inside a caller's transaction the reads run as they are, leaving its settings alone.
 */
export async function withSerialPlans<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(async (trx) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
    return fn(trx);
  });
}
