// What the discovery answers say about the market over time: price floors per capability and model, and
// node versions against the minimum versions gateways ask for. Pure functions over stored answers.
import { comparePrices, type Price } from '../registry/adverts.js';
import { compareVersions, parseVersion } from '../registry/capabilities.js';

/** One stored answer: when, from whom, at which version, quoting which prices. */
export interface Answer {
  at: number;
  orchestrator: string;
  version: string | null;
  prices: { capability: number | null; model: string | null; pricePerUnit: bigint; pixelsPerUnit: bigint }[];
}

export interface PricePoint {
  /** Start of the bucket (unix s). */
  at: number;
  /** Orchestrators quoting this (capability, model) in the bucket. */
  offers: number;
  floor: Price;
  median: Price;
}

export interface PriceSeries {
  /** null: the general transcoding price (price_info). */
  capability: number | null;
  model: string | null;
  points: PricePoint[];
}

/** The latest answer of each orchestrator within each bucket of `bucketSeconds`. */
function latestPerBucket(answers: readonly Answer[], bucketSeconds: number): Map<number, Map<string, Answer>> {
  const out = new Map<number, Map<string, Answer>>();
  for (const a of answers) {
    const b = Math.floor(a.at / bucketSeconds) * bucketSeconds;
    let m = out.get(b);
    if (!m) out.set(b, (m = new Map()));
    const prev = m.get(a.orchestrator);
    if (!prev || prev.at <= a.at) m.set(a.orchestrator, a);
  }
  return out;
}

/**
 * Price floor (lowest quote) and median quote per (capability, model) per bucket, each orchestrator
 * counted once per bucket with its latest quote. Compared exactly as rationals; the median of an even
 * count is the lower middle quote (a price someone actually asks).
 */
export function priceFloors(answers: readonly Answer[], bucketSeconds: number): PriceSeries[] {
  const series = new Map<string, PriceSeries>();
  const buckets = [...latestPerBucket(answers, bucketSeconds)].sort((a, b) => a[0] - b[0]);
  for (const [at, byOrch] of buckets) {
    const quotes = new Map<string, { capability: number | null; model: string | null; prices: Price[] }>();
    for (const a of byOrch.values())
      for (const p of a.prices) {
        const k = `${p.capability}|${p.model ?? ''}`;
        let q = quotes.get(k);
        if (!q) quotes.set(k, (q = { capability: p.capability, model: p.model, prices: [] }));
        q.prices.push(p);
      }
    for (const [k, q] of quotes) {
      const sorted = q.prices.sort(comparePrices);
      let s = series.get(k);
      if (!s) series.set(k, (s = { capability: q.capability, model: q.model, points: [] }));
      s.points.push({ at, offers: sorted.length, floor: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! });
    }
  }
  return [...series.values()].sort((a, b) => (a.capability ?? -1) - (b.capability ?? -1) || (a.model ?? '').localeCompare(b.model ?? ''));
}

export interface VersionShare {
  version: string;
  orchestrators: number;
}

/** Node versions of the latest answer of each orchestrator, newest version first. */
export function versionDistribution(answers: readonly Answer[]): VersionShare[] {
  const latest = new Map<string, Answer>();
  for (const a of answers) {
    const prev = latest.get(a.orchestrator);
    if (!prev || prev.at <= a.at) latest.set(a.orchestrator, a);
  }
  const counts = new Map<string, number>();
  for (const a of latest.values()) if (a.version) counts.set(a.version, (counts.get(a.version) ?? 0) + 1);
  return [...counts]
    .map(([version, orchestrators]) => ({ version, orchestrators }))
    .sort((a, b) => {
      const va = parseVersion(a.version);
      const vb = parseVersion(b.version);
      return va && vb ? compareVersions(vb, va) : b.version.localeCompare(a.version);
    });
}

/** Orchestrators (of a distribution) at or above a minimum version. */
export function meetingMinimum(dist: readonly VersionShare[], minVersion: string): number {
  const min = parseVersion(minVersion);
  if (!min) return 0;
  return dist.reduce((s, d) => {
    const v = parseVersion(d.version);
    return s + (v && compareVersions(v, min) >= 0 ? d.orchestrators : 0);
  }, 0);
}

/** A price in wei per unit as a decimal string with `digits` fractional digits (truncated, exact). */
export function weiPerUnit(p: Price, digits = 6): string {
  if (p.pixelsPerUnit === 0n) return '0';
  const scaled = (p.pricePerUnit * 10n ** BigInt(digits)) / p.pixelsPerUnit;
  const s = scaled.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, -digits);
  const frac = s.slice(-digits).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}
