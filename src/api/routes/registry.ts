// Capability registry endpoints: signed orchestrator adverts and gateway snapshot imports with their history,
// signed gateway requirement profiles, the matcher ("who can run my workload, at what price, how reliably"),
// supply and demand by tag and the orchestrator market report. All over off-chain data: never cached.
import { z } from 'zod';
import { AdvertError, advertFromOrchestratorInfo, advertToJson, priceNumber, type Advert, type Price } from '../../registry/adverts.js';
import { CAPABILITIES, capabilityName } from '../../registry/capabilities.js';
import { match, prepareCandidates, type CandidateSet, type Match, type PreparedCandidate } from '../../registry/matcher.js';
import { parseRequirements, requirementsToJson, type Requirements } from '../../registry/profiles.js';
import { requireGateway, requireGatewayOrOrchestrator, requireOrchestrator, requireRegistered } from '../../registry/authority.js';
import { MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_ORCHESTRATORS, verifySignedAdvert, verifySignedProfile, verifySignedSnapshot } from '../../registry/statements.js';
import {
  advertHistory,
  currentAdverts,
  currentProfiles,
  importSnapshot,
  insertProfile,
  insertSignedAdvert,
  candidateVersion,
  loadCandidates,
  profileByName,
  profileVersions,
  advertVersions,
  requoteStats,
  type StoredAdvert,
  type StoredProfile,
} from '../../registry/store.js';
import { marketReport, supplyDemand, supplyDemandSeries, tagOf, type PriceStats, type TagSupplyDemand } from '../../registry/supplyDemand.js';
import { observedDemand, observedDemandByDay, telemetryFor } from '../../registry/telemetrySource.js';
import type { Db } from '../../read/db.js';
import { indexedChainId } from '../../read/network.js';
import { AtlasError } from '../errors.js';
import { amountSchema, lpt } from '../format.js';
import { route, type RouteOptions } from '../route.js';
import { addressParam, boolParam, decimalParam, intParam, tokenAmountParam } from '../schemas.js';

const DAY = 86_400;
/** Unix seconds on the app's clock. */
const seconds = (clock: () => number) => Math.floor(clock() / 1000);
/** Gateways accepted besides on-chain ones (ATLAS_TELEMETRY_GATEWAYS): the same operators may publish profiles and import snapshots. */
const gatewayAllowList = (o: RouteOptions) => new Set((o.telemetry?.allowList ?? []).map((a) => a.toLowerCase()));

/** Chain id of the EIP-712 domain: the indexed network's (Arbitrum One 42161, else the simulator's 31337). */
// ------------------------------------------------------------------ schemas

const priceSchema = z
  .object({
    pricePerUnit: z.string().meta({ description: 'wei, exact integer' }),
    pixelsPerUnit: z.string().meta({ description: 'units (pixels, ms, tokens) the price covers' }),
    weiPerUnit: z.number().meta({ description: 'pricePerUnit / pixelsPerUnit as a float, for display' }),
  })
  .meta({ id: 'RegistryPrice' });
const priceJson = (p: Price | null) => (p === null ? null : { pricePerUnit: p.pricePerUnit.toString(), pixelsPerUnit: p.pixelsPerUnit.toString(), weiPerUnit: priceNumber(p) });

const modelOfferSchema = z.object({ capability: z.number().int(), model: z.string(), warm: z.boolean(), capacity: z.number().int(), capacityInUse: z.number().int(), runnerVersion: z.string().nullable() });
const advertSchema = z
  .object({
    orchestrator: z.string(),
    serviceUri: z.string().nullable(),
    version: z.string().nullable(),
    capabilities: z.array(z.number().int()),
    mandatories: z.array(z.number().int()),
    capacities: z.record(z.string(), z.number().int()),
    models: z.array(modelOfferSchema),
    prices: z.array(z.object({ capability: z.number().int().nullable(), model: z.string().nullable(), pricePerUnit: z.string(), pixelsPerUnit: z.string() })),
    hardware: z.array(z.object({ pipeline: z.string(), model: z.string(), gpus: z.array(z.object({ id: z.string(), name: z.string(), major: z.number(), minor: z.number(), memoryTotal: z.string(), memoryFree: z.string() })) })),
    regions: z.array(z.string()),
    tags: z.array(z.string()),
  })
  .meta({ id: 'CapabilityAdvert' });
