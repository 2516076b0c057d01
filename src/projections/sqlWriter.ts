import { CompiledQuery, sql, type Kysely } from 'kysely';
import { copyInQuery, encodeCopyText, type CopyValue } from '../store/bulkCopy.js';
import type { Database } from '../store/schema.js';

/** A row as written: bigint amounts become decimal strings, objects become JSON text. */
export type SqlValue = string | number | boolean | null | bigint | Record<string, unknown> | unknown[];

type Db = Kysely<Database>;

export function toSql(v: SqlValue | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'object') return jsonText(v);
  return v;
}

const quotedKeys = new Map<string, string>();
const bigintAsString = (_k: string, x: unknown): unknown => (typeof x === 'bigint' ? x.toString() : x);

/**
 * JSON text of a value whose integers may be bigints (written as decimal strings). Same output as
 * JSON.stringify with a bigint-to-string replacer, several times faster: a replacer function takes
 * JSON.stringify off its fast path, and event args are serialized once per indexed log.
 */
export function jsonText(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
      return `"${v}"`;
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          out += (i ? ',' : '') + (x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : jsonText(x));
        }
        return `${out}]`;
      }
      // Dates, buffers and the like carry their own toJSON: the general serializer knows them.
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return JSON.stringify(v, bigintAsString);
      let out = '{';
      let first = true;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
        let q = quotedKeys.get(k);
        if (q === undefined) {
          q = JSON.stringify(k);
          if (quotedKeys.size < 10_000) quotedKeys.set(k, q);
        }
        out += `${first ? '' : ','}${q}:${jsonText(x)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
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
  const update = opts.update ?? cols.filter((c) => !keys.includes(c));
  // Built as text with $n placeholders: composing thousands of sql fragments costs more than the insert.
  const head = `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) values `;
  const tail = ` ${conflictText(keys, update, opts.ignore === true)}`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const r of chunk) {
      const ph: string[] = [];
      for (const c of cols) {
        params.push(toSql(r[c]));
        ph.push(json.has(c) ? `$${params.length}::jsonb` : `$${params.length}`);
      }
      tuples.push(`(${ph.join(', ')})`);
    }
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(', ') + tail, params));
  }
}

function conflictText(keys: readonly string[], update: readonly string[], ignore: boolean): string {
  const target = `on conflict (${keys.map((k) => `"${k}"`).join(', ')})`;
  if (ignore || update.length === 0) return `${target} do nothing`;
  return `${target} do update set ${update.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
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

/**
 * Bulk append through COPY: the fastest path into both backends for the tables that grow with every
 * log. No conflict handling: each batch's rows are new by construction (the checkpoint commits with
 * them), so a duplicate means a bug and fails the batch.
 */
export async function copyRows(db: Db, table: string, columns: readonly string[], rows: readonly Record<string, SqlValue>[]): Promise<void> {
  if (rows.length === 0) return;
  const per = 50_000;
  for (let i = 0; i < rows.length; i += per) {
    await db.executeQuery(copyInQuery(table, columns, copyPayload(columns, rows, i, Math.min(rows.length, i + per))));
  }
}

/** COPY text-format lines of `rows[from, to)`, values as `toSql` writes them. */
export function copyPayload(columns: readonly string[], rows: readonly Record<string, SqlValue>[], from = 0, to = rows.length): string {
  return encodeCopyText(columns, rows, copyCell, from, to);
}

const copyCell = (v: SqlValue | undefined): CopyValue => (typeof v === 'object' && v !== null ? jsonText(v) : v);
