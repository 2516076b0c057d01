import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isAiPipeline, TRANSCODING } from './capabilities.js';
import { histogramOf, histogramSums, type RollupFilter } from './filters.js';
import { addHistogram, emptyHistogram, interpolatedPercentileMs, percentileMs } from './histogram.js';
import { rollupCells, withSerialPlans } from './rollupSource.js';
import { aiLatencyK, aiRoundTripScore, aiScore, transcodingRoundTripScore, transcodingScore, wilsonLowerBound } from './scoring.js';

/** Region key that sums every region. */
export const GLOBAL = 'GLOBAL';

export interface LeaderboardQuery {
  since: Date;
  until?: Date;
  /** Pipeline slug; absent = transcoding (as the Livepeer leaderboard does). */
  pipeline?: string;
  model?: string;
  region?: string;
  orchestrator?: string;
}

/** Scores of one orchestrator in one region, with the sums they come from. */
export interface LeaderboardEntry {
  orchestrator: string;
  region: string;
  jobs: number;
  successes: number;
  successRate: number;
  /** Mean successful round trip (s). */
  roundTripSec: number | null;
  /** Mean segment duration of successful transcoding jobs (s). */
  segDurationSec: number | null;
  roundTripScore: number;
  /** The Livepeer leaderboard's score (from the raw success rate). */
  score: number;
  /** Success rate's 95% lower bound given the number of jobs (Wilson). */
  successRateLow: number;
  /** The same formula on that lower bound: what the ranking uses, so one lucky job does not outrank forty. */
  rankScore: number;
  /** Interpolated inside the latency histogram's buckets. */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  errors: number;
}

export interface Leaderboard {
  pipeline: string;
  ai: boolean;
  /** Per region: the median successful round trip (s) and the AI k derived from it. */
  regions: Record<string, { medianRoundTripSec: number | null; k: number | null; histogram: number[] }>;
  entries: LeaderboardEntry[];
}

interface Sums {
  jobs: number;
  successes: number;
  rtt: number;
  seg: number;
  segJobs: number;
  hist: number[];
}

const blank = (): Sums => ({ jobs: 0, successes: 0, rtt: 0, seg: 0, segJobs: 0, hist: emptyHistogram() });

function add(a: Sums, b: Sums): void {
  a.jobs += b.jobs;
  a.successes += b.successes;
  a.rtt += b.rtt;
  a.seg += b.seg;
  a.segJobs += b.segJobs;
  addHistogram(a.hist, b.hist);
}

/**
 * Leaderboard per (orchestrator, region) plus a GLOBAL region summing all regions, scored with the AI or
 * transcoding formula, and ranked by the same formula on the success rate's lower confidence bound. k is set per region so that region's median successful round trip scores 0.8.
 * Without `percentiles`, per-orchestrator latency percentiles are left null and histograms are only summed
 * per region when the AI formula needs the median: summing histograms is most of a query's cost. Whole
 * days are read from the daily rollup, the window's partial-day edges from the hourly one.
 */
