import { z } from 'zod';

/**
 * Amounts cross the API as `{ wei, formatted, unit }`: `wei` is the exact integer in base units (LPT-wei or
 * ETH-wei) as a decimal string, `formatted` the same value in whole tokens as an exact decimal string
 * (trailing zeros trimmed, never rounded), so clients can show it without a bigint library and still
 * re-derive it losslessly from `wei`.
 */
export type Unit = 'LPT' | 'ETH';

export interface Amount {
  wei: string;
  formatted: string;
  unit: Unit;
}

export const amountSchema = z
  .object({
    wei: z.string().regex(/^-?\d+$/).meta({ description: 'exact amount in base units (1e-18 of the token), decimal string' }),
    formatted: z.string().meta({ description: 'the same amount in whole tokens, exact decimal string' }),
    unit: z.enum(['LPT', 'ETH']),
  })
  .meta({ id: 'Amount', description: 'A token amount: exact wei string plus the same value in LPT or ETH.' });

const WEI = 10n ** 18n;

/** Exact decimal rendering of `x / 10^decimals` (no rounding). */
export function formatUnits(x: bigint, decimals = 18): string {
  const neg = x < 0n;
  const abs = neg ? -x : x;
  const base = 10n ** BigInt(decimals);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Inverse of formatUnits for user input ("1.5" LPT → wei); throws on more than 18 decimals. */
export function parseUnits(text: string, decimals = 18): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  if (frac.length > decimals) throw new RangeError(`more than ${decimals} decimals: ${text}`);
  const v = BigInt(m[2]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
  return m[1] ? -v : v;
}

export function amount(wei: bigint | string, unit: Unit): Amount {
  const v = typeof wei === 'bigint' ? wei : BigInt(wei);
  return { wei: v.toString(), formatted: formatUnits(v), unit };
}

export const lpt = (wei: bigint | string): Amount => amount(wei, 'LPT');
export const eth = (wei: bigint | string): Amount => amount(wei, 'ETH');

/** Ratio num/den as a JS number with 6 significant decimals; exact inputs, float only at the edge. */
export function ratio(num: bigint, den: bigint): number | null {
  if (den === 0n) return null;
  return Number((num * 1_000_000_000n) / den) / 1e9;
}

/** Parts-per-million value (rewardCut, feeShare) as `{ ppm, percent }`. */
export interface Perc {
  ppm: number;
  percent: number;
}

export const percSchema = z
  .object({ ppm: z.number().int().meta({ description: 'parts per 1e6 as stored on chain' }), percent: z.number() })
  .meta({ id: 'Percentage' });

export function perc(ppm: bigint | string | number): Perc {
  const n = Number(ppm);
  return { ppm: n, percent: n / 10_000 };
}

export { WEI };
