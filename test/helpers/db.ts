import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  atlasDbFromPGlite,
  checkpointedDump,
  createDb,
  pgliteParsers,
  type AtlasDb,
  type DbConfig,
  type DbKind,
} from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { buildOnce, CACHE_DIR, contentKey, writeAtomically } from './cache.js';

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
  if (kind === 'pglite') return openPGlite(options.migrate === true);
  const testDb = await openPostgres();
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

// initdb dominates PGlite start-up (~4 s of CPU with its WebAssembly compile); restoring a dump of a cluster takes
// well under a second. So a fresh cluster and a migrated one are dumped once into the test cache (keyed by the PGlite
// version and the migrations) and every PGlite test database starts from one of them. Each dump is taken after a
// checkpoint: else every database started from it replays the WAL written since the last one (the migrations: a
// third of a start's CPU, ~0.65 -> ~0.48 s).
const PGLITE_CACHE = path.join(CACHE_DIR, 'pglite');
const require = createRequire(import.meta.url);
// The package exports no package.json; its version is read from beside its entry point.
const pgliteVersion = (JSON.parse(readFileSync(path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as { version: string }).version;
const clusterDumps = new Map<string, Promise<Blob>>();

function clusterDump(migrated: boolean): Promise<Blob> {
  const key = migrated ? `migrated-${contentKey(['src/store/migrations'], `${pgliteVersion}|checkpointed`)}` : `fresh-${pgliteVersion}-checkpointed`;
  let dump = clusterDumps.get(key);
  if (!dump) {
    const file = path.join(PGLITE_CACHE, `${key}.tar`);
    dump = buildOnce(
      file,
      async () => {
        const pglite = await PGlite.create({ parsers: pgliteParsers, ...(migrated ? { loadDataDir: await clusterDump(false) } : {}) });
        try {
          if (migrated) await migrate(atlasDbFromPGlite(pglite).db);
          writeAtomically(file, new Uint8Array(await (await checkpointedDump(pglite)).arrayBuffer()));
        } finally {
          await pglite.close();
        }
      },
      () => new Blob([readFileSync(file)]),
    );
    clusterDumps.set(key, dump);
  }
  return dump;
}

/**
 * Makes `dir` an embedded data directory as a first start leaves it (initdb done, migrated) from the cached cluster
 * dump: what createDb({ kind: 'pglite', dataDir }) and the CLI then open, without paying initdb (~4 s of CPU) again
 * in each test that gives a process a data directory of its own.
 */
export async function seedDataDir(dir: string): Promise<void> {
  const pglite = await PGlite.create({ dataDir: dir, loadDataDir: await clusterDump(true) });
  await pglite.close();
}

// The PGlite behind each open PGlite test database, for freezeTestDb.
const pglites = new WeakMap<TestDb, PGlite>();

async function openPGlite(migrated: boolean, from?: Blob): Promise<TestDb> {
  const config: DbConfig = { kind: 'pglite' };
  const pglite = await PGlite.create({ parsers: pgliteParsers, loadDataDir: from ?? (await clusterDump(migrated)) });
  const atlas = atlasDbFromPGlite(pglite);
  // Kysely opens its driver on the first query, so destroying one never queried leaves PGlite open: close it here.
  const close = async () => {
    await atlas.close();
    if (!pglite.closed) await pglite.close();
  };
  const testDb: TestDb = { ...atlas, close, config, databaseName: undefined };
  pglites.set(testDb, pglite);
  return testDb;
}

/**
 * Closes a test database and returns an opener of new ones holding a copy of its content (a PostgreSQL template, or
 * a dump of the PGlite cluster): what tests that start several databases from the same synced state use instead
 * of syncing it again for each.
 */
export async function freezeTestDb(db: TestDb): Promise<() => Promise<TestDb>> {
  const pglite = pglites.get(db);
  if (!pglite) {
    const template = await saveTemplate(db);
    return () => openTestDbFromTemplate(template);
  }
  const dump = await checkpointedDump(pglite);
  await db.close();
  return () => openPGlite(true, dump);
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrlOrThrow() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function serverUrlOrThrow(): string {
  const url = serverUrl();
  if (url === undefined) {
    throw new Error(
      `${TEST_DATABASE_URL_ENV} is not set but CI=${process.env.CI ?? ''}: CI must run the PostgreSQL tests. ` +
        `Start a server with: eval "$(scripts/ci-postgres.sh)"`,
    );
  }
  return url;
}

// The pools of open PostgreSQL test databases, so saveTemplate can close one without dropping its database.
const pools = new Map<string, AtlasDb>();

async function openPostgres(template?: string): Promise<TestDb> {
  const url = serverUrlOrThrow();
  const databaseName = `atlas_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database "${databaseName}"${template ? ` template "${template}"` : ''}`);
        return;
      } catch (e) {
        // Copying a template needs it to have no session; another copy starting at the same moment can hold one.
        if (!template || attempt >= 40 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });

  const dbUrl = new URL(url);
  dbUrl.pathname = `/${databaseName}`;
  const config: DbConfig = { kind: 'postgres', url: dbUrl.toString(), poolSize: 4 };
  let atlas: AtlasDb;
  try {
    atlas = await createDb(config);
  } catch (err) {
    await dropDatabase(databaseName);
    throw err;
  }
  pools.set(databaseName, atlas);

  let closed: Promise<void> | undefined;
  return {
    ...atlas,
    config,
    databaseName,
    close: () =>
      (closed ??= (async () => {
        pools.delete(databaseName);
        try {
          await atlas.close();
        } finally {
          await dropDatabase(databaseName);
        }
      })()),
  };
}

/** A new PostgreSQL test database holding a copy of a template's content (see saveTemplate); close() drops it. */
export function openTestDbFromTemplate(template: string): Promise<TestDb> {
  return openPostgres(template);
}

/** The prefix of the template databases of this test run (dropped by dropRunTemplates). */
function templatePrefix(): string {
  return `atlas_tpl_${path.basename(process.env.ATLAS_TEST_RUN_DIR ?? String(process.pid)).replace(/\W/g, '_')}_`;
}

/**
 * Turns a PostgreSQL test database into a template for openTestDbFromTemplate: its pool closes (a template must
 * have no sessions) and it is renamed into this run's templates, dropped when the run ends. Returns its name.
 */
export async function saveTemplate(db: TestDb): Promise<string> {
  const name = db.databaseName;
  const atlas = name === undefined ? undefined : pools.get(name);
  if (!name || !atlas) throw new Error('saveTemplate takes an open PostgreSQL test database');
  pools.delete(name);
  await atlas.close();
  const template = `${templatePrefix()}${name}`;
  await withAdmin((client) => client.query(`alter database "${name}" rename to "${template}"`));
  return template;
}

/** Drops the template databases of this test run (globalSetup's teardown). */
export async function dropRunTemplates(): Promise<void> {
  if (serverUrl() === undefined) return;
  const names = await withAdmin((client) => client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [templatePrefix()]));
  for (const r of names.rows) await dropDatabase(r.datname);
}

async function dropDatabase(databaseName: string): Promise<void> {
  // FORCE: a test that opened extra handles on the database must not leave it behind.
  await withAdmin((client) => client.query(`drop database if exists "${databaseName}" with (force)`));
}
