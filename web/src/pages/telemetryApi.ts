import type { LeaderboardEntry } from '../../../src/telemetry/leaderboard.js';
import type { AmountLike } from '../format.js';

/** Shapes of the telemetry endpoints the dashboard reads (see src/api/routes/telemetry.ts). */
// Rows the API sends exactly as the telemetry module computes them.
export type { LeaderboardEntry } from '../../../src/telemetry/leaderboard.js';
export type { CapacityRow } from '../../../src/telemetry/views.js';
export interface LeaderboardAnswer {
  pipeline: string;
  ai: boolean;
  since: number;
  until: number | null;
  bucketBoundsMs: number[];
  regions: Record<string, { medianRoundTripSec: number | null; k: number | null; histogram: number[] }>;
  entries: LeaderboardEntry[];
}

export interface PipelinesAnswer {
  pipelines: { id: string; models: string[]; regions: string[] }[];
}

export interface ReliabilityAnswer {
  orchestrator: string;
  jobs: number;
  successes: number;
  successRate: number | null;
  hours: { hour: string; jobs: number; successes: number; p95Ms: number | null }[];
  errors: { errorCode: string; count: number }[];
  byRegion: { region: string; jobs: number; successes: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }[];
  events: { type: string; subtype: string; count: number }[];
  pipelines: string[];
}

export interface FanPoint {
  ahead: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface DemandAnswer {
  by: string;
  days: string[];
  series: { key: string; jobs: number[]; reported: AmountLike[]; onchain: AmountLike[] }[];
  totals: { jobs: number[]; reported: AmountLike[]; onchain: AmountLike[]; paymentEv: AmountLike[] };
  unserved: { requests: number; unserved: number; share: number | null; dailyShare: (number | null)[] };
  forecast: { onchainEth: FanPoint[]; jobs: FanPoint[] };
}

/** Latency for display: ms below a second, else seconds. */
export function latency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
