import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { readNetwork } from '../read/network.js';
import { lockDataDir } from '../store/dataDirLock.js';
import { createDb, type AtlasDb } from '../store/db.js';
import { lockIndexer } from '../store/indexerLock.js';
import { migrate } from '../store/migrate.js';
import { ConfigError, type AtlasConfig } from './config.js';
import { networkCause } from './rpcProbe.js';

/** Open the configured database and bring its schema up to date; a server that cannot be used is one clear line. */
export async function openDatabase(cfg: AtlasConfig['database']): Promise<AtlasDb> {
  if (cfg.kind === 'pglite') mkdirSync(cfg.dataDir, { recursive: true });
  const db = await createDb(cfg.kind === 'pglite' ? { kind: 'pglite', dataDir: cfg.dataDir } : { kind: 'postgres', url: cfg.url });
  try {
    await migrate(db.db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw cfg.kind === 'postgres' ? (connectionProblem(e, cfg.url) ?? e) : e;
  }
  return db;
}

// PostgreSQL error codes a user fixes in DATABASE_URL or on the server.
const PG_CODES: Record<string, string> = {
  '28P01': 'password authentication failed',
  '28000': 'the server refused this user',
  '3D000': 'the database does not exist',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
};

/** A connection failure to DATABASE_URL as one line naming the server (never the password), or null. */
function connectionProblem(e: unknown, url: string): ConfigError | null {
  const u = new URL(url);
  const where = `DATABASE_URL ${u.protocol}//${u.host}${u.pathname}`;
  const code = (e as { code?: string }).code ?? '';
  if (PG_CODES[code]) return new ConfigError(`cannot use ${where}: ${PG_CODES[code]}`);
  if (/^(E[A-Z]+|UND_ERR_.*)$/.test(code) || (e as Error).message === 'Connection terminated unexpectedly') {
    return new ConfigError(`cannot use ${where}: ${networkCause(e, url.replace(/^postgres(ql)?:/, 'http:'))}`);
  }
  return null;
}

/** Which chain a database holds; a database never mixes two. */
export async function claimNetwork(db: AtlasDb, network: { name: string; genesisHash: string }): Promise<'new' | 'same' | 'other'> {
  const held = await readNetwork(db.db);
  if (held.name === null) {
    await sql`insert into atlas_meta (key, value) values ('network', ${JSON.stringify(network)}::jsonb)`.execute(db.db);
    return 'new';
  }
  return held.name === network.name && held.genesisHash === network.genesisHash ? 'same' : 'other';
}

/** The network name a database claims, undefined while none is claimed. */
async function claimedNetwork(db: AtlasDb): Promise<string | undefined> {
  return (await readNetwork(db.db)).name ?? undefined;
}

/**
 * Each simulator run is a new chain, so it needs an empty database. A directory or database that holds data
 * is never emptied unless `fresh` (`atlas start --fresh`) asks for it, and then only when it holds an earlier
 * simulator run: never a real network, never a directory that is no Atlas database. The data directory's lock
 * is held from the first look to the open, so a process using the directory is refused before anything is
 * touched and none can start in between.
 */
export async function freshSimulatorDatabase(cfg: AtlasConfig['database'], opts: { fresh?: boolean } = {}): Promise<AtlasDb> {
  if (cfg.kind === 'postgres') {
    const db = await openDatabase(cfg);
    const name = await claimedNetwork(db).catch(async (e: unknown) => {
      await db.close();
      throw e;
    });
    if (name !== undefined) {
      await db.close();
      throw new ConfigError(`the database at DATABASE_URL already holds the ${name} network; use an empty database for the simulator`);
    }
    return db;
  }
  const lock = await lockDataDir(cfg.dataDir);
  try {
    if (readdirSync(cfg.dataDir).length > 0) {
      if (!existsSync(path.join(cfg.dataDir, 'PG_VERSION'))) {
        throw new ConfigError(`${cfg.dataDir} is not empty and holds no Atlas database; point ATLAS_DATA_DIR at an empty or new directory`);
      }
      const probe = await openDatabase(cfg);
      let name: string | undefined;
      try {
        name = await claimedNetwork(probe);
      } finally {
        await probe.close();
      }
      if (name !== undefined && name !== 'simulator') throw new ConfigError(`${cfg.dataDir} holds the ${name} network; point ATLAS_DATA_DIR elsewhere to run the simulator`);
      if (name !== undefined && !opts.fresh) {
        throw new ConfigError(`${cfg.dataDir} holds the database of an earlier simulator run; \`atlas start --fresh\` replaces it with a new simulated network (or point ATLAS_DATA_DIR elsewhere)`);
      }
      if (name !== undefined) rmSync(cfg.dataDir, { recursive: true, force: true });
    }
    return await openDatabase(cfg);
  } finally {
    await lock.release();
  }
}

/**
 * The one-writer lock of an indexer, held until the returned release: PostgreSQL's advisory lock (an embedded
 * database is locked through its data directory already). `onLost` hears of a lock lost while running.
 */
export async function holdIndexerLock(cfg: AtlasConfig['database'], onLost: (e: Error) => void): Promise<() => Promise<void>> {
  if (cfg.kind !== 'postgres') return async () => undefined;
  const lock = await lockIndexer(cfg.url);
  void lock.lost.then(onLost);
  return () => lock.release();
}

/**
 * The API's own connections on PostgreSQL: a pool apart from the indexer's whose statements the server cancels
 * after the configured statement timeout, so a heavy read can neither hold the indexer's connections nor run on.
 * Its sessions are all opened here and kept while idle (a serving pool).
 * null on the embedded database (one session, shared).
 */
export async function openApiPool(cfg: AtlasConfig['database'], api: AtlasConfig['api']): Promise<AtlasDb | null> {
  if (cfg.kind !== 'postgres') return null;
  try {
    return await createDb({ kind: 'postgres', url: cfg.url, poolSize: API_POOL_SIZE, statementTimeoutMs: api.statementTimeoutMs, serving: true });
  } catch (e) {
    throw connectionProblem(e, cfg.url) ?? e;
  }
}

/** Connections of the API's pool; GraphQL may hold GRAPHQL_STATEMENTS of them at once, REST the rest. */
const API_POOL_SIZE = 10;
const GRAPHQL_STATEMENTS = 2;

/** The API's limits as createApp takes them (the GraphQL worker's statements: two at once on PostgreSQL, one on the embedded session). */
export function apiLimits(cfg: AtlasConfig, apiPool: AtlasDb | null) {
  return {
    requestTimeoutMs: cfg.api.requestTimeoutMs,
    graphql: { maxCost: cfg.api.graphqlMaxCost, sqlConcurrency: apiPool ? GRAPHQL_STATEMENTS : 1 },
  };
}
