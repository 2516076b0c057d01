// Gateway telemetry: signed ingest (JSON batches and Livepeer event-envelope JSON lines), the Livepeer
// leaderboard API (/api/aggregated_stats, /api/raw_stats, /api/top_ai_score, /api/pipelines, /api/regions)
// and the go-livepeer -orchPerfStatsUrl feed, plus the dashboard's leaderboard, reliability, capacity and
// demand views. Off-chain data that changes without new blocks: never cached by chain version; the read views
// are reused for their max-age (cache: 'window'), so a leaderboard under load is computed about once per max-age.
import { z } from 'zod';
import { TRANSCODING } from '../../telemetry/capabilities.js';
import { DEMAND_DIMENSIONS, demand } from '../../telemetry/demand.js';
import { eventHeadersSchema, ingestEventLines } from '../../telemetry/events.js';
import { BUCKET_BOUNDS_MS } from '../../telemetry/histogram.js';
import { ingestReportBatch, type IngestOptions } from '../../telemetry/ingest.js';
import { aggregatedStatsJson, GLOBAL, leaderboard } from '../../telemetry/leaderboard.js';
import { indexedChainId } from '../../read/network.js';
import { retentionTick } from '../../telemetry/options.js';
import { reportBatchSchema, type ReportBatch } from '../../telemetry/reportSchema.js';
import { orchestratorPerformance } from '../../telemetry/stats.js';
import { busiestPipeline, capacity, pipelines, rawStats, regions, reliability } from '../../telemetry/views.js';
import { AtlasError } from '../errors.js';
import { eth } from '../format.js';
import { route, type RouteOptions } from '../route.js';
import { addressParam, intParam } from '../schemas.js';
import { amountSchema } from '../format.js';
import type { Db } from '../../read/db.js';

const DAY_MS = 86_400_000;
/** Telemetry's own clock when one is configured (tests pin it), else the app's. */
const nowOf = (ctx: { options: RouteOptions; clock: () => number }) => (ctx.options.telemetry?.now ?? ctx.clock)();

async function ingestOptions(options: RouteOptions, db: Db): Promise<IngestOptions> {
  const t = options.telemetry;
  return {
    chainId: t?.chainId ?? (await indexedChainId(db)),
    allowList: new Set((t?.allowList ?? []).map((a) => a.toLowerCase())),
    maxSkewMs: t?.maxSkewMs,
    maxItems: t?.maxItems,
    maxAgeMs: t?.maxAgeMs,
    now: t?.now,
  };
}

// ------------------------------------------------------------------ inputs

const unixSeconds = (what: string) => intParam(0, 4_102_444_800, `${what} (Unix seconds)`).optional();
const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/, 'must be a pipeline slug such as text-to-image').transform((s) => s.toLowerCase().replace(/[\s_]+/g, '-'));
const model = z.string().min(1).max(128);
const region = z.string().regex(/^[A-Za-z]{2,8}$/, 'must be a region code such as FRA').transform((s) => s.toUpperCase());
const window = (q: { since?: number; until?: number }, t: number, defaultMs = DAY_MS) => {
  const since = q.since !== undefined ? new Date(q.since * 1000) : new Date(t - defaultMs);
  const until = q.until !== undefined ? new Date(q.until * 1000) : undefined;
  if (until && until <= since) throw new AtlasError('bad_request', 'query parameter "until" must be after "since"');
  return { since, until };
};

const statsQuery = z.strictObject({
  orchestrator: addressParam.optional(),
  region: region.optional(),
  since: unixSeconds('start of the window, default 24 h ago'),
  until: unixSeconds('end of the window, default now'),
  model: model.optional(),
  pipeline: slug.optional().meta({ description: 'pipeline slug; absent = transcoding' }),
});

// ------------------------------------------------------------------ outputs

