import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxUint256, parseAbi, type Address } from 'viem';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { callTx } from '../src/sim/deploy.js';
import { ChainDriver } from '../src/sim/driver.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type Action, type SimulationResult } from '../src/sim/simulator.js';
import { SimRpc, type SimTx } from '../src/sim/simRpc.js';
import { dbKinds, freezeTestDb, openTestDb, type TestDb } from './helpers/db.js';
import { dumpProjections } from './helpers/dump.js';

const CONFIRMATIONS = 25;

/** Mines `blocks` blocks of protocol activity chosen by `branch` on top of the current head. */
async function mineBranch(sim: SimulationResult, branch: 'a' | 'b', blocks: number, startTime: number): Promise<void> {
  const rpc = new SimRpc(sim.rpcUrl);
  const driver = new ChainDriver(rpc, 150, true);
  await driver.init(startTime);
  const d = sim.deployment;
  const dels = sim.population.delegators.filter((x) => x.initialBond > 0n);
  const snap = sim.groundTruth.snapshots.at(-1)!;
  const round = BigInt(sim.groundTruth.rounds.at(-1)!.round);
  const token = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
  void token;
  for (let b = 0; b < blocks; b++) {
    const txs: SimTx<Action>[] = [];
    for (let k = 0; k < 3; k++) {
      const who = dels[(b * 7 + k * 13 + (branch === 'a' ? 0 : 5)) % dels.length]!;
      const bonded = snap.delegators[who.address]?.bondedAmount ?? 0n;
      if (branch === 'a' || bonded === 0n) {
        txs.push(callTx(d, who.address, 'BondingManager', 'claimEarnings', [round], { kind: 'claim', delegator: who.address }));
      } else {
        const amount = bonded / 50n;
        txs.push(callTx(d, who.address, 'BondingManager', 'unbond', [amount], { kind: 'unbond', delegator: who.address, amount }));
      }
      const to = dels[(b + k + 1) % dels.length]!.address as Address;
      txs.push(callTx(d, who.address, 'LivepeerToken', 'transfer', [to, 10n ** 18n * BigInt(branch === 'a' ? 1 : 2)], { kind: 'setup', what: 'transfer' }));
    }
    await driver.mine(txs, startTime + (b + 1) * 12);
  }
  void maxUint256;
}

// One network for both backends: each test mines its branches on it and reverts to `base` first.
let sim: SimulationResult;
let rpc: SimRpc;
let base: string;
let headTime: number;

beforeAll(async () => {
  sim = await runSimulation({ scenario: resolveScenario({ preset: 'test', rounds: 4, delegators: 150, snapshotRounds: [4] }), keepNode: true });
  rpc = new SimRpc(sim.rpcUrl);
  // Pad with empty blocks so the confirmed part of the chain is everything the simulator did.
  const head = await rpc.call<{ timestamp: `0x${string}` }>('eth_getBlockByNumber', ['latest', false]);
  headTime = Number(head.timestamp);
  for (let i = 0; i < CONFIRMATIONS; i++) await rpc.call('evm_mine', [headTime + 1 + i]);
  headTime += CONFIRMATIONS + 1;
  base = await rpc.call<string>('evm_snapshot', []);
}, 600_000);

afterAll(async () => {
  await sim?.node?.stop();
});

describe.each(dbKinds)('reorgs on %s', (kind) => {
  // The confirmed base chain is backfilled once; each depth starts both its databases from a copy of that state.
  let synced: () => Promise<TestDb>;
  beforeAll(async () => {
    const db = await openTestDb(kind, { migrate: true });
    try {
      await new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: CONFIRMATIONS }).backfill();
    } catch (e) {
      await db.close();
      throw e;
    }
    synced = await freezeTestDb(db);
  }, 300_000);

  it.each([1, 5, 20])('a reorg of depth %i leaves the database equal to a fresh sync of the final chain', async (depth) => {
    await rpc.call('evm_revert', [base]);
    base = await rpc.call<string>('evm_snapshot', []);
    const db = await synced();
    const fresh = await synced();
    try {
      const reorgs: number[] = [];
      const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: CONFIRMATIONS, onReorg: (r) => reorgs.push(r.depth) });
      await indexer.backfill();
      await indexer.engine.syncOnce();
      const fork = await rpc.call<string>('evm_snapshot', []);
      await mineBranch(sim, 'a', depth, headTime);
      await indexer.engine.syncOnce();
      await rpc.call('evm_revert', [fork]);
      await mineBranch(sim, 'b', depth + 1, headTime + 3);
      await indexer.engine.syncOnce();
      expect(reorgs).toEqual([depth]);

      const other = new ProtocolIndexer({ db: fresh.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: CONFIRMATIONS });
      await other.backfill();
      await other.engine.syncOnce();
      const [got, want] = await Promise.all([dumpProjections(db.db), dumpProjections(fresh.db)]);
      expect(got.chain_event!.length).toBeGreaterThan(1000);
      for (const table of Object.keys(want)) expect({ table, rows: got[table] }).toEqual({ table, rows: want[table] });
      expect(indexer.stats.divergences).toBe(0);
    } finally {
      await db.close();
      await fresh.close();
    }
  });
});
