import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { openTestDb, type TestDb } from './helpers/db.js';
import { compareWithSnapshot, type Mismatch } from './helpers/snapshotCompare.js';

// A node that keeps only its last few blocks of state (as the large preset's does) cannot answer parameter
// reads at old blocks. The treasury cut rate set at deployment is then unknown to the indexer, which must
// take it from what reward calls pay the treasury; otherwise every reward split, and every claim after it,
// would be off.
describe('indexer on a node without old state', () => {
  let db: TestDb;
  let sim: SimulationResult;
  let indexer: ProtocolIndexer;
  const mismatches: Mismatch[] = [];
  let checked = 0;

  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    let rpcUrl = '';
    sim = await runSimulation({
      scenario: resolveScenario({ preset: 'test', pruneHistory: true, snapshotRounds: [14] }),
      keepNode: true,
      onStart: (url) => {
        rpcUrl = url;
      },
      hooks: {
        onSnapshot: async (snap) => {
          indexer = new ProtocolIndexer({ db: db.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 });
          await indexer.backfill();
          checked += await compareWithSnapshot(db, snap, mismatches);
        },
      },
    });
  }, 600_000);

  afterAll(async () => {
    await sim?.node?.stop();
    await db?.close();
  });

  it('could not read the treasury parameters set at deployment', async () => {
    expect(indexer.stats.paramReadFailures).toBeGreaterThan(0);
    const missing = await sql<{ param: string }>`select distinct param from param_change where value is null order by param`.execute(db.db);
    expect(missing.rows.map((r) => r.param)).toContain('nextRoundTreasuryRewardCutRate');
  });

  it('still equals the contracts to the wei for every delegator and orchestrator', () => {
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('predicted every claim, bond and unbond: only the unreadable parameters and reward calls are flagged', async () => {
    const kinds = await sql<{ what: string }>`select distinct what from ledger_divergence order by what`.execute(db.db);
    for (const k of kinds.rows) expect(k.what).toMatch(/^(parameter \w+|Reward events|initializeRound events)$/);
    const claims = await sql<{ n: string }>`select count(*)::text as n from chain_event where name = 'EarningsClaimed'`.execute(db.db);
    expect(Number(claims.rows[0]!.n)).toBeGreaterThan(20);
  });
});
