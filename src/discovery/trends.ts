// What the discovery answers say about the market over time: price floors per capability and model, and
// node versions against the minimum versions gateways ask for. Pure functions over stored answers.
import { comparePrices, type Price } from '../registry/adverts.js';
import { compareVersions, parseVersion } from '../registry/capabilities.js';

/** One stored answer: when, from whom, at which version, quoting which prices. */
export interface Answer {
  at: number;
  orchestrator: string;
  /** Which of the orchestrator's nodes answered (its service or AI service URI's registry); one node when absent. */
  node?: string;
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

type Quote = Answer['prices'][number];

/**
 * Per bucket of `bucketSeconds`, each orchestrator's latest quote of each (capability, model): the latest answer
 * of each of its nodes (service and AI service URIs answer apart) in the bucket, and where two nodes quote the
 * same capability and model, the later quote.
 */
function latestQuotesPerBucket(answers: readonly Answer[], bucketSeconds: number): Map<number, Map<string, Quote & { at: number }>> {
  const nodes = new Map<number, Map<string, Answer>>();
  for (const a of answers) {
    const b = Math.floor(a.at / bucketSeconds) * bucketSeconds;
    let m = nodes.get(b);
    if (!m) nodes.set(b, (m = new Map()));
    const k = `${a.orchestrator}|${a.node ?? ''}`;
    const prev = m.get(k);
    if (!prev || prev.at <= a.at) m.set(k, a);
  }
  const out = new Map<number, Map<string, Quote & { at: number }>>();
  for (const [b, m] of nodes) {
    const quotes = new Map<string, Quote & { at: number }>();
    for (const a of m.values())
      for (const p of a.prices) {
        const k = `${a.orchestrator}|${p.capability}|${p.model ?? ''}`;
        const prev = quotes.get(k);
        if (!prev || prev.at <= a.at) quotes.set(k, { ...p, at: a.at });
      }
    out.set(b, quotes);
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
  const buckets = [...latestQuotesPerBucket(answers, bucketSeconds)].sort((a, b) => a[0] - b[0]);
  for (const [at, byQuote] of buckets) {
    const quotes = new Map<string, { capability: number | null; model: string | null; prices: Price[] }>();
    for (const p of byQuote.values()) {
      const k = `${p.capability}|${p.model ?? ''}`;
      let q = quotes.get(k);
      if (!q) quotes.set(k, (q = { capability: p.capability, model: p.model, prices: [] }));
      const { at: _at, ...quote } = p;
      q.prices.push(quote);
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

/** Orders versions newest first (unparseable ones by text, after). */
function newerFirst(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return va && vb ? compareVersions(vb, va) : va ? -1 : vb ? 1 : b.localeCompare(a);
}

/** Node versions of the latest answer of each orchestrator (of its nodes answering at once, the newest version), newest version first. */
export function versionDistribution(answers: readonly Answer[]): VersionShare[] {
  const latest = new Map<string, Answer>();
  for (const a of answers) {
    const prev = latest.get(a.orchestrator);
    if (!prev || prev.at < a.at || (prev.at === a.at && a.version !== null && (prev.version === null || newerFirst(a.version, prev.version) < 0))) latest.set(a.orchestrator, a);
  }
  const counts = new Map<string, number>();
  for (const a of latest.values()) if (a.version) counts.set(a.version, (counts.get(a.version) ?? 0) + 1);
  return [...counts]
    .map(([version, orchestrators]) => ({ version, orchestrators }))
    .sort((a, b) => newerFirst(a.version, b.version));
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
