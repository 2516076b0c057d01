import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { sql } from 'kysely';
import { createDb, type AtlasDb } from '../store/db.js';
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
  const row = await sql<{ value: { name: string; genesisHash: string } | string }>`select value from atlas_meta where key = 'network'`.execute(db.db);
  if (row.rows.length === 0) {
    await sql`insert into atlas_meta (key, value) values ('network', ${JSON.stringify(network)}::jsonb)`.execute(db.db);
    return 'new';
  }
  const v = row.rows[0]!.value;
  const stored = typeof v === 'string' ? (JSON.parse(v) as { name: string; genesisHash: string }) : v;
  return stored.name === network.name && stored.genesisHash === network.genesisHash ? 'same' : 'other';
}

/**
 * Each simulator run is a new chain: its embedded database starts empty. A database that holds a
 * real network is never wiped.
 */
export async function freshSimulatorDatabase(cfg: AtlasConfig['database']): Promise<AtlasDb> {
  if (cfg.kind === 'pglite' && existsSync(cfg.dataDir)) {
    const probe = await openDatabase(cfg);
    const row = await sql<{ value: { name: string } | string }>`select value from atlas_meta where key = 'network'`.execute(probe.db);
    await probe.close();
    const v = row.rows[0]?.value;
    const name = v === undefined ? undefined : typeof v === 'string' ? (JSON.parse(v) as { name: string }).name : v.name;
    if (name !== undefined && name !== 'simulator') {
      throw new ConfigError(`${cfg.dataDir} holds the ${name} network; point ATLAS_DATA_DIR elsewhere to run the simulator`);
    }
    rmSync(cfg.dataDir, { recursive: true, force: true });
  }
  const db = await openDatabase(cfg);
  if (cfg.kind === 'postgres') {
    const row = await sql<{ value: { name: string } | string }>`select value from atlas_meta where key = 'network'`.execute(db.db);
    const v = row.rows[0]?.value;
    const name = v === undefined ? undefined : typeof v === 'string' ? (JSON.parse(v) as { name: string }).name : v.name;
    if (name !== undefined) {
      await db.close();
      throw new ConfigError(`the database at DATABASE_URL already holds the ${name} network; use an empty database for the simulator`);
    }
  }
  return db;
}
