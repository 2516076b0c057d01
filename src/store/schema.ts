import type { ColumnType } from 'kysely';

/**
 * Column types shared by every table. Both backends are configured (see
 * db.ts) to return these JS types, so a type here holds on PGlite and
 * PostgreSQL alike.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * `json`/`jsonb`: read back parsed; written as JSON text (`JSON.stringify`).
 * Text is required on write because node-postgres sends a JS array as a
 * Postgres array literal, which is not valid JSON, while PGlite would send
 * JSON — passing text makes both send the same thing.
 */
export type Jsonb = ColumnType<JsonValue, string, string>;

/** `numeric(78,0)` amounts (wei, LPT base units): a decimal string; convert with amounts.ts. */
export type Numeric = ColumnType<string, string, string>;

/** `int8`/`bigint`: a decimal string on read (like node-postgres), anything integer-like on write. */
export type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

/** `timestamptz`. */
export type Timestamptz = ColumnType<Date, Date | string, Date | string>;

/** `timestamptz ... default now()`: optional on insert. */
export type TimestamptzDefault = ColumnType<Date, Date | string | undefined, Date | string>;

/** `date`: a `YYYY-MM-DD` string on read, never a JS Date (which would shift with the process time zone). */
export type DateString = ColumnType<string, string, string>;

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: TimestamptzDefault;
}

export interface AtlasMetaTable {
  key: string;
  value: Jsonb;
  updated_at: TimestamptzDefault;
}

/**
 * Every table of the database, one property per table. Migrations that add
 * tables add their property here.
 */
export interface Database {
  schema_migrations: SchemaMigrationsTable;
  atlas_meta: AtlasMetaTable;
}
