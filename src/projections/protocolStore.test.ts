import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { HISTORY_TABLES, type HistoryRows } from './history.js';
import { writePlan, type WritePlan } from './protocolStore.js';

const emptyPlan = (): WritePlan => ({
  mutable: [],
  events: [],
  tickets: [],
  append: [],
  history: Object.fromEntries(HISTORY_TABLES.map((t) => [t, []])) as unknown as HistoryRows,
  transactions: [],
  blocks: [],
});

for (const kind of dbKinds) {
  describe(`writePlan's blocks on ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDb(kind, { migrate: true });
    });
    afterAll(async () => db?.close());

    it('stores every block of a batch, and a block stored before takes the later header', async () => {
      const hex = (c: string) => `0x${c.repeat(64)}`;
      await writePlan(db.db, { ...emptyPlan(), blocks: [
        { block_number: 1, hash: hex('a'), parent_hash: hex('0'), block_time: 10, l1_block: null },
        { block_number: 2, hash: hex('b'), parent_hash: hex('a'), block_time: 12, l1_block: 7 },
      ] }, null);
      await writePlan(db.db, { ...emptyPlan(), blocks: [
        { block_number: 2, hash: hex('c'), parent_hash: hex('a'), block_time: 13, l1_block: 8 },
        { block_number: 9_007_199_254, hash: hex('d'), parent_hash: hex('c'), block_time: 1_700_000_000, l1_block: null },
      ] }, null);
      const rows = await sql<{ n: string; hash: string; parent: string; t: string; l1: string | null }>`
        select block_number::text as n, hash, parent_hash as parent, block_time::text as t, l1_block::text as l1 from indexed_block order by block_number`.execute(db.db);
      expect(rows.rows).toEqual([
        { n: '1', hash: hex('a'), parent: hex('0'), t: '10', l1: null },
        { n: '2', hash: hex('c'), parent: hex('a'), t: '13', l1: '8' },
        { n: '9007199254', hash: hex('d'), parent: hex('c'), t: '1700000000', l1: null },
      ]);
    });
  });
}
