// Orchestrator discovery: what the registered nodes answered to GetOrchestrator (reachability, latency,
// versions, prices) and the market trends read from those answers (price floors per capability and model
// over time, node versions against gateways' minimum versions). Windows count back from the newest poll.
import { z } from 'zod';
import { priceFloors, versionDistribution, meetingMinimum, weiPerUnit, type PriceSeries } from '../../discovery/trends.js';
import { answersSince, newestPollAt, orchestratorResults, pollFailures, reachability, recentPolls } from '../../discovery/store.js';
import type { Price } from '../../registry/adverts.js';
import { capabilityId, capabilityName } from '../../registry/capabilities.js';
import { currentProfiles } from '../../registry/store.js';
import { AtlasError } from '../errors.js';
import { route } from '../route.js';
import { addressParam, intParam } from '../schemas.js';

const DAY = 86_400;

const priceSchema = z
  .object({
    pricePerUnit: z.string().meta({ description: 'wei, exact integer' }),
    pixelsPerUnit: z.string().meta({ description: 'units (pixels, ms, tokens) the price covers' }),
    weiPerUnit: z.string().meta({ description: 'pricePerUnit / pixelsPerUnit as a decimal (6 digits, truncated)' }),
  })
  .meta({ id: 'DiscoveredPrice' });
const priceJson = (p: Price) => ({ pricePerUnit: p.pricePerUnit.toString(), pixelsPerUnit: p.pixelsPerUnit.toString(), weiPerUnit: weiPerUnit(p) });

const pollSchema = z.object({
  at: z.number().int().meta({ description: 'unix s' }),
  wallMs: z.number().int(),
  targets: z.number().int().meta({ description: 'registered service URIs (both registries)' }),
  answered: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int().meta({ description: 'not asked: backing off after failures' }),
});

const capabilityLabel = (c: number | null) => (c === null ? 'Transcoding (general price)' : capabilityName(c));

function seriesJson(s: PriceSeries) {
  return {
    capability: s.capability,
    capabilityName: capabilityLabel(s.capability),
    model: s.model,
    latest: (() => {
      const p = s.points[s.points.length - 1]!;
      return { at: p.at, offers: p.offers, floor: priceJson(p.floor), median: priceJson(p.median) };
    })(),
    points: s.points.map((p) => ({ at: p.at, offers: p.offers, floor: priceJson(p.floor), median: priceJson(p.median) })),
  };
}
const seriesSchema = z.object({
  capability: z.number().int().nullable().meta({ description: 'go-livepeer capability id; null: the general transcoding price' }),
  capabilityName: z.string(),
  model: z.string().nullable(),
  latest: z.object({ at: z.number().int(), offers: z.number().int(), floor: priceSchema, median: priceSchema }),
  points: z.array(z.object({ at: z.number().int(), offers: z.number().int().meta({ description: 'orchestrators quoting it in the bucket' }), floor: priceSchema, median: priceSchema })),
});

const daysQuery = (dflt: number) => intParam(1, 3650, `window in days back from the newest poll (default ${dflt})`).default(dflt);

