import { comparePrices, priceAtMost, priceFor, type Advert, type AdvertPrice, type ModelOffer, type Price } from './adverts.js';
import { capabilityName, capabilitySlug, compareVersions, parseVersion, type Version } from './capabilities.js';
import type { Requirements } from './profiles.js';

/**
 * The matcher: which orchestrators can run a gateway's job class, ranked, and why every other one cannot.
 * Compatibility follows go-livepeer's CompatibleWith (facts §4): node version ≥ the gateway's minimum,
 * the orchestrator's mandatory capabilities ⊆ the job's, the job's capabilities ⊆ the orchestrator's,
 * the model offered (warm if asked, runner version ≥ minimum). On top: price caps per (capability,
 * model), telemetry thresholds, stake, region, GPU memory and tags. Pure: no IO, inputs in, ranking out.
 */

/** Telemetry for one orchestrator on the job's (pipeline, model, region): rates derived from counts. */
export interface TelemetryStats {
  /** Parts of 1. */
  successRate: number;
  /** milliseconds */
  p95LatencyMs: number;
  /** jobs/segments the rates are derived from */
  samples: number;
}

export interface Candidate {
  advert: Advert;
  /** LPT-wei bonded (transcoder.total_stake); 0 for an address the chain does not know. */
  stake: bigint;
  active: boolean;
  /** Signed by the orchestrator (true) or imported from a gateway snapshot (false). */
  verified: boolean;
  /** unix seconds of the advert */
  advertAt: number;
}

/** A candidate with its advert pre-indexed once, so each query is a linear scan without parsing. */
export interface PreparedCandidate extends Candidate {
  address: string;
  version: Version | null;
  /** Capability bits: bit (id % 32) of word id / 32 (ids up to 255). */
  capWords: Int32Array;
  mandWords: Int32Array;
  hasMandatories: boolean;
  /** capability → its own price, its models' prices (with a float for the fast path of price caps) */
  prices: Map<number, { cap: PreparedPrice | null; models: Map<string, PreparedPrice> }>;
  general: PreparedPrice | null;
  /** capability → model → offer */
  models: Map<number, Map<string, ModelOffer & { runner: Version | null }>>;
  regions: Set<string>;
  tags: Set<string>;
}

export type ExclusionCode =
  | 'version'
  | 'mandatory'
  | 'capability'
  | 'model'
  | 'warm'
  | 'runner_version'
  | 'price'
  | 'no_price'
  | 'region'
  | 'vram'
  | 'tags'
  | 'no_telemetry'
  | 'success_rate'
  | 'latency'
  | 'stake'
  | 'inactive';

export interface Exclusion {
  code: ExclusionCode;
  message: string;
}

export interface Match {
  address: string;
  price: Price | null;
  model: ModelOffer | null;
  /** Sessions the orchestrator states it can still take for the job (model capacity − in use, else capability capacity). */
  freeCapacity: number | null;
  /** bytes, largest GPU serving the pipeline */
  vramBytes: bigint | null;
  telemetry: TelemetryStats | null;
  candidate: PreparedCandidate;
}

export interface Excluded {
  address: string;
  /** Every failed rule with its explanation (built on first read: most callers show only a few). */
  readonly reasons: Exclusion[];
  /** The failed rules, one bit per code in EXCLUSION_CODES order. */
  mask: number;
  candidate: PreparedCandidate;
}

export interface MatchResult {
  matches: Match[];
  excluded: Excluded[];
}

/** Rule order: the order reasons are listed in. */
export const EXCLUSION_CODES: readonly ExclusionCode[] = [
  'version',
  'mandatory',
  'capability',
  'model',
  'warm',
  'runner_version',
  'price',
  'no_price',
  'region',
  'vram',
  'tags',
  'no_telemetry',
  'success_rate',
  'latency',
  'stake',
  'inactive',
];
const BIT = Object.fromEntries(EXCLUSION_CODES.map((c, i) => [c, 1 << i])) as Record<ExclusionCode, number>;

/** The codes of a mask, in rule order. */
export function codesOf(mask: number): ExclusionCode[] {
  return EXCLUSION_CODES.filter((_, i) => mask & (1 << i));
}

interface PreparedPrice extends Price {
  /** wei per unit as a float: decides a cap comparison unless the two are within rounding of each other */
  f: number;
}

const WORDS = 8;

function words(ids: readonly number[]): Int32Array {
  const w = new Int32Array(WORDS);
  for (const id of ids) w[id >> 5]! |= 1 << (id & 31);
  return w;
}

