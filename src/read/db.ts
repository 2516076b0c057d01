import { Kysely, sql, type RawBuilder } from 'kysely';
import { fromNumeric } from '../store/amounts.js';
import type { DbKind } from '../store/db.js';
import { forwardingDialect, type ForwardQuery } from '../store/forwardingDialect.js';
import type { Database } from '../store/schema.js';

/** The database handle every read takes (PGlite or PostgreSQL through kysely). */
export type Db = Kysely<Database>;
export type { DbKind, ForwardQuery };

/** A read handle whose statements run elsewhere (`forward`): another thread's database, or a cache in front of one. */
export function forwardingDb(forward: ForwardQuery): Db {
  return new Kysely<Database>({ dialect: forwardingDialect(forward) });
}

/** numeric/int8 columns as the drivers return them: decimal text. */
export type Text = string;

export const big = (x: Text | null): bigint => fromNumeric(x);
export const bigOrNull = (x: Text | null | undefined): bigint | null => (x === null || x === undefined ? null : fromNumeric(x));

/** Runs a trivial query; false when the database errors or does not answer within `timeoutMs`. */
export async function databaseAnswers(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function rows<T>(db: Db, q: RawBuilder<T>): Promise<T[]> {
  return (await q.execute(db)).rows;
}

/**
 * A point in chain history a read is taken at. `latest` reads the current state; `{ block }` is the
 * time-travel read the subgraph's `block: { number }` argument asks for, served by reads that keep history
 * (events, rounds, pools, parameter changes are append-only and filter on block; current-state tables answer
 * `latest` only and refuse a block).
 */
export type AsOf = 'latest' | { block: bigint };

/** `and block_number <= N` for an as-of read of an append-only table, nothing for the latest state. */
export function blockBound(asOf: AsOf, column: RawBuilder<unknown> = sql.ref('block_number')): RawBuilder<unknown> {
  return asOf === 'latest' ? sql`` : sql`and ${column} <= ${asOf.block.toString()}`;
}
