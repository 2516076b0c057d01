import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { ETH_USD_DECIMALS, type PricePair } from './sources.js';

/**
 * A price as an exact ratio: quote base-units per one base-unit of the priced token (ETH/USD: USD per
 * ETH; LPT/ETH: ETH-wei per LPT-wei, both tokens having 18 decimals). Kept as a fraction so a
 * conversion floors once, at the end.
 */
export interface Price {
  num: bigint;
  den: bigint;
}

const Q192 = 2n ** 192n;
const WEI = 10n ** 18n;
/** USD amounts are carried in units of 1e-8 USD (the Chainlink answer's precision). */
export const USD_E8 = 10n ** 8n;

/** ETH/USD from a Chainlink answer (USD per ETH with 8 decimals). */
export function ethUsdFromAnswer(answer: bigint): Price {
  return { num: answer, den: 10n ** BigInt(ETH_USD_DECIMALS) };
}

/** LPT/ETH from the pool's sqrtPriceX96 (token0 LPT, token1 WETH): (sqrtPriceX96 / 2^96)^2 ETH per LPT. */
export function lptEthFromSqrtPriceX96(sqrtPriceX96: bigint): Price {
  return { num: sqrtPriceX96 * sqrtPriceX96, den: Q192 };
}

/** A decimal string ("2650.125") as an exact price. */
export function priceFromDecimal(text: string): Price {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a non-negative decimal: ${JSON.stringify(text)}`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  return { num: BigInt(m[1]! + frac), den: 10n ** BigInt(frac.length) };
}

/** USD value (1e-8 USD) of an ETH amount (wei) at `ethUsd`, floored. */
export function usdE8OfEth(wei: bigint, ethUsd: Price): bigint {
  return (wei * ethUsd.num * USD_E8) / (ethUsd.den * WEI);
}

/** USD value (1e-8 USD) of an LPT amount (LPT-wei) through LPT/ETH then ETH/USD, floored once. */
export function usdE8OfLpt(lptWei: bigint, lptEth: Price, ethUsd: Price): bigint {
  return (lptWei * lptEth.num * ethUsd.num * USD_E8) / (lptEth.den * ethUsd.den * WEI);
}

/** ETH-wei per whole LPT at `lptEth`, floored (for display). */
export function weiPerLpt(lptEth: Price): bigint {
  return (WEI * lptEth.num) / lptEth.den;
}

/** 1e-8 USD as a decimal string with cents, truncated toward zero ("1234.56"). */
export function formatUsd(e8: bigint): string {
  const neg = e8 < 0n;
  const cents = (neg ? -e8 : e8) / 1_000_000n;
  return `${neg ? '-' : ''}${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** A price in effect from `time` (unix seconds) until the next point. */
export interface PricePoint {
  time: number;
  price: Price;
}

/**
 * Prices over time for both pairs. `at` answers the last point at or before a time: the price "at the
 * time it happened". Imported CSV points of a pair only fill the time before its first chain tick, so a
 * coarse external series never overrides the chain where the chain has data.
 */
export class PriceBook {
  private readonly points: Record<PricePair, PricePoint[]>;

  constructor(chain: Record<PricePair, PricePoint[]>, imported: Partial<Record<PricePair, PricePoint[]>> = {}) {
    const merge = (pair: PricePair): PricePoint[] => {
      const c = [...chain[pair]].sort((a, b) => a.time - b.time);
      const first = c[0]?.time ?? Number.POSITIVE_INFINITY;
      const before = (imported[pair] ?? []).filter((p) => p.time < first).sort((a, b) => a.time - b.time);
      return [...before, ...c];
    };
    this.points = { 'ETH/USD': merge('ETH/USD'), 'LPT/ETH': merge('LPT/ETH') };
  }

  /** Last price of `pair` at or before `time` (unix seconds); null before the first point. */
  at(pair: PricePair, time: number): Price | null {
    const pts = this.points[pair];
    let lo = 0;
    let hi = pts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (pts[mid]!.time <= time) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? null : pts[found]!.price;
  }

  /** Every point of a pair, oldest first. */
  series(pair: PricePair): readonly PricePoint[] {
    return this.points[pair];
  }

  /** A converter of ETH-wei or LPT-wei to USD (1e-8) at `time`, resolving the prices once; null when one is unknown then. */
  valuer(unit: 'ETH' | 'LPT', time: number): ((amountWei: bigint) => bigint) | null {
    const ethUsd = this.at('ETH/USD', time);
    if (!ethUsd) return null;
    if (unit === 'ETH') return (x) => usdE8OfEth(x, ethUsd);
    const lptEth = this.at('LPT/ETH', time);
    return lptEth ? (x) => usdE8OfLpt(x, lptEth, ethUsd) : null;
  }

  /** USD (1e-8) of an amount of ETH-wei or LPT-wei at `time`; null when a needed price is unknown then. */
  usdE8(amountWei: bigint, unit: 'ETH' | 'LPT', time: number): bigint | null {
    const ethUsd = this.at('ETH/USD', time);
    if (!ethUsd) return null;
    if (unit === 'ETH') return usdE8OfEth(amountWei, ethUsd);
    const lptEth = this.at('LPT/ETH', time);
    return lptEth ? usdE8OfLpt(amountWei, lptEth, ethUsd) : null;
  }
}

/** Loads chain ticks and the imported ETH/USD and LPT/ETH series. */
export async function loadPriceBook(db: Kysely<Database>): Promise<PriceBook> {
  const ticks = await sql<{ t: string; pair: PricePair; v: string }>`
    select block_time::text as t, pair, value::text as v from price_tick order by block_number, log_index`.execute(db);
  const chain: Record<PricePair, PricePoint[]> = { 'ETH/USD': [], 'LPT/ETH': [] };
  for (const r of ticks.rows) {
    const v = BigInt(r.v);
    chain[r.pair]?.push({ time: Number(r.t), price: r.pair === 'ETH/USD' ? ethUsdFromAnswer(v) : lptEthFromSqrtPriceX96(v) });
  }
  const imp = await sql<{ series: PricePair; t: string; v: string }>`
    select series, time::text as t, value::text as v from price_series_point where series in ('ETH/USD', 'LPT/ETH') order by time`.execute(db);
  const imported: Record<PricePair, PricePoint[]> = { 'ETH/USD': [], 'LPT/ETH': [] };
  for (const r of imp.rows) imported[r.series].push({ time: Number(r.t), price: priceFromDecimal(r.v) });
  return new PriceBook(chain, imported);
}
