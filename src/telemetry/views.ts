import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { KNOWN_PIPELINES } from './capabilities.js';
import { histogramOf, histogramSums, latencyPercentiles, rollupWhere, type RollupFilter } from './filters.js';
import { UNSERVED_CODES } from './demand.js';
import { rollupCells } from './rollupSource.js';

/** Region codes of the Livepeer leaderboard with their names; others seen in reports are listed by code. */
export const REGION_NAMES: Record<string, string> = {
  GLOBAL: 'Global',
  FRA: 'Frankfurt',
  LAX: 'Los Angeles',
  MDW: 'Chicago',
  NYC: 'New York',
  SIN: 'Singapore',
  SEA: 'Seattle',
  LON: 'London',
  SAO: 'São Paulo',
  PRG: 'Prague',
  ATL: 'Atlanta',
  HND: 'Tokyo',
  SYD: 'Sydney',
};

/** `/api/pipelines`: each pipeline seen in the window with its models and regions. */
export async function pipelines(db: Kysely<Database>, since: Date): Promise<{ id: string; models: string[]; regions: string[]; jobs: number }[]> {
  const res = await sql<{ capability: string; model: string; region: string; jobs: string }>`
    select capability, model, region, sum(jobs)::text as jobs from telemetry_rollup where hour >= ${since.toISOString()}::timestamptz group by capability, model, region`.execute(db);
  const m = new Map<string, { models: Set<string>; regions: Set<string>; jobs: number }>();
  for (const r of res.rows) {
    let e = m.get(r.capability);
    if (!e) m.set(r.capability, (e = { models: new Set(), regions: new Set(), jobs: 0 }));
    if (r.model !== '') e.models.add(r.model);
    e.regions.add(r.region);
    e.jobs += Number(r.jobs);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => ({ id, models: [...e.models].sort(), regions: [...e.regions].sort(), jobs: e.jobs }));
}

/** The pipeline with the most reported jobs in a window (ties: alphabetically first); null without reports. */
export async function busiestPipeline(db: Kysely<Database>, since: Date, until?: Date): Promise<string | null> {
  const res = await sql<{ capability: string }>`
    select capability from ${rollupCells({ since, until })} group by capability order by sum(jobs) desc, capability limit 1`.execute(db);
  return res.rows[0]?.capability ?? null;
}

/** `/api/regions`: known regions plus any reported, with whether transcoding or AI jobs were seen there. */
export async function regions(db: Kysely<Database>, since: Date): Promise<{ id: string; name: string; type: ('transcoding' | 'ai')[] }[]> {
  const res = await sql<{ region: string; ai: boolean; tr: boolean }>`
    select region, bool_or(capability <> 'transcoding') as ai, bool_or(capability = 'transcoding') as tr
    from telemetry_rollup where hour >= ${since.toISOString()}::timestamptz group by region`.execute(db);
  const seen = new Map(res.rows.map((r) => [r.region, r]));
  const ids = new Set([...Object.keys(REGION_NAMES), ...seen.keys()]);
  return [...ids].sort().map((id) => {
    const s = seen.get(id);
    const type: ('transcoding' | 'ai')[] = [];
    if (s?.tr || id === 'GLOBAL') type.push('transcoding');
    if (s?.ai || id === 'GLOBAL') type.push('ai');
    return { id, name: REGION_NAMES[id] ?? id, type };
  });
}

/** One raw job in the leaderboard's `/api/raw_stats` stat shape (times in seconds). */
export interface RawStat {
  region: string;
  orchestrator: string;
  success_rate: number;
  round_trip_time: number;
  errors: { error_code: string; message: string; count: number }[];
  timestamp: number;
  seg_duration: number | null;
  segments_sent: number;
  segments_received: number;
  upload_time: number | null;
  download_time: number | null;
  transcode_time: number | null;
  model: string;
  model_is_warm: boolean | null;
  pipeline: string;
}

/** `/api/raw_stats`: an orchestrator's raw jobs per region, newest first (at most `limit` in all). */
export async function rawStats(db: Kysely<Database>, f: RollupFilter & { orchestrator: string }, limit = 1000): Promise<Record<string, RawStat[]>> {
  const res = await sql<Record<string, string | number | boolean | null>>`
    select region, orchestrator, success, round_trip_ms, error_code, extract(epoch from finished_at)::float8 as ts, seg_duration_ms,
      upload_ms, download_ms, processing_ms, model, capability
    from telemetry_report where ${rollupWhere(f, 'finished_at')}
    order by finished_at desc, job_id limit ${limit}`.execute(db);
  const out: Record<string, RawStat[]> = {};
  const sec = (v: unknown) => (v === null || v === undefined ? null : Number(v) / 1000);
  for (const r of res.rows) {
    (out[String(r.region)] ??= []).push({
      region: String(r.region),
      orchestrator: String(r.orchestrator),
      success_rate: r.success ? 1 : 0,
      round_trip_time: Number(r.round_trip_ms) / 1000,
      errors: r.error_code ? [{ error_code: String(r.error_code), message: String(r.error_code), count: 1 }] : [],
      timestamp: Math.floor(Number(r.ts)),
      seg_duration: sec(r.seg_duration_ms),
      segments_sent: 1,
      segments_received: r.success ? 1 : 0,
      upload_time: sec(r.upload_ms),
      download_time: sec(r.download_ms),
      transcode_time: sec(r.processing_ms),
      model: String(r.model),
      model_is_warm: null,
      pipeline: String(r.capability),
    });
  }
  return out;
}