export async function leaderboard(db: Kysely<Database>, q: LeaderboardQuery, opts: { percentiles?: boolean } = {}): Promise<Leaderboard> {
  const pipeline = q.pipeline ?? TRANSCODING;
  const ai = isAiPipeline(pipeline);
  const withPercentiles = opts.percentiles ?? true;
  const filter: RollupFilter = { since: q.since, until: q.until, capability: pipeline, model: q.model, region: q.region && q.region.toUpperCase() !== GLOBAL ? q.region : undefined, orchestrator: q.orchestrator };
  const scalars = sql`sum(jobs)::text as jobs, sum(successes)::text as successes, sum(round_trip_sum_ms)::text as rtt, sum(seg_duration_sum_ms)::text as seg, sum(seg_jobs)::text as seg_jobs`;
  const { res, regionHists } = await withSerialPlans(db, async (db) => {
    const res = withPercentiles
      ? await sql<Record<string, string>>`select orchestrator, region, ${scalars}, ${histogramSums} from ${rollupCells(filter)} group by orchestrator, region`.execute(db)
      : await sql<Record<string, string>>`select orchestrator, region, ${scalars} from ${rollupCells(filter)} group by orchestrator, region`.execute(db);
    const regionHists = !withPercentiles && ai ? await sql<Record<string, string>>`select region, ${histogramSums} from ${rollupCells(filter)} group by region`.execute(db) : null;
    return { res, regionHists };
  });
  const cells = new Map<string, Map<string, Sums>>();
  const regionTotals = new Map<string, Sums>();
  const bump = (m: Map<string, Sums>, key: string, s: Sums) => {
    let c = m.get(key);
    if (!c) m.set(key, (c = blank()));
    add(c, s);
  };
  const onlyGlobal = q.region?.toUpperCase() === GLOBAL;
  // No region asked: each region and GLOBAL; GLOBAL asked: only GLOBAL; one region asked: only that region.
  const keysOf = (region: string): string[] => (onlyGlobal ? [GLOBAL] : q.region ? [region] : [region, GLOBAL]);
  for (const r of res.rows) {
    const s: Sums = { jobs: Number(r.jobs), successes: Number(r.successes), rtt: Number(r.rtt), seg: Number(r.seg), segJobs: Number(r.seg_jobs), hist: withPercentiles ? histogramOf(r) : emptyHistogram() };
    for (const key of keysOf(r.region!)) {
      let m = cells.get(r.orchestrator!);
      if (!m) cells.set(r.orchestrator!, (m = new Map()));
      bump(m, key, s);
      bump(regionTotals, key, s);
    }
  }
  if (regionHists) {
    for (const r of regionHists.rows) {
      for (const key of keysOf(r.region!)) addHistogram(regionTotals.get(key)!.hist, histogramOf(r));
    }
  }
  const regions: Leaderboard['regions'] = {};
  for (const [region, t] of regionTotals) {
    const medianMs = percentileMs(t.hist, 0.5);
    regions[region] = { medianRoundTripSec: medianMs === null ? null : medianMs / 1000, k: ai && medianMs !== null ? aiLatencyK(medianMs / 1000) : null, histogram: t.hist };
  }
  const entries: LeaderboardEntry[] = [];
  for (const [orchestrator, m] of cells) {
    for (const [region, s] of m) {
      const successRate = s.jobs === 0 ? 0 : s.successes / s.jobs;
      const roundTripSec = s.successes === 0 ? null : s.rtt / s.successes / 1000;
      const segDurationSec = s.segJobs === 0 ? null : s.seg / s.segJobs / 1000;
      const successRateLow = wilsonLowerBound(s.successes, s.jobs);
      let roundTripScore: number;
      let score: number;
      let rankScore: number;
      if (ai) {
        roundTripScore = aiRoundTripScore(roundTripSec, regions[region]!.k ?? 0);
        score = aiScore(successRate, roundTripScore);
        rankScore = aiScore(successRateLow, roundTripScore);
      } else {
        roundTripScore = transcodingRoundTripScore(segDurationSec, roundTripSec);
        score = transcodingScore(successRate, roundTripScore);
        rankScore = transcodingScore(successRateLow, roundTripScore);
      }
      const pct = withPercentiles
        ? { p50Ms: interpolatedPercentileMs(s.hist, 0.5), p95Ms: interpolatedPercentileMs(s.hist, 0.95), p99Ms: interpolatedPercentileMs(s.hist, 0.99) }
        : { p50Ms: null, p95Ms: null, p99Ms: null };
      entries.push({ orchestrator, region, jobs: s.jobs, successes: s.successes, successRate, successRateLow, roundTripSec, segDurationSec, roundTripScore, score, rankScore, ...pct, errors: s.jobs - s.successes });
    }
  }
  entries.sort((a, b) => b.rankScore - a.rankScore || b.jobs - a.jobs || (a.orchestrator < b.orchestrator ? -1 : 1));
  return { pipeline, ai, regions, entries };
}

/** The leaderboard's `/api/aggregated_stats` shape: {orchestrator: {REGION: {success_rate, round_trip_score, score}}}. */
export function aggregatedStatsJson(lb: Leaderboard): Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>> {
  const out: Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>> = {};
  for (const e of lb.entries) (out[e.orchestrator] ??= {})[e.region] = { success_rate: e.successRate, round_trip_score: e.roundTripScore, score: e.score };
  return out;
}
