import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { formatUsd, loadPriceBook, type PriceBook } from './lookup.js';

/** One amount to value: wei of LPT or ETH at a unix time (null time = unknown, valued null). */
export interface UsdRow {
  amount: bigint;
  unit: 'LPT' | 'ETH';
  time: number | null;
}

/** "Now" for stocks (balances, stake): the last price of each pair. */
export const LATEST = Number.MAX_SAFE_INTEGER;

/**
 * USD (1e-8) of each row at its own time, null where a price is unknown then. Prices are resolved once
 * per distinct (unit, time), so a page of rows sharing a few blocks costs a few binary searches.
 */
export function usdE8Batch(book: PriceBook, rows: readonly UsdRow[]): (bigint | null)[] {
  const valuers = new Map<string, ((x: bigint) => bigint) | null>();
  return rows.map((r) => {
    if (r.time === null) return null;
    const key = `${r.unit}:${r.time}`;
    let v = valuers.get(key);
    if (v === undefined) valuers.set(key, (v = book.valuer(r.unit, r.time)));
    return v ? v(r.amount) : null;
  });
}

/** USD decimal strings (cents, truncated toward zero) of each row at its own time; null when unpriced. */
export function usdBatch(book: PriceBook, rows: readonly UsdRow[]): (string | null)[] {
  return usdE8Batch(book, rows).map((x) => (x === null ? null : formatUsd(x)));
}

/** USD decimal string of one amount at a time (cents, truncated), null when unpriced. */
export function usdOf(book: PriceBook, amount: bigint, unit: 'LPT' | 'ETH', time: number | null): string | null {
  return usdBatch(book, [{ amount, unit, time }])[0] ?? null;
}

/** Sum of USD (1e-8) values, null when any part is unpriced (a partial sum would understate). */
export function sumUsdE8(values: Iterable<bigint | null>): bigint | null {
  let s = 0n;
  for (const v of values) {
    if (v === null) return null;
    s += v;
  }
  return s;
}

interface Cached {
  version: string;
  checkedAt: number;
  book: PriceBook;
}
const cache = new WeakMap<object, Cached>();
const loading = new WeakMap<object, Promise<PriceBook>>();

/** Cheap fingerprint of the price tables: chain ticks and imported ETH/USD, LPT/ETH points. */
async function priceVersion(db: Kysely<Database>): Promise<string> {
  const r = await sql<{ v: string }>`
    select concat_ws('|',
      (select count(*) from price_tick)::text, (select max(block_number) from price_tick)::text,
      (select count(*) from price_series_point where series in ('ETH/USD', 'LPT/ETH'))::text,
      (select max(imported_at) from price_series_point where series in ('ETH/USD', 'LPT/ETH'))::text) as v`.execute(db);
  return r.rows[0]?.v ?? '';
}

/**
 * The price book of a database, reloaded only when the price tables changed (checked at most every
 * `ttlMs`): list endpoints value every row without reading every tick on every request.
 */
export async function cachedPriceBook(db: Kysely<Database>, ttlMs = 1000): Promise<PriceBook> {
  const hit = cache.get(db);
  const now = Date.now();
  if (hit && now - hit.checkedAt < ttlMs) return hit.book;
  const pending = loading.get(db);
  if (pending) return pending;
  const p = (async () => {
    try {
      const version = await priceVersion(db);
      if (hit && hit.version === version) {
        hit.checkedAt = Date.now();
        return hit.book;
      }
      const book = await loadPriceBook(db);
      cache.set(db, { version, checkedAt: Date.now(), book });
      return book;
    } finally {
      loading.delete(db);
    }
  })();
  loading.set(db, p);
  return p;
}

/** Version of the cached price book of `db` (part of response-cache keys), '' before the first load. */
export function cachedPriceVersion(db: Kysely<Database>): string {
  return cache.get(db)?.version ?? '';
}
