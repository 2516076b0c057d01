import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

const META_KEY = 'deferred_indexes';

interface Deferred {
  name: string;
  definition: string;
  /** Absent from records of earlier releases: read from the definition. */
  table?: string;
}

/**
 * Drops the secondary indexes of bulk-appended tables for a long backfill: maintaining them row by row
 * costs more than building them once at the end. Their definitions are kept in atlas_meta in the same
 * transaction, so a process killed mid-backfill leaves a record that `restoreDeferredIndexes` acts on.
 */
export async function deferIndexes(db: Kysely<Database>, tables: readonly string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const found = await sql<{ name: string; definition: string; table: string }>`
      select i.indexname as name, i.indexdef as definition, i.tablename as "table" from pg_indexes i
      where i.schemaname = current_schema() and i.tablename in (${sql.join(tables)})
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(trx);
    if (found.rows.length === 0) return 0;
    const prior = await sql<{ value: Deferred[] | string }>`select value from atlas_meta where key = ${META_KEY}`.execute(trx);
    const kept = parse(prior.rows[0]?.value);
    const all = [...kept.filter((k) => !found.rows.some((f) => f.name === k.name)), ...found.rows];
    await sql`insert into atlas_meta (key, value) values (${META_KEY}, ${JSON.stringify(all)}::jsonb)
      on conflict (key) do update set value = excluded.value, updated_at = now()`.execute(trx);
    for (const f of found.rows) await sql`drop index if exists ${sql.id(f.name)}`.execute(trx);
    return found.rows.length;
  });
}

/**
 * Builds every index deferIndexes dropped (a no-op when none are pending). Returns how many it built.
 * With `analyze`, it also refreshes the planner's statistics of every table of the schema, alongside the
 * builds: a table with indexes to build right after them (its ANALYZE would wait for their lock anyway),
 * every other table at once, so the end of a long backfill costs the longest table's work, not the sum.
 */
export async function restoreDeferredIndexes(db: Kysely<Database>, opts: { analyze?: boolean } = {}): Promise<number> {
  const prior = await sql<{ value: Deferred[] | string }>`select value from atlas_meta where key = ${META_KEY}`.execute(db);
  const pending = parse(prior.rows[0]?.value);
  const tables = opts.analyze ? (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db)).rows.map((r) => r.name) : [];
  const analyze = (table: string) => sql`analyze ${sql.table(table)}`.execute(db);
  const byTable = new Map<string, Deferred[]>();
  for (const d of pending) {
    const t = d.table ?? tableOf(d.definition);
    byTable.set(t, [...(byTable.get(t) ?? []), d]);
  }
  // Side by side, each on a connection of its own (builds on one table share its lock): the server's cores
  // build them together, and the embedded database runs them one after another on its one connection. The
  // builds are queued first: they are the longest work here.
  await Promise.all([
    ...[...byTable].map(async ([table, defs]) => {
      await Promise.all(defs.map((d) => sql.raw(ifNotExists(d.definition)).execute(db)));
      if (tables.includes(table)) await analyze(table);
    }),
    ...tables.filter((t) => !byTable.has(t)).map(analyze),
  ]);
  if (prior.rows.length) await sql`delete from atlas_meta where key = ${META_KEY}`.execute(db);
  return pending.length;
}

const ifNotExists = (definition: string): string =>
  definition.replace(/^CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS)/i, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX IF NOT EXISTS `);

/** The table of a `CREATE INDEX … ON [ONLY] [schema.]table USING …` definition (records written before the table was kept). */
function tableOf(definition: string): string {
  const m = / ON (?:ONLY )?(?:[^\s.]+\.)?"?([^\s."]+)"? USING /i.exec(definition);
  if (!m) throw new Error(`internal: no table in index definition ${definition}`);
  return m[1]!;
}

function parse(v: Deferred[] | string | undefined): Deferred[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? (JSON.parse(v) as Deferred[]) : v;
}
