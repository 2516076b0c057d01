import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

const META_KEY = 'deferred_indexes';

interface Deferred {
  name: string;
  definition: string;
}

/**
 * Drops the secondary indexes of bulk-appended tables for a long backfill: maintaining them row by row
 * costs more than building them once at the end. Their definitions are kept in atlas_meta in the same
 * transaction, so a process killed mid-backfill leaves a record that `restoreDeferredIndexes` acts on.
 */
export async function deferIndexes(db: Kysely<Database>, tables: readonly string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const found = await sql<{ name: string; definition: string }>`
      select i.indexname as name, i.indexdef as definition from pg_indexes i
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

/** Builds every index deferIndexes dropped (a no-op when none are pending). Returns how many it built. */
export async function restoreDeferredIndexes(db: Kysely<Database>): Promise<number> {
  const prior = await sql<{ value: Deferred[] | string }>`select value from atlas_meta where key = ${META_KEY}`.execute(db);
  const pending = parse(prior.rows[0]?.value);
  // Side by side, each on a connection of its own (builds on one table share its lock): the server's cores
  // build them together, and the embedded database runs them one after another on its one connection.
  await Promise.all(
    pending.map((d) =>
      sql.raw(d.definition.replace(/^CREATE (UNIQUE )?INDEX (?!IF NOT EXISTS)/i, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX IF NOT EXISTS `)).execute(db),
    ),
  );
  if (prior.rows.length) await sql`delete from atlas_meta where key = ${META_KEY}`.execute(db);
  return pending.length;
}

function parse(v: Deferred[] | string | undefined): Deferred[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? (JSON.parse(v) as Deferred[]) : v;
}
