import type { z } from 'zod';
import type { amountSchema } from '../../src/api/format.js';

/**
 * Display formatting at the edge. Amounts are formatted from their exact `wei` integer with bigint arithmetic,
 * never through floating point, so what a page shows is the exact value cut to the digits shown (the E2E tests
 * rely on this). Plain decimal strings (USD, ratios the API sends as text) are cut as text.
 */
export type Amount = z.output<typeof amountSchema>;
export type Unit = Amount['unit'];

const DECIMALS = 18;
const ONE = 10n ** BigInt(DECIMALS);

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234567.891234" → "1,234,567.89" (truncated to `digits` decimals, trailing zeros kept off). */
export function decimal(text: string, digits = 2): string {
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  const cut = frac.slice(0, digits).replace(/0+$/, '');
  return `${neg ? '-' : ''}${group(int)}${cut ? `.${cut}` : ''}`;
}

/** Base units (1e-18 of a token) as an exact decimal string in whole tokens: 1500000000000000000n → "1.5". */
export function tokens(wei: bigint): string {
  const neg = wei < 0n;
  const abs = neg ? -wei : wei;
  const frac = (abs % ONE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs / ONE}${frac ? `.${frac}` : ''}`;
}

/** An amount of `unit` from base units. */
export function amountOf(wei: bigint, unit: Unit): Amount {
  return { wei: wei.toString(), formatted: tokens(wei), unit };
}

/** The exact sum of amounts of one unit (zero when there are none). */
export function sumAmounts(parts: readonly Amount[], unit: Unit = parts[0]?.unit ?? 'ETH'): Amount {
  return amountOf(parts.reduce((s, p) => s + BigInt(p.wei), 0n), unit);
}

/** "1,234.56 LPT": the amount truncated to `digits` decimals, with its unit. */
export function token(a: Amount | null | undefined, digits = 2): string {
  if (!a) return '—';
  return `${decimal(tokens(BigInt(a.wei)), digits)} ${a.unit}`;
}

/** The amount's number without its unit (for columns whose header names the unit). */
export function tokenNumber(a: Amount | null | undefined, digits = 2): string {
  if (!a) return '—';
  return decimal(tokens(BigInt(a.wei)), digits);
}

const SCALES: [bigint, string][] = [
  [10n ** 9n, 'B'],
  [10n ** 6n, 'M'],
  [10n ** 3n, 'k'],
];

/** Compact form for cards: 25.1M LPT (truncated to two decimals of the scale). */
export function compact(a: Amount | null | undefined): string {
  if (!a) return '—';
  const wei = BigInt(a.wei);
  const abs = wei < 0n ? -wei : wei;
  for (const [scale, suffix] of SCALES) {
    if (abs >= scale * ONE) return `${decimal(tokens(wei / scale), 2)}${suffix} ${a.unit}`;
  }
  return token(a, 4);
}

/** A USD decimal string from the API ("1234.5") as "$1,234.50"; null (no price known then) as "$ —". */
export function usd(text: string | null | undefined): string {
  if (text === null || text === undefined) return '$ —';
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  return `${neg ? '-' : ''}$${group(int)}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

/** A USD decimal string in whole cents ("$1,234.50"), or to `digits` decimals for per-unit prices; null (unpriced) as "—". */
export function dollars(text: string | null | undefined, digits = 2): string {
  if (text === null || text === undefined) return '—';
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  return `${neg ? '-' : ''}$${group(int)}.${frac.padEnd(digits, '0').slice(0, digits)}`;
}

/**
 * A small USD figure (a price per unit) readable at a glance: cents from one cent up, below that three
 * significant digits written out ("$0.00000123"), never an exponent and never a row of zeros.
 */
export function smallDollars(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '$0.00';
  if (Math.abs(x) >= 0.01) return dollars(x.toFixed(2));
  const digits = Math.min(20, 2 - Math.floor(Math.log10(Math.abs(x))));
  return `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(digits).replace(/0+$/, '')}`;
}

const WORDS: [number, string][] = [
  [1e15, 'quadrillion'],
  [1e12, 'trillion'],
  [1e9, 'billion'],
  [1e6, 'million'],
];

/** A large count in words with three significant digits: 2.54 quadrillion (never "2.54e+15"); below a million with separators. */
export function largeCount(x: number): string {
  for (const [scale, word] of WORDS) if (Math.abs(x) >= scale) return `${Number((x / scale).toPrecision(3)).toLocaleString('en-US')} ${word}`;
  return Math.round(x).toLocaleString('en-US');
}

/** The exact sum of USD decimal strings, in cents (the API truncates each to cents). */
export function sumUsd(values: readonly (string | null)[]): string {
  let cents = 0n;
  for (const v of values) {
    if (v === null) continue;
    const neg = v.startsWith('-');
    const [i = '0', d = ''] = (neg ? v.slice(1) : v).split('.');
    const c = BigInt(i) * 100n + BigInt(d.padEnd(2, '0').slice(0, 2));
    cents += neg ? -c : c;
  }
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A ratio (0.1234) as "12.34%". */
export function percent(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(Math.round(x * 100 * 10 ** digits) / 10 ** digits).toFixed(digits)}%`;
}

/** A count with thousands separators: 12,345. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function shortAddress(a: string): string {
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

export function dateTime(unix: number): string {
  return new Date(unix * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function host(uri: string | null): string {
  if (!uri) return '—';
  try {
    return new URL(uri).host;
  } catch {
    return uri;
  }
}

/** A price as the node states it ("4768371 wei/unit", "3/2 wei/unit"): exact, no float. */
export function priceText(p: { pricePerUnit: string; pixelsPerUnit: string } | null): string {
  if (!p) return '—';
  // Exact integers with thousands separators (bigint formats without going through a float).
  const n = BigInt(p.pricePerUnit).toLocaleString('en-US');
  return p.pixelsPerUnit === '1' ? `${n} wei/unit` : `${n}/${BigInt(p.pixelsPerUnit).toLocaleString('en-US')} wei/unit`;
}

/** A wei-per-unit statistic (a mean or percentile the API computes as a number), 4 significant digits. */
export function weiText(x: number): string {
  return `${Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 20 })} wei/unit`;
}

/** Latency for display: ms below a second, else seconds. */
export function latency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
