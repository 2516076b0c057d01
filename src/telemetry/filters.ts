import { sql, type RawBuilder } from 'kysely';
import { BUCKETS, percentileMs } from './histogram.js';

/** Which rollup rows a query reads; every field optional except the time window. */
export interface RollupFilter {
  since: Date;
  until?: Date;
  orchestrator?: string;
  capability?: string;
  model?: string;
  region?: string;
  gateway?: string;
}

/** WHERE clause over telemetry_rollup (or any table with the same dimension columns). */
export function rollupWhere(f: RollupFilter, hourCol = 'hour'): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`${sql.ref(hourCol)} >= ${f.since.toISOString()}::timestamptz`];
  if (f.until) parts.push(sql`${sql.ref(hourCol)} < ${f.until.toISOString()}::timestamptz`);
  if (f.orchestrator) parts.push(sql`orchestrator = ${f.orchestrator.toLowerCase()}`);
  if (f.capability) parts.push(sql`capability = ${f.capability}`);
  if (f.model) parts.push(sql`model = ${f.model}`);
  if (f.region) parts.push(sql`region = ${f.region.toUpperCase()}`);
  if (f.gateway) parts.push(sql`gateway = ${f.gateway.toLowerCase()}`);
  return sql.join(parts, sql` and `);
}

/** Select list summing the histogram element-wise as h1..hN (one sum per bucket beats unnesting arrays). */
export const histogramSums: RawBuilder<unknown> = sql.raw(
  Array.from({ length: BUCKETS }, (_, i) => `coalesce(sum(latency_hist[${i + 1}]), 0)::text as h${i + 1}`).join(', '),
);

/** The histogram of a row selected with histogramSums. */
export function histogramOf(row: Record<string, unknown>): number[] {
  return Array.from({ length: BUCKETS }, (_, i) => Number(row[`h${i + 1}`] ?? 0));
}

/** p50/p95/p99 (ms) of a histogram; null when it is empty. */
export function latencyPercentiles(hist: readonly number[]): { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null } {
  return { p50Ms: percentileMs(hist, 0.5), p95Ms: percentileMs(hist, 0.95), p99Ms: percentileMs(hist, 0.99) };
}
