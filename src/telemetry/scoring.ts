/**
 * Scoring formulas of the Livepeer leaderboard (as its public API computes them). Inputs are sums from the rollups; every rate is
 * derived here from counts, never averaged from other rates.
 */

/** ln(1/0.8): with k = this / median, a round trip equal to the median scores exactly 0.8. */
export const AI_MEDIAN_LN = Math.log(1 / 0.8);

/** AI latency constant k (per second) for a selection whose median successful round trip is `medianSec` seconds. */
export function aiLatencyK(medianSec: number): number {
  return medianSec > 0 ? AI_MEDIAN_LN / medianSec : 0;
}

/** AI round-trip score e^(−k·RTT) for a mean successful round trip in seconds; 0 without a measured RTT. */
export function aiRoundTripScore(rttSec: number | null, k: number): number {
  return rttSec === null ? 0 : Math.exp(-k * rttSec);
}

/** AI score: 0.65·success rate + 0.35·round-trip score (both 0..1). */
export function aiScore(successRate: number, roundTripScore: number): number {
  return 0.65 * successRate + 0.35 * roundTripScore;
}

/** Transcoding round-trip score 1 − e^(−segment duration / RTT), both in seconds; 0 when either is unknown. */
export function transcodingRoundTripScore(segDurationSec: number | null, rttSec: number | null): number {
  if (segDurationSec === null || rttSec === null || rttSec <= 0) return 0;
  return 1 - Math.exp(-segDurationSec / rttSec);
}

/** Transcoding score: success rate × round-trip score. */
export function transcodingScore(successRate: number, roundTripScore: number): number {
  return successRate * roundTripScore;
}

/** z of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson score lower bound (95%) of a success rate from `successes` of `jobs`: what the rate is at least, given
 * how few jobs it rests on (1 of 1 → 0.21, 44 of 45 → 0.88); 0 without jobs.
 */
export function wilsonLowerBound(successes: number, jobs: number): number {
  if (jobs <= 0) return 0;
  const p = successes / jobs;
  const z2 = Z95 * Z95;
  return Math.max(0, (p + z2 / (2 * jobs) - Z95 * Math.sqrt((p * (1 - p)) / jobs + z2 / (4 * jobs * jobs))) / (1 + z2 / jobs));
}
