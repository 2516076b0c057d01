import { sql, type Kysely } from 'kysely';
import { getAddress, type Address, type Hex } from 'viem';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { verifyStatement } from '../chain/typedData.js';
import { AtlasError } from '../base/errors.js';
import { drawRelease, noiseScales, releaseTime, SURVEY_CLIP, SURVEY_EPSILON, type ReleasedBucket, type SurveyRelease } from './surveyRelease.js';

/** Bonded stake (LPT-wei) an orchestrator needs to report: identities are not free. */
export const SURVEY_MIN_STAKE = 100n * 10n ** 18n;

/**
 * Orchestrator cost survey. Orchestrators sign a monthly cost self-report (EIP-712, domain
 * atlasDomain(chainId)); reports are stored but never served one by one. What is published:
 *
 * - Frozen releases, one per period, drawn once seven days after the period's month ends (surveyRelease.ts);
 *   reports for a period close when its release is drawn, so no answer is ever computed before and after one
 *   more report of the same period (no differencing).
 * - Each release is ε-differentially private per orchestrator: clipped sums with Laplace noise, buckets shown
 *   only when their noisy count reaches k, so k − 1 colluding reporters still cannot recover the k-th report.
 * - Only registered orchestrators with at least SURVEY_MIN_STAKE bonded report, one report per period: fake
 *   identities cost stake.
 * - Coarser groups and filters combine whole released buckets (no further privacy cost).
 */
export const COST_REPORT_TYPES = {
  CostReport: [
    { name: 'orchestrator', type: 'address' },
    { name: 'period', type: 'string' },
    { name: 'deployment', type: 'string' },
    { name: 'gpuModel', type: 'string' },
    { name: 'gpuCount', type: 'uint32' },
    { name: 'hardwareCents', type: 'uint64' },
    { name: 'powerCents', type: 'uint64' },
    { name: 'bandwidthCents', type: 'uint64' },
    { name: 'otherCents', type: 'uint64' },
    { name: 'region', type: 'string' },
    { name: 'nonce', type: 'uint64' },
  ],
} as const;

export const DEPLOYMENTS = ['onsite', 'datacenter', 'cloud'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

const cents = z.number().int().min(0).max(100_000_000_00); // up to $100M a month: anything above is a unit error
export const costReportSchema = z.strictObject({
  orchestrator: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'orchestrator is an address'),
  period: z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'period is YYYY-MM'),
  deployment: z.enum(DEPLOYMENTS),
  gpuModel: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/, 'gpuModel is 1-40 letters, digits, spaces and . _ -'),
  gpuCount: z.number().int().min(1).max(100_000),
  hardwareCents: cents,
  powerCents: cents,
  bandwidthCents: cents,
  otherCents: cents,
  region: z.string().regex(/^[A-Z]{2,8}$/, 'region is 2-8 capital letters (e.g. FRA, NYC, EU)'),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'signature is 65 bytes of 0x-hex'),
});
export type CostReportInput = z.infer<typeof costReportSchema>;


/** GPU models are compared case- and space-insensitively ("RTX 4090" = "rtx4090") so buckets do not split on spelling. */
export function normalizeGpuModel(m: string): string {
  return m.toUpperCase().replace(/[\s_-]+/g, '');
}

/** The typed-data message of a report (what the orchestrator signs). */
export function costReportMessage(r: Omit<CostReportInput, 'signature'>): Record<string, unknown> {
  return {
    orchestrator: getAddress(r.orchestrator),
    period: r.period,
    deployment: r.deployment,
    gpuModel: r.gpuModel,
    gpuCount: r.gpuCount,
    hardwareCents: BigInt(r.hardwareCents),
    powerCents: BigInt(r.powerCents),
    bandwidthCents: BigInt(r.bandwidthCents),
    otherCents: BigInt(r.otherCents),
    region: r.region,
    nonce: BigInt(r.nonce),
  };
}

/**
 * Verifies and stores one report. Rejects: a signature not by the orchestrator (unauthorized), an
 * address that is no registered orchestrator with SURVEY_MIN_STAKE bonded (forbidden), a period in the future
 * (bad request), a period whose release is drawn (conflict: closed), a second report for the same orchestrator
 * and period (conflict).
 */
