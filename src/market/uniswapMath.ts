// Uniswap V3's pool math in bigint, equal to the contracts to the wei: TickMath (sqrt price at a tick),
// SqrtPriceMath (amounts between prices, next price after an amount), SwapMath (one step within a tick
// range) and a swap across initialized ticks, as UniswapV3Pool.swap computes it.

export const Q96 = 1n << 96n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;
const MAX_UINT256 = (1n << 256n) - 1n;

/** Integer square root (floor). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  // Newton's method from a power of two above the root; it decreases monotonically to floor(sqrt(n)).
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** sqrtPriceX96 for a price of `num/den` token1 per token0: floor(sqrt(num/den) · 2^96). */
export function sqrtPriceX96Of(num: bigint, den: bigint): bigint {
  return isqrt((num * Q96 * Q96) / den);
}

const mulDiv = (a: bigint, b: bigint, d: bigint) => (a * b) / d;
const mulDivUp = (a: bigint, b: bigint, d: bigint) => {
  const p = a * b;
  return p / d + (p % d === 0n ? 0n : 1n);
};
const divUp = (a: bigint, b: bigint) => a / b + (a % b === 0n ? 0n : 1n);

/** TickMath.getSqrtRatioAtTick: sqrt(1.0001^tick) · 2^96 as a Q64.96, rounded up as the contract does. */
export function sqrtRatioAtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) throw new RangeError(`tick ${tick} out of range`);
  const abs = BigInt(Math.abs(tick));
  let ratio = (abs & 0x1n) !== 0n ? 0xfffcb933bd6fad37aa2d162d1a594001n : 0x100000000000000000000000000000000n;
  const steps: [bigint, bigint][] = [
    [0x2n, 0xfff97272373d413259a46990580e213an],
    [0x4n, 0xfff2e50f5f656932ef12357cf3c7fdccn],
    [0x8n, 0xffe5caca7e10e4e61c3624eaa0941cd0n],
    [0x10n, 0xffcb9843d60f6159c9db58835c926644n],
    [0x20n, 0xff973b41fa98c081472e6896dfb254c0n],
    [0x40n, 0xff2ea16466c96a3843ec78b326b52861n],
    [0x80n, 0xfe5dee046a99a2a811c461f1969c3053n],
    [0x100n, 0xfcbe86c7900a88aedcffc83b479aa3a4n],
    [0x200n, 0xf987a7253ac413176f2b074cf7815e54n],
    [0x400n, 0xf3392b0822b70005940c7a398e4b70f3n],
    [0x800n, 0xe7159475a2c29b7443b29c7fa6e889d9n],
    [0x1000n, 0xd097f3bdfd2022b8845ad8f792aa5825n],
    [0x2000n, 0xa9f746462d870fdf8a65dc1f90e061e5n],
    [0x4000n, 0x70d869a156d2a1b890bb3df62baf32f7n],
    [0x8000n, 0x31be135f97d08fd981231505542fcfa6n],
    [0x10000n, 0x9aa508b5b7a84e1c677de54f3e99bc9n],
    [0x20000n, 0x5d6af8dedb81196699c329225ee604n],
    [0x40000n, 0x2216e584f5fa1ea926041bedfe98n],
    [0x80000n, 0x48a170391f7dc42444e8fa2n],
  ];
  for (const [bit, m] of steps) if ((abs & bit) !== 0n) ratio = (ratio * m) >> 128n;
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  return (ratio >> 32n) + (ratio % (1n << 32n) === 0n ? 0n : 1n);
}

/** TickMath.getTickAtSqrtRatio: the greatest tick whose sqrt ratio is at most `sqrtPriceX96` (by bisection). */
export function tickAtSqrtRatio(sqrtPriceX96: bigint): number {
  if (sqrtPriceX96 < MIN_SQRT_RATIO || sqrtPriceX96 >= MAX_SQRT_RATIO) throw new RangeError('sqrt price out of range');
  let lo = MIN_TICK;
  let hi = MAX_TICK;
  while (lo < hi) {
    const mid = Math.floor((lo + hi + 1) / 2);
    if (sqrtRatioAtTick(mid) <= sqrtPriceX96) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** SqrtPriceMath.getAmount0Delta: token0 between two prices for `liquidity`. */
export function amount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  const n1 = liquidity << 96n;
  const n2 = sqrtB - sqrtA;
  return roundUp ? divUp(mulDivUp(n1, n2, sqrtB), sqrtA) : mulDiv(n1, n2, sqrtB) / sqrtA;
}

/** SqrtPriceMath.getAmount1Delta: token1 between two prices for `liquidity`. */
export function amount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  return roundUp ? mulDivUp(liquidity, sqrtB - sqrtA, Q96) : mulDiv(liquidity, sqrtB - sqrtA, Q96);
}

