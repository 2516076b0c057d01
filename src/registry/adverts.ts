import { z } from 'zod';
import { BYOC, capabilityId, idsFromBitstring, isAiCapability, MAX_CAPABILITY_ID, parseVersion } from './capabilities.js';
import { AtlasError } from '../base/errors.js';

/**
 * Capability adverts in go-livepeer terms: what an orchestrator offers (capabilities, per-model
 * constraints, hardware), at what price (exact rationals: wei per `pixelsPerUnit` units), where (regions)
 * and with which self-declared tags. Two input forms normalize to one `Advert`: Atlas' own advert JSON and
 * an OrchestratorInfo as a gateway's network-capabilities snapshot returns it.
 */

/** A price as go-livepeer states it: `pricePerUnit` wei for every `pixelsPerUnit` units (pixels, ms, tokens). */
export interface Price {
  pricePerUnit: bigint;
  pixelsPerUnit: bigint;
}

export interface AdvertPrice extends Price {
  /** null: the general transcoding price (OrchestratorInfo.price_info). */
  capability: number | null;
  /** null: applies to every model of the capability. */
  model: string | null;
}

export interface ModelOffer {
  capability: number;
  model: string;
  warm: boolean;
  capacity: number;
  capacityInUse: number;
  runnerVersion: string | null;
}

export interface Gpu {
  id: string;
  name: string;
  major: number;
  minor: number;
  /** bytes */
  memoryTotal: bigint;
  /** bytes */
  memoryFree: bigint;
}

export interface HardwareEntry {
  pipeline: string;
  model: string;
  gpus: Gpu[];
}

export interface Advert {
  orchestrator: string;
  serviceUri: string | null;
  /** go-livepeer node version (Capabilities.version). */
  version: string | null;
  capabilities: number[];
  mandatories: number[];
  /** capability id → sessions it can run (Capabilities.capacities). */
  capacities: Record<number, number>;
  models: ModelOffer[];
  prices: AdvertPrice[];
  hardware: HardwareEntry[];
  regions: string[];
  tags: string[];
}

/** A malformed advert or profile (400). */
export class AdvertError extends AtlasError {
  override name = 'AdvertError';
  constructor(message: string) {
    super('bad_request', message);
  }
}

// ------------------------------------------------------------------ zod pieces shared by both input forms

const INT64_MAX = 2n ** 63n - 1n;

