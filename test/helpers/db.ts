import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  atlasDbFromPGlite,
  createDb,
  pgliteParsers,
  type AtlasDb,
  type DbConfig,
  type DbKind,
} from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

export type { DbKind };

export const TEST_DATABASE_URL_ENV = 'ATLAS_TEST_DATABASE_URL';

function isCI(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

function serverUrl(): string | undefined {
  const url = process.env[TEST_DATABASE_URL_ENV]?.trim();
  return url ? url : undefined;
}

/**
 * Backends every database test runs on: PGlite always; PostgreSQL when a
 * server is configured — and always on CI, where a missing server must fail
 * loudly in openTestDb rather than quietly skip half the suite.
 */
export const dbKinds: DbKind[] = serverUrl() !== undefined || isCI() ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDb extends AtlasDb {
  /** Config that opens this same database again (a second pool/process); for pglite it opens a new, empty one. */
  readonly config: DbConfig;
  /** Name of the throwaway PostgreSQL database; undefined for pglite. */
  readonly databaseName: string | undefined;
}

export interface OpenTestDbOptions {
  /** Apply src/store/migrations before returning (default false). */
  migrate?: boolean;
}

/**
 * A fresh, empty database of the given kind: in-memory PGlite, or a new
 * uniquely named database on the ATLAS_TEST_DATABASE_URL server that close()
 * drops again.
 */
export async function openTestDb(kind: DbKind, options: OpenTestDbOptions = {}): Promise<TestDb> {
  const testDb = kind === 'pglite' ? await openPGlite() : await openPostgres();
  if (options.migrate) {
    try {
      await migrate(testDb.db);
    } catch (err) {
      await testDb.close();
      throw err;
    }
  }
  return testDb;
}

// initdb dominates PGlite start-up (~2 s here); restoring a dump of a fresh
// cluster takes ~0.5 s, so each test process runs initdb once.
let pgliteTemplate: Promise<Blob | File> | undefined;

function freshClusterDump(): Promise<Blob | File> {
  pgliteTemplate ??= (async () => {
    const pglite = await PGlite.create();
    try {
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  })();
  return pgliteTemplate;
}

async function openPGlite(): Promise<TestDb> {
  const config: DbConfig = { kind: 'pglite' };
  const pglite = await PGlite.create({ parsers: pgliteParsers, loadDataDir: await freshClusterDump() });
  return { ...atlasDbFromPGlite(pglite), config, databaseName: undefined };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function openPostgres(): Promise<TestDb> {
  const url = serverUrl();
  if (url === undefined) {
    throw new Error(
      `${TEST_DATABASE_URL_ENV} is not set but CI=${process.env.CI ?? ''}: CI must run the PostgreSQL tests. ` +
        `Start a server with: eval "$(scripts/ci-postgres.sh)"`,
    );
  }
  const databaseName = `atlas_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(url, (client) => client.query(`create database "${databaseName}"`));

  const dbUrl = new URL(url);
  dbUrl.pathname = `/${databaseName}`;
  const config: DbConfig = { kind: 'postgres', url: dbUrl.toString(), poolSize: 4 };
  let atlas: AtlasDb;
  try {
    atlas = await createDb(config);
  } catch (err) {
    await dropDatabase(url, databaseName);
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    ...atlas,
    config,
    databaseName,
    close: () =>
      (closed ??= (async () => {
        try {
          await atlas.close();
        } finally {
          await dropDatabase(url, databaseName);
        }
      })()),
  };
}

async function dropDatabase(url: string, databaseName: string): Promise<void> {
  // FORCE: a test that opened extra handles on the database must not leave it behind.
  await withAdmin(url, (client) => client.query(`drop database if exists "${databaseName}" with (force)`));
}