export const discoveryRoutes = [
  route({
    path: '/api/v1/discovery',
    tag: 'discovery',
    summary: 'Discovery polls of every registered orchestrator',
    description:
      'Atlas asks every orchestrator registered in ServiceRegistry and AIServiceRegistry for its OrchestratorInfo at its service URI, as gateways do (go-livepeer GetOrchestrator over gRPC/TLS), on a schedule with timeouts and backoff. The newest poll, its failures by kind and the polls before it.',
    query: z.strictObject({ polls: intParam(1, 500, 'polls listed (default 30)').default(30) }),
    response: z.object({ latest: pollSchema.nullable(), failures: z.array(z.object({ kind: z.string(), count: z.number().int() })), polls: z.array(pollSchema) }),
    maxAge: 10,
    cache: 'none',
    handler: async ({ query, data }) => {
      const polls = await recentPolls(data.db, query.polls);
      const latest = polls[0] ?? null;
      const strip = ({ id: _id, ...p }: (typeof polls)[number]) => p;
      return { latest: latest ? strip(latest) : null, failures: latest ? await pollFailures(data.db, latest.id) : [], polls: polls.map(strip) };
    },
  }),
  route({
    path: '/api/v1/discovery/orchestrators',
    tag: 'discovery',
    summary: 'Reachability, latency and version of each orchestrator’s nodes',
    query: z.strictObject({
      days: daysQuery(7),
      sort: z.enum(['reachability', 'latency', 'address']).default('reachability').meta({ description: 'reachability: least reachable first; latency: slowest first' }),
      limit: intParam(1, 2000, 'rows (default 200)').default(200),
    }),
    response: z.object({
      since: z.number().int().nullable(),
      data: z.array(
        z.object({
          orchestrator: z.string(),
          serviceUri: z.string().nullable(),
          aiServiceUri: z.string().nullable(),
          asked: z.number().int(),
          answered: z.number().int(),
          reachability: z.number().meta({ description: 'answered / asked in the window, 0–1' }),
          lastAnsweredAt: z.number().int().nullable(),
          lastFailure: z.string().nullable(),
          lastFailureAt: z.number().int().nullable(),
          medianLatencyMs: z.number().nullable(),
          version: z.string().nullable(),
        }),
      ),
    }),
    maxAge: 10,
    cache: 'none',
    handler: async ({ query, data }) => {
      const newest = await newestPollAt(data.db);
      if (newest === null) return { since: null, data: [] };
      const since = newest - query.days * DAY;
      const rows = (await reachability(data.db, since)).map((r) => ({ ...r, reachability: r.asked === 0 ? 0 : r.answered / r.asked }));
      const sorted =
        query.sort === 'address'
          ? rows
          : query.sort === 'latency'
            ? rows.sort((a, b) => (b.medianLatencyMs ?? -1) - (a.medianLatencyMs ?? -1) || a.orchestrator.localeCompare(b.orchestrator))
            : rows.sort((a, b) => a.reachability - b.reachability || a.orchestrator.localeCompare(b.orchestrator));
      return { since, data: sorted.slice(0, query.limit) };
    },
  }),
  route({
    path: '/api/v1/discovery/orchestrators/{address}',
    tag: 'discovery',
    summary: 'One orchestrator’s discovery history: every answer and failure, and its quoted prices over time',
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ days: daysQuery(30) }),
    response: z.object({
      orchestrator: z.string(),
      results: z.array(
        z.object({
          at: z.number().int(),
          registry: z.enum(['service', 'ai']),
          uri: z.string(),
          ok: z.boolean(),
          failure: z.string().nullable(),
          detail: z.string().nullable(),
          latencyMs: z.number().nullable(),
          version: z.string().nullable(),
        }),
      ),
      prices: z.array(seriesSchema),
    }),
    errors: [404],
    maxAge: 10,
    cache: 'none',
    handler: async ({ params, query, data }) => {
      const newest = await newestPollAt(data.db);
      const since = (newest ?? 0) - query.days * DAY;
      const results = await orchestratorResults(data.db, params.address, since);
      if (results.length === 0) throw new AtlasError('not_found', `no discovery answer or failure of ${params.address} in the last ${query.days} days`);
      const prices = priceFloors(await answersSince(data.db, since, params.address), 1).map(seriesJson);
      return { orchestrator: params.address, results: results.map(({ prices: _p, ...r }) => r), prices };
    },
  }),
  route({
    path: '/api/v1/trends/prices',
    tag: 'discovery',
    summary: 'Price floors per capability and model over time',
    description:
      'From the discovery answers: per day (or hour), the lowest and the median price quoted for each capability and model, each orchestrator counted once with its latest quote. Prices are exact rationals (wei per unit).',
    query: z.strictObject({
      days: daysQuery(30),
      bucket: z.enum(['hour', 'day']).default('day'),
      capability: z
        .string()
        .max(64)
        .optional()
        .meta({ description: 'capability id, slug or name (e.g. text-to-image); "transcoding" for the general price' }),
      model: z.string().max(200).optional(),
    }),
    response: z.object({ since: z.number().int().nullable(), bucketSeconds: z.number().int(), series: z.array(seriesSchema) }),
    maxAge: 10,
    cache: 'none',
    handler: async ({ query, data }) => {
      const bucketSeconds = query.bucket === 'hour' ? 3600 : DAY;
      let cap: number | null | undefined;
      if (query.capability !== undefined) {
        cap = query.capability === 'transcoding' ? null : capabilityId(query.capability);
        if (cap === null && query.capability !== 'transcoding') throw new AtlasError('bad_request', `capability: unknown capability ${JSON.stringify(query.capability)}`);
      }
      const newest = await newestPollAt(data.db);
      if (newest === null) return { since: null, bucketSeconds, series: [] };
      const since = newest - query.days * DAY;
      const series = priceFloors(await answersSince(data.db, since), bucketSeconds).filter((s) => (cap === undefined || s.capability === cap) && (query.model === undefined || s.model === query.model));
      return { since, bucketSeconds, series: series.map(seriesJson) };
    },
  }),
  route({
    path: '/api/v1/trends/versions',
    tag: 'discovery',
    summary: 'Node versions across the network against gateways’ minimum versions',
    description:
      'The go-livepeer version each orchestrator’s nodes reported in their latest answer, how many meet each minimum version gateways require in their published job classes, and the distribution day by day.',
    query: z.strictObject({ days: daysQuery(30) }),
    response: z.object({
      since: z.number().int().nullable(),
      orchestrators: z.number().int(),
      distribution: z.array(z.object({ version: z.string(), orchestrators: z.number().int(), share: z.number() })),
      minimums: z.array(z.object({ gateway: z.string(), jobClass: z.string(), minVersion: z.string(), meeting: z.number().int(), share: z.number() })),
      history: z.array(z.object({ at: z.number().int(), latest: z.string().nullable(), onLatest: z.number(), versions: z.array(z.object({ version: z.string(), orchestrators: z.number().int() })) })),
    }),
    maxAge: 10,
    cache: 'none',
    handler: async ({ query, data }) => {
      const newest = await newestPollAt(data.db);
      if (newest === null) return { since: null, orchestrators: 0, distribution: [], minimums: [], history: [] };
      const since = newest - query.days * DAY;
      const answers = await answersSince(data.db, since);
      const dist = versionDistribution(answers);
      const total = dist.reduce((s, d) => s + d.orchestrators, 0);
      const share = (n: number) => (total === 0 ? 0 : n / total);
      const minimums = (await currentProfiles(data.db))
        .filter((p) => p.profile.requirements.minVersion !== null)
        .map((p) => {
          const meeting = meetingMinimum(dist, p.profile.requirements.minVersion!);
          return { gateway: p.profile.gateway, jobClass: p.profile.name, minVersion: p.profile.requirements.minVersion!, meeting, share: share(meeting) };
        });
      const byDay = new Map<number, typeof answers>();
      for (const a of answers) {
        const d = Math.floor(a.at / DAY) * DAY;
        byDay.set(d, [...(byDay.get(d) ?? []), a]);
      }
      const history = [...byDay]
        .sort((a, b) => a[0] - b[0])
        .map(([at, xs]) => {
          const versions = versionDistribution(xs);
          const n = versions.reduce((s, v) => s + v.orchestrators, 0);
          const latest = versions[0]?.version ?? null;
          return { at, latest, onLatest: n === 0 ? 0 : (versions[0]?.orchestrators ?? 0) / n, versions };
        });
      return { since, orchestrators: total, distribution: dist.map((d) => ({ ...d, share: share(d.orchestrators) })), minimums, history };
    },
  }),
];
