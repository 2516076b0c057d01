import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { dbKinds, openTestDb, type DbKind, type TestDb } from './helpers/db.js';
import { compareWithSnapshot, type Mismatch } from './helpers/snapshotCompare.js';

/** What indexing into one backend found, checked per backend below. */
interface Backend {
  db: TestDb;
  indexer: ProtocolIndexer;
  mismatches: Mismatch[];
  checked: number;
}

// One simulation for both backends: at each snapshot round every backend's indexer catches up and is compared
// with the contracts' views read at that round.
let sim: SimulationResult;
const backends = new Map<DbKind, Backend>();

beforeAll(async () => {
  const scenario = resolveScenario({ preset: 'test', snapshotRounds: [3, 8, 14] });
  let rpcUrl = '';
  sim = await runSimulation({
    scenario,
    keepNode: true,
    hooks: {
      onSnapshot: async (snap) => {
        for (const kind of dbKinds) {
          let b = backends.get(kind);
          if (!b) {
            const db = await openTestDb(kind, { migrate: true });
            b = { db, indexer: new ProtocolIndexer({ db: db.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 }), mismatches: [], checked: 0 };
            backends.set(kind, b);
          }
          await b.indexer.backfill();
          b.checked += await compareWithSnapshot(b.db, snap, b.mismatches);
        }
      },
    },
    onStart: (url) => {
      rpcUrl = url;
    },
  });
}, 600_000);

afterAll(async () => {
  await sim?.node?.stop();
  for (const b of backends.values()) await b.db.close();
});

describe.each(dbKinds)('indexer against the simulator on %s', (kind) => {
  let db: TestDb;
  let indexer: ProtocolIndexer;
  let mismatches: Mismatch[];
  let checked: number;
  beforeAll(() => {
    ({ db, indexer, mismatches, checked } = backends.get(kind)!);
  });

  it('equals the contracts to the wei for every delegator and orchestrator at several rounds', () => {
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(5000);
  });

  it('predicted every BondingManager event (incl. EarningsClaimed) before applying it', async () => {
    const div = await sql<Record<string, string>>`select * from ledger_divergence`.execute(db.db);
    expect(div.rows).toEqual([]);
    expect(indexer.stats.predictionsChecked).toBeGreaterThan(3000);
    const claims = await sql<{ n: string }>`select count(*)::text as n from chain_event where name = 'EarningsClaimed'`.execute(db.db);
    expect(Number(claims.rows[0]!.n)).toBeGreaterThan(300);
    expect(indexer.stats.unknownLogs).toBe(0);
  });

  it('rebuilt the secondary indexes it deferred for the first (empty-database) backfill', async () => {
    const idx = await sql<{ name: string }>`select indexname as name from pg_indexes where tablename in ('chain_event', 'winning_ticket') order by indexname`.execute(db.db);
    expect(idx.rows.map((r) => r.name)).toEqual([
      'chain_event_a1_idx', 'chain_event_a2_idx', 'chain_event_name_idx', 'chain_event_pkey',
      'winning_ticket_pkey', 'winning_ticket_recipient_idx', 'winning_ticket_sender_idx',
    ]);
    const pending = await sql`select 1 from atlas_meta where key = 'deferred_indexes'`.execute(db.db);
    expect(pending.rows).toEqual([]);
  });

  it('left planner statistics for the tables it filled', async () => {
    // reltuples is -1 until a table is first analyzed (or vacuumed); the first (long) backfill analyzes at its end.
    const st = await sql<{ relname: string; reltuples: number }>`
      select relname, reltuples::float8 as reltuples from pg_class where relname in ('chain_event', 'delegator', 'earnings_pool') order by relname`.execute(db.db);
    expect(st.rows.map((r) => r.relname)).toEqual(['chain_event', 'delegator', 'earnings_pool']);
    // PGlite runs no autovacuum: there, only the backfill's ANALYZE can have set these.
    for (const r of st.rows) expect(Number(r.reltuples)).toBeGreaterThan(0);
  });

  it("timed the database's share: each batch transaction around its row writes, and the deferred index builds", () => {
    const s = indexer.stats;
    expect(s.writeMs).toBeGreaterThan(0);
    // The transactions hold the row writes and the checkpoint bookkeeping and COMMIT besides.
    expect(s.transactionMs).toBeGreaterThan(s.writeMs);
    // Only the first backfill deferred indexes; their builds and the statistics took measurable time.
    expect(s.indexMs).toBeGreaterThan(0);
  });

  it('records rounds, tickets, treasury and governance', async () => {
    const rounds = await sql<Record<string, string>>`select * from protocol_round order by round`.execute(db.db);
    expect(rounds.rows.length).toBe(sim.groundTruth.rounds.length + 1);
    for (const truth of sim.groundTruth.rounds) {
      const row = rounds.rows.find((r) => BigInt(r.round!) === BigInt(truth.round))!;
      expect(BigInt(row.mintable!)).toBe(truth.mintable);
      expect(BigInt(row.inflation!)).toBe(truth.inflation);
      expect(BigInt(row.total_active_stake!)).toBe(truth.totalActiveStake);
      expect(BigInt(row.l2_supply!)).toBe(truth.l2Supply);
      expect(BigInt(row.treasury_balance!)).toBe(truth.treasuryBalance);
      expect(BigInt(row.treasury_reward_cut_rate!)).toBe(truth.treasuryRewardCutRate);
      expect(Number(row.active_transcoders)).toBe(truth.activeOrchestrators);
      expect(BigInt(row.l2_supply!) + BigInt(row.l1_supply!)).toBe(truth.globalSupply);
      expect(Number(row.l1_block)).toBe(truth.l1Block);
    }
    const tickets = await sql<{ n: string; paid: string }>`select count(*)::text as n, sum(paid)::text as paid from winning_ticket`.execute(db.db);
    expect(Number(tickets.rows[0]!.n)).toBeGreaterThan(300);
    const fees = await sql<{ fees: string }>`select sum(fees)::text as fees from earnings_pool`.execute(db.db);
    expect(fees.rows[0]!.fees).toBe(tickets.rows[0]!.paid);
    const proposals = await sql<Record<string, string>>`select * from proposal`.execute(db.db);
    expect(proposals.rows.length).toBeGreaterThanOrEqual(3);
  });
});
