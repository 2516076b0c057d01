import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** A row as written: bigint amounts become decimal strings, objects become JSON text. */
export type SqlValue = string | number | boolean | null | bigint | Record<string, unknown> | unknown[];

type Db = Kysely<Database>;

export function toSql(v: SqlValue | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return v;
}

const MAX_PARAMS = 30_000;

/** Multi-row INSERT … ON CONFLICT (keys) DO UPDATE, chunked under the parameter limit. */
export async function upsertRows(
  db: Db,
  table: string,
  keys: readonly string[],
  rows: readonly Record<string, SqlValue>[],
  opts: { update?: readonly string[]; ignore?: boolean; jsonCols?: readonly string[] } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const json = new Set(opts.jsonCols ?? []);
  const per = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
  const colList = sql.raw(cols.map((c) => `"${c}"`).join(', '));
  const update = opts.update ?? cols.filter((c) => !keys.includes(c));
  const conflict = opts.ignore
    ? sql.raw(`on conflict (${keys.map((k) => `"${k}"`).join(', ')}) do nothing`)
    : update.length === 0
      ? sql.raw(`on conflict (${keys.map((k) => `"${k}"`).join(', ')}) do nothing`)
      : sql.raw(`on conflict (${keys.map((k) => `"${k}"`).join(', ')}) do update set ${update.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const values = sql.join(
      chunk.map((r) => sql`(${sql.join(cols.map((c) => (json.has(c) ? sql`${toSql(r[c])}::jsonb` : sql`${toSql(r[c])}`)))})`),
    );
    await sql`insert into ${sql.table(table)} (${colList}) values ${values} ${conflict}`.execute(db);
  }
}

/** Rows of `table` whose key columns match any of `keys`. */
export async function selectByKeys(db: Db, table: string, keyCols: readonly string[], keys: readonly SqlValue[][]): Promise<Record<string, unknown>[]> {
  if (keys.length === 0) return [];
  const out: Record<string, unknown>[] = [];
  const per = Math.max(1, Math.floor(MAX_PARAMS / keyCols.length));
  for (let i = 0; i < keys.length; i += per) {
    const chunk = keys.slice(i, i + per);
    const tuple = sql.raw(`(${keyCols.map((k) => `"${k}"`).join(', ')})`);
    const list = sql.join(chunk.map((k) => sql`(${sql.join(k.map((v) => sql`${toSql(v)}`))})`));
    const res = await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${tuple} in (${list})`.execute(db);
    out.push(...res.rows);
  }
  return out;
}

export async function deleteByKeys(db: Db, table: string, keyCols: readonly string[], keys: readonly SqlValue[][]): Promise<void> {
  if (keys.length === 0) return;
  const per = Math.max(1, Math.floor(MAX_PARAMS / keyCols.length));
  for (let i = 0; i < keys.length; i += per) {
    const chunk = keys.slice(i, i + per);
    const tuple = sql.raw(`(${keyCols.map((k) => `"${k}"`).join(', ')})`);
    const list = sql.join(chunk.map((k) => sql`(${sql.join(k.map((v) => sql`${toSql(v)}`))})`));
    await sql`delete from ${sql.table(table)} where ${tuple} in (${list})`.execute(db);
  }
}