export async function submitCostReport(db: Kysely<Database>, input: CostReportInput, opts: { chainId: number; now: Date }): Promise<{ orchestrator: string; period: string }> {
  const r = costReportSchema.parse(input);
  const [y, m] = r.period.split('-').map(Number) as [number, number];
  const monthIndex = y * 12 + m - 1;
  const nowIndex = opts.now.getUTCFullYear() * 12 + opts.now.getUTCMonth();
  if (monthIndex > nowIndex) throw new AtlasError('bad_request', `period ${r.period} is in the future`);
  if (opts.now.getTime() / 1000 >= releaseTime(r.period)) {
    throw new AtlasError('conflict', `period ${r.period} is closed: its release was drawn on ${new Date(releaseTime(r.period) * 1000).toISOString().slice(0, 10)} and never changes`, { reason: 'period_closed' });
  }
  await verifyStatement({
    chainId: opts.chainId,
    types: COST_REPORT_TYPES as unknown as Record<string, { name: string; type: string }[]>,
    primaryType: 'CostReport',
    message: costReportMessage(r),
    signature: r.signature as Hex,
    claimed: r.orchestrator as Address,
  });
  const orch = r.orchestrator.toLowerCase();
  const known = await sql<{ stake: string }>`select total_stake::text as stake from transcoder where address = ${orch}`.execute(db);
  if (known.rows.length === 0) throw new AtlasError('forbidden', `${getAddress(orch)} is not a registered orchestrator`, { reason: 'not_orchestrator' });
  if (BigInt(known.rows[0]!.stake) < SURVEY_MIN_STAKE) {
    throw new AtlasError('forbidden', `${getAddress(orch)} has less than ${SURVEY_MIN_STAKE / 10n ** 18n} LPT bonded; only orchestrators with stake may report`, { reason: 'insufficient_stake' });
  }
  const ins = await sql<{ orchestrator: string }>`
    insert into cost_report (orchestrator, period, deployment, gpu_model, gpu_count, hardware_cents, power_cents, bandwidth_cents, other_cents, region, nonce, signature)
    values (${orch}, ${r.period}, ${r.deployment}, ${normalizeGpuModel(r.gpuModel)}, ${r.gpuCount}, ${String(r.hardwareCents)}::bigint, ${String(r.powerCents)}::bigint,
      ${String(r.bandwidthCents)}::bigint, ${String(r.otherCents)}::bigint, ${r.region}, ${String(r.nonce)}, ${r.signature.toLowerCase()})
    on conflict (orchestrator, period) do nothing returning orchestrator`.execute(db);
  if (ins.rows.length === 0) throw new AtlasError('conflict', `${getAddress(orch)} already reported for ${r.period}`);
  return { orchestrator: orch, period: r.period };
}

export type SurveyGroup = 'bucket' | 'deployment' | 'gpuModel' | 'all';

export interface SurveyFilters {
  fromPeriod?: string;
  toPeriod?: string;
  deployment?: Deployment;
  gpuModel?: string;
}

/** A published aggregate of released buckets: noisy counts and means per GPU (US dollars per month). */
export interface SurveyAggregate {
  period: string | null;
  deployment: string | null;
  gpuModel: string | null;
  /** Noisy number of reports. */
  reports: number;
  /** Noisy mean GPUs per report. */
  gpusPerReport: number;
  meanMonthlyUsdPerGpu: { hardware: number; power: number; bandwidth: number; other: number; total: number };
  /** Standard deviation of the noise in meanMonthlyUsdPerGpu.total (US dollars): how far the figure may be off. */
  noiseStdUsdPerGpu: number;
}

const RELEASE_KEY = 'cost_survey_release:';

/**
 * The frozen release of `period`, drawing it first when its time has come and nobody drew it yet (the first
 * writer wins; every later reader gets the stored one). Null before its release time.
 */
async function releaseOf(db: Kysely<Database>, period: string, opts: { k: number; nowS: number; random?: () => number }): Promise<SurveyRelease | null> {
  const stored = await sql<{ value: SurveyRelease | string }>`select value from atlas_meta where key = ${RELEASE_KEY + period}`.execute(db);
  if (stored.rows[0]) return typeof stored.rows[0].value === 'string' ? (JSON.parse(stored.rows[0].value) as SurveyRelease) : stored.rows[0].value;
  if (opts.nowS < releaseTime(period)) return null;
  const rows = await sql<{ deployment: string; gpu_model: string; gpu_count: number; hw: string; pw: string; bw: string; ot: string }>`
    select deployment, gpu_model, gpu_count, hardware_cents::text as hw, power_cents::text as pw, bandwidth_cents::text as bw, other_cents::text as ot
    from cost_report where period = ${period}`.execute(db);
  const release = drawRelease(
    period,
    rows.rows.map((r) => ({ deployment: r.deployment, gpuModel: r.gpu_model, gpuCount: r.gpu_count, hardwareCents: Number(r.hw), powerCents: Number(r.pw), bandwidthCents: Number(r.bw), otherCents: Number(r.ot) })),
    { k: opts.k, releasedAt: opts.nowS, random: opts.random },
  );
  await sql`insert into atlas_meta (key, value) values (${RELEASE_KEY + period}, ${JSON.stringify(release)}::jsonb) on conflict (key) do nothing`.execute(db);
  return releaseOf(db, period, { ...opts, nowS: 0 });
}

