import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Marks a query for the Postgres pool to run as a named prepared statement: parsed and planned once per
 * connection instead of on every call. For hot reads whose planning costs as much as their execution (an
 * account page's event history). On PGlite the statement is prepared once per database (SQL PREPARE) and run with
 * EXECUTE: PGlite plans on the serving thread, and for this query planning costs more than running it.
 */
export const PREPARE_MARKER = '/* atlas:prepare */';

type QueryFn = (...args: unknown[]) => unknown;

// Statement names are per connection; the text's hash keeps one name per distinct query shape.
const names = new Map<string, string>();
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `atlas_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/** Teaches one node-postgres client the marked query: it runs as a named statement with the same parameters. */
export function enablePreparedStatements(client: pg.PoolClient | pg.Client): void {
  const c = client as unknown as { query: QueryFn; __atlasPrepared?: true };
  if (c.__atlasPrepared) return;
  const original = c.query.bind(client) as QueryFn;
  c.query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || !text.startsWith(PREPARE_MARKER) || (values !== undefined && !Array.isArray(values))) return original(...args);
    const config = { name: statementName(text), text, values: values ?? [] };
    return callback === undefined ? original(config) : original(config, callback);
  };
  c.__atlasPrepared = true;
}

/**
 * A parameter as an SQL literal for EXECUTE (PGlite's prepared path), or null when it has no safe literal form (the
 * query then runs unprepared). Strings are quoted with standard_conforming_strings' rule (only `'` is doubled).
 */
export function sqlLiteral(v: unknown): string | null {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `'${v.toString()}'`;
  if (typeof v === 'number') return Number.isFinite(v) ? `'${v.toString()}'` : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v.includes('\0') ? null : `'${v.replaceAll("'", "''")}'`;
  return null;
}
