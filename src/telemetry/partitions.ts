import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Tables partitioned by UTC day. */
export type DayTable = 'telemetry_report' | 'telemetry_event';

const known = new WeakMap<object, Set<string>>();

/** UTC day (YYYY-MM-DD) of a Unix time in ms. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function partitionName(table: DayTable, day: string): string {
  return `${table}_p${day.replaceAll('-', '')}`;
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * Creates the day partitions `days` need, outside any write transaction: two writers racing to create
 * the same partition is harmless (the loser sees it exists).
 */
export async function ensureDayPartitions(db: Kysely<Database>, table: DayTable, days: Iterable<string>): Promise<void> {
  let seen = known.get(db);
  if (!seen) known.set(db, (seen = new Set()));
  for (const day of days) {
    const name = partitionName(table, day);
    if (seen.has(name)) continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`bad partition day ${day}`);
    try {
      await sql
        .raw(`create table if not exists "${name}" partition of "${table}" for values from ('${day}') to ('${nextDay(day)}')`)
        .execute(db);
    } catch (e) {
      const code = (e as { code?: string }).code;
      // 42P07 duplicate table, 23505 catalog unique violation: another writer created it first.
      if (code !== '42P07' && code !== '23505') throw e;
    }
    seen.add(name);
  }
}

/** Day partitions of a table, oldest first. */
export async function listDayPartitions(db: Kysely<Database>, table: DayTable): Promise<{ name: string; day: string }[]> {
  const res = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname = ${table} order by c.relname`.execute(db);
  return res.rows
    .map((r) => {
      const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(r.name);
      return m ? { name: r.name, day: `${m[1]}-${m[2]}-${m[3]}` } : null;
    })
    .filter((x): x is { name: string; day: string } => x !== null);
}

/** Drops one day partition (retention) and forgets it was created. */
export async function dropDayPartition(db: Kysely<Database>, name: string): Promise<void> {
  if (!/^telemetry_(report|event)_p\d{8}$/.test(name)) throw new Error(`not a telemetry day partition: ${name}`);
  await sql.raw(`drop table if exists "${name}"`).execute(db);
  known.get(db)?.delete(name);
}

/** Forgets which partitions exist (after another process may have dropped some). */
export function forgetDayPartitions(db: Kysely<Database>): void {
  known.delete(db);
}