const scoreSchema = z.object({ success_rate: z.number(), round_trip_score: z.number(), score: z.number() });
const aggregatedSchema = z.record(z.string(), z.record(z.string(), scoreSchema)).meta({ id: 'AggregatedStats', description: '{orchestrator: {REGION: scores}}, the Livepeer leaderboard shape' });
const rawStatSchema = z.object({
  region: z.string(), orchestrator: z.string(), success_rate: z.number(), round_trip_time: z.number(),
  errors: z.array(z.object({ error_code: z.string(), message: z.string(), count: z.number() })), timestamp: z.number(),
  seg_duration: z.number().nullable(), segments_sent: z.number(), segments_received: z.number(), upload_time: z.number().nullable(),
  download_time: z.number().nullable(), transcode_time: z.number().nullable(), model: z.string(), model_is_warm: z.boolean().nullable(), pipeline: z.string(),
});
const ms = z.number().nullable();
const entrySchema = z.object({
  orchestrator: z.string(), region: z.string(), jobs: z.number(), successes: z.number(), successRate: z.number(), roundTripSec: z.number().nullable(),
  segDurationSec: z.number().nullable(), roundTripScore: z.number(), score: z.number().meta({ description: 'the Livepeer leaderboard score' }),
  successRateLow: z.number().meta({ description: '95% lower bound of the success rate given the number of jobs (Wilson)' }),
  rankScore: z.number().meta({ description: 'the score formula on successRateLow: entries are ranked by it, so a handful of lucky jobs does not outrank a long record' }),
  p50Ms: ms, p95Ms: ms, p99Ms: ms, errors: z.number(),
});
const ingestSchema = z.object({ accepted: z.number(), gateway: z.string(), nonce: z.string(), contentHash: z.string() });
const fanSchema = z.array(z.object({ ahead: z.number(), p10: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p90: z.number() }));

async function scores(data: { db: Db }, query: z.output<typeof statsQuery>, nowMs: number) {
  const { since, until } = window(query, nowMs);
  return leaderboard(data.db, { since, until, pipeline: query.pipeline, model: query.model, region: query.region, orchestrator: query.orchestrator }, { percentiles: false });
}

