/**
 * Latency histogram with fixed bucket bounds, so histograms from any gateway and hour add element-wise.
 * Bounds run 1-1.25-1.5-2-2.5-3-4-5-6-8 per decade from 1 ms to 80,000,000 ms; one last bucket holds
 * everything above, up to MAX_LATENCY_MS. A percentile is the upper bound of the bucket holding the
 * nearest-rank sample: exact when samples sit on bounds, otherwise high by at most 25%.
 */
const STEPS = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8];

/** Largest latency a report may carry (ms): one day. */
export const MAX_LATENCY_MS = 86_400_000;

/** Upper bound of each bucket in ms (inclusive); the last one is MAX_LATENCY_MS. */
export const BUCKET_BOUNDS_MS: readonly number[] = (() => {
  const out: number[] = [];
  for (let d = 0; d < 8; d++) for (const s of STEPS) out.push(Math.round(s * 10 ** d));
  out.push(MAX_LATENCY_MS);
  return out;
})();

export const BUCKETS = BUCKET_BOUNDS_MS.length;

/** Index of the bucket a latency (ms) falls in: the first bound ≥ ms. */
export function bucketOf(ms: number): number {
  let lo = 0;
  let hi = BUCKETS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BUCKET_BOUNDS_MS[mid]! >= ms) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** An all-zero histogram (counts per bucket). */
export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

/** Adds b into a (same length), in place; returns a. */
export function addHistogram(a: number[], b: readonly (number | string)[]): number[] {
  for (let i = 0; i < BUCKETS; i++) a[i]! += Number(b[i] ?? 0);
  return a;
}

/** Latency (ms) at quantile q in [0,1] by nearest rank: the bound of the bucket holding sample ceil(q·n); null when empty. */
export function percentileMs(hist: readonly (number | string)[], q: number): number | null {
  let total = 0;
  for (const c of hist) total += Number(c);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += Number(hist[i]);
    if (seen >= rank) return BUCKET_BOUNDS_MS[i]!;
  }
  return BUCKET_BOUNDS_MS[BUCKETS - 1]!;
}

/** Postgres array literal of a histogram, e.g. {0,3,1}. */
export function histogramLiteral(hist: readonly number[]): string {
  return `{${hist.join(',')}}`;
}

/**
 * Latency (ms) at quantile q in [0,1], interpolated linearly inside the bucket holding the q·n-th sample (from the
 * bucket's lower bound to its upper bound), so nearby quantiles of a small or clustered sample do not all print the
 * same bucket edge; null when empty.
 */
export function interpolatedPercentileMs(hist: readonly (number | string)[], q: number): number | null {
  let total = 0;
  for (const c of hist) total += Number(c);
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(0, q * total));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = Number(hist[i]);
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : BUCKET_BOUNDS_MS[i - 1]!;
      const hi = BUCKET_BOUNDS_MS[i]!;
      return lo + ((hi - lo) * (rank - seen)) / c;
    }
    seen += c;
  }
  return BUCKET_BOUNDS_MS[BUCKETS - 1]!;
}