function nextSqrtFromAmount0RoundingUp(sqrtP: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (amount === 0n) return sqrtP;
  const n1 = liquidity << 96n;
  if (add) {
    const product = amount * sqrtP;
    const denominator = n1 + product;
    if (denominator >= n1) return mulDivUp(n1, sqrtP, denominator);
    return divUp(n1, n1 / sqrtP + amount);
  }
  const product = amount * sqrtP;
  if (n1 <= product) throw new RangeError('price out of range');
  return mulDivUp(n1, sqrtP, n1 - product);
}

function nextSqrtFromAmount1RoundingDown(sqrtP: bigint, liquidity: bigint, amount: bigint, add: boolean): bigint {
  if (add) return sqrtP + (amount << 96n) / liquidity;
  const q = divUp(amount << 96n, liquidity);
  if (sqrtP <= q) throw new RangeError('price out of range');
  return sqrtP - q;
}

/** SqrtPriceMath.getNextSqrtPriceFromInput. */
export function nextSqrtFromInput(sqrtP: bigint, liquidity: bigint, amountIn: bigint, zeroForOne: boolean): bigint {
  return zeroForOne ? nextSqrtFromAmount0RoundingUp(sqrtP, liquidity, amountIn, true) : nextSqrtFromAmount1RoundingDown(sqrtP, liquidity, amountIn, true);
}

/** SqrtPriceMath.getNextSqrtPriceFromOutput. */
export function nextSqrtFromOutput(sqrtP: bigint, liquidity: bigint, amountOut: bigint, zeroForOne: boolean): bigint {
  return zeroForOne ? nextSqrtFromAmount1RoundingDown(sqrtP, liquidity, amountOut, false) : nextSqrtFromAmount0RoundingUp(sqrtP, liquidity, amountOut, false);
}

/** SwapMath.computeSwapStep: one step towards `sqrtTarget`; amountRemaining > 0 exact input, < 0 exact output. */
export function computeSwapStep(sqrtCurrent: bigint, sqrtTarget: bigint, liquidity: bigint, amountRemaining: bigint, feePips: number): { sqrtNext: bigint; amountIn: bigint; amountOut: bigint; feeAmount: bigint } {
  const zeroForOne = sqrtCurrent >= sqrtTarget;
  const exactIn = amountRemaining >= 0n;
  const fee = BigInt(feePips);
  let sqrtNext: bigint;
  let amountIn = 0n;
  let amountOut = 0n;
  if (exactIn) {
    const remainingLessFee = mulDiv(amountRemaining, 1_000_000n - fee, 1_000_000n);
    amountIn = zeroForOne ? amount0Delta(sqrtTarget, sqrtCurrent, liquidity, true) : amount1Delta(sqrtCurrent, sqrtTarget, liquidity, true);
    sqrtNext = remainingLessFee >= amountIn ? sqrtTarget : nextSqrtFromInput(sqrtCurrent, liquidity, remainingLessFee, zeroForOne);
  } else {
    amountOut = zeroForOne ? amount1Delta(sqrtTarget, sqrtCurrent, liquidity, false) : amount0Delta(sqrtCurrent, sqrtTarget, liquidity, false);
    sqrtNext = -amountRemaining >= amountOut ? sqrtTarget : nextSqrtFromOutput(sqrtCurrent, liquidity, -amountRemaining, zeroForOne);
  }
  const max = sqrtTarget === sqrtNext;
  if (zeroForOne) {
    amountIn = max && exactIn ? amountIn : amount0Delta(sqrtNext, sqrtCurrent, liquidity, true);
    amountOut = max && !exactIn ? amountOut : amount1Delta(sqrtNext, sqrtCurrent, liquidity, false);
  } else {
    amountIn = max && exactIn ? amountIn : amount1Delta(sqrtCurrent, sqrtNext, liquidity, true);
    amountOut = max && !exactIn ? amountOut : amount0Delta(sqrtCurrent, sqrtNext, liquidity, false);
  }
  if (!exactIn && amountOut > -amountRemaining) amountOut = -amountRemaining;
  const feeAmount = exactIn && sqrtNext !== sqrtTarget ? amountRemaining - amountIn : mulDivUp(amountIn, fee, 1_000_000n - fee);
  return { sqrtNext, amountIn, amountOut, feeAmount };
}

/** A pool as the swap sees it: price, tick, in-range liquidity and the net liquidity of each initialized tick. */
export interface PoolState {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  feePips: number;
  tickSpacing: number;
  /** Initialized ticks, ascending, with liquidityNet (added when crossed upwards). */
  ticks: { tick: number; liquidityNet: bigint }[];
}