const storedAdvertSchema = z
  .object({
    id: z.number().int(),
    source: z.enum(['signed', 'snapshot']),
    seq: z.string().nullable(),
    issuedAt: z.number().int(),
    lastSeenAt: z.number().int(),
    priceChanged: z.boolean(),
    capabilitiesChanged: z.boolean(),
    submittedBy: z.string().nullable().meta({ description: 'signer of the record: the orchestrator (signed) or the gateway whose signed snapshot it came from' }),
    advert: advertSchema,
  })
  .meta({ id: 'StoredAdvert' });
const storedJson = (s: StoredAdvert) => ({
  id: s.id,
  source: s.source,
  seq: s.seq,
  issuedAt: s.issuedAt,
  lastSeenAt: s.lastSeenAt,
  priceChanged: s.priceChanged,
  capabilitiesChanged: s.capabilitiesChanged,
  submittedBy: s.submittedBy,
  advert: advertToJson(s.advert),
});

const requirementsSchema = z
  .object({
    capability: z.number().int(),
    model: z.string().nullable(),
    extraCapabilities: z.array(z.number().int()),
    warm: z.boolean(),
    minVersion: z.string().nullable(),
    minRunnerVersion: z.string().nullable(),
    maxPrice: z.object({ pricePerUnit: z.string(), pixelsPerUnit: z.string() }).nullable(),
    minSuccessRate: z.number().nullable(),
    maxP95LatencyMs: z.number().nullable(),
    region: z.string().nullable(),
    minVramBytes: z.string().nullable(),
    tags: z.array(z.string()),
    minStake: z.string().nullable(),
    activeOnly: z.boolean(),
  })
  .meta({ id: 'Requirements' });

const profileSchema = z
  .object({ id: z.number().int(), gateway: z.string(), name: z.string(), description: z.string(), expectedSessions: z.number().int(), seq: z.string(), issuedAt: z.number().int(), requirements: requirementsSchema, tag: z.string() })
  .meta({ id: 'GatewayProfile' });

const telemetrySchema = z.object({ successRate: z.number(), p95LatencyMs: z.number().nullable(), samples: z.number().int() }).nullable();
const candidateFacts = {
  address: z.string(),
  serviceUri: z.string().nullable(),
  version: z.string().nullable(),
  regions: z.array(z.string()),
  stake: amountSchema.meta({ description: 'bonded stake (LPT)' }),
  active: z.boolean(),
  verified: z.boolean().meta({ description: 'advert signed by the orchestrator (false: seen in a gateway snapshot)' }),
  advertAt: z.number().int(),
};
const matchSchema = z
  .object({
    rank: z.number().int(),
    ...candidateFacts,
    price: priceSchema.nullable(),
    model: modelOfferSchema.nullable(),
    freeCapacity: z.number().int().nullable(),
    vramBytes: z.string().nullable(),
    telemetry: telemetrySchema,
  })
  .meta({ id: 'RegistryMatch' });
const exclusionSchema = z
  .object({ ...candidateFacts, reasons: z.array(z.object({ code: z.string(), message: z.string() })) })
  .meta({ id: 'RegistryExclusion' });
const matchResultSchema = z
  .object({
    requirements: requirementsSchema,
    profile: z.object({ gateway: z.string(), name: z.string() }).nullable(),
    candidates: z.number().int(),
    matched: z.number().int(),
    exclusionCounts: z.record(z.string(), z.number().int()).meta({ description: 'orchestrators failing each rule' }),
    matches: z.array(matchSchema),
    excluded: z.array(exclusionSchema),
  })
  .meta({ id: 'RegistryMatchResult' });

const priceStatsSchema = z
  .object({ floor: priceSchema, p50: z.number(), p90: z.number(), max: z.number(), distribution: z.array(z.number()) })
  .nullable()
  .meta({ id: 'RegistryPriceStats' });