const hasBit = (w: Int32Array, id: number) => ((w[id >> 5]! >>> (id & 31)) & 1) === 1;

function preparedPrice(p: Price): PreparedPrice {
  return { pricePerUnit: p.pricePerUnit, pixelsPerUnit: p.pixelsPerUnit, f: Number(p.pricePerUnit) / Number(p.pixelsPerUnit) };
}

/** Index adverts once; the same prepared list serves every query. */
export function prepareCandidates(cs: readonly Candidate[]): PreparedCandidate[] {
  return cs.map((c) => {
    const models = new Map<number, Map<string, ModelOffer & { runner: Version | null }>>();
    for (const m of c.advert.models) {
      let byModel = models.get(m.capability);
      if (!byModel) models.set(m.capability, (byModel = new Map()));
      byModel.set(m.model, { ...m, runner: m.runnerVersion === null ? null : parseVersion(m.runnerVersion) });
    }
    return {
      ...c,
      address: c.advert.orchestrator,
      version: c.advert.version === null ? null : parseVersion(c.advert.version),
      capWords: words(c.advert.capabilities),
      mandWords: words(c.advert.mandatories),
      hasMandatories: c.advert.mandatories.length > 0,
      prices: pricesOf(c.advert.prices),
      general: generalPrice(c.advert.prices),
      models,
      regions: new Set(c.advert.regions),
      tags: new Set(c.advert.tags),
    };
  });
}

function pricesOf(ps: readonly AdvertPrice[]): PreparedCandidate['prices'] {
  const out: PreparedCandidate['prices'] = new Map();
  for (const p of ps) {
    if (p.capability === null) continue;
    let e = out.get(p.capability);
    if (!e) out.set(p.capability, (e = { cap: null, models: new Map() }));
    if (p.model === null) e.cap = preparedPrice(p);
    else e.models.set(p.model, preparedPrice(p));
  }
  return out;
}

function generalPrice(ps: readonly AdvertPrice[]): PreparedPrice | null {
  const g = ps.find((p) => p.capability === null);
  return g ? preparedPrice(g) : null;
}

/** priceFor (adverts.ts) over the prepared index: model price, else capability price, else price_info for transcoding. */
function preparedPriceFor(c: PreparedCandidate, capability: number, model: string | null): PreparedPrice | null {
  const e = c.prices.get(capability);
  if (e) {
    if (model !== null) {
      const m = e.models.get(model);
      if (m) return m;
    }
    if (e.cap) return e.cap;
  }
  return capability >= 27 ? null : c.general;
}

/** p ≤ cap: floats decide when clearly apart, exact cross-multiplication otherwise. */
function withinCap(p: PreparedPrice, cap: PreparedPrice): boolean {
  if (p.f < cap.f * (1 - 1e-9)) return true;
  if (p.f > cap.f * (1 + 1e-9)) return false;
  return priceAtMost(p, cap);
}

/** Parsed once per query. */
interface Query {
  r: Requirements;
  wanted: number[];
  wantWords: Int32Array;
  /** indices of the non-zero words of wantWords */
  wantIdx: number[];
  maxPrice: PreparedPrice | null;
  needsTelemetry: boolean;
  minVersion: Version | null;
  minRunner: Version | null;
  slug: string;
}

function compile(r: Requirements): Query {
  const wanted = [r.capability, ...r.extraCapabilities];
  const wantWords = words(wanted);
  const wantIdx = [...wantWords.keys()].filter((i) => wantWords[i] !== 0);
  return { r, wanted, wantWords, wantIdx, maxPrice: r.maxPrice && preparedPrice(r.maxPrice), needsTelemetry: r.minSuccessRate !== null || r.maxP95LatencyMs !== null, minVersion: r.minVersion === null ? null : parseVersion(r.minVersion), minRunner: r.minRunnerVersion === null ? null : parseVersion(r.minRunnerVersion), slug: capabilitySlug(r.capability) };
}

function largestVram(c: PreparedCandidate, capabilitySlug: string, model: string | null): bigint | null {
  let best: bigint | null = null;
  for (const h of c.advert.hardware) {
    // Hardware entries name their pipeline and model; one with an empty model serves the whole pipeline.
    if (h.pipeline !== capabilitySlug || (model !== null && h.model !== '' && h.model !== model)) continue;
    for (const g of h.gpus) if (best === null || g.memoryTotal > best) best = g.memoryTotal;
  }
  return best;
}

