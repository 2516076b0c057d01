import { sql } from 'kysely';
import { createApp } from '../../src/api/index.js';
import { DemoDiscovery } from '../../src/demo/discovery.js';
import { DEMO_BUDGET, seedDemoExtras } from '../../src/demo/extras.js';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { parseReportDir } from '../../src/needs/parser.js';
import { VENDORED_REPORT_DIR } from '../../src/needs/vendored.js';
import { importReport } from '../../src/needs/store.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../../src/sim/scenario.js';
import { runSimulation } from '../../src/sim/simulator.js';
import { seedDemoTelemetry } from '../../src/telemetry/demo.js';
import { openTestDb, type DbKind, type TestDb } from './db.js';

export const REPORT_DIR = VENDORED_REPORT_DIR;

export interface DemoNetwork {
  db: TestDb;
  app: ReturnType<typeof createApp>;
  headBlock: number;
  close: () => Promise<void>;
}

/**
 * What `atlas start` shows, built to completion: a simulated network indexed into a fresh database, the demo
 * telemetry and the data-needs report imported, and the API over it (in process).
 */
export async function demoNetwork(kind: DbKind, opts: { preset?: PresetName; seed?: number } = {}): Promise<DemoNetwork> {
  const db = await openTestDb(kind, { migrate: true });
  try {
    const scenario = resolveScenario({ preset: opts.preset ?? 'test', ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    const sim = await runSimulation({ scenario, keepNode: true });
    try {
      await new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
    } finally {
      await sim.node?.stop();
    }
    await seedDemoTelemetry(db.db, scenario, { hours: 48, jobsPerHour: 60 });
    await importReport(db.db, parseReportDir(REPORT_DIR), REPORT_DIR, 'demo');
    await seedDemoExtras(db.db, scenario);
    const discovery = await DemoDiscovery.start(db.db, scenario, { historyDays: 7 });
    try {
      await discovery.catchUp();
    } finally {
      await discovery.close();
    }
    const head = await sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`.execute(db.db);
    const headBlock = Number(head.rows[0]?.b ?? 0);
    const app = createApp({ db: db.db, dbKind: kind, status: () => ({ phase: 'live', headBlock, indexedBlock: headBlock, lagBlocks: 0 }), webDir: null, rateLimit: false, budgetFile: DEMO_BUDGET });
    return { db, app, headBlock, close: () => db.close() };
  } catch (e) {
    await db.close();
    throw e;
  }
}