const priceStatsJson = (p: PriceStats | null) => (p === null ? null : { ...p, floor: priceJson(p.floor)! });
const tagRowSchema = z
  .object({
    tag: z.string(),
    capability: z.number().int(),
    capabilityName: z.string(),
    model: z.string().nullable(),
    orchestrators: z.number().int(),
    warmOrchestrators: z.number().int(),
    capacity: z.number().int(),
    freeCapacity: z.number().int(),
    prices: priceStatsSchema,
    profiles: z.number().int(),
    expectedSessions: z.number().int(),
    observedJobs: z.number().int(),
    unserved: z.number().int(),
    demandToCapacity: z.number().nullable(),
    underSupplied: z.boolean(),
  })
  .meta({ id: 'TagSupplyDemand' });
const tagRowJson = (t: TagSupplyDemand) => ({ ...t, capabilityName: capabilityName(t.capability), prices: priceStatsJson(t.prices) });

// ------------------------------------------------------------------ matching

const matchQuery = z.strictObject({
  profile: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}:[a-z0-9][a-z0-9._-]{0,63}$/i, { error: 'must be <gateway address>:<profile name>' })
    .optional()
    .meta({ description: 'use a published profile, e.g. 0xabc…:sdxl-eu (the other requirement parameters must then be absent)' }),
  capability: z.string().max(64).optional().meta({ description: 'go-livepeer capability id, slug (text-to-image) or name' }),
  model: z.string().min(1).max(200).optional(),
  extraCapabilities: z.string().max(600).optional().meta({ description: 'comma-separated further capabilities the job uses' }),
  warm: boolParam.optional(),
  minVersion: z.string().max(64).optional(),
  minRunnerVersion: z.string().max(64).optional(),
  maxPrice: z
    .string()
    .regex(/^\d{1,19}(\/\d{1,19})?$/, { error: 'must be wei per unit as "pricePerUnit" or "pricePerUnit/pixelsPerUnit"' })
    .optional()
    .meta({ description: 'price cap as an exact rational, e.g. 4768371 or 10/3 (wei per unit)' }),
  minSuccessRate: decimalParam(0, 1, 'must be a number from 0 to 1', 'parts of 1, e.g. 0.95').optional(),
  maxP95LatencyMs: decimalParam(0, 86_400_000, 'must be milliseconds from 0 to 86400000').optional(),
  region: z.string().max(16).optional(),
  minVramGb: decimalParam(0, 4096, 'must be a number of GB from 0 to 4096', 'GPU memory in GB (1e9 bytes)').optional(),
  tags: z.string().max(600).optional().meta({ description: 'comma-separated tags the orchestrator must carry' }),
  minStake: tokenAmountParam('minimum bonded stake in LPT').optional(),
  activeOnly: boolParam.optional(),
  telemetryDays: intParam(1, 90, 'telemetry window in days (default 7)').default(7),
  excludedLimit: intParam(0, 10_000, 'how many excluded orchestrators to list (default 200)').default(200),
});

function requirementsFromQuery(q: z.output<typeof matchQuery>): Requirements {
  if (q.capability === undefined) throw new AdvertError('capability: required (or give profile)');
  const list = (s: string | undefined) => (s === undefined || s.trim() === '' ? [] : s.split(',').map((x) => x.trim()));
  const [ppu, pxu] = q.maxPrice?.split('/') ?? [];
  return parseRequirements({
    capability: q.capability,
    model: q.model ?? null,
    extraCapabilities: list(q.extraCapabilities),
    warm: q.warm ?? false,
    minVersion: q.minVersion ?? null,
    minRunnerVersion: q.minRunnerVersion ?? null,
    maxPrice: ppu === undefined ? null : { pricePerUnit: ppu, pixelsPerUnit: pxu ?? '1' },
    minSuccessRate: q.minSuccessRate ?? null,
    maxP95LatencyMs: q.maxP95LatencyMs ?? null,
    region: q.region ?? null,
    minVramBytes: q.minVramGb === undefined ? null : String(BigInt(Math.round(q.minVramGb * 1e3)) * 1_000_000n),
    tags: list(q.tags),
    minStake: q.minStake === undefined ? null : q.minStake.toString(),
    activeOnly: q.activeOnly ?? false,
  });
}

function factsJson(c: PreparedCandidate) {
  return { address: c.address, serviceUri: c.advert.serviceUri, version: c.advert.version, regions: c.advert.regions, stake: lpt(c.stake), active: c.active, verified: c.verified, advertAt: c.advertAt };
}

