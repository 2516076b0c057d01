/**
 * Token amounts live in `numeric(78,0)` columns (enough for any uint256) and
 * in code as bigint. The drivers return numeric as a decimal string, which is
 * lossless; these helpers are the only sanctioned way across that boundary.
 */

/** Largest magnitude a numeric(78,0) column accepts. */
export const NUMERIC_78_MAX = 10n ** 78n - 1n;

/** bigint → the decimal text to bind to a numeric(78,0) parameter. */
export function toNumeric(x: bigint): string {
  if (typeof x !== 'bigint') {
    throw new TypeError(`toNumeric expects a bigint, got ${describe(x)}`);
  }
  if (x > NUMERIC_78_MAX || x < -NUMERIC_78_MAX) {
    throw new RangeError(`amount ${x} does not fit in numeric(78,0)`);
  }
  return x.toString();
}

// Integer-valued numeric text may carry a zero fraction (e.g. `5.000` from
// arithmetic with a scaled value); any other fraction is a real bug upstream.
const INTEGER_TEXT = /^-?\d+(?:\.0+)?$/;

/**
 * A value read from a numeric/int8 column → bigint. Throws on anything that is
 * not exactly an integer (fractions, NaN, unsafe JS numbers, null).
 */
export function fromNumeric(x: string | number | bigint | null): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'string') {
    const text = x.trim();
    if (!INTEGER_TEXT.test(text)) {
      throw new RangeError(`expected an integer amount, got ${JSON.stringify(x)}`);
    }
    const dot = text.indexOf('.');
    return BigInt(dot === -1 ? text : text.slice(0, dot));
  }
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) {
      throw new RangeError(`expected an integer amount, got ${x}`);
    }
    // Above 2^53 the number may already have lost digits; refuse rather than
    // return a plausible-looking wrong amount.
    if (!Number.isSafeInteger(x)) {
      throw new RangeError(`amount ${x} is beyond Number.MAX_SAFE_INTEGER and may be inexact; read it as a string`);
    }
    return BigInt(x);
  }
  if (x === null) {
    throw new TypeError(
      'expected an integer amount, got null (use fromNumericOrNull, or coalesce(sum(x), 0) in SQL)',
    );
  }
  throw new TypeError(`expected an integer amount, got ${describe(x)}`);
}

/** Like {@link fromNumeric} but lets SQL NULL through as null. */
export function fromNumericOrNull(x: string | number | bigint | null): bigint | null {
  return x === null ? null : fromNumeric(x);
}

function describe(x: unknown): string {
  return x === null ? 'null' : typeof x;
}
