import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { histogramOf, histogramSums, latencyPercentiles, rollupWhere } from '../telemetry/filters.js';
import { capabilitySlug as telemetrySlug } from '../telemetry/capabilities.js';
import { BYOC, capabilityId, isAiCapability } from './capabilities.js';
import type { TelemetryStats } from './matcher.js';
import type { Requirements } from './profiles.js';
import { tagOf, type ObservedDemand } from './supplyDemand.js';

/**
 * Feeds the pure matcher and supply/demand from the telemetry rollups (src/telemetry). Telemetry names a
 * job by its slug: every transcoding capability is "transcoding", AI pipelines by their slug, BYOC jobs
 * by their external capability name.
 */

type Db = Kysely<Database>;

function jobSlug(r: Pick<Requirements, 'capability' | 'model'>): string {
  if (r.capability === BYOC && r.model !== null) return r.model;
  return telemetrySlug(r.capability) ?? 'unknown';
}

/**
 * Success rate and p95 per orchestrator for the job's (capability, model, region) since `since`. Counts
 * and histograms are summed across models and hours before rates and percentiles are derived.
 */
export async function telemetryFor(db: Db, r: Pick<Requirements, 'capability' | 'model' | 'region'>, since: Date): Promise<Map<string, TelemetryStats>> {
  const where = rollupWhere({
    since,
    capability: jobSlug(r),
    model: r.capability === BYOC ? undefined : (r.model ?? undefined),
    region: r.region ?? undefined,
  });
  const res = await sql<Record<string, string>>`
    select orchestrator, sum(jobs)::text as jobs, sum(successes)::text as successes, ${histogramSums}
    from telemetry_rollup where ${where} group by orchestrator`.execute(db);
  const out = new Map<string, TelemetryStats>();
  for (const row of res.rows) {
    const jobs = Number(row.jobs);
    const successes = Number(row.successes);
    const { p95Ms } = latencyPercentiles(histogramOf(row));
    // No successful job means no latency sample: the p95 threshold then fails rather than passes.
    out.set(row.orchestrator!.toLowerCase(), { successRate: jobs === 0 ? 0 : successes / jobs, p95LatencyMs: p95Ms ?? Number.POSITIVE_INFINITY, samples: jobs });
  }
  return out;
}

/** Telemetry's job slug → the registry tag it counts toward ("transcoding" → the H.264 capability tag). */
function tagOfTelemetry(capability: string, model: string): string | null {
  if (capability === 'transcoding') return tagOf(0, null);
  const id = capabilityId(capability);
  if (id !== null && isAiCapability(id) && id !== BYOC) return tagOf(id, model === '' ? null : model);
  if (id === null && /^[a-z0-9][a-z0-9-]{0,63}$/.test(capability)) return tagOf(BYOC, capability);
  return null;
}

/**
 * Observed demand per tag since `since`: jobs gateways ran (telemetry_rollup), and requests no
 * orchestrator could take (stream_trace gateway_no_orchestrators_available, per capability).
 */
export async function observedDemand(db: Db, since: Date): Promise<Map<string, ObservedDemand>> {
  const out = new Map<string, ObservedDemand>();
  for (const day of (await observedDemandByDay(db, since)).values()) {
    for (const [tag, d] of day) {
      const o = out.get(tag) ?? { jobs: 0, unserved: 0 };
      o.jobs += d.jobs;
      o.unserved += d.unserved;
      out.set(tag, o);
    }
  }
  return out;
}

/** The same per UTC day: end of the day (unix s) → tag → observed demand. */
export async function observedDemandByDay(db: Db, since: Date): Promise<Map<number, Map<string, ObservedDemand>>> {
  const out = new Map<number, Map<string, ObservedDemand>>();
  const add = (dayEnd: number, tag: string | null, jobs: number, unserved: number) => {
    if (tag === null) return;
    let day = out.get(dayEnd);
    if (!day) out.set(dayEnd, (day = new Map()));
    const o = day.get(tag) ?? { jobs: 0, unserved: 0 };
    o.jobs += jobs;
    o.unserved += unserved;
    day.set(tag, o);
  };
  const jobs = await sql<{ day: string; capability: string; model: string; jobs: string }>`
    select (floor(extract(epoch from hour) / 86400) * 86400 + 86400)::bigint::text as day, capability, model, sum(jobs)::text as jobs
    from telemetry_rollup where hour >= ${since.toISOString()}::timestamptz group by 1, capability, model`.execute(db);
  for (const j of jobs.rows) {
    const n = Number(j.jobs);
    add(Number(j.day), tagOfTelemetry(j.capability, j.model), n, 0);
    // AI jobs also count toward their capability-level tag.
    if (j.model !== '' && j.capability !== 'transcoding') add(Number(j.day), tagOfTelemetry(j.capability, ''), n, 0);
  }
  const unserved = await sql<{ day: string; capability: string; n: string }>`
    select (floor(extract(epoch from hour) / 86400) * 86400 + 86400)::bigint::text as day, capability, sum(events)::text as n from telemetry_event_rollup
    where hour >= ${since.toISOString()}::timestamptz and subtype = 'gateway_no_orchestrators_available' group by 1, capability`.execute(db);
  for (const u of unserved.rows) add(Number(u.day), tagOfTelemetry(u.capability, ''), 0, Number(u.n));
  return out;
}
