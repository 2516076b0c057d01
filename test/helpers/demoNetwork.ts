import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../../src/api/index.js';
import { ManualClock } from '../../src/base/clock.js';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { writeDemoBudget } from '../../src/demo/budget.js';
import { DemoDiscovery } from '../../src/demo/discovery.js';
import { seedDemoExtras } from '../../src/demo/extras.js';
import { startLivingNetwork } from '../../src/demo/livingNetwork.js';
import { parseReportDir } from '../../src/needs/parser.js';
import { VENDORED_REPORT_DIR } from '../../src/needs/vendored.js';
import { importReport } from '../../src/needs/store.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../../src/sim/scenario.js';
import { copyDatabase } from './copyDb.js';
import { openTestDb, type DbKind, type TestDb } from './db.js';

export const REPORT_DIR = VENDORED_REPORT_DIR;

export interface DemoNetwork {
  db: TestDb;
  app: ReturnType<typeof createApp>;
  headBlock: number;
  /** Unix seconds of the history's last block. */
  endTime: number;
  close: () => Promise<void>;
}

/**
 * What `atlas start` shows, built to completion: the living network's history (ending now, with the gateways'
 * telemetry and the orchestrators' adverts it sends) indexed into a fresh database, the data-needs report,
 * the demo's signed statements and discovery polls, the example budget on the simulated months, and the API
 * over it (in process).
 */
export async function demoNetwork(kind: DbKind, opts: { preset?: PresetName; seed?: number } = {}): Promise<DemoNetwork> {
  const db = await openTestDb(kind, { migrate: true });
  try {
    const endTime = await buildDemo(db, opts);
    return await serveDemo(db, kind, endTime);
  } catch (e) {
    await db.close();
    throw e;
  }
}

/**
 * The demo network on each backend: built once (on PostgreSQL when it is among them) and copied into the
 * others, so a test asking the same questions of every backend does not simulate the same network twice.
 */
export async function demoNetworks(kinds: readonly DbKind[], opts: { preset?: PresetName; seed?: number } = {}): Promise<Map<DbKind, DemoNetwork>> {
  const source: DbKind = kinds.includes('postgres') ? 'postgres' : kinds[0]!;
  const built = await demoNetwork(source, opts);
  const out = new Map<DbKind, DemoNetwork>([[source, built]]);
  try {
    for (const kind of kinds) {
      if (out.has(kind)) continue;
      const db = await openTestDb(kind, { migrate: true });
      try {
        await copyDatabase((built.db.config as { url: string }).url, db);
        out.set(kind, await serveDemo(db, kind, built.endTime));
      } catch (e) {
        await db.close();
        throw e;
      }
    }
  } catch (e) {
    for (const n of out.values()) await n.close();
    throw e;
  }
  return out;
}

/** Builds the demo into `db`; returns the history's end (Unix seconds). */
async function buildDemo(db: TestDb, opts: { preset?: PresetName; seed?: number }): Promise<number> {
  const scenario = resolveScenario({ preset: opts.preset ?? 'test', ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  const stop = new AbortController();
  const living = await startLivingNetwork({ db: db.db, scenario, clock, liveRoundSeconds: null, signal: stop.signal });
  try {
    await living.done;
    await living.flushTelemetry();
    await new ProtocolIndexer({ db: db.db, rpcUrl: living.rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
  } finally {
    await living.stop();
  }
  await importReport(db.db, parseReportDir(REPORT_DIR), REPORT_DIR, 'demo');
  await seedDemoExtras(db.db, scenario);
  // Each poll waits out the nodes that never listen or hang (the demo's limits, sized for a busy `atlas start`,
  // make that 7 s a poll: 3 s connects in two waves of 16 calls, then a 4 s call). On loopback all of them wait at
  // once, and 2 s is ample for the nodes that answer; the checks compare the API with the stored answers.
  const discovery = await DemoDiscovery.start(db.db, scenario, { historyDays: 7, concurrency: 64, connectTimeoutMs: 2_000, callTimeoutMs: 2_000 });
  try {
    await discovery.catchUp();
  } finally {
    await discovery.close();
  }
  return living.endTime;
}

/** The API over a built demo database, with the example budget moved onto its months. */
async function serveDemo(db: TestDb, kind: DbKind, endTime: number): Promise<DemoNetwork> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-demo-'));
  const budgetFile = writeDemoBudget(path.join(dir, 'demo-budget.json'), endTime);
  const head = await sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`.execute(db.db);
  const headBlock = Number(head.rows[0]?.b ?? 0);
  const app = createApp({ db: db.db, dbKind: kind, status: () => ({ phase: 'live', headBlock, indexedBlock: headBlock, lagBlocks: 0 }), webDir: null, rateLimit: false, budgetFile });
  return {
    db,
    app,
    headBlock,
    endTime,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
