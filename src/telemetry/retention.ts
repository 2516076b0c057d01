import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { dropDayPartition, listDayPartitions } from './partitions.js';

/** How long telemetry is kept. Raw days must exceed the ingest window (IngestOptions.maxAgeMs). */
export interface RetentionPolicy {
  /** Raw reports and events: whole UTC days kept (default 14). */
  rawDays: number;
  /** Hourly and daily rollups: days kept (default 400), counted back to a UTC midnight. */
  rollupDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 14, rollupDays: 400 };

export interface RetentionResult {
  droppedPartitions: string[];
  rollupRowsDeleted: number;
  batchesDeleted: number;
}

/**
 * Drops raw day partitions older than rawDays (a whole partition at once, no row-by-row delete), deletes
 * rollups of the days before the one rollupDays ago and forgets batch nonces of the dropped window (replays of those are
 * already refused by the clock-skew check).
 */
export async function applyRetention(db: Kysely<Database>, policy: RetentionPolicy = DEFAULT_RETENTION, now = Date.now()): Promise<RetentionResult> {
  const firstKeptDay = new Date(Math.floor(now / 86_400_000) * 86_400_000 - (policy.rawDays - 1) * 86_400_000).toISOString().slice(0, 10);
  const dropped: string[] = [];
  for (const table of ['telemetry_report', 'telemetry_event'] as const) {
    for (const p of await listDayPartitions(db, table)) {
      if (p.day < firstKeptDay) {
        await dropDayPartition(db, p.name);
        dropped.push(p.name);
      }
    }
  }
  // Cut at a UTC midnight so the hourly and daily rollups keep the same hours and still sum alike.
  const rollupCut = new Date(Math.floor((now - policy.rollupDays * 86_400_000) / 86_400_000) * 86_400_000).toISOString();
  const r1 = await sql`delete from telemetry_rollup where hour < ${rollupCut}::timestamptz`.execute(db);
  await sql`delete from telemetry_rollup_daily where day < ${rollupCut}::timestamptz`.execute(db);
  await sql`delete from telemetry_rollup_error where hour < ${rollupCut}::timestamptz`.execute(db);
  await sql`delete from telemetry_event_rollup where hour < ${rollupCut}::timestamptz`.execute(db);
  const r2 = await sql`delete from telemetry_batch where sent_at < ${firstKeptDay}::timestamptz`.execute(db);
  return { droppedPartitions: dropped, rollupRowsDeleted: Number(r1.numAffectedRows ?? 0n), batchesDeleted: Number(r2.numAffectedRows ?? 0n) };
}