/** The privacy parameters every answer states. */
export function surveyPrivacy() {
  const b = noiseScales();
  return {
    epsilon: SURVEY_EPSILON,
    clip: { gpus: SURVEY_CLIP.gpus, hardwareUsdPerGpu: SURVEY_CLIP.hardwareCentsPerGpu / 100, powerUsdPerGpu: SURVEY_CLIP.powerCentsPerGpu / 100, bandwidthUsdPerGpu: SURVEY_CLIP.bandwidthCentsPerGpu / 100, otherUsdPerGpu: SURVEY_CLIP.otherCentsPerGpu / 100 },
    laplaceScaleUsdPerGpu: { hardware: b.hardwareCentsPerGpu / 100, power: b.powerCentsPerGpu / 100, bandwidth: b.bandwidthCentsPerGpu / 100, other: b.otherCentsPerGpu / 100 },
    minStakeLpt: String(SURVEY_MIN_STAKE / 10n ** 18n),
  };
}

/**
 * Aggregates for publication, from frozen releases only (periods whose release time has passed); groups and
 * filters select and merge whole released buckets. `nowS` decides which releases are due; `random` is for tests.
 */
export async function surveyAggregates(db: Kysely<Database>, opts: { k: number; group: SurveyGroup; filters: SurveyFilters; nowS: number; random?: () => number }): Promise<{ periods: string[]; data: SurveyAggregate[] }> {
  if (!Number.isInteger(opts.k) || opts.k < 2) throw new AtlasError('bad_request', 'k must be a whole number ≥ 2');
  const f = opts.filters;
  const gpu = f.gpuModel === undefined ? null : normalizeGpuModel(f.gpuModel);
  const periods = await sql<{ period: string }>`
    select distinct period from cost_report
    where (${f.fromPeriod ?? null}::text is null or period >= ${f.fromPeriod ?? null}) and (${f.toPeriod ?? null}::text is null or period <= ${f.toPeriod ?? null})
    order by period`.execute(db);
  const released: SurveyRelease[] = [];
  for (const { period } of periods.rows) {
    const r = await releaseOf(db, period, opts);
    if (r) released.push(r);
  }
  type Acc = { period: string | null; deployment: string | null; gpuModel: string | null; buckets: number; b: Omit<ReleasedBucket, 'deployment' | 'gpuModel'> };
  const groups = new Map<string, Acc>();
  for (const rel of released) {
    for (const b of rel.buckets) {
      // A k raised after the draw still holds: the stored noisy count decides (no fresh look at the data).
      if (b.reports < opts.k || (f.deployment !== undefined && b.deployment !== f.deployment) || (gpu !== null && b.gpuModel !== gpu)) continue;
      const key = opts.group === 'bucket' ? [rel.period, b.deployment, b.gpuModel] : opts.group === 'deployment' ? [null, b.deployment, null] : opts.group === 'gpuModel' ? [null, null, b.gpuModel] : [null, null, null];
      const id = JSON.stringify(key);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { period: key[0]!, deployment: key[1]!, gpuModel: key[2]!, buckets: 0, b: { reports: 0, gpus: 0, hardwareCentsPerGpu: 0, powerCentsPerGpu: 0, bandwidthCentsPerGpu: 0, otherCentsPerGpu: 0 } }));
      g.buckets += 1;
      for (const k of Object.keys(g.b) as (keyof Acc['b'])[]) g.b[k] += b[k];
    }
  }
  const scales = noiseScales();
  const usd = (cents: number, n: number) => Math.max(0, Math.round(cents / n)) / 100;
  const data = [...groups.values()].map((g) => {
    const n = g.b.reports;
    const m = { hardware: usd(g.b.hardwareCentsPerGpu, n), power: usd(g.b.powerCentsPerGpu, n), bandwidth: usd(g.b.bandwidthCentsPerGpu, n), other: usd(g.b.otherCentsPerGpu, n) };
    // Four independent Laplace sums per bucket, each of variance 2b²; the mean divides by the noisy count.
    const variance = 2 * g.buckets * (scales.hardwareCentsPerGpu ** 2 + scales.powerCentsPerGpu ** 2 + scales.bandwidthCentsPerGpu ** 2 + scales.otherCentsPerGpu ** 2);
    return {
      period: g.period,
      deployment: g.deployment,
      gpuModel: g.gpuModel,
      reports: n,
      gpusPerReport: Math.max(0, Math.round((g.b.gpus / n) * 100) / 100),
      meanMonthlyUsdPerGpu: { ...m, total: Math.round((m.hardware + m.power + m.bandwidth + m.other) * 100) / 100 },
      noiseStdUsdPerGpu: Math.round(Math.sqrt(variance) / n) / 100,
    };
  });
  return { periods: released.map((r) => r.period), data };
}

/** Smallest noisy number of reports a published bucket holds unless configured otherwise (ATLAS_COST_SURVEY_K). */
export const DEFAULT_SURVEY_K = 5;