export interface SwapResult {
  /** Pool's view: positive = paid into the pool. */
  amount0: bigint;
  amount1: bigint;
  feeAmount: bigint;
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** False when the pool ran out of liquidity or hit the price limit before filling the amount. */
  filled: boolean;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/**
 * TickBitmap.nextInitializedTickWithinOneWord over a sorted tick list: the next initialized tick within the
 * bitmap word of `tick` (at or below it when `lte`, above it otherwise), else the word's edge, uninitialized.
 * Steps stop at word edges as the contract's do, so the rounding of each step matches.
 */
function nextTickWithinWord(ticks: PoolState['ticks'], tick: number, spacing: number, lte: boolean): { tick: number; index: number; initialized: boolean } {
  const compressed = floorDiv(tick, spacing);
  if (lte) {
    const lowest = (compressed - (compressed & 255)) * spacing;
    const i = lastIndexAtOrBelow(ticks, compressed * spacing);
    return i >= 0 && ticks[i]!.tick >= lowest ? { tick: ticks[i]!.tick, index: i, initialized: true } : { tick: lowest, index: -1, initialized: false };
  }
  const start = compressed + 1;
  const highest = (start + (255 - (start & 255))) * spacing;
  const i = lastIndexAtOrBelow(ticks, start * spacing - 1) + 1;
  return i < ticks.length && ticks[i]!.tick <= highest ? { tick: ticks[i]!.tick, index: i, initialized: true } : { tick: highest, index: -1, initialized: false };
}

/**
 * UniswapV3Pool.swap without transfers: `amountSpecified` > 0 exact input, < 0 exact output of the token
 * being bought. Stops at `sqrtPriceLimitX96` (default the extreme price) or when liquidity runs out.
 */
export function simulateSwap(pool: PoolState, zeroForOne: boolean, amountSpecified: bigint, sqrtPriceLimitX96?: bigint): SwapResult {
  const limit = sqrtPriceLimitX96 ?? (zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n);
  const exactIn = amountSpecified > 0n;
  let remaining = amountSpecified;
  let calculated = 0n;
  let sqrtP = pool.sqrtPriceX96;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let fees = 0n;
  while (remaining !== 0n && sqrtP !== limit) {
    const start = sqrtP;
    const next = nextTickWithinWord(pool.ticks, tick, pool.tickSpacing, zeroForOne);
    const tickNext = Math.max(MIN_TICK, Math.min(MAX_TICK, next.tick));
    const sqrtNextTick = sqrtRatioAtTick(tickNext);
    const target = zeroForOne ? (sqrtNextTick < limit ? limit : sqrtNextTick) : sqrtNextTick > limit ? limit : sqrtNextTick;
    const step = computeSwapStep(sqrtP, target, liquidity, remaining, pool.feePips);
    sqrtP = step.sqrtNext;
    if (exactIn) {
      remaining -= step.amountIn + step.feeAmount;
      calculated -= step.amountOut;
    } else {
      remaining += step.amountOut;
      calculated += step.amountIn + step.feeAmount;
    }
    fees += step.feeAmount;
    if (sqrtP === sqrtNextTick) {
      if (next.initialized) {
        const net = pool.ticks[next.index]!.liquidityNet;
        liquidity = zeroForOne ? liquidity - net : liquidity + net;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
      // At the end of the price range nothing is left to trade against.
      if (tickNext === MIN_TICK || tickNext === MAX_TICK) break;
    } else if (sqrtP !== start) tick = tickAtSqrtRatio(sqrtP);
  }
  const [amount0, amount1] = zeroForOne === exactIn ? [amountSpecified - remaining, calculated] : [calculated, amountSpecified - remaining];
  return { amount0, amount1, feeAmount: fees, sqrtPriceX96: sqrtP, tick, liquidity, filled: remaining === 0n };
}

function lastIndexAtOrBelow(ticks: PoolState['ticks'], tick: number): number {
  let lo = 0;
  let hi = ticks.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]!.tick <= tick) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** LiquidityAmounts.getLiquidityForAmounts: the most liquidity `amount0`/`amount1` fund over [sqrtA, sqrtB] at price sqrtP. */
export function liquidityForAmounts(sqrtP: bigint, sqrtA: bigint, sqrtB: bigint, amount0: bigint, amount1: bigint): bigint {
  if (sqrtA > sqrtB) [sqrtA, sqrtB] = [sqrtB, sqrtA];
  const l0 = (a: bigint, b: bigint) => mulDiv(amount0, mulDiv(a, b, Q96), b - a);
  const l1 = (a: bigint, b: bigint) => mulDiv(amount1, Q96, b - a);
  if (sqrtP <= sqrtA) return l0(sqrtA, sqrtB);
  if (sqrtP < sqrtB) {
    const x = l0(sqrtP, sqrtB);
    const y = l1(sqrtA, sqrtP);
    return x < y ? x : y;
  }
  return l1(sqrtA, sqrtB);
}
