import { comparePrices, priceAtMost, priceFor, type Advert, type ModelOffer, type Price } from './adverts.js';
import { capabilityName, capabilitySlug, parseVersion, versionKey } from './capabilities.js';
import type { Requirements } from './profiles.js';

/**
 * The matcher: which orchestrators can run a gateway's job class, ranked, and why every other one cannot.
 * Compatibility follows go-livepeer's CompatibleWith: node version ≥ the gateway's minimum,
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

/** A candidate as the matcher keeps it: its facts, and its position in the column store. */
export interface PreparedCandidate extends Candidate {
  address: string;
  index: number;
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
  /** Every excluded candidate, fewest failed rules first (materialized on first read). */
  readonly excluded: Excluded[];
  /** The first `limit` of `excluded`, without materializing the rest. */
  excludedTop(limit: number): Excluded[];
  excludedCount: number;
  /** How many candidates fail each rule. */
  exclusionCounts: Partial<Record<ExclusionCode, number>>;
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

// ------------------------------------------------------------------ the column store

const WORDS = 8; // capability ids up to 255
const MAX_DICT = 31; // regions and tags as bits of one int32 while there are this few distinct ones

/** Posting list: the candidates stating something, with one number each (price, bytes, version key). */
interface Postings {
  idx: number[];
  val: number[];
}
interface ModelPostings extends Postings {
  /** 1 warm, 0 cold */
  warm: number[];
}

const postings = (): Postings => ({ idx: [], val: [] });

/**
 * Adverts indexed once for many queries: per-candidate facts in typed columns (cache-friendly scans, no
 * allocation per candidate and query) and posting lists for the sparse facts (models, prices, GPUs).
 */
export class CandidateSet {
  readonly list: PreparedCandidate[];
  readonly n: number;
  readonly ver: Float64Array;
  readonly cap: Int32Array;
  readonly mand: Int32Array;
  readonly hasMand: Uint8Array;
  readonly region: Int32Array;
  readonly tag: Int32Array;
  readonly regionBit = new Map<string, number>();
  readonly tagBit = new Map<string, number>();
  /** more distinct regions/tags than bits: fall back to the adverts' own lists */
  readonly regionOverflow: boolean;
  readonly tagOverflow: boolean;
  readonly stakeF: Float64Array;
  readonly active: Uint8Array;
  readonly generalF: Float64Array;
  /** capability → model → candidates offering it (val: runner version key, NaN unstated) */
  readonly models = new Map<number, Map<string, ModelPostings>>();
  /** capability → candidates with a capability-level price (val: wei per unit) */
  readonly capPrices = new Map<number, Postings>();
  /** capability → model → candidates with a model price */
  readonly modelPrices = new Map<number, Map<string, Postings>>();
  /** pipeline slug → model ('' = whole pipeline) → candidates with a GPU (val: largest memory, bytes) */
  readonly gpus = new Map<string, Map<string, Postings>>();
  // Per-query scratch, reused: the matcher is synchronous, so one query at a time uses them.
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  readonly s3: Int8Array;
  readonly s4: Float64Array;
  private readonly telemetryCols = new WeakMap<ReadonlyMap<string, TelemetryStats>, { succ: Float64Array; p95: Float64Array; has: Uint8Array }>();

  get length(): number {
    return this.n;
  }

