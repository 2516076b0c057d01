// Fixed-point helpers mirroring the Livepeer contracts' MathUtils (1e6), MathUtilsV2 (1e9, Arbitrum Minter)
// and PreciseMathUtils (1e27) libraries, with uint256 revert semantics (docs/protocol.md).
import { AtlasError } from '../base/errors.js';

/** Divisor of MathUtils: rewardCut, feeShare, quorum, quota are parts per 1e6. */
export const PERC_DIVISOR = 1_000_000n;
/** Divisor of MathUtilsV2 (Arbitrum Minter): inflation, inflationChange, targetBondingRate are parts per 1e9. */
export const PERC_DIVISOR_V2 = 1_000_000_000n;
/** Divisor of PreciseMathUtils: cumulative reward/fee factors and treasuryRewardCutRate are parts per 1e27. */
export const PRECISE_PERC_DIVISOR = 10n ** 27n;
/** Largest uint256; also BondingManager's MAX_FUTURE_ROUND (rounds). */
export const MAX_UINT256 = 2n ** 256n - 1n;

/** One of the three divisors the contracts use; anything else would not reproduce on-chain rounding. */
export type PercDivisor = typeof PERC_DIVISOR | typeof PERC_DIVISOR_V2 | typeof PRECISE_PERC_DIVISOR;

/** Thrown where the contract would revert (require/assert, checked arithmetic, division by zero). */
export class ProtocolRevertError extends AtlasError {
  override name = 'ProtocolRevertError';
  constructor(message: string) {
    super('unprocessable', message, { reason: 'reverts' });
  }
}

/** Throws ProtocolRevertError(reason) unless cond holds; the TS twin of Solidity's require. */
export function requireThat(cond: boolean, reason: string): asserts cond {
  if (!cond) throw new ProtocolRevertError(reason);
}

/** Asserts x is a valid uint256 (wei, LPT-wei, rounds or parts per divisor) and returns it. */
export function uint256(x: bigint, name = 'value'): bigint {
  if (x < 0n || x > MAX_UINT256) throw new ProtocolRevertError(`${name} is not a uint256: ${x}`);
  return x;
}

/** a * b with Solidity 0.8 overflow revert (any uint256 unit). */
export function mul(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r > MAX_UINT256) throw new ProtocolRevertError('arithmetic overflow (mul)');
  return r;
}

/** a + b with Solidity 0.8 overflow revert (any uint256 unit). */
export function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r > MAX_UINT256) throw new ProtocolRevertError('arithmetic overflow (add)');
  return r;
}

/** a - b with SafeMath.sub underflow revert (any uint256 unit). */
export function sub(a: bigint, b: bigint): bigint {
  if (b > a) throw new ProtocolRevertError('arithmetic underflow (sub)');
  return a - b;
}

/** floor(a / b) with the EVM's division-by-zero revert (any uint256 unit). */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ProtocolRevertError('division by zero');
  return a / b;
}

/** True iff perc <= divisor (MathUtils/PreciseMathUtils.validPerc); perc in parts per divisor. */
export function validPerc(perc: bigint, divisor: PercDivisor): boolean {
  return perc >= 0n && perc <= divisor;
}

/** floor(fracNum * divisor / fracDenom): the fraction fracNum/fracDenom in parts per divisor. */
export function percPoints(fracNum: bigint, fracDenom: bigint, divisor: PercDivisor): bigint {
  return div(mul(uint256(fracNum, 'fracNum'), divisor), uint256(fracDenom, 'fracDenom'));
}

/**
 * amount * floor(fracNum * D / fracDenom) / D (same unit as amount). The inner floor is the contracts'
 * order of operations; it can differ from floor(amount * fracNum / fracDenom) by several units.
 */
export function percOf(amount: bigint, fracNum: bigint, fracDenom: bigint, divisor: PercDivisor): bigint {
  return div(mul(uint256(amount, 'amount'), percPoints(fracNum, fracDenom, divisor)), divisor);
}

/** floor(amount * perc / D) where perc is already in parts per divisor (same unit as amount). */
export function percOfPerc(amount: bigint, perc: bigint, divisor: PercDivisor): bigint {
  return div(mul(uint256(amount, 'amount'), uint256(perc, 'perc')), divisor);
}
