import { comparePrices, priceFor, type Advert, type Price } from './adverts.js';
import { capabilitySlug, isAiCapability } from './capabilities.js';
import type { Profile } from './profiles.js';

/**
 * Supply and demand per tag. A tag is a job kind as gateways ask for it: "<capability slug>" or
 * "<capability slug>/<model>". Supply is what current adverts state (orchestrators, session capacity,
 * prices); demand is what gateways declare in their profiles (expected sessions) plus what telemetry
 * observed (jobs run, requests nobody could serve). Pure: callers load the inputs.
 */

export function tagOf(capability: number, model: string | null): string {
  return model === null ? capabilitySlug(capability) : `${capabilitySlug(capability)}/${model}`;
}

/** Observed demand for one tag over the window (from telemetry; zero when none is recorded). */
export interface ObservedDemand {
  jobs: number;
  /** Requests no orchestrator was available for (gateway_no_orchestrators_available). */
  unserved: number;
}

export interface PriceStats {
  /** Cheapest stated price (exact rational). */
  floor: Price;
  /** wei per unit, float: for distributions and charts only */
  p50: number;
  p90: number;
  max: number;
  /** Every stated price, wei per unit, ascending. */
  distribution: number[];
}

export interface TagSupplyDemand {
  tag: string;
  capability: number;
  model: string | null;
  orchestrators: number;
  warmOrchestrators: number;
  /** sessions stated as capacity */
  capacity: number;
  /** sessions stated free (capacity − in use) */
  freeCapacity: number;
  prices: PriceStats | null;
  profiles: number;
  /** Sessions gateways' current profiles expect to need. */
  expectedSessions: number;
  observedJobs: number;
  unserved: number;
  /** expectedSessions / capacity; null when nothing is offered. */
  demandToCapacity: number | null;
  /** Demand exceeds stated capacity, or requests went unserved, or a profile has nobody to send work to. */
  underSupplied: boolean;
}

interface Acc {
  capability: number;
  model: string | null;
  orchs: Set<string>;
  warm: Set<string>;
  capacity: number;
  free: number;
  prices: Price[];
  profiles: number;
  expected: number;
}

const num = (p: Price) => Number(p.pricePerUnit) / Number(p.pixelsPerUnit);

