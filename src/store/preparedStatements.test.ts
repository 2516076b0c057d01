import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { PREPARE_MARKER } from './preparedStatements.js';

for (const kind of dbKinds) {
  describe(`prepared statements on ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDb(kind);
      await sql`create table prep_probe (k text primary key, n int not null)`.execute(db.db);
      await sql`insert into prep_probe values ('a', 1), ('b', 2), ('c', 3)`.execute(db.db);
    });
    afterAll(async () => db?.close());

    it('answers each call with its own parameters, a marked query giving the same rows as an unmarked one', async () => {
      for (const k of ['a', 'c', 'b', 'a', 'zz']) {
        const marked = await sql<{ n: number }>`${sql.raw(PREPARE_MARKER)} select n from prep_probe where k = ${k}`.execute(db.db);
        const plain = await sql<{ n: number }>`select n from prep_probe where k = ${k}`.execute(db.db);
        expect(marked.rows).toEqual(plain.rows);
      }
      const two = await sql<{ n: number }>`${sql.raw(PREPARE_MARKER)} select n from prep_probe where n >= ${2} and k <> ${'c'} order by n`.execute(db.db);
      expect(two.rows).toEqual([{ n: 2 }]);
    });

    it('gives a marked query the rows an unmarked one gives for quotes, nulls, numbers, big integers and booleans', async () => {
      await sql`insert into prep_probe values (${"o'brien"}, 4), (${'back\\slash'}, 5)`.execute(db.db);
      for (const k of ["o'brien", 'back\\slash', "'; drop table prep_probe; --"]) {
        const marked = await sql<{ n: number }>`${sql.raw(PREPARE_MARKER)} select n from prep_probe where k = ${k}`.execute(db.db);
        const plain = await sql<{ n: number }>`select n from prep_probe where k = ${k}`.execute(db.db);
        expect(marked.rows).toEqual(plain.rows);
      }
      const mixed = (marker: string) =>
        sql<{ n: number }>`${sql.raw(marker)} select n from prep_probe where (${null}::text is null or k = ${null}) and n < ${10n ** 20n}::numeric and (n::numeric > ${1.5}::numeric) = ${true} order by n limit ${3}`.execute(db.db);
      expect((await mixed(PREPARE_MARKER)).rows).toEqual((await mixed('')).rows);
      expect((await mixed(PREPARE_MARKER)).rows).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
      // A text whose parameter type nothing determines cannot be prepared: it still answers, unprepared.
      const untyped = await sql<{ v: string }>`${sql.raw(PREPARE_MARKER)} select ${'x'} as v`.execute(db.db);
      expect(untyped.rows).toEqual([{ v: 'x' }]);
    });

    if (kind === 'pglite') {
      it('prepares a marked query once and runs it with EXECUTE (PGlite plans on the serving thread)', async () => {
        for (const k of ['a', 'b', 'a']) await sql`${sql.raw(PREPARE_MARKER)} select n from prep_probe as lite_probe where k = ${k}`.execute(db.db);
        const named = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db.db);
        const ours = named.rows.filter((r) => r.statement.includes('lite_probe'));
        expect(ours).toHaveLength(1);
        expect(ours[0]!.name).toMatch(/^atlas_/);
      });
    }

    if (kind === 'postgres') {
      it('runs a marked query as a named statement of the connection, one per distinct text', async () => {
        await db.db.connection().execute(async (conn) => {
          const text = (k: string) => sql<{ n: number }>`${sql.raw(PREPARE_MARKER)} select n from prep_probe as named_probe where k = ${k}`;
          await text('a').execute(conn);
          await text('b').execute(conn);
          await sql`${sql.raw(PREPARE_MARKER)} select count(*) from prep_probe as named_probe where n > ${0}`.execute(conn);
          const named = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by name`.execute(conn);
          const ours = named.rows.filter((r) => r.statement.includes('named_probe'));
          expect(ours.every((r) => r.name.startsWith('atlas_'))).toBe(true);
          expect(ours).toHaveLength(2);
          expect(ours.some((r) => r.statement.includes('where k = $1'))).toBe(true);
        });
      });
    }
  });
}