function modelOf(q: Query, c: PreparedCandidate): (ModelOffer & { runner: Version | null }) | null {
  return q.r.model === null ? null : (c.models.get(q.r.capability)?.get(q.r.model) ?? null);
}

/**
 * The rules the candidate fails, as a bit mask (0: it matches). The hot loop of every query: no strings,
 * no allocation; explanations are built later, only for the exclusions a caller reads.
 */
function failMask(q: Query, c: PreparedCandidate, telemetry: ReadonlyMap<string, TelemetryStats>): number {
  const r = q.r;
  let mask = 0;
  if (q.minVersion !== null && (c.version === null || compareVersions(c.version, q.minVersion) < 0)) mask |= BIT.version;
  if (c.hasMandatories) for (let i = 0; i < WORDS; i++) if ((c.mandWords[i]! & ~q.wantWords[i]!) !== 0) mask |= BIT.mandatory;
  for (const i of q.wantIdx) if ((c.capWords[i]! & q.wantWords[i]!) !== q.wantWords[i]) mask |= BIT.capability;
  if (r.model !== null && hasBit(c.capWords, r.capability)) {
    const model = modelOf(q, c);
    if (model === null) mask |= BIT.model;
    else {
      if (r.warm && !model.warm) mask |= BIT.warm;
      if (q.minRunner !== null && (model.runner === null || compareVersions(model.runner, q.minRunner) < 0)) mask |= BIT.runner_version;
    }
  }
  if (q.maxPrice !== null) {
    const price = preparedPriceFor(c, r.capability, r.model);
    if (price === null) mask |= BIT.no_price;
    else if (!withinCap(price, q.maxPrice)) mask |= BIT.price;
  }
  if (r.region !== null && !c.regions.has(r.region) && !c.regions.has('GLOBAL')) mask |= BIT.region;
  if (r.minVramBytes !== null) {
    const vram = largestVram(c, q.slug, r.model);
    if (vram === null || vram < r.minVramBytes) mask |= BIT.vram;
  }
  for (const t of r.tags) if (!c.tags.has(t)) mask |= BIT.tags;
  if (q.needsTelemetry) {
    const t = telemetry.get(c.address);
    if (!t || t.samples === 0) mask |= BIT.no_telemetry;
    else {
      if (r.minSuccessRate !== null && t.successRate < r.minSuccessRate) mask |= BIT.success_rate;
      if (r.maxP95LatencyMs !== null && t.p95LatencyMs > r.maxP95LatencyMs) mask |= BIT.latency;
    }
  }
  if (r.minStake !== null && c.stake < r.minStake) mask |= BIT.stake;
  if (r.activeOnly && !c.active) mask |= BIT.inactive;
  return mask;
}

/** Why the candidate fails each rule in `mask`, with the facts it was judged on. */
function explain(q: Query, c: PreparedCandidate, telemetry: TelemetryStats | undefined, mask: number): Exclusion[] {
  const r = q.r;
  const out: Exclusion[] = [];
  const has = (code: ExclusionCode) => (mask & BIT[code]) !== 0;
  if (has('version')) out.push({ code: 'version', message: c.version === null ? `node version not stated; ${r.minVersion} or later required` : `node version ${c.advert.version} is below ${r.minVersion}` });
  for (const m of c.advert.mandatories) if (!q.wanted.includes(m)) out.push({ code: 'mandatory', message: `requires ${capabilityName(m)} (${m}) on every job; this job does not use it` });
  for (const w of q.wanted) if (!hasBit(c.capWords, w)) out.push({ code: 'capability', message: `does not offer ${capabilityName(w)} (${w})` });
  const model = modelOf(q, c);
  if (has('model')) out.push({ code: 'model', message: `does not offer model ${r.model}` });
  if (has('warm')) out.push({ code: 'warm', message: `model ${r.model} is not warm` });
  if (has('runner_version')) out.push({ code: 'runner_version', message: model?.runner ? `runner version ${model.runnerVersion} is below ${r.minRunnerVersion}` : `runner version not stated; ${r.minRunnerVersion} or later required` });
  const price = priceFor(c.advert, r.capability, r.model);
  if (has('price') && price && r.maxPrice) out.push({ code: 'price', message: `price ${price.pricePerUnit}/${price.pixelsPerUnit} wei per unit is above the cap ${r.maxPrice.pricePerUnit}/${r.maxPrice.pixelsPerUnit}` });
  if (has('no_price')) out.push({ code: 'no_price', message: 'states no price for this capability and model' });
  if (has('region')) out.push({ code: 'region', message: c.regions.size ? `serves ${[...c.regions].join(', ')}, not ${r.region}` : `states no region; ${r.region} required` });
  if (has('vram')) {
    const vram = largestVram(c, q.slug, r.model);
    out.push({ code: 'vram', message: vram === null ? 'states no GPU for this pipeline' : `largest GPU has ${vram} bytes, below ${r.minVramBytes}` });
  }
  for (const t of r.tags) if (!c.tags.has(t)) out.push({ code: 'tags', message: `lacks tag "${t}"` });
  if (has('no_telemetry')) out.push({ code: 'no_telemetry', message: 'no telemetry for this job class yet' });
  if (has('success_rate') && telemetry) out.push({ code: 'success_rate', message: `success rate ${telemetry.successRate} is below ${r.minSuccessRate}` });
  if (has('latency') && telemetry) out.push({ code: 'latency', message: `p95 latency ${telemetry.p95LatencyMs} ms is above ${r.maxP95LatencyMs} ms` });
  if (has('stake')) out.push({ code: 'stake', message: `stake ${c.stake} LPT-wei is below ${r.minStake}` });
  if (has('inactive')) out.push({ code: 'inactive', message: 'not in the active set' });
  return out;
}