function quantile(sorted: number[], q: number): number {
  // Nearest rank: a stated price, never an interpolated one nobody quotes.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Price floor, p50/p90/max and the full distribution of stated prices; null when none. */
export function priceStats(prices: Price[]): PriceStats | null {
  if (prices.length === 0) return null;
  const exact = [...prices].sort(comparePrices);
  const sorted = exact.map(num);
  return { floor: exact[0]!, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted[sorted.length - 1]!, distribution: sorted };
}

/**
 * Supply and demand per tag at one moment. Every (capability, model) an advert offers is a tag, plus a
 * capability-level tag for AI pipelines summing their models; profiles add demand to their own tag.
 * `unmatchedProfiles` lists tags of profiles the matcher found nobody for.
 */
export function supplyDemand(adverts: readonly Advert[], profiles: readonly Profile[], observed: ReadonlyMap<string, ObservedDemand> = new Map(), unmatchedProfiles: ReadonlySet<string> = new Set()): TagSupplyDemand[] {
  const accs = new Map<string, Acc>();
  const acc = (capability: number, model: string | null): Acc => {
    const tag = tagOf(capability, model);
    let a = accs.get(tag);
    if (!a) accs.set(tag, (a = { capability, model, orchs: new Set(), warm: new Set(), capacity: 0, free: 0, prices: [], profiles: 0, expected: 0 }));
    return a;
  };
  for (const ad of adverts) {
    for (const cap of ad.capabilities) {
      const models = ad.models.filter((m) => m.capability === cap);
      const capAcc = acc(cap, null);
      capAcc.orchs.add(ad.orchestrator);
      if (models.length === 0) {
        const c = ad.capacities[cap] ?? 0;
        capAcc.capacity += c;
        capAcc.free += c;
        const p = priceFor(ad, cap, null);
        if (p) capAcc.prices.push(p);
        continue;
      }
      for (const m of models) {
        const a = acc(cap, m.model);
        a.orchs.add(ad.orchestrator);
        if (m.warm) {
          a.warm.add(ad.orchestrator);
          capAcc.warm.add(ad.orchestrator);
        }
        a.capacity += m.capacity;
        a.free += m.capacity - m.capacityInUse;
        capAcc.capacity += m.capacity;
        capAcc.free += m.capacity - m.capacityInUse;
        const p = priceFor(ad, cap, m.model);
        if (p) {
          a.prices.push(p);
          capAcc.prices.push(p);
        }
      }
    }
  }
  for (const p of profiles) {
    const a = acc(p.requirements.capability, p.requirements.model);
    a.profiles += 1;
    a.expected += p.expectedSessions;
  }
  for (const tag of observed.keys()) {
    if (accs.has(tag)) continue;
    const [slug, ...rest] = tag.split('/');
    const id = slugToId(slug!);
    if (id !== null) acc(id, rest.length ? rest.join('/') : null);
  }
  const out: TagSupplyDemand[] = [];
  for (const [tag, a] of accs) {
    const o = observed.get(tag) ?? { jobs: 0, unserved: 0 };
    out.push({
      tag,
      capability: a.capability,
      model: a.model,
      orchestrators: a.orchs.size,
      warmOrchestrators: a.warm.size,
      capacity: a.capacity,
      freeCapacity: a.free,
      prices: priceStats(a.prices),
      profiles: a.profiles,
      expectedSessions: a.expected,
      observedJobs: o.jobs,
      unserved: o.unserved,
      demandToCapacity: a.capacity > 0 ? a.expected / a.capacity : null,
      underSupplied: a.expected > a.capacity || o.unserved > UNSERVED_SHARE * (o.jobs + o.unserved) || unmatchedProfiles.has(tag) || (a.profiles > 0 && a.orchs.size === 0),
    });
  }
  return out.sort((x, y) => (x.tag < y.tag ? -1 : 1));
}

/** Share of requests no orchestrator could take above which a tag counts as under-supplied (a rare miss does not). */
export const UNSERVED_SHARE = 0.01;

function slugToId(slug: string): number | null {
  for (let i = 0; i < 64; i++) if (capabilitySlug(i) === slug) return i;
  return null;
}

/** One point of the supply/demand series of a tag. */
export interface SeriesPoint {
  /** unix seconds: end of the bucket */
  at: number;
  tag: string;
  orchestrators: number;
  capacity: number;
  expectedSessions: number;
  /** jobs run and requests unserved during the bucket (telemetry) */
  observedJobs: number;
  unserved: number;
  priceFloor: Price | null;
}

/**
 * Supply and declared demand per tag at the end of each bucket, from the full history of adverts and
 * profiles: at time t the advert in effect is an orchestrator's latest signed version issued at or before t,
 * else its latest snapshot (the same precedence as the current adverts).
 */
export function supplyDemandSeries(
  advertVersions: readonly { orchestrator: string; issuedAt: number; advert: Advert; signed: boolean }[],
  profileVersions: readonly { issuedAt: number; profile: Profile; retired: boolean }[],
  bucketEnds: readonly number[],
  /** bucket end → tag → demand observed during that bucket */
  observed: ReadonlyMap<number, ReadonlyMap<string, ObservedDemand>> = new Map(),
): SeriesPoint[] {
  const ads = [...advertVersions].sort((a, b) => a.issuedAt - b.issuedAt);
  const profs = [...profileVersions].sort((a, b) => a.issuedAt - b.issuedAt);
  const out: SeriesPoint[] = [];
  const signed = new Map<string, Advert>();
  const seen = new Map<string, Advert>();
  const profInForce = new Map<string, { profile: Profile; retired: boolean }>();
  let i = 0;
  let j = 0;
  for (const end of [...bucketEnds].sort((a, b) => a - b)) {
    for (; i < ads.length && ads[i]!.issuedAt <= end; i++) (ads[i]!.signed ? signed : seen).set(ads[i]!.orchestrator, ads[i]!.advert);
    const inForce = new Map([...seen, ...signed]);
    for (; j < profs.length && profs[j]!.issuedAt <= end; j++) profInForce.set(`${profs[j]!.profile.gateway}|${profs[j]!.profile.name}`, profs[j]!);
    const live = [...profInForce.values()].filter((p) => !p.retired).map((p) => p.profile);
    for (const t of supplyDemand([...inForce.values()], live, observed.get(end))) {
      out.push({ at: end, tag: t.tag, orchestrators: t.orchestrators, capacity: t.capacity, expectedSessions: t.expectedSessions, observedJobs: t.observedJobs, unserved: t.unserved, priceFloor: t.prices?.floor ?? null });
    }
  }
  return out;
}

export interface MarketReport {
  /** Tags with declared or observed demand, most under-supplied first. */
  inDemand: TagSupplyDemand[];
  /** Tags offered that no gateway has asked for. */
  idleSupply: TagSupplyDemand[];
  /** Per AI capability: price floor and spread across its models. */
  capabilityPrices: { capability: number; tag: string; prices: PriceStats | null; orchestrators: number }[];
}

/** The orchestrator market report: where demand outruns supply, and what each capability costs. */
export function marketReport(rows: readonly TagSupplyDemand[]): MarketReport {
  const demanded = rows.filter((r) => r.profiles > 0 || r.observedJobs > 0 || r.unserved > 0);
  const shortfall = (r: TagSupplyDemand) => r.expectedSessions - r.capacity + r.unserved;
  return {
    inDemand: [...demanded].sort((a, b) => Number(b.underSupplied) - Number(a.underSupplied) || shortfall(b) - shortfall(a) || (a.tag < b.tag ? -1 : 1)),
    idleSupply: rows.filter((r) => r.profiles === 0 && r.observedJobs === 0 && r.unserved === 0 && r.orchestrators > 0 && r.model !== null),
    capabilityPrices: rows.filter((r) => r.model === null && isAiCapability(r.capability)).map((r) => ({ capability: r.capability, tag: r.tag, prices: r.prices, orchestrators: r.orchestrators })),
  };
}
