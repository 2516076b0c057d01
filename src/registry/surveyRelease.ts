import { randomBytes } from 'node:crypto';

/**
 * Differentially private releases of the cost survey. Each orchestrator sends at most one report per period and
 * it falls in exactly one bucket (deployment, GPU model), so a period's release is one ε-DP mechanism per
 * orchestrator: ε is split evenly over the six measures of a bucket (report count, GPUs, and the per-GPU hardware,
 * power, bandwidth and other costs), each a sum of clipped values with Laplace noise of scale clip / (ε / 6).
 * Whatever anybody else reports or knows (k − 1 colluders included), the release changes the odds of any guess
 * about one report's values by at most a factor e^ε. Coarser groups are sums of released buckets (post-processing:
 * no further privacy cost).
 */

/** Privacy budget per orchestrator and period (the whole release). */
export const SURVEY_EPSILON = 3;
/** Measures sharing the budget: count, GPUs, hardware, power, bandwidth, other. */
const MEASURES = 6;
/** Per-report contribution bounds: GPUs counted, and US cents per GPU and month for each cost. */
export const SURVEY_CLIP = { gpus: 32, hardwareCentsPerGpu: 150_000, powerCentsPerGpu: 50_000, bandwidthCentsPerGpu: 50_000, otherCentsPerGpu: 50_000 } as const;

export interface SurveyReport {
  deployment: string;
  gpuModel: string;
  gpuCount: number;
  hardwareCents: number;
  powerCents: number;
  bandwidthCents: number;
  otherCents: number;
}

/** One released bucket: noisy count and noisy sums (whole numbers), never a single report. */
export interface ReleasedBucket {
  deployment: string;
  gpuModel: string;
  reports: number;
  gpus: number;
  /** Sums over reports of each report's cost per GPU, US cents per month. */
  hardwareCentsPerGpu: number;
  powerCentsPerGpu: number;
  bandwidthCentsPerGpu: number;
  otherCentsPerGpu: number;
}

export interface SurveyRelease {
  period: string;
  /** Unix seconds when the release was drawn; it never changes afterwards. */
  releasedAt: number;
  epsilon: number;
  k: number;
  buckets: ReleasedBucket[];
}

/** Laplace noise scale of each measure (units of the measure) for a budget ε. */
export function noiseScales(epsilon = SURVEY_EPSILON) {
  const e = epsilon / MEASURES;
  return {
    reports: 1 / e,
    gpus: SURVEY_CLIP.gpus / e,
    hardwareCentsPerGpu: SURVEY_CLIP.hardwareCentsPerGpu / e,
    powerCentsPerGpu: SURVEY_CLIP.powerCentsPerGpu / e,
    bandwidthCentsPerGpu: SURVEY_CLIP.bandwidthCentsPerGpu / e,
    otherCentsPerGpu: SURVEY_CLIP.otherCentsPerGpu / e,
  };
}

/** Uniform in [0, 1) from the operating system's CSPRNG (53 bits). */
export function secureRandom(): number {
  const b = randomBytes(8);
  return Number(b.readBigUInt64BE() >> 11n) / 2 ** 53;
}

/** One Laplace(0, scale) draw by inverse CDF from a uniform source. */
export function laplace(scale: number, random: () => number): number {
  let u = random() - 0.5;
  while (u === -0.5) u = random() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

const clip = (x: number, max: number) => Math.min(Math.max(x, 0), max);

/**
 * Draws the release of one period: per bucket, clipped sums plus Laplace noise, rounded to whole units; a bucket
 * is published only when its noisy count reaches k (the threshold sees only noisy data). `random` is the
 * CSPRNG in production; tests pass a seeded source.
 */
export function drawRelease(period: string, reports: readonly SurveyReport[], opts: { k: number; releasedAt: number; epsilon?: number; random?: () => number }): SurveyRelease {
  const epsilon = opts.epsilon ?? SURVEY_EPSILON;
  const random = opts.random ?? secureRandom;
  const b = noiseScales(epsilon);
  const buckets = new Map<string, SurveyReport[]>();
  for (const r of reports) {
    const key = `${r.deployment}\u0000${r.gpuModel}`;
    buckets.set(key, [...(buckets.get(key) ?? []), r]);
  }
  const out: ReleasedBucket[] = [];
  for (const [key, rs] of [...buckets].sort(([a], [c]) => a.localeCompare(c))) {
    const [deployment, gpuModel] = key.split('\u0000') as [string, string];
    const sum = (f: (r: SurveyReport) => number) => rs.reduce((a, r) => a + f(r), 0);
    const perGpu = (cents: (r: SurveyReport) => number, max: number) => sum((r) => clip(cents(r) / r.gpuCount, max));
    const noisy = (x: number, scale: number) => Math.round(x + laplace(scale, random));
    const bucket: ReleasedBucket = {
      deployment,
      gpuModel,
      reports: noisy(rs.length, b.reports),
      gpus: noisy(sum((r) => clip(r.gpuCount, SURVEY_CLIP.gpus)), b.gpus),
      hardwareCentsPerGpu: noisy(perGpu((r) => r.hardwareCents, SURVEY_CLIP.hardwareCentsPerGpu), b.hardwareCentsPerGpu),
      powerCentsPerGpu: noisy(perGpu((r) => r.powerCents, SURVEY_CLIP.powerCentsPerGpu), b.powerCentsPerGpu),
      bandwidthCentsPerGpu: noisy(perGpu((r) => r.bandwidthCents, SURVEY_CLIP.bandwidthCentsPerGpu), b.bandwidthCentsPerGpu),
      otherCentsPerGpu: noisy(perGpu((r) => r.otherCents, SURVEY_CLIP.otherCentsPerGpu), b.otherCentsPerGpu),
    };
    if (bucket.reports >= opts.k) out.push(bucket);
  }
  return { period, releasedAt: opts.releasedAt, epsilon, k: opts.k, buckets: out };
}

/** When a period's release is drawn (unix s): seven days after the period's month ends. Reports close then. */
export function releaseTime(period: string): number {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 8) / 1000;
}
