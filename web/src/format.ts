/**
 * Display formatting from the API's exact decimal strings. Digits are cut from the string, never through
 * floating point, so what the page shows is a prefix of the exact value (the E2E tests rely on this).
 */
export interface AmountLike {
  wei: string;
  formatted: string;
  unit: 'LPT' | 'ETH';
}

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

export function token(a: AmountLike | null | undefined, digits = 2): string {
  if (!a) return '—';
  return `${decimal(a.formatted, digits)} ${a.unit}`;
}

/** Compact form for cards: 25.1M LPT. */
export function compact(a: AmountLike | null | undefined): string {
  if (!a) return '—';
  const n = Number(a.formatted);
  const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, s] of units) if (Math.abs(n) >= v) return `${(Math.trunc((n / v) * 100) / 100).toString()}${s} ${a.unit}`;
  return token(a, 4);
}

/** A USD decimal string from the API ("1234.5") as "$1,234.50"; null (no price known then) as "$ —". */
export function usd(text: string | null | undefined): string {
  if (text === null || text === undefined) return '$ —';
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  return `${neg ? '-' : ''}$${group(int)}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

export function percent(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(Math.round(x * 100 * 10 ** digits) / 10 ** digits).toFixed(digits)}%`;
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