  constructor(cs: readonly Candidate[]) {
    const n = (this.n = cs.length);
    this.list = cs.map((c, index) => ({ ...c, address: c.advert.orchestrator, index }));
    this.ver = new Float64Array(n);
    this.cap = new Int32Array(n * WORDS);
    this.mand = new Int32Array(n * WORDS);
    this.hasMand = new Uint8Array(n);
    this.region = new Int32Array(n);
    this.tag = new Int32Array(n);
    this.stakeF = new Float64Array(n);
    this.active = new Uint8Array(n);
    this.generalF = new Float64Array(n);
    this.s1 = new Float64Array(n);
    this.s2 = new Float64Array(n);
    this.s3 = new Int8Array(n);
    this.s4 = new Float64Array(n);
    for (const c of cs) for (const r of c.advert.regions) if (!this.regionBit.has(r)) this.regionBit.set(r, this.regionBit.size);
    for (const c of cs) for (const t of c.advert.tags) if (!this.tagBit.has(t)) this.tagBit.set(t, this.tagBit.size);
    this.regionOverflow = this.regionBit.size > MAX_DICT;
    this.tagOverflow = this.tagBit.size > MAX_DICT;
    cs.forEach((c, i) => {
      const a = c.advert;
      const v = a.version === null ? null : parseVersion(a.version);
      this.ver[i] = v === null ? NaN : versionKey(v);
      for (const id of a.capabilities) this.cap[i * WORDS + (id >> 5)]! |= 1 << (id & 31);
      for (const id of a.mandatories) this.mand[i * WORDS + (id >> 5)]! |= 1 << (id & 31);
      this.hasMand[i] = a.mandatories.length > 0 ? 1 : 0;
      if (!this.regionOverflow) for (const r of a.regions) this.region[i]! |= 1 << this.regionBit.get(r)!;
      if (!this.tagOverflow) for (const t of a.tags) this.tag[i]! |= 1 << this.tagBit.get(t)!;
      this.stakeF[i] = Number(c.stake);
      this.active[i] = c.active ? 1 : 0;
      this.generalF[i] = NaN;
      for (const m of a.models) {
        const rv = m.runnerVersion === null ? null : parseVersion(m.runnerVersion);
        const p = getOr(getOr(this.models, m.capability, () => new Map<string, ModelPostings>()), m.model, () => ({ idx: [], val: [], warm: [] }));
        p.idx.push(i);
        p.val.push(rv === null ? NaN : versionKey(rv));
        p.warm.push(m.warm ? 1 : 0);
      }
      for (const p of a.prices) {
        const f = Number(p.pricePerUnit) / Number(p.pixelsPerUnit);
        const list = p.capability === null ? null : p.model === null ? getOr(this.capPrices, p.capability, postings) : getOr(getOr(this.modelPrices, p.capability, () => new Map<string, Postings>()), p.model, postings);
        if (list === null) this.generalF[i] = f;
        else {
          list.idx.push(i);
          list.val.push(f);
        }
      }
      const best = new Map<string, number>();
      for (const h of a.hardware) {
        const k = `${h.pipeline}\u0000${h.model}`;
        for (const g of h.gpus) best.set(k, Math.max(best.get(k) ?? 0, Number(g.memoryTotal)));
      }
      for (const [k, bytes] of best) {
        const [pipeline, model] = k.split('\u0000') as [string, string];
        const list = getOr(getOr(this.gpus, pipeline, () => new Map<string, Postings>()), model, postings);
        list.idx.push(i);
        list.val.push(bytes);
      }
    });
  }

