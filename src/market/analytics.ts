// LPT market figures from the pools' events: the pool as a swap would meet it (price, tick liquidity,
// reserves), the cost and slippage of buying or selling N LPT, depth to a price move, volume and the fees
// liquidity providers earn. Pure functions; amounts in wei (LPT is token0, WETH token1).
import type { PoolEvent } from './projection.js';
import { Q96, simulateSwap, sqrtPriceX96Of, sqrtRatioAtTick, type PoolState } from './uniswapMath.js';

export interface PoolSnapshot extends PoolState {
  pool: string;
  /** What the pool holds (wei), from the token flows of its events. */
  reserve0: bigint;
  reserve1: bigint;
  /** Block time of the newest event. */
  asOf: number;
}

/**
 * The pool after its events (in chain order): price and tick from the newest Initialize or Swap, net
 * liquidity per initialized tick from Mint and Burn, in-range liquidity as the sum of the nets at or below
 * the current tick, reserves from every transfer the events imply. Null before the pool is initialized.
 */
export function poolSnapshot(pool: string, feePips: number, tickSpacing: number, events: readonly PoolEvent[]): PoolSnapshot | null {
  let sqrtPriceX96: bigint | null = null;
  let tick = 0;
  let reserve0 = 0n;
  let reserve1 = 0n;
  let asOf = 0;
  const net = new Map<number, bigint>();
  const add = (t: number, d: bigint) => {
    const v = (net.get(t) ?? 0n) + d;
    if (v === 0n) net.delete(t);
    else net.set(t, v);
  };
  for (const e of events) {
    asOf = Math.max(asOf, e.blockTime);
    switch (e.kind) {
      case 'initialize':
      case 'swap':
        sqrtPriceX96 = e.sqrtPrice!;
        tick = e.tick!;
        if (e.kind === 'swap') {
          reserve0 += e.amount0!;
          reserve1 += e.amount1!;
        }
        break;
      case 'mint':
        add(e.tickLower!, e.liquidity!);
        add(e.tickUpper!, -e.liquidity!);
        reserve0 += e.amount0!;
        reserve1 += e.amount1!;
        break;
      case 'burn':
        // Burnt liquidity stays in the pool as tokens owed until collected.
        add(e.tickLower!, -e.liquidity!);
        add(e.tickUpper!, e.liquidity!);
        break;
      case 'collect':
        reserve0 -= e.amount0!;
        reserve1 -= e.amount1!;
        break;
      case 'flash':
        reserve0 += e.amount0!;
        reserve1 += e.amount1!;
        break;
    }
  }
  if (sqrtPriceX96 === null) return null;
  const ticks = [...net].map(([t, liquidityNet]) => ({ tick: t, liquidityNet })).sort((a, b) => a.tick - b.tick);
  const liquidity = ticks.filter((t) => t.tick <= tick).reduce((s, t) => s + t.liquidityNet, 0n);
  return { pool, sqrtPriceX96, tick, liquidity, feePips, tickSpacing, ticks, reserve0, reserve1, asOf };
}

/** A price as an exact fraction: WETH-wei per LPT-wei. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** The pool's mid price, WETH per LPT: sqrtPriceX96² / 2^192. */
export const midPrice = (sqrtPriceX96: bigint): Fraction => ({ num: sqrtPriceX96 * sqrtPriceX96, den: Q96 * Q96 });

/** a/b − 1 as parts per million (signed, truncated toward zero), exactly from integers. */
function ppmChange(a: Fraction, b: Fraction): number {
  return Number(((a.num * b.den - b.num * a.den) * 1_000_000n) / (a.den * b.num));
}

export interface Quote {
  side: 'buy' | 'sell';
  /** LPT asked to buy or sell (wei). */
  amount: bigint;
  /** Whether the pool can fill it before its liquidity or price range runs out. */
  filled: boolean;
  /** LPT actually bought or sold (wei). */
  lpt: bigint;
  /** WETH paid (buy) or received (sell), wei, the pool fee included. */
  weth: bigint;
  /** Pool fee in the input token (wei). */
  fee: bigint;
  /** Average price paid or received against the mid price (ppm; a cost in both directions). */
  slippagePpm: number;
  /** Mid price after the trade against before (ppm, signed). */
  priceImpactPpm: number;
}

/** The exact cost of buying, or proceeds of selling, `amount` LPT-wei in one pool now. */
export function quote(s: PoolState, side: 'buy' | 'sell', amount: bigint): Quote {
  // Buying LPT: WETH in, LPT out (exact output). Selling: LPT in (exact input), WETH out.
  const r = side === 'buy' ? simulateSwap(s, false, -amount) : simulateSwap(s, true, amount);
  const lpt = side === 'buy' ? -r.amount0 : r.amount0;
  const weth = side === 'buy' ? r.amount1 : -r.amount1;
  const mid = midPrice(s.sqrtPriceX96);
  const avg: Fraction = { num: weth, den: lpt === 0n ? 1n : lpt };
  const slip = lpt === 0n ? 0 : side === 'buy' ? ppmChange(avg, mid) : -ppmChange(avg, mid);
  return { side, amount, filled: r.filled, lpt, weth, fee: r.feeAmount, slippagePpm: slip, priceImpactPpm: ppmChange(midPrice(r.sqrtPriceX96), mid) };
}