export const telemetryRoutes = [
  route({
    path: '/api/v1/telemetry/reports',
    method: 'post',
    tag: 'telemetry',
    summary: 'Submit a signed batch of job reports',
    description:
      'Gateways POST {gateway, nonce, sentAt, reports[], signature}: signature is EIP-712 TelemetryBatch {kind "reports", gateway, nonce, sentAt, count, contentHash} in the Livepeer Atlas domain, contentHash = SHA-256 of the canonical JSON of the reports (see src/telemetry/batchHash.ts). Signers must hold a TicketBroker deposit or reserve, or be allow-listed. Refused: bad signature 401, unknown gateway 403, replayed nonce or job id 409, clock skew or malformed input 400, more than the item limit 413; a refused batch stores nothing.',
    body: reportBatchSchema,
    maxBodyBytes: 8 * 1024 * 1024,
    response: ingestSchema,
    errors: [401, 403, 409, 413, 415],
    maxAge: 0,
    handler: async ({ body, data, options, clock }) => {
      const opts = await ingestOptions(options, data.db);
      const res = await ingestReportBatch(data.db, body as ReportBatch, opts);
      await retentionTick(data.db, options.telemetry, (err) => options.logger.error({ err }, 'telemetry retention failed'));
      return { accepted: res.accepted, gateway: res.gateway, nonce: res.nonce, contentHash: res.contentHash };
    },
  }),
  route({
    path: '/api/v1/telemetry/events',
    method: 'post',
    tag: 'telemetry',
    summary: 'Submit signed Livepeer gateway events as JSON lines',
    description:
      'One event envelope {id, type, timestamp, gateway, data} per line (create_new_payment, stream_trace, ai_stream_status, discovery_results). Headers x-atlas-gateway, x-atlas-nonce, x-atlas-sent-at (Unix ms) and x-atlas-signature: EIP-712 TelemetryBatch {kind "events", …, contentHash = SHA-256 of the body bytes}. Same refusals as /reports.',
    rawBody: { contentTypes: ['application/x-ndjson', 'application/jsonl', 'application/json-lines'] },
    maxBodyBytes: 8 * 1024 * 1024,
    response: ingestSchema.extend({ byType: z.record(z.string(), z.number()) }),
    errors: [401, 403, 409, 413, 415],
    maxAge: 0,
    handler: async ({ body, data, header, options, clock }) => {
      const h = eventHeadersSchema.safeParse({
        'x-atlas-gateway': header('x-atlas-gateway'),
        'x-atlas-nonce': header('x-atlas-nonce'),
        'x-atlas-sent-at': header('x-atlas-sent-at'),
        'x-atlas-signature': header('x-atlas-signature'),
      });
      if (!h.success) {
        const i = h.error.issues[0]!;
        throw new AtlasError('bad_request', `header "${String(i.path[0])}": ${i.input === undefined ? 'required' : i.message}`);
      }
      const opts = await ingestOptions(options, data.db);
      const res = await ingestEventLines(data.db, String(body), h.data, opts);
      await retentionTick(data.db, options.telemetry, (err) => options.logger.error({ err }, 'telemetry retention failed'));
      return { accepted: res.accepted, gateway: res.gateway, nonce: res.nonce, contentHash: res.contentHash, byType: res.byType };
    },
  }),
  route({
    path: '/api/aggregated_stats',
    tag: 'leaderboard',
    summary: 'Scores per orchestrator and region (Livepeer leaderboard API)',
    description:
      'Same shape and formulas as the Livepeer leaderboard: transcoding score = success_rate × (1 − e^(−seg_duration/RTT)); AI score = 0.65·success_rate + 0.35·e^(−k·RTT) with k so the region\'s median successful RTT scores 0.8. GLOBAL sums all regions. Point a gateway\'s -orchPerfStatsUrl here.',
    query: statsQuery,
    response: aggregatedSchema,
    cache: 'window',
    maxAge: 30,
    handler: async ({ query, data, options, clock }) => aggregatedStatsJson(await scores(data, query, nowOf({ options, clock }))),
  }),
  route({
    path: '/api/v1/telemetry/perf-scores',
    tag: 'telemetry',
    summary: 'Perf-score feed for go-livepeer -orchPerfStatsUrl',
    description: '{orchAddress: {REGION: {score, …}}} over the last `hours` (default 24) for one pipeline/model (default transcoding).',
    query: z.strictObject({ pipeline: slug.optional(), model: model.optional(), hours: intParam(1, 24 * 30, 'window in hours (default 24)').default(24) }),
    response: aggregatedSchema,
    cache: 'window',
    maxAge: 30,
    handler: async ({ query, data, options, clock }) => aggregatedStatsJson(await leaderboard(data.db, { since: new Date(nowOf({ options, clock }) - query.hours * 3_600_000), pipeline: query.pipeline, model: query.model }, { percentiles: false })),
  }),
  route({
    path: '/api/raw_stats',
    tag: 'leaderboard',
    summary: "An orchestrator's raw job results per region (Livepeer leaderboard API)",
    query: statsQuery.extend({ orchestrator: addressParam }),
    response: z.record(z.string(), z.array(rawStatSchema)).meta({ id: 'RawStats' }),
    cache: 'none',
    maxAge: 30,
    handler: async ({ query, data, options, clock }) => {
      const { since, until } = window(query, nowOf({ options, clock }));
      return rawStats(data.db, { since, until, orchestrator: query.orchestrator, region: query.region, model: query.model, capability: query.pipeline ?? TRANSCODING });
    },
  }),
  route({
    path: '/api/top_ai_score',
    tag: 'leaderboard',
    summary: 'The best AI score for a pipeline and model (Livepeer leaderboard API)',
    query: z.strictObject({ pipeline: slug, model, region: region.optional(), since: unixSeconds('start, default 24 h ago'), until: unixSeconds('end, default now') }),
    response: z.object({ pipeline: z.string(), model: z.string(), region: z.string(), orchestrator: z.string(), success_rate: z.number(), round_trip_score: z.number(), score: z.number() }),
    errors: [404],
    cache: 'window',
    maxAge: 30,
    handler: async ({ query, data, options, clock }) => {
      if (query.pipeline === TRANSCODING) throw new AtlasError('bad_request', 'query parameter "pipeline": must be an AI pipeline');
      const lb = await scores(data, { ...query, region: query.region ?? GLOBAL }, nowOf({ options, clock }));
      // The Livepeer API's best score, not Atlas's sample-aware ranking.
      const top = lb.entries.reduce<(typeof lb.entries)[number] | undefined>((best, e) => (!best || e.score > best.score ? e : best), undefined);
      if (!top) throw new AtlasError('not_found', `no reports for ${query.pipeline} / ${query.model} in this window`);
      return { pipeline: query.pipeline, model: query.model, region: top.region, orchestrator: top.orchestrator, success_rate: top.successRate, round_trip_score: top.roundTripScore, score: top.score };
    },
  }),
  route({
    path: '/api/pipelines',
    tag: 'leaderboard',
    summary: 'Pipelines with their models and regions (Livepeer leaderboard API)',
    query: z.strictObject({ since: unixSeconds('start, default 7 days ago'), days: intParam(1, 400, 'window ending now, in days (instead of since)').optional() }),
    response: z.object({ pipelines: z.array(z.object({ id: z.string(), models: z.array(z.string()), regions: z.array(z.string()), jobs: z.number().int().meta({ description: 'jobs reported in the window (Atlas)' }) })) }),
    cache: 'window',
    maxAge: 60,
    handler: async ({ query, data, options, clock }) => ({ pipelines: await pipelines(data.db, query.days !== undefined ? new Date(nowOf({ options, clock }) - query.days * DAY_MS) : window(query, nowOf({ options, clock }), 7 * DAY_MS).since) }),
  }),
  route({
    path: '/api/regions',
    tag: 'leaderboard',
    summary: 'Regions (Livepeer leaderboard API)',
    response: z.object({ regions: z.array(z.object({ id: z.string(), name: z.string(), type: z.array(z.enum(['transcoding', 'ai'])) })) }),
    cache: 'window',
    maxAge: 60,
    handler: async ({ data, options, clock }) => ({ regions: await regions(data.db, new Date(nowOf({ options, clock }) - 7 * DAY_MS)) }),
  }),
  route({
    path: '/api/v1/telemetry/leaderboard',
    tag: 'telemetry',
    summary: 'Leaderboard with latency percentiles and the latency distribution of the selection',
    query: statsQuery.extend({ hours: intParam(1, 24 * 400, 'window ending now, in hours (instead of since)').optional() }),
    response: z.object({
      pipeline: z.string(), ai: z.boolean(), since: z.number(), until: z.number().nullable(),
      bucketBoundsMs: z.array(z.number()),
      regions: z.record(z.string(), z.object({ medianRoundTripSec: z.number().nullable(), k: z.number().nullable(), histogram: z.array(z.number()) })),
      entries: z.array(entrySchema),
    }),
    cache: 'window',
    maxAge: 15,
    handler: async ({ query, data, options, clock }) => {
      const t = nowOf({ options, clock });
      const { since, until } = query.hours !== undefined ? { since: new Date(t - query.hours * 3_600_000), until: undefined } : window(query, t);
      // Without a pipeline: the busiest one of the window, the one most readers came for.
      const pipeline = query.pipeline ?? (await busiestPipeline(data.db, since, until)) ?? undefined;
      const lb = await leaderboard(data.db, { since, until, pipeline, model: query.model, region: query.region, orchestrator: query.orchestrator });
      return { ...lb, since: Math.floor(since.getTime() / 1000), until: until ? Math.floor(until.getTime() / 1000) : null, bucketBoundsMs: [...BUCKET_BOUNDS_MS] };
    },
  }),
  route({
    path: '/api/v1/telemetry/performance',
    tag: 'telemetry',
    summary: 'Success rate and latency per (orchestrator, capability, model)',
    query: z.strictObject({ orchestrator: addressParam.optional(), pipeline: slug.optional(), model: model.optional(), region: region.optional(), hours: intParam(1, 24 * 400, 'window in hours (default 24)').default(24) }),
    response: z.object({ data: z.array(z.object({ orchestrator: z.string(), capability: z.string(), model: z.string(), jobs: z.number(), successes: z.number(), successRate: z.number(), meanRoundTripMs: ms, p50Ms: ms, p95Ms: ms, p99Ms: ms })) }),
    cache: 'window',
    maxAge: 15,
    handler: async ({ query, data, options, clock }) => ({
      data: await orchestratorPerformance(data.db, { since: new Date(nowOf({ options, clock }) - query.hours * 3_600_000), orchestrator: query.orchestrator, capability: query.pipeline, model: query.model, region: query.region }),
    }),
  }),
  route({
    path: '/api/v1/telemetry/orchestrators/{address}/reliability',
    tag: 'telemetry',
    summary: "An orchestrator's reliability: hourly success rate and p95, error codes, regions, gateway events",
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ days: intParam(1, 400, 'window in days (default 7)').default(7), pipeline: slug.optional() }),
    response: z.object({
      orchestrator: z.string(), jobs: z.number(), successes: z.number(), successRate: z.number().nullable(),
      hours: z.array(z.object({ hour: z.string(), jobs: z.number(), successes: z.number(), p95Ms: ms })),
      errors: z.array(z.object({ errorCode: z.string(), count: z.number() })),
      byRegion: z.array(z.object({ region: z.string(), jobs: z.number(), successes: z.number(), p50Ms: ms, p95Ms: ms, p99Ms: ms })),
      events: z.array(z.object({ type: z.string(), subtype: z.string(), count: z.number() })),
      pipelines: z.array(z.string()),
    }),
    cache: 'none',
    maxAge: 15,
    handler: async ({ params, query, data, options, clock }) => reliability(data.db, { since: new Date(nowOf({ options, clock }) - query.days * DAY_MS), orchestrator: params.address, capability: query.pipeline }),
  }),
  route({
    path: '/api/v1/telemetry/capacity',
    tag: 'telemetry',
    summary: 'Served capacity per capability, model and region',
    query: z.strictObject({ days: intParam(1, 400, 'window in days (default 7)').default(7), pipeline: slug.optional(), region: region.optional() }),
    response: z.object({
      data: z.array(z.object({ capability: z.string(), model: z.string(), region: z.string(), orchestrators: z.number(), jobs: z.number(), successes: z.number(), successRate: z.number(), peakHourJobs: z.number(), meanHourJobs: z.number(), units: z.string(), p50Ms: ms, p95Ms: ms, unserved: z.number() })),
    }),
    cache: 'window',
    maxAge: 30,
    handler: async ({ query, data, options, clock }) => ({ data: await capacity(data.db, { since: new Date(nowOf({ options, clock }) - query.days * DAY_MS), capability: query.pipeline, region: query.region }) }),
  }),
  route({
    path: '/api/v1/telemetry/demand',
    tag: 'telemetry',
    summary: 'Demand by gateway, capability, model or orchestrator, joined with on-chain tickets, with a fan forecast',
    query: z.strictObject({
      by: z.enum(DEMAND_DIMENSIONS).default('gateway'),
      days: intParam(1, 400, 'window in days (default 30)').default(30),
      horizon: intParam(1, 90, 'forecast days (default 14)').default(14),
    }),
    response: z.object({
      by: z.string(), days: z.array(z.string()),
      series: z.array(z.object({ key: z.string(), jobs: z.array(z.number()), reported: z.array(amountSchema), onchain: z.array(amountSchema) })),
      totals: z.object({ jobs: z.array(z.number()), reported: z.array(amountSchema), onchain: z.array(amountSchema), paymentEv: z.array(amountSchema) }),
      unserved: z.object({ requests: z.number(), unserved: z.number(), share: z.number().nullable(), dailyShare: z.array(z.number().nullable()) }),
      forecast: z.object({ onchainEth: fanSchema, jobs: fanSchema }),
    }),
    cache: 'window',
    maxAge: 60,
    handler: async ({ query, data, options, clock }) => {
      const t = nowOf({ options, clock });
      const until = new Date(Math.floor(t / DAY_MS) * DAY_MS + DAY_MS);
      const d = await demand(data.db, { since: new Date(until.getTime() - query.days * DAY_MS), until, by: query.by, horizonDays: query.horizon });
      return {
        by: d.by,
        days: d.days,
        series: d.series.map((s) => ({ key: s.key, jobs: s.jobs, reported: s.reportedWei.map(eth), onchain: s.onchainWei.map(eth) })),
        totals: { jobs: d.totals.jobs, reported: d.totals.reportedWei.map(eth), onchain: d.totals.onchainWei.map(eth), paymentEv: d.totals.paymentEvWei.map(eth) },
        unserved: d.unserved,
        forecast: d.forecast,
      };
    },
  }),
];
