import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { atlasDbFromPGlite, pgliteParsers } from '../../src/store/db.js';
import type { GroundTruth } from '../../src/sim/groundTruth.js';
import { resolveScenario, type PresetName } from '../../src/sim/scenario.js';
import { runSimulation } from '../../src/sim/simulator.js';
import { openTestDb, type DbKind, type TestDb } from '../helpers/db.js';

export interface IndexedFixture {
  db: TestDb;
  groundTruth: GroundTruth;
  /** Last block the indexer processed. */
  headBlock: number;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE_DIR = path.join(repo, 'node_modules', '.cache', 'atlas-fixtures');
// Everything that can decide what the simulator mines and what the indexer writes (extensions such as
// price sources live in their own folders): the whole source tree, tests aside.
const INPUTS = ['src'];

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) hashTree(h, full);
    else if (!name.endsWith('.test.ts')) {
      h.update(path.relative(repo, full));
      h.update(readFileSync(full));
    }
  }
}

function fixtureKey(preset: PresetName): string {
  const h = createHash('sha256');
  h.update(preset);
  for (const d of INPUTS) hashTree(h, path.join(repo, d));
  return h.digest('hex').slice(0, 24);
}

// Ground truth round-trips with its bigints tagged, so amounts stay exact.
const toJson = (gt: GroundTruth) => JSON.stringify(gt, (_k, v: unknown) => (typeof v === 'bigint' ? { $big: v.toString() } : v));
const fromJson = (text: string) =>
  JSON.parse(text, (_k, v: unknown) => (v && typeof v === 'object' && '$big' in v && Object.keys(v).length === 1 ? BigInt((v as { $big: string }).$big) : v)) as GroundTruth;

async function build(kind: DbKind, preset: PresetName): Promise<IndexedFixture> {
  const db = await openTestDb(kind, { migrate: true });
  try {
    const scenario = resolveScenario({ preset });
    const sim = await runSimulation({ scenario: { ...scenario, snapshotRounds: [scenario.rounds] }, keepNode: true });
    try {
      const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: 0 });
      await indexer.backfill();
    } finally {
      await sim.node?.stop();
    }
    const head = await sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`.execute(db.db);
    return { db, groundTruth: sim.groundTruth, headBlock: Number(head.rows[0]?.b ?? 0) };
  } catch (e) {
    await db.close();
    throw e;
  }
}

async function restore(file: string, meta: { headBlock: number; truth: string }): Promise<IndexedFixture> {
  const pglite = await PGlite.create({ parsers: pgliteParsers, loadDataDir: new Blob([readFileSync(file)]) });
  const db: TestDb = { ...atlasDbFromPGlite(pglite), config: { kind: 'pglite' }, databaseName: undefined };
  return { db, groundTruth: fromJson(readFileSync(meta.truth, 'utf8')), headBlock: meta.headBlock };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // Lock made but pid not written yet: alive unless that moment is long past.
    return Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Dumps of older source versions are dead weight once a new one is built. */
function pruneOthers(key: string): void {
  for (const name of readdirSync(CACHE_DIR)) {
    if (name.startsWith(key)) continue;
    const full = path.join(CACHE_DIR, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
  }
}

/**
 * A database filled the way production fills it: the simulator mines a seeded network on anvil, the
 * protocol indexer backfills it, the node stops. The last round is snapshotted as ground truth.
 *
 * PGlite fixtures are built once per content of the simulator/indexer sources and kept as a data-dir
 * dump under node_modules/.cache: every test file after the first restores the same database in a
 * second instead of mining and indexing again. Postgres fixtures are always built.
 */
export async function indexedFixture(kind: DbKind, preset: PresetName = 'test'): Promise<IndexedFixture> {
  if (kind !== 'pglite') return build(kind, preset);
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = fixtureKey(preset);
  const dump = path.join(CACHE_DIR, `${key}.tar`);
  const truth = path.join(CACHE_DIR, `${key}.truth.json`);
  const metaFile = path.join(CACHE_DIR, `${key}.meta.json`);
  const lock = path.join(CACHE_DIR, `${key}.lock`);
  for (let waited = 0; ; waited += 500) {
    if (existsSync(metaFile)) {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { headBlock: number };
      return restore(dump, { headBlock: meta.headBlock, truth });
    }
    try {
      mkdirSync(lock); // atomic: one process builds, the others wait for its files
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch {
      // A builder that died leaves its lock behind: gone when its process is gone.
      if (!builderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    pruneOthers(key);
    try {
      const fx = await build('pglite', preset);
      const blob = await fx.db.dumpDataDir!();
      writeFileSync(`${dump}.tmp`, Buffer.from(await blob.arrayBuffer()));
      renameSync(`${dump}.tmp`, dump);
      writeFileSync(truth, toJson(fx.groundTruth));
      // Written last: its presence says the other two are complete.
      writeFileSync(metaFile, JSON.stringify({ headBlock: fx.headBlock }));
      return fx;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