  /** Telemetry as columns, derived once per telemetry map (the same map serves many queries; never mutate it after). */
  telemetry(map: ReadonlyMap<string, TelemetryStats>): { succ: Float64Array; p95: Float64Array; has: Uint8Array } {
    let t = this.telemetryCols.get(map);
    if (!t) {
      t = { succ: new Float64Array(this.n), p95: new Float64Array(this.n), has: new Uint8Array(this.n) };
      for (let i = 0; i < this.n; i++) {
        const s = map.get(this.list[i]!.address);
        if (s && s.samples > 0) {
          t.has[i] = 1;
          t.succ[i] = s.successRate;
          t.p95[i] = s.p95LatencyMs;
        }
      }
      this.telemetryCols.set(map, t);
    }
    return t;
  }
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

/** Index adverts once; the same set serves every query. */
export function prepareCandidates(cs: readonly Candidate[]): CandidateSet {
  return new CandidateSet(cs);
}

// ------------------------------------------------------------------ one query

const isAi = (capability: number) => capability >= 27;

function largestVram(c: PreparedCandidate, slug: string, model: string | null): bigint | null {
  let best: bigint | null = null;
  for (const h of c.advert.hardware) {
    // Hardware entries name their pipeline and model; one with an empty model serves the whole pipeline.
    if (h.pipeline !== slug || (model !== null && h.model !== '' && h.model !== model)) continue;
    for (const g of h.gpus) if (best === null || g.memoryTotal > best) best = g.memoryTotal;
  }
  return best;
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
export function match(r: Requirements, set: CandidateSet, telemetry: ReadonlyMap<string, TelemetryStats>): MatchResult {
  const n = set.n;
  const slug = capabilitySlug(r.capability);
  const want = new Int32Array(WORDS);
  const wanted = [r.capability, ...r.extraCapabilities];
  for (const id of wanted) want[id >> 5]! |= 1 << (id & 31);
  const wantIdx = [...want.keys()].filter((i) => want[i] !== 0);
  const capWord = r.capability >> 5;
  const capBit = 1 << (r.capability & 31);
  const minVer = r.minVersion === null ? null : versionKey(parseVersion(r.minVersion)!);
  const minRunner = r.minRunnerVersion === null ? null : versionKey(parseVersion(r.minRunnerVersion)!);

  // Sparse facts for this job, spread into scratch columns from their posting lists.
  const modelState = set.s3; // 0 not offered, 1 cold, 2 warm
  const runner = set.s1;
  if (r.model !== null) {
    modelState.fill(0);
    const p = set.models.get(r.capability)?.get(r.model);
    if (p) for (let k = 0; k < p.idx.length; k++) {
      modelState[p.idx[k]!] = p.warm[k] ? 2 : 1;
      runner[p.idx[k]!] = p.val[k]!;
    }
  }
  const maxF = r.maxPrice === null ? NaN : Number(r.maxPrice.pricePerUnit) / Number(r.maxPrice.pixelsPerUnit);
  const price = set.s2;
  if (r.maxPrice !== null) {
    if (isAi(r.capability)) price.fill(NaN);
    else price.set(set.generalF);
    const cp = set.capPrices.get(r.capability);
    if (cp) for (let k = 0; k < cp.idx.length; k++) price[cp.idx[k]!] = cp.val[k]!;
    const mp = r.model === null ? undefined : set.modelPrices.get(r.capability)?.get(r.model);
    if (mp) for (let k = 0; k < mp.idx.length; k++) price[mp.idx[k]!] = mp.val[k]!;
  }
  let vram: Float64Array | null = null;
  if (r.minVramBytes !== null) {
    vram = set.s4;
    vram.fill(NaN);
    const byModel = set.gpus.get(slug);
    if (byModel) {
      for (const [model, p] of byModel) {
        if (r.model !== null && model !== '' && model !== r.model) continue;
        for (let k = 0; k < p.idx.length; k++) {
          const i = p.idx[k]!;
          if (!(vram[i]! >= p.val[k]!)) vram[i] = p.val[k]!;
        }
      }
    }
  }
  const minVram = r.minVramBytes === null ? 0 : Number(r.minVramBytes);
  let regionMask = 0;
  let regionKnown = true;
  if (r.region !== null && !set.regionOverflow) {
    const b = set.regionBit.get(r.region);
    const g = set.regionBit.get('GLOBAL');
    regionKnown = b !== undefined || g !== undefined;
    regionMask = (b === undefined ? 0 : 1 << b) | (g === undefined ? 0 : 1 << g);
  }
  let tagMask = 0;
  let tagsKnown = true;
  if (!set.tagOverflow) for (const t of r.tags) {
    const b = set.tagBit.get(t);
    if (b === undefined) tagsKnown = false;
    else tagMask |= 1 << b;
  }
  const needsTelemetry = r.minSuccessRate !== null || r.maxP95LatencyMs !== null;
  const tel = needsTelemetry ? set.telemetry(telemetry) : null;
  const minStakeF = r.minStake === null ? 0 : Number(r.minStake);

  // One bit per rule: 16 rules fit a Uint16Array. Kept by the result, so excluded lists can be read later.
  const masks = new Uint16Array(n);
  const counts = new Int32Array(EXCLUSION_CODES.length);
  const matchIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    let mask = 0;
    if (minVer !== null && !(set.ver[i]! >= minVer)) mask |= BIT.version;
    const base = i * WORDS;
    if (set.hasMand[i]) for (let w = 0; w < WORDS; w++) if ((set.mand[base + w]! & ~want[w]!) !== 0) mask |= BIT.mandatory;
    for (const w of wantIdx) if ((set.cap[base + w]! & want[w]!) !== want[w]) mask |= BIT.capability;
    if (r.model !== null && (set.cap[base + capWord]! & capBit) !== 0) {
      const st = modelState[i]!;
      if (st === 0) mask |= BIT.model;
      else {
        if (r.warm && st !== 2) mask |= BIT.warm;
        if (minRunner !== null && !(runner[i]! >= minRunner)) mask |= BIT.runner_version;
      }
    }
    if (r.maxPrice !== null) {
      const p = price[i]!;
      if (p !== p) mask |= BIT.no_price;
      else if (p > maxF * (1 + 1e-9) || (p >= maxF * (1 - 1e-9) && !exactWithinCap(set.list[i]!, r))) mask |= BIT.price;
    }
    if (r.region !== null) {
      if (set.regionOverflow) {
        const rs = set.list[i]!.advert.regions;
        if (!rs.includes(r.region) && !rs.includes('GLOBAL')) mask |= BIT.region;
      } else if (!regionKnown || (set.region[i]! & regionMask) === 0) mask |= BIT.region;
    }
    if (vram !== null && !(vram[i]! >= minVram)) mask |= BIT.vram;
    if (r.tags.length) {
      if (set.tagOverflow) {
        const ts = set.list[i]!.advert.tags;
        if (!r.tags.every((t) => ts.includes(t))) mask |= BIT.tags;
      } else if (!tagsKnown || (set.tag[i]! & tagMask) !== tagMask) mask |= BIT.tags;
    }
    if (tel !== null) {
      if (!tel.has[i]) mask |= BIT.no_telemetry;
      else {
        if (r.minSuccessRate !== null && tel.succ[i]! < r.minSuccessRate) mask |= BIT.success_rate;
        if (r.maxP95LatencyMs !== null && tel.p95[i]! > r.maxP95LatencyMs) mask |= BIT.latency;
      }
    }
    // Floats decide unless the two are within rounding of each other; then the exact bigints do.
    if (r.minStake !== null && set.stakeF[i]! <= minStakeF * (1 + 1e-9) && (set.stakeF[i]! < minStakeF * (1 - 1e-9) || set.list[i]!.stake < r.minStake)) mask |= BIT.stake;
    if (r.activeOnly && !set.active[i]) mask |= BIT.inactive;
    masks[i] = mask;
    if (mask === 0) matchIdx.push(i);
    else for (let m = mask, b = 0; m; m >>>= 1, b++) if (m & 1) counts[b]!++;
  }

  const matches = matchIdx.map((i) => matchOf(r, slug, set.list[i]!, telemetry.get(set.list[i]!.address)));
  matches.sort(rank);
  const exclusionCounts: Partial<Record<ExclusionCode, number>> = {};
  EXCLUSION_CODES.forEach((c, b) => {
    if (counts[b]) exclusionCounts[c] = counts[b];
  });
  const q = { r, slug, wanted };
  const excludedTop = (limit: number): Excluded[] => {
    // Fewest failed rules first, candidate order within the same count.
    const out: Excluded[] = [];
    for (let k = 1; k <= EXCLUSION_CODES.length && out.length < limit; k++) {
      for (let i = 0; i < n && out.length < limit; i++) if (masks[i] !== 0 && popcount(masks[i]!) === k) out.push(new ExcludedCandidate(q, set.list[i]!, telemetry, masks[i]!));
    }
    return out;
  };
  let all: Excluded[] | null = null;
  return {
    matches,
    excludedTop,
    excludedCount: n - matches.length,
    exclusionCounts,
    get excluded() {
      return (all ??= excludedTop(Infinity));
    },
  };
}

function exactWithinCap(c: PreparedCandidate, r: Requirements): boolean {
  const p = priceFor(c.advert, r.capability, r.model);
  return p !== null && r.maxPrice !== null && priceAtMost(p, r.maxPrice);
}

/** What a matching candidate offers for the job. */
function matchOf(r: Requirements, slug: string, c: PreparedCandidate, telemetry: TelemetryStats | undefined): Match {
  const model = r.model === null ? null : (c.advert.models.find((m) => m.capability === r.capability && m.model === r.model) ?? null);
  return {
    address: c.address,
    candidate: c,
    price: priceFor(c.advert, r.capability, r.model),
    model,
    freeCapacity: model !== null ? model.capacity - model.capacityInUse : (c.advert.capacities[r.capability] ?? null),
    vramBytes: largestVram(c, slug, r.model),
    telemetry: telemetry ?? null,
  };
}

interface QueryFacts {
  r: Requirements;
  slug: string;
  wanted: number[];
}

/** Why the candidate fails each rule in `mask`, with the facts it was judged on. */
function explain(q: QueryFacts, c: PreparedCandidate, telemetry: TelemetryStats | undefined, mask: number): Exclusion[] {
  const r = q.r;
  const a = c.advert;
  const out: Exclusion[] = [];
  const has = (code: ExclusionCode) => (mask & BIT[code]) !== 0;
  if (has('version')) out.push({ code: 'version', message: a.version === null ? `node version not stated; ${r.minVersion} or later required` : `node version ${a.version} is below ${r.minVersion}` });
  for (const m of a.mandatories) if (!q.wanted.includes(m)) out.push({ code: 'mandatory', message: `requires ${capabilityName(m)} (${m}) on every job; this job does not use it` });
  for (const w of q.wanted) if (!a.capabilities.includes(w)) out.push({ code: 'capability', message: `does not offer ${capabilityName(w)} (${w})` });
  const model = a.models.find((m) => m.capability === r.capability && m.model === r.model);
  if (has('model')) out.push({ code: 'model', message: `does not offer model ${r.model}` });
  if (has('warm')) out.push({ code: 'warm', message: `model ${r.model} is not warm` });
  if (has('runner_version')) out.push({ code: 'runner_version', message: model?.runnerVersion ? `runner version ${model.runnerVersion} is below ${r.minRunnerVersion}` : `runner version not stated; ${r.minRunnerVersion} or later required` });
  const price = priceFor(a, r.capability, r.model);
  if (has('price') && price && r.maxPrice) out.push({ code: 'price', message: `price ${price.pricePerUnit}/${price.pixelsPerUnit} wei per unit is above the cap ${r.maxPrice.pricePerUnit}/${r.maxPrice.pixelsPerUnit}` });
  if (has('no_price')) out.push({ code: 'no_price', message: 'states no price for this capability and model' });
  if (has('region')) out.push({ code: 'region', message: a.regions.length ? `serves ${a.regions.join(', ')}, not ${r.region}` : `states no region; ${r.region} required` });
  if (has('vram')) {
    const vram = largestVram(c, q.slug, r.model);
    out.push({ code: 'vram', message: vram === null ? 'states no GPU for this pipeline' : `largest GPU has ${vram} bytes, below ${r.minVramBytes}` });
  }
  for (const t of r.tags) if (!a.tags.includes(t)) out.push({ code: 'tags', message: `lacks tag "${t}"` });
  if (has('no_telemetry')) out.push({ code: 'no_telemetry', message: 'no telemetry for this job class yet' });
  if (has('success_rate') && telemetry) out.push({ code: 'success_rate', message: `success rate ${telemetry.successRate} is below ${r.minSuccessRate}` });
  if (has('latency') && telemetry) out.push({ code: 'latency', message: `p95 latency ${telemetry.p95LatencyMs} ms is above ${r.maxP95LatencyMs} ms` });
  if (has('stake')) out.push({ code: 'stake', message: `stake ${c.stake} LPT-wei is below ${r.minStake}` });
  if (has('inactive')) out.push({ code: 'inactive', message: 'not in the active set' });
  return out;
}

/** An exclusion whose explanations are built on first read. */
class ExcludedCandidate implements Excluded {
  private cached: Exclusion[] | null = null;
  readonly address: string;
  constructor(
    private readonly q: QueryFacts,
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
