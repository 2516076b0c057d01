import { comparePrices, priceAtMost, priceFor, type Advert, type ModelOffer, type Price } from './adverts.js';
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
  caps: Set<number>;
  mandatories: number[];
  models: Map<string, ModelOffer & { runner: Version | null }>;
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
  reasons: Exclusion[];
  candidate: PreparedCandidate;
}

export interface MatchResult {
  matches: Match[];
  excluded: Excluded[];
}

/** Index adverts once; the same prepared list serves every query. */
export function prepareCandidates(cs: readonly Candidate[]): PreparedCandidate[] {
  return cs.map((c) => {
    const models = new Map<string, ModelOffer & { runner: Version | null }>();
    for (const m of c.advert.models) models.set(`${m.capability}|${m.model}`, { ...m, runner: m.runnerVersion === null ? null : parseVersion(m.runnerVersion) });
    return {
      ...c,
      address: c.advert.orchestrator,
      version: c.advert.version === null ? null : parseVersion(c.advert.version),
      caps: new Set(c.advert.capabilities),
      mandatories: c.advert.mandatories,
      models,
      regions: new Set(c.advert.regions),
      tags: new Set(c.advert.tags),
    };
  });
}

/** Parsed once per query. */
interface Query {
  r: Requirements;
  wanted: number[];
  wantedSet: Set<number>;
  minVersion: Version | null;
  minRunner: Version | null;
  slug: string;
}

function compile(r: Requirements): Query {
  const wanted = [r.capability, ...r.extraCapabilities];
  return { r, wanted, wantedSet: new Set(wanted), minVersion: r.minVersion === null ? null : parseVersion(r.minVersion), minRunner: r.minRunnerVersion === null ? null : parseVersion(r.minRunnerVersion), slug: capabilitySlug(r.capability) };
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

/** Every rule the candidate fails (empty: it matches), with the facts it was judged on. */
function evaluate(q: Query, c: PreparedCandidate, telemetry: TelemetryStats | undefined): { reasons: Exclusion[]; match: Omit<Match, 'address' | 'candidate'> } {
  const r = q.r;
  const reasons: Exclusion[] = [];
  if (q.minVersion !== null) {
    if (c.version === null) reasons.push({ code: 'version', message: `node version not stated; ${r.minVersion} or later required` });
    else if (compareVersions(c.version, q.minVersion) < 0) reasons.push({ code: 'version', message: `node version ${c.advert.version} is below ${r.minVersion}` });
  }
  for (const m of c.mandatories) {
    if (!q.wantedSet.has(m)) reasons.push({ code: 'mandatory', message: `requires ${capabilityName(m)} (${m}) on every job; this job does not use it` });
  }
  for (const w of q.wanted) if (!c.caps.has(w)) reasons.push({ code: 'capability', message: `does not offer ${capabilityName(w)} (${w})` });

  let model: (ModelOffer & { runner: Version | null }) | null = null;
  if (r.model !== null && c.caps.has(r.capability)) {
    model = c.models.get(`${r.capability}|${r.model}`) ?? null;
    if (model === null) reasons.push({ code: 'model', message: `does not offer model ${r.model}` });
    else {
      if (r.warm && !model.warm) reasons.push({ code: 'warm', message: `model ${r.model} is not warm` });
      if (q.minRunner !== null) {
        if (model.runner === null) reasons.push({ code: 'runner_version', message: `runner version not stated; ${r.minRunnerVersion} or later required` });
        else if (compareVersions(model.runner, q.minRunner) < 0) reasons.push({ code: 'runner_version', message: `runner version ${model.runnerVersion} is below ${r.minRunnerVersion}` });
      }
    }
  }

  const price = priceFor(c.advert, r.capability, r.model);
  if (r.maxPrice !== null) {
    if (price === null) reasons.push({ code: 'no_price', message: 'states no price for this capability and model' });
    else if (!priceAtMost(price, r.maxPrice)) reasons.push({ code: 'price', message: `price ${price.pricePerUnit}/${price.pixelsPerUnit} wei per unit is above the cap ${r.maxPrice.pricePerUnit}/${r.maxPrice.pixelsPerUnit}` });
  }

  if (r.region !== null && !c.regions.has(r.region) && !c.regions.has('GLOBAL')) reasons.push({ code: 'region', message: c.regions.size ? `serves ${[...c.regions].join(', ')}, not ${r.region}` : `states no region; ${r.region} required` });

  const vram = largestVram(c, q.slug, r.model);
  if (r.minVramBytes !== null) {
    if (vram === null) reasons.push({ code: 'vram', message: 'states no GPU for this pipeline' });
    else if (vram < r.minVramBytes) reasons.push({ code: 'vram', message: `largest GPU has ${vram} bytes, below ${r.minVramBytes}` });
  }

  for (const t of r.tags) if (!c.tags.has(t)) reasons.push({ code: 'tags', message: `lacks tag "${t}"` });

  if (r.minSuccessRate !== null || r.maxP95LatencyMs !== null) {
    if (!telemetry || telemetry.samples === 0) reasons.push({ code: 'no_telemetry', message: 'no telemetry for this job class yet' });
    else {
      if (r.minSuccessRate !== null && telemetry.successRate < r.minSuccessRate) reasons.push({ code: 'success_rate', message: `success rate ${telemetry.successRate} is below ${r.minSuccessRate}` });
      if (r.maxP95LatencyMs !== null && telemetry.p95LatencyMs > r.maxP95LatencyMs) reasons.push({ code: 'latency', message: `p95 latency ${telemetry.p95LatencyMs} ms is above ${r.maxP95LatencyMs} ms` });
    }
  }

  if (r.minStake !== null && c.stake < r.minStake) reasons.push({ code: 'stake', message: `stake ${c.stake} LPT-wei is below ${r.minStake}` });
  if (r.activeOnly && !c.active) reasons.push({ code: 'inactive', message: 'not in the active set' });

  const cap = c.advert.capacities[r.capability];
  const freeCapacity = model !== null ? model.capacity - model.capacityInUse : cap ?? null;
  const { runner: _runner, ...offer } = model ?? { runner: null };
  return { reasons, match: { price, model: model ? (offer as ModelOffer) : null, freeCapacity, vramBytes: vram, telemetry: telemetry ?? null } };
}

/**
 * Orchestrators satisfying `r`, cheapest first (then higher success rate, lower p95, more stake, address),
 * and every other candidate with all the rules it fails. `telemetry` is keyed by lowercase address.
 */
export function match(r: Requirements, candidates: readonly PreparedCandidate[], telemetry: ReadonlyMap<string, TelemetryStats>): MatchResult {
  const q = compile(r);
  const matches: Match[] = [];
  const excluded: Excluded[] = [];
  for (const c of candidates) {
    const t = telemetry.get(c.address);
    const { reasons, match: m } = evaluate(q, c, t);
    if (reasons.length === 0) matches.push({ address: c.address, candidate: c, ...m });
    else excluded.push({ address: c.address, reasons, candidate: c });
  }
  matches.sort(rank);
  excluded.sort((a, b) => a.reasons.length - b.reasons.length || (a.address < b.address ? -1 : 1));
  return { matches, excluded };
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
