import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * COPY … FROM STDIN through kysely. kysely has no COPY, so the statement travels as a raw query that
 * starts with this marker and carries the COPY text payload as its only parameter; the Postgres pool's
 * clients and the PGlite connection recognise it and stream the payload instead of binding it.
 */
export const COPY_MARKER = '/* atlas:copy-in */';

/** A cell as COPY's text format reads it. */
export type CopyValue = string | number | bigint | boolean | null | undefined;

// COPY text format: backslash escapes for the delimiter (tab), newlines and the backslash itself; \N is NULL.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
/** A text value escaped for COPY's text format. */
export function copyEscape(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function cell(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  return copyEscape(typeof v === 'string' ? v : String(v));
}

/**
 * COPY text-format payload of `rows[from, to)` (one line per row, columns in `columns` order). `toCell`
 * turns a row's value into a cell (rows of richer values, such as JSON documents, pass their converter).
 */
export function encodeCopyText<V = CopyValue>(
  columns: readonly string[],
  rows: readonly Record<string, V>[],
  toCell: (v: V | undefined) => CopyValue = (v) => v as CopyValue,
  from = 0,
  to = rows.length,
): string {
  // One string built in a pass: the indexer encodes a row per log, so no array of lines or row objects.
  let out = '';
  for (let i = from; i < to; i++) {
    const r = rows[i]!;
    out += cell(toCell(r[columns[0]!]));
    for (let k = 1; k < columns.length; k++) out += `\t${cell(toCell(r[columns[k]!]))}`;
    out += '\n';
  }
  return out;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The marked query that COPYs an encoded text-format `payload` into `table` (no conflict handling: a duplicate key fails the statement). */
export function copyInQuery(table: string, columns: readonly string[], payload: string | Uint8Array): CompiledQuery {
  return CompiledQuery.raw(`${COPY_MARKER} copy ${ident(table)} (${columns.map(ident).join(', ')}) from stdin`, [payload]);
}

/** Splits a marked query into the COPY statement and its payload, or null for any other query. */
export function parseCopyIn(sqlText: string, parameters: readonly unknown[]): { statement: string; payload: string | Uint8Array } | null {
  if (!sqlText.startsWith(COPY_MARKER)) return null;
  const payload = parameters[0];
  if (parameters.length !== 1 || (typeof payload !== 'string' && !(payload instanceof Uint8Array))) throw new Error('internal: a COPY query carries exactly one text payload (a string or its UTF-8 bytes)');
  return { statement: sqlText.slice(COPY_MARKER.length).trim(), payload };
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Teaches one node-postgres client the marked COPY query: the statement streams its payload on the
 * client's own connection, so it runs inside whatever transaction the client is in.
 */
export function enableCopyIn(client: pg.PoolClient | pg.Client): void {
  const c = client as unknown as { query: QueryFn; __atlasCopy?: true };
  if (c.__atlasCopy) return;
  const original = c.query.bind(client) as QueryFn;
  c.query = (...args: unknown[]) => {
    const [text, values] = args;
    const copy = typeof text === 'string' ? parseCopyIn(text, (values as unknown[]) ?? []) : null;
    if (!copy) return original(...args);
    return new Promise((resolve, reject) => {
      const stream = original(copyFrom(copy.statement)) as NodeJS.WritableStream & { rowCount?: number };
      stream.on('error', reject);
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount ?? 0, rows: [], fields: [] }));
      stream.end(copy.payload);
    });
  };
  c.__atlasCopy = true;
}
