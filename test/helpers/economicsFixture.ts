import { sql } from 'kysely';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import type { GroundTruth } from '../../src/sim/groundTruth.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { runSimulation } from '../../src/sim/simulator.js';
import { openTestDb, type DbKind, type TestDb } from './db.js';

/** A freshly simulated and indexed 'test' network (prices included), for the economics tests. */
export async function economicsFixture(kind: DbKind): Promise<{ db: TestDb; groundTruth: GroundTruth; headBlock: number }> {
  const db = await openTestDb(kind, { migrate: true });
  try {
    const scenario = resolveScenario({ preset: 'test' });
    const sim = await runSimulation({ scenario, keepNode: true });
    try {
      await new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
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
