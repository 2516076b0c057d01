import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { openTestDb, type TestDb } from './helpers/db.js';
import { compareWithSnapshot, type Mismatch } from './helpers/snapshotCompare.js';

// A node that keeps only its last few blocks of state (as the large preset's does) cannot answer parameter
// reads at old blocks. The parameters set at deployment are then taken from the setter calls themselves (the
// transactions are still served); without them the active set would have no slots and the treasury cut rate
// would be unknown, and every reward split, and every claim after it, would be off.
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

  it('takes the parameters set at deployment from the setter transactions, not from state at their blocks', async () => {
    const params = await sql<{ param: string; value: string | null }>`select param, value::text from param_change where contract = 'BondingManager' order by block_number, log_index`.execute(db.db);
    expect(params.rows.map((r) => r.param)).toEqual(expect.arrayContaining(['numActiveTranscoders', 'nextRoundTreasuryRewardCutRate', 'treasuryBalanceCeiling']));
    expect(params.rows.filter((r) => r.value === null)).toEqual([]);
    expect(params.rows.find((r) => r.param === 'numActiveTranscoders')?.value).toBe('100');
  });

  it('still equals the contracts to the wei for every delegator and orchestrator', () => {
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it('predicted every claim, bond, unbond and reward', async () => {
    const kinds = await sql<{ what: string }>`select distinct what from ledger_divergence order by what`.execute(db.db);
    expect(kinds.rows).toEqual([]);
    const claims = await sql<{ n: string }>`select count(*)::text as n from chain_event where name = 'EarningsClaimed'`.execute(db.db);
    expect(Number(claims.rows[0]!.n)).toBeGreaterThan(20);
  });
});
