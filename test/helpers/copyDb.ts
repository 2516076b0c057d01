// A PostgreSQL test database's rows copied into another database of the same schema (a migrated PGlite): what a
// test that asks the same questions of both backends uses instead of building the same data twice.
import { sql } from 'kysely';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyInQuery } from '../../src/store/bulkCopy.js';
import type { TestDb } from './db.js';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function copyOut(client: pg.Client, statement: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of client.query(copyTo(statement))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Tables ordered so that a table comes after every table its foreign keys reference. */
function referencedFirst(tables: string[], fks: { t: string; ref: string }[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const f of fks) if (f.t === t && f.ref !== t) visit(f.ref);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/**
 * Replaces every row of `to` (migrated, same migrations) with the rows of the PostgreSQL database at `fromUrl`:
 * partitions created as the source has them, tables filled in foreign-key order by COPY, sequences set to where
 * the source's stand.
 */
export async function copyDatabase(fromUrl: string, to: TestDb): Promise<void> {
  const client = new pg.Client({ connectionString: fromUrl, options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    const q = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await client.query<T>(text, values)).rows;
    const tables = (await q<{ name: string }>(`select c.relname as name from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition order by 1`)).map((r) => r.name);
    const fks = await q<{ t: string; ref: string }>(`select c.relname as t, r.relname as ref from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid where k.contype = 'f' and k.connamespace = 'public'::regnamespace`);
    const partitions = await q<{ name: string; parent: string; bound: string }>(
      `select c.relname as name, p.relname as parent, pg_get_expr(c.relpartbound, c.oid) as bound from pg_class c join pg_inherits i on i.inhrelid = c.oid join pg_class p on p.oid = i.inhparent where c.relispartition and c.relkind in ('r', 'p') and c.relnamespace = 'public'::regnamespace order by 1`,
    );
    await sql.raw(`truncate ${tables.map(ident).join(', ')}`).execute(to.db);
    for (const p of partitions) await sql.raw(`create table if not exists ${ident(p.name)} partition of ${ident(p.parent)} ${p.bound}`).execute(to.db);
    for (const t of referencedFirst(tables, fks)) {
      const cols = (await q<{ c: string }>(`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`, [t])).map((r) => r.c);
      const payload = await copyOut(client, `copy (select ${cols.map(ident).join(', ')} from ${ident(t)}) to stdout`);
      if (payload.length > 0) await to.db.executeQuery(copyInQuery(t, cols, payload));
    }
    for (const s of await q<{ name: string; value: string | null }>(`select sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public'`)) {
      if (s.value !== null) await sql`select setval(${ident(s.name)}::regclass, ${s.value}::bigint, true)`.execute(to.db);
    }
  } finally {
    await client.end();
  }
}
