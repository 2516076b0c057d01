/** Parsers for the amounts in gateway payment events, which go-livepeer writes as text with units. */

const TWO_256_MINUS_1 = 2n ** 256n - 1n;

/**
 * Wei from "123", "123 WEI", 123 or "0.5 ETH"; null when unreadable or above 10^30 wei (a trillion ETH: no
 * ticket's face value, and the bound that keeps the rollup sums inside numeric(78,0)).
 */
export function parseWei(v: string | number): bigint | null {
  const s = String(v).trim();
  let m = /^(\d{1,30})(?:\s*wei)?$/i.exec(s);
  if (m) return BigInt(m[1]!);
  m = /^(\d{1,12})(?:\.(\d{1,18}))?\s*eth$/i.exec(s);
  if (m) return BigInt(m[1]!) * 10n ** 18n + BigInt((m[2] ?? '').padEnd(18, '0'));
  return null;
}

/**
 * A winning probability as a fraction {num, den}: a decimal ("0.0001", 1e-4) is a probability; an integer
 * above 1 is the on-chain form, out of 2^256 − 1. null when unreadable or above 1.
 */
export function parseWinProb(v: string | number): { num: bigint; den: bigint } | null {
  const s = typeof v === 'number' ? v.toFixed(30).replace(/0+$/, '') : v.trim();
  let m = /^(\d{1,78})$/.exec(s);
  if (m) {
    const n = BigInt(m[1]!);
    return n <= 1n ? { num: n, den: 1n } : n <= TWO_256_MINUS_1 ? { num: n, den: TWO_256_MINUS_1 } : null;
  }
  m = /^(\d{1,20})\.(\d{0,40})$/.exec(s);
  if (!m) return null;
  const den = 10n ** BigInt(m[2]!.length);
  const num = BigInt(m[1]!) * den + BigInt(m[2]! || '0');
  return num <= den ? { num, den } : null;
}

/** Expected value (wei, floored) of `tickets` tickets of face value `faceValue` wei at probability `p`. */
export function expectedValueWei(faceValue: bigint, p: { num: bigint; den: bigint }, tickets: bigint): bigint {
  return (faceValue * p.num * tickets) / p.den;
}