export interface CapacityRow {
  capability: string;
  model: string;
  region: string;
  orchestrators: number;
  jobs: number;
  successes: number;
  successRate: number;
  /** Busiest hour's jobs, and the mean over hours with any job. */
  peakHourJobs: number;
  meanHourJobs: number;
  units: string;
  p50Ms: number | null;
  p95Ms: number | null;
  unserved: number;
}

/** Served capacity per (capability, model, region): orchestrators that completed jobs, throughput, latency, unserved requests. */
export async function capacity(db: Kysely<Database>, f: RollupFilter): Promise<CapacityRow[]> {
  const res = await sql<Record<string, string>>`
    with hourly as (
      select capability, model, region, hour, sum(jobs) as jobs from telemetry_rollup where ${rollupWhere(f)} group by 1, 2, 3, 4
    ), peaks as (
      select capability, model, region, max(jobs)::text as peak, avg(jobs)::text as mean from hourly group by 1, 2, 3
    ), errs as (
      select capability, model, region, sum(count)::text as unserved from telemetry_rollup_error
      where ${rollupWhere(f)} and error_code in (${sql.join(UNSERVED_CODES)}) group by 1, 2, 3
    )
    select r.capability, r.model, r.region, count(distinct r.orchestrator) filter (where r.successes > 0)::text as orchs,
      sum(r.jobs)::text as jobs, sum(r.successes)::text as successes, sum(r.units)::text as units, p.peak, p.mean, coalesce(e.unserved, '0') as unserved, ${histogramSums}
    from telemetry_rollup r join peaks p using (capability, model, region) left join errs e using (capability, model, region)
    where ${rollupWhere(f, 'r.hour')}
    group by r.capability, r.model, r.region, p.peak, p.mean, e.unserved
    order by sum(r.jobs) desc, r.capability, r.model, r.region`.execute(db);
  return res.rows.map((r) => {
    const jobs = Number(r.jobs);
    const successes = Number(r.successes);
    const { p50Ms, p95Ms } = latencyPercentiles(histogramOf(r));
    return {
      capability: r.capability!, model: r.model!, region: r.region!, orchestrators: Number(r.orchs), jobs, successes,
      successRate: jobs === 0 ? 0 : successes / jobs, peakHourJobs: Number(r.peak), meanHourJobs: Number(r.mean), units: r.units!, p50Ms, p95Ms, unserved: Number(r.unserved),
    };
  });
}

export interface ReliabilityHour {
  hour: string;
  jobs: number;
  successes: number;
  p95Ms: number | null;
}

export interface Reliability {
  orchestrator: string;
  jobs: number;
  successes: number;
  successRate: number | null;
  hours: ReliabilityHour[];
  errors: { errorCode: string; count: number }[];
  byRegion: { region: string; jobs: number; successes: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }[];
  events: { type: string; subtype: string; count: number }[];
  pipelines: string[];
}

/** One orchestrator's reliability: hourly success and p95, error codes, regions, and gateway events naming it. */
export async function reliability(db: Kysely<Database>, f: RollupFilter & { orchestrator: string }): Promise<Reliability> {
  const o = f.orchestrator.toLowerCase();
  const hours = await sql<Record<string, string>>`
    select to_char(hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"') as h, sum(jobs)::text as jobs, sum(successes)::text as successes, ${histogramSums}
    from telemetry_rollup where ${rollupWhere(f)} group by hour order by hour`.execute(db);
  const regionsRes = await sql<Record<string, string>>`
    select region, sum(jobs)::text as jobs, sum(successes)::text as successes, ${histogramSums}
    from telemetry_rollup where ${rollupWhere(f)} group by region order by region`.execute(db);
  const errs = await sql<{ error_code: string; n: string }>`
    select error_code, sum(count)::text as n from telemetry_rollup_error where ${rollupWhere(f)} group by error_code order by sum(count) desc, error_code`.execute(db);
  const evs = await sql<{ type: string; subtype: string; n: string }>`
    select type, subtype, sum(events)::text as n from telemetry_event_rollup
    where orchestrator = ${o} and hour >= ${f.since.toISOString()}::timestamptz ${f.until ? sql`and hour < ${f.until.toISOString()}::timestamptz` : sql``}
    group by type, subtype order by type, subtype`.execute(db);
  const pipes = await sql<{ capability: string }>`select distinct capability from telemetry_rollup where ${rollupWhere(f)} order by capability`.execute(db);
  const hs = hours.rows.map((r) => ({ hour: r.h!, jobs: Number(r.jobs), successes: Number(r.successes), p95Ms: latencyPercentiles(histogramOf(r)).p95Ms }));
  const jobs = hs.reduce((a, h) => a + h.jobs, 0);
  const successes = hs.reduce((a, h) => a + h.successes, 0);
  return {
    orchestrator: o,
    jobs,
    successes,
    successRate: jobs === 0 ? null : successes / jobs,
    hours: hs,
    errors: errs.rows.map((e) => ({ errorCode: e.error_code, count: Number(e.n) })),
    byRegion: regionsRes.rows.map((r) => ({ region: r.region!, jobs: Number(r.jobs), successes: Number(r.successes), ...latencyPercentiles(histogramOf(r)) })),
    events: evs.rows.map((e) => ({ type: e.type, subtype: e.subtype, count: Number(e.n) })),
    pipelines: pipes.rows.map((p) => p.capability),
  };
}

export { KNOWN_PIPELINES };
