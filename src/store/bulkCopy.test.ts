import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { copyInQuery, encodeCopyText } from './bulkCopy.js';

describe('encodeCopyText', () => {
  it('escapes the text format and writes NULL as \\N', () => {
    expect(encodeCopyText(['a', 'b'], [{ a: 'x\ty', b: null }, { a: 'back\\slash\nnew\rcr', b: 12n }])).toBe('x\\ty\t\\N\nback\\\\slash\\nnew\\rcr\t12\n');
    expect(encodeCopyText(['a'], [])).toBe('');
  });
});

for (const kind of dbKinds) {
  describe(`COPY through kysely on ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDb(kind);
      await sql`create table copy_probe (id int primary key, label text, amount numeric(78,0), doc json)`.execute(db.db);
    });
    afterAll(async () => db?.close());

    const rows = [
      { id: 1, label: 'plain', amount: (2n ** 255n).toString(), doc: JSON.stringify({ s: 'tab\there', n: '1' }) },
      { id: 2, label: 'multi\nline \\ and \t tab ✓', amount: null, doc: '{"k":[1,2]}' },
      { id: 3, label: null, amount: '0', doc: '"only"' },
    ];

    it('writes every value exactly, inside the transaction it runs in', async () => {
      await db.db.transaction().execute(async (trx) => {
        await trx.executeQuery(copyInQuery('copy_probe', ['id', 'label', 'amount', 'doc'], encodeCopyText(['id', 'label', 'amount', 'doc'], rows)));
      });
      const back = await sql<{ id: number; label: string | null; amount: string | null; doc: unknown }>`select id, label, amount::text as amount, doc::text as doc from copy_probe order by id`.execute(db.db);
      expect(back.rows).toEqual(rows.map((r) => ({ ...r, doc: r.doc })));
    });

    it('rolls back with its transaction and fails on a duplicate key', async () => {
      await expect(
        db.db.transaction().execute(async (trx) => {
          await trx.executeQuery(copyInQuery('copy_probe', ['id', 'label', 'amount', 'doc'], encodeCopyText(['id', 'label', 'amount', 'doc'], [{ id: 10, label: 'x', amount: '1', doc: '1' }])));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await expect(db.db.executeQuery(copyInQuery('copy_probe', ['id', 'label', 'amount', 'doc'], encodeCopyText(['id', 'label', 'amount', 'doc'], [{ id: 1, label: 'dup', amount: '1', doc: '1' }])))).rejects.toThrow(/duplicate key/);
      const n = await sql<{ n: number }>`select count(*)::int as n from copy_probe`.execute(db.db);
      expect(n.rows[0]!.n).toBe(3);
    });
  });
}