export interface Depth {
  /** Price move (ppm of the mid price; positive up). */
  movePpm: number;
  /** LPT bought (move up) or sold (move down) to move the price that far, and the WETH it takes or yields. */
  lpt: bigint;
  weth: bigint;
}

/** How much LPT moves the price by `movePpm` (e.g. ±20,000 for ±2%): a swap with that price as its limit. */
export function depth(s: PoolState, movePpm: number): Depth {
  const mid = midPrice(s.sqrtPriceX96);
  const target = sqrtPriceX96Of(mid.num * BigInt(1_000_000 + movePpm), mid.den * 1_000_000n);
  const up = movePpm > 0;
  const huge = 1n << 200n;
  const r = simulateSwap(s, !up, huge, target);
  return { movePpm, lpt: up ? -r.amount0 : r.amount0, weth: up ? r.amount1 : -r.amount1 };
}

/** Liquidity by price band: the in-range liquidity between consecutive initialized ticks, with the tokens it holds. */
export function liquidityBands(s: PoolState): { tickLower: number; tickUpper: number; liquidity: bigint; amount0: bigint; amount1: bigint }[] {
  const out: { tickLower: number; tickUpper: number; liquidity: bigint; amount0: bigint; amount1: bigint }[] = [];
  let l = 0n;
  for (let i = 0; i + 1 < s.ticks.length; i++) {
    l += s.ticks[i]!.liquidityNet;
    const lo = s.ticks[i]!.tick;
    const hi = s.ticks[i + 1]!.tick;
    if (l === 0n) continue;
    const a = sqrtRatioAtTick(lo);
    const b = sqrtRatioAtTick(hi);
    const p = s.sqrtPriceX96 < a ? a : s.sqrtPriceX96 > b ? b : s.sqrtPriceX96;
    // Tokens the band holds: LPT above the price, WETH below it.
    const amount0 = ((l << 96n) * (b - p)) / b / p;
    const amount1 = (l * (p - a)) / Q96;
    out.push({ tickLower: lo, tickUpper: hi, liquidity: l, amount0, amount1 });
  }
  return out;
}

export interface VolumeBucket {
  /** Bucket start (unix s). */
  at: number;
  swaps: number;
  /** LPT and WETH traded (wei). */
  lpt: bigint;
  weth: bigint;
  /** Fees liquidity providers earned, valued in WETH at each swap's price (wei). */
  feesWeth: bigint;
}

/**
 * Volume per bucket over the swaps of one pool. A swap's fee is its input amount times the fee rate
 * (the contract charges it per step and rounds each step up, so this can fall short by a few wei).
 */
export function volume(swaps: readonly PoolEvent[], feePips: number, bucketSeconds: number): VolumeBucket[] {
  const out = new Map<number, VolumeBucket>();
  const fee = BigInt(feePips);
  for (const e of swaps) {
    if (e.kind !== 'swap') continue;
    const at = Math.floor(e.blockTime / bucketSeconds) * bucketSeconds;
    const b = out.get(at) ?? { at, swaps: 0, lpt: 0n, weth: 0n, feesWeth: 0n };
    const a0 = e.amount0!;
    const a1 = e.amount1!;
    b.swaps++;
    b.lpt += a0 < 0n ? -a0 : a0;
    b.weth += a1 < 0n ? -a1 : a1;
    if (a1 > 0n) b.feesWeth += (a1 * fee) / 1_000_000n;
    else if (a0 > 0n) {
      const p = midPrice(e.sqrtPrice!);
      b.feesWeth += (((a0 * fee) / 1_000_000n) * p.num) / p.den;
    }
    out.set(at, b);
  }
  return [...out.values()].sort((x, y) => x.at - y.at);
}

/** Value of an LPT amount in WETH at a price (wei, floored). */
export const lptInWeth = (lpt: bigint, p: Fraction) => (lpt * p.num) / p.den;

/**
 * Fees collected by each position owner, exactly: what Collect paid out beyond the principal its Burns
 * released. Unburnt liquidity's accrued fees are not counted until collected.
 */
export function collectedFees(events: readonly PoolEvent[]): Map<string, { fees0: bigint; fees1: bigint }> {
  const out = new Map<string, { fees0: bigint; fees1: bigint }>();
  for (const e of events) {
    if (e.kind !== 'collect' && e.kind !== 'burn') continue;
    const o = out.get(e.owner!) ?? { fees0: 0n, fees1: 0n };
    const sign = e.kind === 'collect' ? 1n : -1n;
    o.fees0 += sign * e.amount0!;
    o.fees1 += sign * e.amount1!;
    out.set(e.owner!, o);
  }
  return out;
}

/** A fraction as a decimal string with `digits` fractional digits (truncated, exact). */
export function decimal(f: Fraction, digits = 18): string {
  const neg = (f.num < 0n) !== (f.den < 0n) && f.num !== 0n;
  const n = f.num < 0n ? -f.num : f.num;
  const d = f.den < 0n ? -f.den : f.den;
  const scaled = ((n * 10n ** BigInt(digits)) / d).toString().padStart(digits + 1, '0');
  const whole = scaled.slice(0, -digits);
  const frac = scaled.slice(-digits).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
