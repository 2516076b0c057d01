import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { deferIndexes, restoreDeferredIndexes } from './deferredIndexes.js';

const indexesOf = async (db: TestDb, table: string) =>
  (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename = ${table} order by indexname`.execute(db.db)).rows;

for (const kind of dbKinds) {
  describe(`deferred indexes on ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDb(kind, { migrate: true });
    });
    afterAll(async () => db?.close());

    it('drops secondary indexes (never the primary key), records them, and rebuilds them identically', async () => {
      const before = await indexesOf(db, 'chain_event');
      expect(before.map((i) => i.name)).toEqual(['chain_event_a1_idx', 'chain_event_a2_idx', 'chain_event_name_idx', 'chain_event_pkey']);
      expect(await deferIndexes(db.db, ['chain_event', 'winning_ticket'])).toBe(5);
      expect((await indexesOf(db, 'chain_event')).map((i) => i.name)).toEqual(['chain_event_pkey']);
      // Deferring again (a restarted backfill) keeps the first record.
      expect(await deferIndexes(db.db, ['chain_event', 'winning_ticket'])).toBe(0);
      expect(await restoreDeferredIndexes(db.db)).toBe(5);
      expect(await indexesOf(db, 'chain_event')).toEqual(before);
      expect(await restoreDeferredIndexes(db.db)).toBe(0);
    });

    it('rebuilds what a killed backfill left dropped even if some came back already', async () => {
      await deferIndexes(db.db, ['winning_ticket']);
      await sql`create index winning_ticket_sender_idx on winning_ticket (sender, round)`.execute(db.db);
      expect(await restoreDeferredIndexes(db.db)).toBe(2);
      expect((await indexesOf(db, 'winning_ticket')).map((i) => i.name)).toEqual(['winning_ticket_pkey', 'winning_ticket_recipient_idx', 'winning_ticket_sender_idx']);
    });

    it('with analyze, gives every table statistics as well, and reads the table of records that do not name it', async () => {
      await deferIndexes(db.db, ['chain_event']);
      // A record as earlier releases wrote it: name and definition only.
      const record = (await sql<{ value: unknown }>`select value from atlas_meta where key = 'deferred_indexes'`.execute(db.db)).rows[0]!.value;
      const older = (typeof record === 'string' ? (JSON.parse(record) as { name: string; definition: string }[]) : (record as { name: string; definition: string }[])).map(({ name, definition }) => ({ name, definition }));
      await sql`update atlas_meta set value = ${JSON.stringify(older)}::jsonb where key = 'deferred_indexes'`.execute(db.db);
      const neverAnalyzed = sql<{ n: number }>`select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
        where s.nspname = current_schema() and c.relkind = 'r' and c.reltuples < 0`;
      expect((await neverAnalyzed.execute(db.db)).rows[0]!.n).toBeGreaterThan(0);
      expect(await restoreDeferredIndexes(db.db, { analyze: true })).toBe(3);
      expect((await indexesOf(db, 'chain_event')).map((i) => i.name)).toEqual(['chain_event_a1_idx', 'chain_event_a2_idx', 'chain_event_name_idx', 'chain_event_pkey']);
      expect((await neverAnalyzed.execute(db.db)).rows[0]!.n).toBe(0);
    });
  });
}
