import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createDb } from './db.js';
import { migrate } from './migrate.js';
import type { Database } from './schema.js';

// Scratch tables the tests create with raw SQL.
type TestTables = {
  items: { id: number; label: string };
  big: { n: number };
};

describe('createDb config', () => {
  it('rejects invalid configs with a readable message', async () => {
    await expect(createDb({ kind: 'postgres', url: 'mysql://x' })).rejects.toThrow(
      /invalid database config[\s\S]*postgres:\/\/ or postgresql:\/\//,
    );
    await expect(createDb({ kind: 'postgres', url: 'postgres://h/db', poolSize: 0 })).rejects.toThrow(
      /invalid database config/,
    );
    // @ts-expect-error unknown kind
    await expect(createDb({ kind: 'sqlite' })).rejects.toThrow(/invalid database config/);
    // @ts-expect-error stray key
    await expect(createDb({ kind: 'pglite', url: 'postgres://h/db' })).rejects.toThrow(/invalid database config/);
  });

  it('opens an in-memory pglite database when no dataDir is given', async () => {
    const atlas = await createDb({ kind: 'pglite' });
    try {
      expect(atlas.kind).toBe('pglite');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(atlas.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await atlas.close();
    }
  });

  it('persists a pglite dataDir across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atlas-pglite-'));
    try {
      const first = await createDb({ kind: 'pglite', dataDir: dir });
      await migrate(first.db);
      await first.db.insertInto('atlas_meta').values({ key: 'k', value: JSON.stringify({ n: 1 }) }).execute();
      await first.close();
      await first.close(); // idempotent

      const second = await createDb({ kind: 'pglite', dataDir: dir });
      const row = await second.db.selectFrom('atlas_meta').select(['value']).where('key', '=', 'k').executeTakeFirst();
      expect(row?.value).toEqual({ n: 1 });
      expect((await migrate(second.db)).applied).toEqual([]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(dbKinds)('store on %s', (kind) => {
  let t: TestDb;
  let db: Kysely<Database & TestTables>;

  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: true });
    db = t.db.withTables<TestTables>();
    await t.raw(`
      create table items (id int primary key, label text not null);
      create table big (n int primary key);
      insert into big select g from generate_series(1, 250) g;
    `);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reports its kind', () => {
    expect(t.kind).toBe(kind);
  });

  it('returns the same JS values for common types on every backend', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      select
        9007199254740993::int8 as i8,
        array[1, 9007199254740993]::int8[] as i8s,
        12345678901234567890.5::numeric as num,
        array[1.5, 2]::numeric[] as nums,
        7::int4 as i4,
        1.5::float8 as f8,
        '2024-02-29'::date as d,
        array['2024-02-29'::date] as ds,
        '1 day 2 hours'::interval as iv,
        '\\x0102ff'::bytea as b,
        '{"a":[1,"x",null]}'::jsonb as j,
        '2024-01-02 03:04:05.678+00'::timestamptz as ts,
        (select count(*) from big) as cnt,
        current_setting('TimeZone') as tz
    `.execute(db);
    const row = rows[0]!;
    expect(row).toEqual({
      i8: '9007199254740993',
      i8s: ['1', '9007199254740993'],
      num: '12345678901234567890.5',
      nums: ['1.5', '2'],
      i4: 7,
      f8: 1.5,
      d: '2024-02-29',
      ds: ['2024-02-29'],
      iv: '1 day 02:00:00',
      b: Buffer.from([1, 2, 255]),
      j: { a: [1, 'x', null] },
      ts: new Date('2024-01-02T03:04:05.678Z'),
      cnt: '250',
      tz: 'UTC',
    });
    expect(Buffer.isBuffer(row.b)).toBe(true);
  });

  it('writes and reads jsonb as JSON text on every backend', async () => {
    await db
      .insertInto('atlas_meta')
      .values({ key: 'list', value: JSON.stringify([1, { b: 'two' }]) })
      .execute();
    const row = await db
      .selectFrom('atlas_meta')
      .select(['value', 'updated_at'])
      .where('key', '=', 'list')
      .executeTakeFirstOrThrow();
    expect(row.value).toEqual([1, { b: 'two' }]);
    expect(row.updated_at).toBeInstanceOf(Date);
  });

  it('reports affected rows', async () => {
    const inserted = await db
      .insertInto('items')
      .values([
        { id: 100, label: 'a' },
        { id: 101, label: 'b' },
      ])
      .executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    const updated = await db.updateTable('items').set({ label: 'c' }).where('id', '>=', 100).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await db.deleteFrom('items').where('id', '>=', 100).executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(2n);
  });

  it('commits a transaction', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, label: 'kept' }).execute();
    });
    const row = await db.selectFrom('items').select('label').where('id', '=', 1).executeTakeFirst();
    expect(row?.label).toBe('kept');
  });

  it('rolls a transaction back when its callback throws', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, label: 'lost' }).execute();
        await trx.insertInto('atlas_meta').values({ key: 'lost', value: '1' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('items').selectAll().where('id', '=', 2).execute()).toEqual([]);
    expect(await db.selectFrom('atlas_meta').selectAll().where('key', '=', 'lost').execute()).toEqual([]);
  });

  it('rolls a transaction back when a statement fails', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 3, label: 'lost' }).execute();
        await trx.insertInto('items').values({ id: 3, label: 'duplicate' }).execute();
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await db.selectFrom('items').selectAll().where('id', '=', 3).execute()).toEqual([]);
    // The connection is usable again afterwards.
    expect(await db.selectFrom('items').select('id').where('id', '=', 1).execute()).toEqual([{ id: 1 }]);
  });

  it('keeps uncommitted writes invisible to concurrent queries', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });

    const tx = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('items').values({ id: 4, label: 'pending' }).execute();
        inserted();
        await gate;
        throw new Error('abort');
      })
      .catch((err: Error) => err.message);

    await insertedSignal;
    // PGlite: waits for the transaction to end. PostgreSQL: another connection, isolation hides the row.
    const outside = db.selectFrom('items').selectAll().where('id', '=', 4).execute();
    release();
    expect(await tx).toBe('abort');
    expect(await outside).toEqual([]);
  });

  it('rolls back to a savepoint', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values({ id: 5, label: 'outer' }).execute();
    const sp = await trx.savepoint('inner').execute();
    await sp.insertInto('items').values({ id: 6, label: 'inner' }).execute();
    await sp.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    const ids = await db.selectFrom('items').select('id').where('id', 'in', [5, 6]).execute();
    expect(ids).toEqual([{ id: 5 }]);
  });

  it('runs multi-statement scripts with raw()', async () => {
    await t.raw(`
      create table raw_a (x int);
      insert into raw_a values (1), (2);
      create table raw_b as select sum(x) as s from raw_a;
    `);
    const { rows } = await sql<{ s: string }>`select s from raw_b`.execute(db);
    expect(rows).toEqual([{ s: '3' }]);
    await expect(t.raw('select * from no_such_table')).rejects.toThrow(/no_such_table/);
  });

  it('streams a select in chunks through a cursor', async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    let chunk: number[] = [];
    for await (const row of db.selectFrom('big').select('n').orderBy('n').stream(100)) {
      seen.push(row.n);
      chunk.push(row.n);
      if (chunk.length === 100) {
        sizes.push(chunk.length);
        chunk = [];
      }
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    expect(sizes).toEqual([100, 100]);
  });

  it('streams with parameters, stops early cleanly and leaves no transaction open', async () => {
    const first: number[] = [];
    for await (const row of db.selectFrom('big').select('n').where('n', '>', 200).orderBy('n').stream(10)) {
      first.push(row.n);
      if (first.length === 15) break;
    }
    expect(first).toEqual(Array.from({ length: 15 }, (_, i) => i + 201));
    // A committed write proves the stream's own transaction was closed.
    await db.insertInto('items').values({ id: 7, label: 'after-stream' }).execute();
    await db.transaction().execute(async (trx) => {
      const inside: number[] = [];
      for await (const row of trx.selectFrom('big').select('n').where('n', '<=', 3).orderBy('n').stream(2)) {
        inside.push(row.n);
      }
      expect(inside).toEqual([1, 2, 3]);
    });
    expect(await db.selectFrom('items').select('id').where('id', '=', 7).execute()).toEqual([{ id: 7 }]);
  });

  it('leaves no cursor open after streaming inside a transaction', async () => {
    await db.transaction().execute(async (trx) => {
      let count = 0;
      for await (const _ of trx.selectFrom('big').select('n').where('n', '<=', 5).stream(2)) count++;
      expect(count).toBe(5);
      const { rows } = await sql<{ name: string }>`select name from pg_cursors`.execute(trx);
      expect(rows).toEqual([]);
    });
  });

  it('streams statements a cursor cannot run', async () => {
    const rows: number[] = [];
    for await (const row of db
      .insertInto('items')
      .values([
        { id: 8, label: 'x' },
        { id: 9, label: 'y' },
      ])
      .returning('id')
      .stream(1)) {
      rows.push(row.id);
    }
    expect(rows.sort()).toEqual([8, 9]);
  });

  it('surfaces errors from a streamed query and recovers', async () => {
    const consume = async () => {
      for await (const _ of db
        .selectFrom('big')
        .select(sql<number>`1 / (n - 150)`.as('x'))
        .orderBy('n')
        .stream(100)) {
        // drain
      }
    };
    await expect(consume()).rejects.toThrow(/division by zero/);
    expect(await db.selectFrom('items').select('id').where('id', '=', 1).execute()).toEqual([{ id: 1 }]);
  });
});

describe.skipIf(!dbKinds.includes('postgres'))('a serving pool on PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('postgres');
  });
  afterAll(() => t.close());
  const named = (name: string) => {
    if (t.config.kind !== 'postgres') throw new Error('a PostgreSQL test database');
    const u = new URL(t.config.url);
    u.searchParams.set('application_name', name);
    return u.toString();
  };
  const sessions = async (name: string) =>
    Number((await sql<{ n: string }>`select count(*)::text as n from pg_stat_activity where application_name = ${name}`.execute(t.db)).rows[0]!.n);

  it('has every session open when it is returned, and keeps them after use; an ordinary pool opens them as needed', async () => {
    const serving = await createDb({ kind: 'postgres', url: named('atlas-serving-pool'), poolSize: 4, serving: true });
    const lazy = await createDb({ kind: 'postgres', url: named('atlas-lazy-pool'), poolSize: 4 });
    try {
      expect(await sessions('atlas-serving-pool')).toBe(4);
      expect(await sessions('atlas-lazy-pool')).toBe(0);
      await Promise.all([serving, lazy].map((p) => sql`select 1`.execute(p.db)));
      expect(await sessions('atlas-serving-pool')).toBe(4);
      expect(await sessions('atlas-lazy-pool')).toBe(1);
    } finally {
      await Promise.all([serving.close(), lazy.close()]);
    }
    // A backend leaves pg_stat_activity a moment after its client hangs up.
    await vi.waitFor(async () => expect(await sessions('atlas-serving-pool')).toBe(0), { timeout: 5_000 });
  });

  it('fails to open with the server\'s refusal and leaves no session behind', async () => {
    const u = new URL(named('atlas-refused-pool'));
    u.username = 'no_such_role';
    await expect(createDb({ kind: 'postgres', url: u.toString(), poolSize: 3, serving: true })).rejects.toMatchObject({ code: '28P01' });
    expect(await sessions('atlas-refused-pool')).toBe(0);
  });
});
