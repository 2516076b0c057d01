import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { BUCKETS } from './histogram.js';

const HIST_SUM = sql.raw(`array[${Array.from({ length: BUCKETS }, (_, i) => `coalesce(sum(latency_hist[${i + 1}]), 0)`).join(', ')}]::bigint[]`);

/**
 * Recomputes telemetry_rollup_daily from telemetry_rollup for the UTC days in [fromDay, toDay) (whole
 * days; both open when absent): for repairs, and after hourly rows were written without their daily sums
 * (bulk loads). Returns the daily rows written.
 */
export async function rebuildDailyRollups(db: Kysely<Database>, range: { fromDay?: Date; toDay?: Date } = {}): Promise<number> {
  const from = range.fromDay ? sql`and hour >= ${range.fromDay.toISOString()}::timestamptz` : sql``;
  const to = range.toDay ? sql`and hour < ${range.toDay.toISOString()}::timestamptz` : sql``;
  const dayFrom = range.fromDay ? sql`and day >= ${range.fromDay.toISOString()}::timestamptz` : sql``;
  const dayTo = range.toDay ? sql`and day < ${range.toDay.toISOString()}::timestamptz` : sql``;
  for (const d of [range.fromDay, range.toDay]) {
    if (d && d.getTime() % 86_400_000 !== 0) throw new RangeError(`rebuildDailyRollups: ${d.toISOString()} is not the start of a UTC day`);
  }
  return db.transaction().execute(async (trx) => {
    await sql`delete from telemetry_rollup_daily where true ${dayFrom} ${dayTo}`.execute(trx);
    // One sum per histogram bucket: far cheaper than unnesting every array into rows.
    const res = await sql`
      insert into telemetry_rollup_daily
      select date_trunc('day', hour, 'UTC'), orchestrator, capability, model, region, gateway,
        sum(jobs), sum(successes), sum(round_trip_sum_ms), sum(queue_sum_ms), sum(upload_sum_ms), sum(processing_sum_ms), sum(download_sum_ms),
        sum(seg_duration_sum_ms), sum(seg_jobs), sum(price_paid), sum(units), ${HIST_SUM}
      from telemetry_rollup where true ${from} ${to}
      group by 1, 2, 3, 4, 5, 6`.execute(trx);
    return Number(res.numAffectedRows ?? 0n);
  });
}
