import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

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
    const res = await sql`
      with hist as (
        select date_trunc('day', hour, 'UTC') as day, orchestrator, capability, model, region, gateway, i, sum(v) as s
        from telemetry_rollup, unnest(latency_hist) with ordinality as u(v, i)
        where true ${from} ${to}
        group by 1, 2, 3, 4, 5, 6, i
      ), hists as (
        select day, orchestrator, capability, model, region, gateway, array_agg(s order by i)::bigint[] as latency_hist
        from hist group by 1, 2, 3, 4, 5, 6
      ), sums as (
        select date_trunc('day', hour, 'UTC') as day, orchestrator, capability, model, region, gateway,
          sum(jobs) as jobs, sum(successes) as successes, sum(round_trip_sum_ms) as round_trip_sum_ms, sum(queue_sum_ms) as queue_sum_ms,
          sum(upload_sum_ms) as upload_sum_ms, sum(processing_sum_ms) as processing_sum_ms, sum(download_sum_ms) as download_sum_ms,
          sum(seg_duration_sum_ms) as seg_duration_sum_ms, sum(seg_jobs) as seg_jobs, sum(price_paid) as price_paid, sum(units) as units
        from telemetry_rollup where true ${from} ${to} group by 1, 2, 3, 4, 5, 6
      )
      insert into telemetry_rollup_daily
      select s.day, s.orchestrator, s.capability, s.model, s.region, s.gateway, s.jobs, s.successes, s.round_trip_sum_ms, s.queue_sum_ms,
        s.upload_sum_ms, s.processing_sum_ms, s.download_sum_ms, s.seg_duration_sum_ms, s.seg_jobs, s.price_paid, s.units, h.latency_hist
      from sums s join hists h using (day, orchestrator, capability, model, region, gateway)`.execute(trx);
    return Number(res.numAffectedRows ?? 0n);
  });
}