/** What a matching candidate offers for the job. */
function matchOf(q: Query, c: PreparedCandidate, telemetry: TelemetryStats | undefined): Match {
  const model = modelOf(q, c);
  let offer: ModelOffer | null = null;
  if (model !== null) offer = { capability: model.capability, model: model.model, warm: model.warm, capacity: model.capacity, capacityInUse: model.capacityInUse, runnerVersion: model.runnerVersion };
  return {
    address: c.address,
    candidate: c,
    price: priceFor(c.advert, q.r.capability, q.r.model),
    model: offer,
    freeCapacity: model !== null ? model.capacity - model.capacityInUse : (c.advert.capacities[q.r.capability] ?? null),
    vramBytes: largestVram(c, q.slug, q.r.model),
    telemetry: telemetry ?? null,
  };
}

/** An exclusion whose explanations are built on first read: most callers show only a few of thousands. */
class ExcludedCandidate implements Excluded {
  private cached: Exclusion[] | null = null;
  readonly address: string;
  constructor(
    private readonly q: Query,
    readonly candidate: PreparedCandidate,
    private readonly telemetry: ReadonlyMap<string, TelemetryStats>,
    readonly mask: number,
  ) {
    this.address = candidate.address;
  }
  get reasons(): Exclusion[] {
    return (this.cached ??= explain(this.q, this.candidate, this.telemetry.get(this.candidate.address), this.mask));
  }
}

const popcount = (m: number) => {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
};

/**
 * Orchestrators satisfying `r`, cheapest first (then higher success rate, lower p95, more stake, address),
 * and every other candidate with all the rules it fails. `telemetry` is keyed by lowercase address.
 */
export function match(r: Requirements, candidates: readonly PreparedCandidate[], telemetry: ReadonlyMap<string, TelemetryStats>): MatchResult {
  const q = compile(r);
  const matches: Match[] = [];
  // Exclusions bucketed by how many rules they fail: fewest first, candidate order within a bucket.
  const buckets: Excluded[][] = [];
  for (const c of candidates) {
    const mask = failMask(q, c, telemetry);
    if (mask === 0) {
      matches.push(matchOf(q, c, telemetry.get(c.address)));
      continue;
    }
    const x = new ExcludedCandidate(q, c, telemetry, mask);
    (buckets[popcount(mask)] ??= []).push(x);
  }
  matches.sort(rank);
  return { matches, excluded: buckets.flat() };
}

function rank(a: Match, b: Match): number {
  if (a.price && b.price) {
    const p = comparePrices(a.price, b.price);
    if (p !== 0) return p;
  } else if (a.price !== b.price) return a.price ? -1 : 1;
  const sa = a.telemetry?.successRate ?? -1;
  const sb = b.telemetry?.successRate ?? -1;
  if (sa !== sb) return sb - sa;
  const la = a.telemetry?.p95LatencyMs ?? Infinity;
  const lb = b.telemetry?.p95LatencyMs ?? Infinity;
  if (la !== lb) return la - lb;
  if (a.candidate.stake !== b.candidate.stake) return a.candidate.stake > b.candidate.stake ? -1 : 1;
  return a.address < b.address ? -1 : 1;
}
