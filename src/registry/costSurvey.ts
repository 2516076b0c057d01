import { sql, type Kysely } from 'kysely';
import { getAddress, type Address, type Hex } from 'viem';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { verifyStatement } from '../chain/typedData.js';
import { AtlasError } from '../base/errors.js';

/**
 * Orchestrator cost survey. Orchestrators sign a monthly cost self-report (EIP-712, domain
 * atlasDomain(chainId)); reports are stored but never served one by one. What is published:
 *
 * - A bucket is (period, deployment, gpuModel). It is published only when it holds at least k reports.
 * - Coarser groups (per deployment, per GPU model, all) are sums over published buckets only, so a
 *   suppressed bucket never contributes to any figure; and filters select whole buckets, so no filter
 *   combination can isolate a subset of a bucket (no differencing between two answers).
 * - Only counts and means are published (no minima, maxima or medians, which are single reports).
 * - Suppressed buckets are not counted or named in the answer.
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
 * address that never registered as an orchestrator (forbidden), a period in the future or more than a
 * year back (bad request), a second report for the same orchestrator and period (conflict).
 */
export async function submitCostReport(db: Kysely<Database>, input: CostReportInput, opts: { chainId: number; now: Date }): Promise<{ orchestrator: string; period: string }> {
  const r = costReportSchema.parse(input);
  const [y, m] = r.period.split('-').map(Number) as [number, number];
  const monthIndex = y * 12 + m - 1;
  const nowIndex = opts.now.getUTCFullYear() * 12 + opts.now.getUTCMonth();
  if (monthIndex > nowIndex) throw new AtlasError('bad_request', `period ${r.period} is in the future`);
  if (monthIndex < nowIndex - 12) throw new AtlasError('bad_request', `period ${r.period} is more than a year back`);
  await verifyStatement({
    chainId: opts.chainId,
    types: COST_REPORT_TYPES as unknown as Record<string, { name: string; type: string }[]>,
    primaryType: 'CostReport',
    message: costReportMessage(r),
    signature: r.signature as Hex,
    claimed: r.orchestrator as Address,
  });
  const orch = r.orchestrator.toLowerCase();
  const known = await sql<{ n: number }>`select count(*)::int as n from transcoder where address = ${orch}`.execute(db);
  if ((known.rows[0]?.n ?? 0) === 0) throw new AtlasError('forbidden', `${getAddress(orch)} is not a registered orchestrator`);
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

/** A published aggregate: counts and means only (US dollars per month). */
export interface SurveyAggregate {
  period: string | null;
  deployment: string | null;
  gpuModel: string | null;
  reports: number;
  gpus: number;
  meanMonthlyUsd: { hardware: number; power: number; bandwidth: number; other: number; total: number };
  meanMonthlyUsdPerGpu: number;
}

/**
 * Aggregates for publication. Buckets under k are dropped before anything is summed; filters and
 * groups only select and merge whole published buckets.
 */
export async function surveyAggregates(db: Kysely<Database>, opts: { k: number; group: SurveyGroup; filters: SurveyFilters }): Promise<SurveyAggregate[]> {
  if (!Number.isInteger(opts.k) || opts.k < 2) throw new AtlasError('bad_request', 'k must be a whole number ≥ 2');
  const f = opts.filters;
  const gpu = f.gpuModel === undefined ? null : normalizeGpuModel(f.gpuModel);
  const buckets = await sql<{ period: string; deployment: string; gpu_model: string; n: number; gpus: string; hw: string; pw: string; bw: string; ot: string }>`
    select period, deployment, gpu_model, count(*)::int as n, sum(gpu_count)::text as gpus, sum(hardware_cents)::text as hw, sum(power_cents)::text as pw,
      sum(bandwidth_cents)::text as bw, sum(other_cents)::text as ot
    from cost_report
    where (${f.fromPeriod ?? null}::text is null or period >= ${f.fromPeriod ?? null})
      and (${f.toPeriod ?? null}::text is null or period <= ${f.toPeriod ?? null})
      and (${f.deployment ?? null}::text is null or deployment = ${f.deployment ?? null})
      and (${gpu}::text is null or gpu_model = ${gpu})
    group by period, deployment, gpu_model
    having count(*) >= ${opts.k}
    order by period, deployment, gpu_model`.execute(db);
  const groups = new Map<string, { period: string | null; deployment: string | null; gpuModel: string | null; n: number; gpus: bigint; hw: bigint; pw: bigint; bw: bigint; ot: bigint }>();
  for (const b of buckets.rows) {
    const key = opts.group === 'bucket' ? [b.period, b.deployment, b.gpu_model] : opts.group === 'deployment' ? [null, b.deployment, null] : opts.group === 'gpuModel' ? [null, null, b.gpu_model] : [null, null, null];
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { period: key[0]!, deployment: key[1]!, gpuModel: key[2]!, n: 0, gpus: 0n, hw: 0n, pw: 0n, bw: 0n, ot: 0n }));
    g.n += b.n;
    g.gpus += BigInt(b.gpus);
    g.hw += BigInt(b.hw);
    g.pw += BigInt(b.pw);
    g.bw += BigInt(b.bw);
    g.ot += BigInt(b.ot);
  }
  const usd = (sumCents: bigint, n: number) => Math.round(Number(sumCents) / n) / 100;
  return [...groups.values()].map((g) => {
    const total = g.hw + g.pw + g.bw + g.ot;
    return {
      period: g.period,
      deployment: g.deployment,
      gpuModel: g.gpuModel,
      reports: g.n,
      gpus: Number(g.gpus),
      meanMonthlyUsd: { hardware: usd(g.hw, g.n), power: usd(g.pw, g.n), bandwidth: usd(g.bw, g.n), other: usd(g.ot, g.n), total: usd(total, g.n) },
      meanMonthlyUsdPerGpu: Math.round(Number(total) / Number(g.gpus)) / 100,
    };
  });
}

/** Smallest number of reports a published bucket holds unless configured otherwise (ATLAS_COST_SURVEY_K). */
export const DEFAULT_SURVEY_K = 5;
