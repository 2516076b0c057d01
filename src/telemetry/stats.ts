import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { histogramOf, histogramSums, latencyPercentiles, type RollupFilter } from './filters.js';
import { rollupCells, withSerialPlans } from './rollupSource.js';

/** Performance of one orchestrator on one (capability, model), over a time window, from the rollups. */
export interface OrchestratorPerformance {
  orchestrator: string;
  capability: string;
  model: string;
  jobs: number;
  successes: number;
  /** successes / jobs, 0..1 */
  successRate: number;
  /** Mean round trip of successful jobs (ms); null without successes. */
  meanRoundTripMs: number | null;
  /** Successful round-trip percentiles (ms, bucket upper bounds; see histogram.ts). */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/**
 * Success rate and latency percentiles per (orchestrator, capability slug, model) since `since`
 * (optionally narrowed). Rates come from summed counts, never from averaging hourly rates.
 */
export async function orchestratorPerformance(db: Kysely<Database>, filter: RollupFilter): Promise<OrchestratorPerformance[]> {
  const res = await withSerialPlans(db, (db) => sql<Record<string, string>>`
    select orchestrator, capability, model, sum(jobs)::text as jobs, sum(successes)::text as successes,
      sum(round_trip_sum_ms)::text as rtt, ${histogramSums}
    from ${rollupCells(filter)}
    group by orchestrator, capability, model
    order by orchestrator, capability, model`.execute(db));
  return res.rows.map((r) => {
    const jobs = Number(r.jobs);
    const successes = Number(r.successes);
    return {
      orchestrator: r.orchestrator!,
      capability: r.capability!,
      model: r.model!,
      jobs,
      successes,
      successRate: jobs === 0 ? 0 : successes / jobs,
      meanRoundTripMs: successes === 0 ? null : Number(r.rtt) / successes,
      ...latencyPercentiles(histogramOf(r)),
    };
  });
}
