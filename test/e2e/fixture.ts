import { sql } from 'kysely';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
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

/**
 * A database filled the way production fills it: the simulator mines a seeded network on anvil, the
 * protocol indexer backfills it, the node stops. The last round is snapshotted as ground truth.
 */
export async function indexedFixture(kind: DbKind, preset: PresetName = 'test'): Promise<IndexedFixture> {
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