function matchJson(m: Match, i: number) {
  const t = m.telemetry;
  return {
    rank: i + 1,
    ...factsJson(m.candidate),
    price: priceJson(m.price),
    model: m.model,
    freeCapacity: m.freeCapacity,
    vramBytes: m.vramBytes?.toString() ?? null,
    telemetry: t && { successRate: t.successRate, p95LatencyMs: Number.isFinite(t.p95LatencyMs) ? t.p95LatencyMs : null, samples: t.samples },
  };
}

const candidateCache = new WeakMap<Db, { key: string; set: CandidateSet }>();

/**
 * The indexed candidate set, rebuilt only when adverts (inserted or updated: newest xmin) or the indexed
 * stake and rounds changed since the last request on this database.
 */
async function candidateSet(db: Db): Promise<CandidateSet> {
  const key = await candidateVersion(db);
  const hit = candidateCache.get(db);
  if (hit && hit.key === key) return hit.set;
  const set = prepareCandidates(await loadCandidates(db));
  candidateCache.set(db, { key, set });
  return set;
}

/** Loads candidates and telemetry for `r`, runs the matcher, serializes. */
async function runMatch(db: Db, r: Requirements, telemetryDays: number, excludedLimit: number, profile: { gateway: string; name: string } | null, now: number) {
  const candidates = await candidateSet(db);
  // Telemetry is shown for every match, so it is loaded even when no threshold asks for it.
  const telemetry = await telemetryFor(db, r, new Date((now - telemetryDays * DAY) * 1000));
  const res = match(r, candidates, telemetry);
  return {
    requirements: requirementsToJson(r),
    profile,
    candidates: candidates.length,
    matched: res.matches.length,
    exclusionCounts: res.exclusionCounts,
    matches: res.matches.map(matchJson),
    excluded: res.excludedTop(excludedLimit).map((x) => ({ ...factsJson(x.candidate), reasons: x.reasons })),
  };
}

// ------------------------------------------------------------------ supply / demand

async function supplyDemandNow(db: Db, days: number, now: number) {
  const [adverts, profiles, observed] = await Promise.all([currentAdverts(db), currentProfiles(db), observedDemand(db, new Date((now - days * DAY) * 1000))]);
  // A profile nobody can serve marks its tag under-supplied, even where capacity exists on paper.
  const candidates = await candidateSet(db);
  const unmatched = new Set<string>();
  for (const p of profiles) {
    if (match(p.profile.requirements, candidates, new Map()).matches.length === 0 && p.profile.requirements.minSuccessRate === null && p.profile.requirements.maxP95LatencyMs === null) {
      unmatched.add(tagOf(p.profile.requirements.capability, p.profile.requirements.model));
    }
  }
  return supplyDemand(adverts.map((a: StoredAdvert) => a.advert), profiles.map((p) => p.profile), observed, unmatched);
}

// ------------------------------------------------------------------ routes

const signedBodyDoc =
  'EIP-712 typed data, domain atlasDomain(chainId) (name "Livepeer Atlas", version "1"): CapabilityAdvert(address orchestrator, uint64 seq, uint64 issuedAt, string advert). ' +
  '`advert` is the JSON text signed, either Atlas advert JSON {orchestrator, serviceUri, version, capabilities, mandatories, capacities, models, prices, hardware, regions, tags} ' +
  'or {orchestratorInfo, regions, tags} wrapping a go-livepeer OrchestratorInfo. seq must grow with every advert of the orchestrator. ' +
  'The signer must be a registered orchestrator on the indexed chain: an unproven signer is a 401, a key that is no orchestrator a 403.';

