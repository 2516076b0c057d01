import { mkdtemp, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createDb } from './db.js';
import { defaultMigrationsDir, migrate, migrationStatus, readMigrations } from './migrate.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'atlas-migrations-'));
}

async function writeMigrations(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

async function tableExists(t: TestDb, table: string): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass(${table}) is not null as exists`.execute(t.db);
  return rows[0]!.exists;
}

describe('readMigrations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sorts by numeric version and ignores non-sql files', async () => {
    await writeMigrations(dir, { '0010_ten.sql': '', '0002_two.sql': '', '0001_one.sql': '', 'README.md': '' });
    const files = await readMigrations(dir);
    expect(files.map((f) => [f.version, f.name])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [10, 'ten'],
    ]);
  });

  it('rejects badly named files and duplicate versions', async () => {
    await writeMigrations(dir, { '1_short.sql': '' });
    await expect(readMigrations(dir)).rejects.toThrow(/1_short.sql .* not named NNNN_name.sql/);
    await unlink(join(dir, '1_short.sql'));
    await writeMigrations(dir, { '0003_a.sql': '', '0003_b.sql': '' });
    await expect(readMigrations(dir)).rejects.toThrow(/share version 3/);
  });

  it('reports a missing directory clearly', async () => {
    await expect(readMigrations(join(dir, 'nope'))).rejects.toThrow(/cannot read migrations directory/);
  });

  it('finds the shipped migrations next to the module', async () => {
    const files = await readMigrations();
    expect(files[0]).toMatchObject({ version: 1, name: 'meta', fileName: '0001_meta.sql' });
    expect(defaultMigrationsDir).toMatch(/src[\\/]store[\\/]migrations[\\/]?$/);
  });
});

describe.each(dbKinds)('migrate on %s', (kind) => {
  let t: TestDb;
  let dir: string;

  beforeEach(async () => {
    t = await openTestDb(kind);
    dir = await tempDir();
  });

  afterEach(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the shipped migrations once and is idempotent', async () => {
    const shipped = await readMigrations();
    const before = await migrationStatus(t.db);
    expect(before.every((e) => e.state === 'pending')).toBe(true);

    const first = await migrate(t.db);
    expect(first.applied.map((f) => f.fileName)).toEqual(shipped.map((f) => f.fileName));
    expect(first.version).toBe(shipped.at(-1)!.version);
    expect(await tableExists(t, 'atlas_meta')).toBe(true);

    const second = await migrate(t.db);
    expect(second.applied).toEqual([]);
    expect(second.version).toBe(first.version);

    const rows = await t.db.selectFrom('schema_migrations').selectAll().orderBy('version').execute();
    expect(rows.map((r) => [r.version, r.name])).toEqual(shipped.map((f) => [f.version, f.name]));
    expect(rows[0]!.applied_at).toBeInstanceOf(Date);

    const after = await migrationStatus(t.db);
    expect(after.map((e) => e.state)).toEqual(shipped.map(() => 'applied'));
  });

  it('applies only new migrations on a later run', async () => {
    await writeMigrations(dir, { '0001_a.sql': 'create table a (x int);' });
    expect((await migrate(t.db, { dir })).applied.map((f) => f.name)).toEqual(['a']);
    await writeMigrations(dir, {
      '0002_b.sql': `
        create table b (x int);
        insert into b values (1), (2);
        create function b_count() returns bigint language plpgsql as $$
        begin
          return (select count(*) from b);
        end;
        $$;
      `,
    });
    const result = await migrate(t.db, { dir });
    expect(result.applied.map((f) => f.name)).toEqual(['b']);
    expect(result.version).toBe(2);
    const { rows } = await sql<{ n: string }>`select b_count() as n`.execute(t.db);
    expect(rows[0]!.n).toBe('2');
  });

  it('refuses a renamed migration file with a clear error', async () => {
    await writeMigrations(dir, { '0001_first.sql': 'create table first_table (x int);' });
    await migrate(t.db, { dir });
    await rename(join(dir, '0001_first.sql'), join(dir, '0001_renamed.sql'));

    await expect(migrate(t.db, { dir })).rejects.toThrow(
      /migration 1 was applied as "first" but the file is now 0001_renamed\.sql/,
    );
    const status = await migrationStatus(t.db, { dir });
    expect(status).toEqual([
      expect.objectContaining({ version: 1, name: 'renamed', appliedName: 'first', state: 'name-mismatch' }),
    ]);
  });

  it('refuses when an applied migration file is missing', async () => {
    await writeMigrations(dir, { '0001_a.sql': 'select 1;', '0002_b.sql': 'select 1;' });
    await migrate(t.db, { dir });
    await unlink(join(dir, '0002_b.sql'));
    await expect(migrate(t.db, { dir })).rejects.toThrow(/has migration 2 \("b"\) but there is no such file/);
    expect((await migrationStatus(t.db, { dir })).map((e) => e.state)).toEqual(['applied', 'missing-file']);
  });

  it('refuses a migration numbered before the latest applied one', async () => {
    await writeMigrations(dir, { '0001_a.sql': 'select 1;', '0003_c.sql': 'select 1;' });
    await migrate(t.db, { dir });
    await writeMigrations(dir, { '0002_b.sql': 'select 1;' });
    await expect(migrate(t.db, { dir })).rejects.toThrow(/0002_b\.sql is pending but 3 \("c"\) is already applied/);
  });

  it('rolls a failing migration back entirely and records nothing', async () => {
    await writeMigrations(dir, {
      '0001_ok.sql': 'create table ok_table (x int);',
      '0002_broken.sql': 'create table half_done (x int);\ninsert into half_done values (1);\nselect * from missing_table;',
    });
    await expect(migrate(t.db, { dir })).rejects.toThrow(/migration 0002_broken\.sql failed: .*missing_table/);
    expect(await tableExists(t, 'ok_table')).toBe(true);
    expect(await tableExists(t, 'half_done')).toBe(false);
    const versions = await t.db.selectFrom('schema_migrations').select('version').execute();
    expect(versions).toEqual([{ version: 1 }]);

    // Fixing the file lets the next run continue where it stopped.
    await writeMigrations(dir, { '0002_broken.sql': 'create table half_done (x int);' });
    expect((await migrate(t.db, { dir })).applied.map((f) => f.version)).toEqual([2]);
  });

  it('refuses migrations that manage their own transaction', async () => {
    await writeMigrations(dir, { '0001_tx.sql': 'BEGIN;\ncreate table tx_table (x int);\nCOMMIT;\n' });
    await expect(migrate(t.db, { dir })).rejects.toThrow(/0001_tx\.sql contains "BEGIN;"/);
    expect(await tableExists(t, 'tx_table')).toBe(false);
  });

  it('does not double-apply when migrate runs concurrently on one handle', async () => {
    await writeMigrations(dir, {
      // Plain CREATE TABLE fails if run twice, so a double apply would reject.
      '0001_a.sql': 'create table once_a (x int);',
      '0002_b.sql': 'create table once_b (x int);',
    });
    const results = await Promise.all([migrate(t.db, { dir }), migrate(t.db, { dir }), migrate(t.db, { dir })]);
    const applied = results.flatMap((r) => r.applied.map((f) => f.version)).sort();
    expect(applied).toEqual([1, 2]);
  });

  // Only a server has separate sessions; the embedded database has one connection by design.
  const serverOnly = kind === 'postgres' ? it : undefined;
  serverOnly?.(
    'does not double-apply when separate processes migrate concurrently',
    async () => {
      const files: Record<string, string> = {};
      for (let v = 1; v <= 8; v++) {
        const id = String(v).padStart(4, '0');
        // pg_sleep widens the race window; without the lock the loser would hit "already exists".
        files[`${id}_step${v}.sql`] = `create table race_${v} (x int); select pg_sleep(0.02);`;
      }
      await writeMigrations(dir, files);

      // Separate pools stand in for separate processes: distinct sessions on one database.
      const handles = await Promise.all([createDb(t.config), createDb(t.config), createDb(t.config)]);
      try {
        const results = await Promise.all(handles.map((h) => migrate(h.db, { dir })));
        const applied = results.flatMap((r) => r.applied.map((f) => f.version)).sort((a, b) => a - b);
        expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(results.every((r) => r.version === 8)).toBe(true);
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
      const count = await t.db
        .selectFrom('schema_migrations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(count.n).toBe('8');
      expect((await readdir(dir)).length).toBe(8);
    },
  );
});