/** Non-negative integer from a JSON number (must be exact) or a decimal string (protojson int64). */
export const uintInput = (max: bigint, what: string) =>
  z.union([z.number(), z.string()]).transform((v, ctx): bigint => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) {
        ctx.addIssue({ code: 'custom', message: `${what} must be a non-negative whole number; send values above 2^53 as decimal strings` });
        return z.NEVER;
      }
      return BigInt(v);
    }
    if (!/^\d{1,30}$/.test(v.trim())) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a non-negative whole number, got ${JSON.stringify(v.slice(0, 40))}` });
      return z.NEVER;
    }
    const b = BigInt(v.trim());
    if (b > max) {
      ctx.addIssue({ code: 'custom', message: `${what} must be at most ${max}` });
      return z.NEVER;
    }
    return b;
  });

const smallUint = (what: string) =>
  uintInput(2n ** 32n - 1n, what).transform((b) => Number(b));

export const capabilityInput = z.union([z.number(), z.string().max(64)]).transform((v, ctx): number => {
  const id = capabilityId(v);
  if (id === null) {
    ctx.addIssue({ code: 'custom', message: `unknown capability ${JSON.stringify(v)}: use a go-livepeer id (0–${MAX_CAPABILITY_ID}), slug such as "text-to-image" or name` });
    return z.NEVER;
  }
  return id;
});

export const versionInput = (what: string) =>
  z
    .string()
    .max(64)
    .refine((s) => parseVersion(s) !== null, { message: `${what} must be a version such as 0.8.4 or v0.8.4-rc1` });

export const modelInput = z.string().min(1, { message: 'model must not be empty' }).max(200);

export const regionInput = z
  .string()
  .regex(/^[A-Za-z0-9_-]{2,16}$/, { message: 'region must be a code such as FRA, LAX or GLOBAL (2–16 letters, digits, - or _)' })
  .transform((s) => s.toUpperCase());

export const tagInput = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._:-]{0,63}$/i, { message: 'tag must be 1–64 characters of letters, digits, . _ : - (e.g. "gdpr", "soc2")' })
  .transform((s) => s.toLowerCase());

const priceFields = {
  pricePerUnit: uintInput(INT64_MAX, 'pricePerUnit'),
  pixelsPerUnit: uintInput(INT64_MAX, 'pixelsPerUnit').refine((x) => x > 0n, { message: 'pixelsPerUnit must be at least 1' }),
};

/** A price given as a rational: { pricePerUnit, pixelsPerUnit } (wei per pixelsPerUnit units). */
export const priceInput = z.strictObject(priceFields);

const gpuInput = z.strictObject({
  id: z.string().max(64).default(''),
  name: z.string().max(128),
  major: smallUint('gpu major').default(0),
  minor: smallUint('gpu minor').default(0),
  memoryTotal: uintInput(INT64_MAX, 'memoryTotal'),
  memoryFree: uintInput(INT64_MAX, 'memoryFree').default(0n),
});

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** Atlas' own advert form: names or ids for capabilities, exact prices, hardware and regions. */
export const advertInput = z.strictObject({
  orchestrator: z.string().regex(/^0x[0-9a-fA-F]{40}$/, { message: 'orchestrator must be a 0x-prefixed 20-byte hex address' }).transform((s) => s.toLowerCase()),
  serviceUri: z.url({ protocol: /^https?$/, message: 'serviceUri must be an http(s) URL' }).max(512).nullable().default(null),
  version: versionInput('version').nullable().default(null),
  capabilities: z.array(capabilityInput).min(1, { message: 'capabilities must list at least one capability' }).max(256),
  mandatories: z.array(capabilityInput).max(256).default([]),
  capacities: z.record(z.string(), smallUint('capacity')).default({}),
  models: z
    .array(
      z.strictObject({
        capability: capabilityInput,
        model: modelInput,
        warm: z.boolean().default(false),
        capacity: smallUint('model capacity').default(1),
        capacityInUse: smallUint('capacityInUse').default(0),
        runnerVersion: versionInput('runnerVersion').nullable().default(null),
      }),
    )
    .max(500)
    .default([]),
  prices: z
    .array(z.strictObject({ capability: capabilityInput.nullable().default(null), model: modelInput.nullable().default(null), ...priceFields }))
    .max(1000)
    .default([]),
  hardware: z
    .array(z.strictObject({ pipeline: z.string().max(64), model: z.string().max(200).default(''), gpus: z.array(gpuInput).max(64) }))
    .max(200)
    .default([]),
  regions: z.array(regionInput).max(32).default([]),
  tags: z.array(tagInput).max(32).default([]),
});
export type AdvertInput = z.input<typeof advertInput>;

/** Validates an advert in Atlas' own form and normalizes it; throws AdvertError naming every bad field. */
export function parseAdvert(json: unknown): Advert {
  const r = advertInput.safeParse(json);
  if (!r.success) throw new AdvertError(issuesText(r.error));
  const a = r.data;
  const capacities: Record<number, number> = {};
  for (const [k, v] of Object.entries(a.capacities)) {
    const id = capabilityId(k);
    if (id === null) throw new AdvertError(`capacities: unknown capability ${JSON.stringify(k)}`);
    capacities[id] = v;
  }
  return finish({
    orchestrator: a.orchestrator,
    serviceUri: a.serviceUri,
    version: a.version,
    capabilities: a.capabilities,
    mandatories: a.mandatories,
    capacities,
    models: a.models,
    prices: a.prices,
    hardware: a.hardware.map((h) => ({ pipeline: h.pipeline, model: h.model, gpus: h.gpus })),
    regions: a.regions,
    tags: a.tags,
  });
}

/** Cross-field checks and canonical order, so equal offers always serialize equally. */
function finish(a: Advert): Advert {
  const caps = uniq(a.capabilities).sort((x, y) => x - y);
  const have = new Set(caps);
  for (const m of a.mandatories) if (!have.has(m)) throw new AdvertError(`mandatories: capability ${m} is mandatory but not in capabilities`);
  for (const m of a.models) if (!have.has(m.capability)) throw new AdvertError(`models: ${m.model} is offered for capability ${m.capability}, which is not in capabilities`);
  for (const m of a.models) if (m.capacityInUse > m.capacity) throw new AdvertError(`models: ${m.model} has capacityInUse ${m.capacityInUse} above its capacity ${m.capacity}`);
  const seenModel = new Set<string>();
  for (const m of a.models) {
    const k = `${m.capability}|${m.model}`;
    if (seenModel.has(k)) throw new AdvertError(`models: ${m.model} is listed twice for capability ${m.capability}`);
    seenModel.add(k);
  }
  const seenPrice = new Set<string>();
  for (const p of a.prices) {
    if (p.capability === null && p.model !== null) throw new AdvertError('prices: a model price needs its capability');
    const k = `${p.capability}|${p.model}`;
    if (seenPrice.has(k)) throw new AdvertError(`prices: two prices for capability ${p.capability ?? 'transcoding'}${p.model ? ` model ${p.model}` : ''}`);
    seenPrice.add(k);
  }
  return {
    ...a,
    capabilities: caps,
    mandatories: uniq(a.mandatories).sort((x, y) => x - y),
    models: [...a.models].sort((x, y) => x.capability - y.capability || cmp(x.model, y.model)),
    prices: [...a.prices].sort((x, y) => (x.capability ?? -1) - (y.capability ?? -1) || cmp(x.model ?? '', y.model ?? '')),
    regions: uniq(a.regions).sort(),
    tags: uniq(a.tags).sort(),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function issuesText(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

// ------------------------------------------------------------------ OrchestratorInfo (go-livepeer JSON)

/** An address as 0x-hex or as base64 of 20 bytes (how Go's encoding/json and protojson render `bytes`). */
const addressBytes = z.string().transform((v, ctx): string => {
  if (/^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  const b = /^[A-Za-z0-9+/]{27}=$/.test(v) ? Buffer.from(v, 'base64') : null;
  if (b && b.length === 20) return `0x${b.toString('hex')}`;
  ctx.addIssue({ code: 'custom', message: 'address must be 0x-prefixed hex or base64 of 20 bytes' });
  return z.NEVER;
});

const wordInput = uintInput(2n ** 64n - 1n, 'bitstring word');
const priceInfoInput = z.looseObject({
  pricePerUnit: uintInput(INT64_MAX, 'pricePerUnit').default(0n),
  pixelsPerUnit: uintInput(INT64_MAX, 'pixelsPerUnit').default(0n),
  capability: smallUint('capability').optional(),
  constraint: z.string().max(200).optional(),
});

/**
 * OrchestratorInfo as JSON, with the proto field names of go-livepeer's net package. Unknown fields
 * (auth_token, storage, ticket_params details) are tolerated: newer nodes add fields.
 */
export const orchestratorInfoInput = z.looseObject({
  transcoder: z.string().max(512).optional(),
  orch_uri: z.string().max(512).optional(),
  address: addressBytes.optional(),
  ticket_params: z.looseObject({ recipient: addressBytes.optional() }).optional(),
  price_info: priceInfoInput.nullable().optional(),
  capabilities: z
    .looseObject({
      bitstring: z.array(wordInput).max(4).default([]),
      mandatories: z.array(wordInput).max(4).default([]),
      capacities: z.record(z.string(), smallUint('capacity')).default({}),
      version: z.string().max(64).default(''),
      constraints: z
        .looseObject({
          minVersion: z.string().max(64).optional(),
          PerCapability: z
            .record(
              z.string(),
              z.looseObject({
                models: z
                  .record(
                    z.string(),
                    z.looseObject({
                      warm: z.boolean().default(false),
                      capacity: smallUint('capacity').default(0),
                      runnerVersion: z.string().max(64).default(''),
                      capacityInUse: smallUint('capacityInUse').default(0),
                    }),
                  )
                  .default({}),
              }),
            )
            .default({}),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  capabilities_prices: z.array(priceInfoInput).max(1000).nullable().optional(),
  hardware: z
    .array(
      z.looseObject({
        pipeline: z.string().max(64).default(''),
        model_id: z.string().max(200).default(''),
        gpu_info: z
          .record(
            z.string(),
            z.looseObject({
              id: z.string().max(64).default(''),
              name: z.string().max(128).default(''),
              major: smallUint('major').default(0),
              minor: smallUint('minor').default(0),
              memory_free: uintInput(INT64_MAX, 'memory_free').default(0n),
              memory_total: uintInput(INT64_MAX, 'memory_total').default(0n),
            }),
          )
          .default({}),
      }),
    )
    .max(200)
    .nullable()
    .optional(),
});

/**
 * An OrchestratorInfo (or one entry of a network-capabilities snapshot) → Advert. The orchestrator is
 * `address`, else ticket_params.recipient; go-livepeer sends empty strings and zero prices for unset
 * fields, which become nulls and absent prices here.
 */
export function advertFromOrchestratorInfo(json: unknown, extra: { regions?: string[]; tags?: string[] } = {}): Advert {
  const r = orchestratorInfoInput.safeParse(json);
  if (!r.success) throw new AdvertError(issuesText(r.error));
  const o = r.data;
  const orchestrator = o.address ?? o.ticket_params?.recipient;
  if (!orchestrator) throw new AdvertError('OrchestratorInfo has neither address nor ticket_params.recipient');
  const caps = o.capabilities ?? { bitstring: [], mandatories: [], capacities: {}, version: '', constraints: null };
  const capabilities = idsFromBitstring(caps.bitstring);
  if (capabilities.length === 0) throw new AdvertError('OrchestratorInfo.capabilities.bitstring names no capability');
  const capacities: Record<number, number> = {};
  for (const [k, v] of Object.entries(caps.capacities)) {
    if (!/^\d{1,3}$/.test(k) || Number(k) > MAX_CAPABILITY_ID) throw new AdvertError(`capabilities.capacities: key ${JSON.stringify(k)} is not a capability id`);
    capacities[Number(k)] = v;
  }
  const models: ModelOffer[] = [];
  for (const [k, c] of Object.entries(caps.constraints?.PerCapability ?? {})) {
    if (!/^\d{1,3}$/.test(k) || Number(k) > MAX_CAPABILITY_ID) throw new AdvertError(`capabilities.constraints.PerCapability: key ${JSON.stringify(k)} is not a capability id`);
    for (const [model, m] of Object.entries(c.models)) {
      if (m.runnerVersion && !parseVersion(m.runnerVersion)) throw new AdvertError(`runnerVersion of ${model}: ${JSON.stringify(m.runnerVersion)} is not a version`);
      models.push({ capability: Number(k), model, warm: m.warm, capacity: m.capacity, capacityInUse: Math.min(m.capacityInUse, m.capacity), runnerVersion: m.runnerVersion || null });
    }
  }
  const prices: AdvertPrice[] = [];
  const pi = o.price_info;
  if (pi && pi.pixelsPerUnit > 0n) prices.push({ capability: null, model: null, pricePerUnit: pi.pricePerUnit, pixelsPerUnit: pi.pixelsPerUnit });
  for (const p of o.capabilities_prices ?? []) {
    if (p.pixelsPerUnit === 0n) continue; // unset in go-livepeer's zero-value encoding
    if (p.capability === undefined) throw new AdvertError('capabilities_prices: an entry has no capability');
    prices.push({ capability: p.capability, model: p.constraint ? p.constraint : null, pricePerUnit: p.pricePerUnit, pixelsPerUnit: p.pixelsPerUnit });
  }
  const hardware: HardwareEntry[] = (o.hardware ?? []).map((h) => ({
    pipeline: h.pipeline,
    model: h.model_id,
    gpus: Object.values(h.gpu_info).map((g) => ({ id: g.id, name: g.name, major: g.major, minor: g.minor, memoryTotal: g.memory_total, memoryFree: g.memory_free })),
  }));
  const version = caps.version && parseVersion(caps.version) ? caps.version : null;
  const serviceUri = o.transcoder || o.orch_uri || null;
  const regions = z.array(regionInput).max(32).safeParse(extra.regions ?? []);
  const tags = z.array(tagInput).max(32).safeParse(extra.tags ?? []);
  if (!regions.success) throw new AdvertError(`regions: ${issuesText(regions.error)}`);
  if (!tags.success) throw new AdvertError(`tags: ${issuesText(tags.error)}`);
  return finish({
    orchestrator,
    serviceUri,
    version,
    capabilities,
    mandatories: idsFromBitstring(caps.mandatories),
    capacities,
    models: models.filter((m) => capabilities.includes(m.capability)),
    prices: dedupePrices(prices),
    hardware,
    regions: regions.data,
    tags: tags.data,
  });
}

// A snapshot can repeat a price entry; the last one wins, as a map keyed by (capability, model) would.
function dedupePrices(ps: AdvertPrice[]): AdvertPrice[] {
  const m = new Map<string, AdvertPrice>();
  for (const p of ps) m.set(`${p.capability}|${p.model}`, p);
  return [...m.values()];
}

// ------------------------------------------------------------------ JSON form (bigint → string) and lookups

export interface AdvertJson {
  orchestrator: string;
  serviceUri: string | null;
  version: string | null;
  capabilities: number[];
  mandatories: number[];
  capacities: Record<string, number>;
  models: ModelOffer[];
  prices: { capability: number | null; model: string | null; pricePerUnit: string; pixelsPerUnit: string }[];
  hardware: { pipeline: string; model: string; gpus: { id: string; name: string; major: number; minor: number; memoryTotal: string; memoryFree: string }[] }[];
  regions: string[];
  tags: string[];
}

export function advertToJson(a: Advert): AdvertJson {
  return {
    ...a,
    capacities: Object.fromEntries(Object.entries(a.capacities).map(([k, v]) => [k, v])),
    prices: a.prices.map((p) => ({ ...p, pricePerUnit: p.pricePerUnit.toString(), pixelsPerUnit: p.pixelsPerUnit.toString() })),
    hardware: a.hardware.map((h) => ({ ...h, gpus: h.gpus.map((g) => ({ ...g, memoryTotal: g.memoryTotal.toString(), memoryFree: g.memoryFree.toString() })) })),
  };
}

export function advertFromJson(j: AdvertJson): Advert {
  return {
    ...j,
    capacities: Object.fromEntries(Object.entries(j.capacities).map(([k, v]) => [Number(k), v])),
    prices: j.prices.map((p) => ({ ...p, pricePerUnit: BigInt(p.pricePerUnit), pixelsPerUnit: BigInt(p.pixelsPerUnit) })),
    hardware: j.hardware.map((h) => ({ ...h, gpus: h.gpus.map((g) => ({ ...g, memoryTotal: BigInt(g.memoryTotal), memoryFree: BigInt(g.memoryFree) })) })),
  };
}

/**
 * The price an orchestrator charges for (capability, model): the model's own price, else the capability's,
 * else — for transcoding capabilities only — the general price_info. null when it states none.
 */
export function priceFor(a: Pick<Advert, 'prices'>, capability: number, model: string | null): Price | null {
  let cap: Price | null = null;
  let general: Price | null = null;
  for (const p of a.prices) {
    if (p.capability === capability && model !== null && p.model === model) return p;
    if (p.capability === capability && p.model === null) cap = p;
    if (p.capability === null) general = p;
  }
  return cap ?? (isAiCapability(capability) ? null : general);
}

/** a ≤ b for rationals pricePerUnit/pixelsPerUnit, by cross-multiplication (exact). */
export function priceAtMost(a: Price, b: Price): boolean {
  return a.pricePerUnit * b.pixelsPerUnit <= b.pricePerUnit * a.pixelsPerUnit;
}

/** Compare two rationals: negative when a < b. */
export function comparePrices(a: Price, b: Price): number {
  const l = a.pricePerUnit * b.pixelsPerUnit;
  const r = b.pricePerUnit * a.pixelsPerUnit;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Price in wei per unit as a float, for charts and sorting at the edge only. */
export function priceNumber(p: Price): number {
  return Number(p.pricePerUnit) / Number(p.pixelsPerUnit);
}

/** The advert's capabilities that were named as BYOC external capabilities (models of capability 37). */
export function byocNames(a: Pick<Advert, 'models'>): string[] {
  return a.models.filter((m) => m.capability === BYOC).map((m) => m.model);
}