export const registryRoutes = [
  route({
    path: '/api/v1/registry/capabilities',
    tag: 'registry',
    summary: 'go-livepeer capability ids, slugs and names',
    response: z.object({ data: z.array(z.object({ id: z.number().int(), slug: z.string(), name: z.string(), ai: z.boolean() })) }),
    maxAge: 3600,
    cache: 'none',
    handler: async () => ({ data: CAPABILITIES.map((c) => ({ ...c })) }),
  }),
  route({
    path: '/api/v1/registry/adverts',
    method: 'post',
    tag: 'registry',
    summary: 'Publish a signed capability advert (EIP-712)',
    description: signedBodyDoc,
    body: z.unknown(),
    maxBodyBytes: 512 * 1024,
    response: z.object({ accepted: z.boolean(), advert: storedAdvertSchema }),
    errors: [401, 403, 409],
    maxAge: 0,
    handler: async ({ body, data, clock }) => {
      const v = await verifySignedAdvert(body, await indexedChainId(data.db), seconds(clock));
      await requireOrchestrator(data.db, v.signer);
      const stored = await insertSignedAdvert(data.db, v, (body as { advert: string }).advert);
      return { accepted: true, advert: storedJson(stored) };
    },
  }),
  route({
    path: '/api/v1/registry/adverts/import',
    method: 'post',
    tag: 'registry',
    summary: "Import a gateway's signed network-capabilities snapshot (OrchestratorInfo JSON)",
    description:
      'Body: {gateway, observedAt: unix seconds, snapshot, signature}. `snapshot` is JSON text {orchestrators: [OrchestratorInfo…]} in go-livepeer field names (transcoder/orch_uri, address, price_info, ' +
      'capabilities {bitstring, mandatories, capacities, version, constraints}, capabilities_prices, hardware). EIP-712 typed data, domain atlasDomain(chainId): ' +
      'NetworkSnapshot(address gateway, uint64 observedAt, bytes32 contentHash) with contentHash = keccak256 of the snapshot text. The signer must be a gateway on chain ' +
      `(TicketBroker deposit or reserve) or on the gateway allow-list (403 otherwise); every listed address must be a registered orchestrator; at most ${MAX_SNAPSHOT_ORCHESTRATORS} orchestrators. ` +
      "Stored as source \"snapshot\" with the gateway as submittedBy; an orchestrator's own signed advert takes precedence. All entries or none are stored.",
    body: z.unknown(),
    maxBodyBytes: MAX_SNAPSHOT_BYTES + 4096,
    response: z.object({ inserted: z.array(z.string()), unchanged: z.array(z.string()), observedAt: z.number().int(), gateway: z.string() }),
    errors: [401, 403],
    maxAge: 0,
    handler: async ({ body, data, options, clock }) => {
      const v = await verifySignedSnapshot(body, await indexedChainId(data.db), seconds(clock));
      await requireGateway(data.db, v.gateway, gatewayAllowList(options));
      const adverts: Advert[] = [];
      const seen = new Set<string>();
      v.orchestrators.forEach((o, i) => {
        try {
          const a = advertFromOrchestratorInfo(o);
          if (seen.has(a.orchestrator)) throw new AdvertError(`${a.orchestrator} appears twice`);
          seen.add(a.orchestrator);
          adverts.push(a);
        } catch (e) {
          if (e instanceof AdvertError) throw new AdvertError(`orchestrators[${i}]: ${e.message}`);
          throw e;
        }
      });
      await requireRegistered(data.db, adverts.map((a) => a.orchestrator));
      const res = await importSnapshot(data.db, adverts, v.observedAt, { gateway: v.gateway, contentHash: v.contentHash, signature: v.signature });
      return { ...res, observedAt: v.observedAt, gateway: v.gateway };
    },
  }),
  route({
    path: '/api/v1/registry/adverts',
    tag: 'registry',
    summary: 'Current advert of every orchestrator (signed first, else the latest snapshot)',
    query: z.strictObject({
      capability: z.string().max(64).optional().meta({ description: 'only orchestrators offering this capability' }),
      model: z.string().max(200).optional(),
    }),
    response: z.object({ data: z.array(storedAdvertSchema) }),
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data }) => {
      let list = await currentAdverts(data.db);
      if (query.model !== undefined && query.capability === undefined) throw new AtlasError('bad_request', 'query parameter "model" needs "capability"');
      if (query.capability !== undefined) {
        const r: Requirements = parseRequirements({ capability: query.capability, model: query.model ?? null });
        list = list.filter((a) => a.advert.capabilities.includes(r.capability) && (r.model === null || a.advert.models.some((m) => m.capability === r.capability && m.model === r.model)));
      }
      return { data: list.map(storedJson) };
    },
  }),
  route({
    path: '/api/v1/registry/adverts/{address}',
    tag: 'registry',
    summary: "One orchestrator's advert history (newest first) with how often it requotes",
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ limit: intParam(1, 1000, 'versions to return (default 100)').default(100), days: intParam(1, 3650, 'requote window in days (default 30)').default(30) }),
    response: z.object({
      orchestrator: z.string(),
      requotes: z.object({ adverts: z.number().int(), priceChanges: z.number().int(), capabilityChanges: z.number().int(), priceChangesPerDay: z.number(), days: z.number().int() }),
      history: z.array(storedAdvertSchema),
    }),
    errors: [404],
    maxAge: 0,
    cache: 'none',
    handler: async ({ params, query, data, clock }) => {
      const history = await advertHistory(data.db, params.address, query.limit);
      if (history.length === 0) throw new AtlasError('not_found', `no advert from ${params.address}`);
      const s = (await requoteStats(data.db, seconds(clock) - query.days * DAY)).find((x) => x.orchestrator === params.address);
      return {
        orchestrator: params.address,
        requotes: { adverts: s?.adverts ?? 0, priceChanges: s?.priceChanges ?? 0, capabilityChanges: s?.capabilityChanges ?? 0, priceChangesPerDay: (s?.priceChanges ?? 0) / query.days, days: query.days },
        history: history.map(storedJson),
      };
    },
  }),
  route({
    path: '/api/v1/registry/requotes',
    tag: 'registry',
    summary: 'How often each orchestrator changes its prices and its offer',
    query: z.strictObject({ days: intParam(1, 3650, 'window in days (default 30)').default(30) }),
    response: z.object({ days: z.number().int(), data: z.array(z.object({ orchestrator: z.string(), adverts: z.number().int(), priceChanges: z.number().int(), capabilityChanges: z.number().int(), priceChangesPerDay: z.number(), firstAt: z.number().int(), lastAt: z.number().int() })) }),
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data, clock }) => ({ days: query.days, data: (await requoteStats(data.db, seconds(clock) - query.days * DAY)).map((s) => ({ ...s, priceChangesPerDay: s.priceChanges / query.days })) }),
  }),
  route({
    path: '/api/v1/registry/profiles',
    method: 'post',
    tag: 'registry',
    summary: 'Publish a signed gateway requirement profile (EIP-712)',
    description:
      'Typed data: domain atlasDomain(chainId); GatewayProfile(address gateway, uint64 seq, uint64 issuedAt, string profile). `profile` is the JSON text signed: ' +
      '{gateway, name, description, expectedSessions, retired, requirements {capability, model, extraCapabilities, warm, minVersion, minRunnerVersion, maxPrice {pricePerUnit, pixelsPerUnit}, minSuccessRate, maxP95LatencyMs, region, minVramBytes, tags, minStake, activeOnly}}. ' +
      'The signer must be a gateway on chain (TicketBroker deposit or reserve), on the gateway allow-list, or a registered orchestrator: an unproven signer is a 401, any other key a 403.',
    body: z.unknown(),
    maxBodyBytes: 128 * 1024,
    response: z.object({ accepted: z.boolean(), profile: profileSchema }),
    errors: [401, 403, 409],
    maxAge: 0,
    handler: async ({ body, data, options, clock }) => {
      const v = await verifySignedProfile(body, await indexedChainId(data.db), seconds(clock));
      await requireGatewayOrOrchestrator(data.db, v.signer, gatewayAllowList(options));
      const s = await insertProfile(data.db, v, (body as { profile: string }).profile);
      return { accepted: true, profile: profileJson(s) };
    },
  }),
  route({
    path: '/api/v1/registry/profiles',
    tag: 'registry',
    summary: 'Current gateway requirement profiles (job classes)',
    query: z.strictObject({ gateway: addressParam.optional() }),
    response: z.object({ data: z.array(profileSchema) }),
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data }) => ({ data: (await currentProfiles(data.db, query.gateway)).map(profileJson) }),
  }),
  route({
    path: '/api/v1/registry/match',
    tag: 'registry',
    summary: 'Orchestrators that can run a job class, ranked by price, success rate, p95 and stake, with the reasons every other one cannot',
    description:
      'Rules: node version ≥ minVersion; orchestrator mandatories ⊆ job capabilities; job capabilities ⊆ offered; model offered, warm if asked, runner ≥ minRunnerVersion (go-livepeer CompatibleWith); ' +
      'price ≤ maxPrice for (capability, model); region; GPU memory; tags; telemetry success rate and p95 over telemetryDays; stake and active set.',
    query: matchQuery,
    response: matchResultSchema,
    errors: [404],
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data, clock }) => {
      if (query.profile !== undefined) {
        const others = Object.keys(query).filter((k) => !['profile', 'telemetryDays', 'excludedLimit'].includes(k) && query[k as keyof typeof query] !== undefined);
        if (others.length) throw new AtlasError('bad_request', `query parameter "profile" cannot be combined with ${others.map((k) => `"${k}"`).join(', ')}`);
        const [gateway, name] = query.profile.split(':') as [string, string];
        const p = await profileByName(data.db, gateway.toLowerCase(), name);
        if (!p || p.retired) throw new AtlasError('not_found', `no current profile "${name}" from ${gateway.toLowerCase()}`);
        return runMatch(data.db, p.profile.requirements, query.telemetryDays, query.excludedLimit, { gateway: p.profile.gateway, name: p.profile.name }, seconds(clock));
      }
      const r = requirementsFromQuery(query);
      return runMatch(data.db, r, query.telemetryDays, query.excludedLimit, null, seconds(clock));
    },
  }),
  route({
    path: '/api/v1/registry/supply-demand',
    tag: 'registry',
    summary: 'Capacity advertised vs demand declared and observed per tag, with price floors and distributions; daily series',
    query: z.strictObject({ days: intParam(1, 365, 'window for observed demand and the series (default 30)').default(30) }),
    response: z.object({
      days: z.number().int(),
      data: z.array(tagRowSchema),
      series: z.array(z.object({ at: z.number().int(), tag: z.string(), orchestrators: z.number().int(), capacity: z.number().int(), expectedSessions: z.number().int(), observedJobs: z.number().int(), unserved: z.number().int(), priceFloor: priceSchema.nullable() })),
    }),
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data, clock }) => {
      const rows = await supplyDemandNow(data.db, query.days, seconds(clock));
      const end = Math.ceil(seconds(clock) / DAY) * DAY;
      const buckets = Array.from({ length: query.days }, (_, i) => end - (query.days - 1 - i) * DAY);
      // Versions from before the window still define what was in force on its first day.
      const [ads, profs, seen] = await Promise.all([advertVersions(data.db), profileVersions(data.db, 0), observedDemandByDay(data.db, new Date((buckets[0]! - DAY) * 1000))]);
      const series = supplyDemandSeries(ads, profs, buckets, seen).map((p) => ({ ...p, priceFloor: priceJson(p.priceFloor) }));
      return { days: query.days, data: rows.map(tagRowJson), series };
    },
  }),
  route({
    path: '/api/v1/registry/market',
    tag: 'registry',
    summary: 'Orchestrator market report: capabilities in demand and under-supplied, idle supply, prices per capability',
    query: z.strictObject({ days: intParam(1, 365, 'window for observed demand (default 30)').default(30) }),
    response: z.object({
      days: z.number().int(),
      inDemand: z.array(tagRowSchema),
      idleSupply: z.array(tagRowSchema),
      capabilityPrices: z.array(z.object({ capability: z.number().int(), tag: z.string(), capabilityName: z.string(), prices: priceStatsSchema, orchestrators: z.number().int() })),
    }),
    maxAge: 0,
    cache: 'none',
    handler: async ({ query, data, clock }) => {
      const rep = marketReport(await supplyDemandNow(data.db, query.days, seconds(clock)));
      return {
        days: query.days,
        inDemand: rep.inDemand.map(tagRowJson),
        idleSupply: rep.idleSupply.map(tagRowJson),
        capabilityPrices: rep.capabilityPrices.map((c) => ({ ...c, capabilityName: capabilityName(c.capability), prices: priceStatsJson(c.prices) })),
      };
    },
  }),
];

function profileJson(s: StoredProfile) {
  const p = s.profile;
  return { id: s.id, gateway: p.gateway, name: p.name, description: p.description, expectedSessions: p.expectedSessions, seq: s.seq, issuedAt: s.issuedAt, requirements: requirementsToJson(p.requirements), tag: tagOf(p.requirements.capability, p.requirements.model) };
}
