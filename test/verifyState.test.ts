import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../src/chain/rpc.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { checkState } from '../src/projections/stateCheck.js';
import { indexedBlock } from '../src/read/chain.js';
import { sampleState } from '../src/read/indexerHealth.js';
import { createApp } from '../src/api/app.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs the atlas command line; resolves with its exit code and output. */
function atlas(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(repo, 'bin/atlas.js'), ...args], { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A small simulated network (its own aggregator at Multicall3's address from the start): indexed with
// --verify-state, every batch's rows are read back from the BondingManager's views at the batch's last block.
let sim: SimulationResult;
beforeAll(async () => {
  sim = await runSimulation({ scenario: resolveScenario({ preset: 'test', rounds: 3, delegators: 40 }), keepNode: true });
}, 600_000);
afterAll(async () => {
  await sim?.node?.stop();
});

describe.each(dbKinds)('state verification on %s', (kind) => {
  let db: TestDb;
  let indexer: ProtocolIndexer;
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    indexer = new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: sim.network, confirmations: 0, verifyState: true });
    await indexer.backfill();
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('--verify-state reads back every batch: Atlas equals the chain, at one eth_call per batch', async () => {
    const s = indexer.stats;
    expect(s.divergences).toBe(0);
    expect(s.logs).toBeGreaterThan(500);
    expect(s.stateValuesChecked).toBeGreaterThan(1000);
    expect(s.stateDivergences).toBe(0);
    // A batch of this size touches fewer views than one multicall holds.
    expect(s.stateRpcCalls).toBeGreaterThan(0);
    expect(s.stateRpcCalls).toBeLessThan(s.logs / 10);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from state_divergence`.execute(db.db);
    expect(rows[0]!.n).toBe('0');
    const app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
    const body = (await (await app.request('/api/v1/status')).json()) as { stateDivergences: number };
    expect(body.stateDivergences).toBe(0);
  });

  it('a value that differs from the chain is found, named by account, view and field', async () => {
    const head = Number(await indexedBlock(db.db));
    const rpc = new RpcClient({ url: sim.rpcUrl });
    const clean = await checkState(rpc, sim.network.contracts.BondingManager.address, head, await sampleState(db.db, 10_000));
    expect(clean.divergences).toEqual([]);
    expect(clean.compared).toBeGreaterThan(40 * 7);

    const { rows } = await sql<{ address: string; bonded: string }>`select address, bonded_amount::text as bonded from delegator where bonded_amount > 0 order by address limit 1`.execute(db.db);
    const victim = rows[0]!;
    await sql`update delegator set bonded_amount = bonded_amount + 1 where address = ${victim.address}`.execute(db.db);
    try {
      const tampered = await checkState(rpc, sim.network.contracts.BondingManager.address, head, await sampleState(db.db, 10_000));
      expect(tampered.divergences).toEqual([{ block_number: head, account: victim.address, view: 'getDelegator', field: 'bonded_amount', atlas: (BigInt(victim.bonded) + 1n).toString(), chain: victim.bonded }]);
      if (db.config.kind === 'postgres') {
        // `atlas verify` prints the difference and exits non-zero.
        const run = await atlas(['verify', '--network', 'simulator', '--rpc-url', sim.rpcUrl, '--sample', '10000'], { DATABASE_URL: db.config.url });
        expect(run.stderr).toBe('');
        expect(run.stdout).toContain(`${victim.address} getDelegator.bonded_amount: atlas ${BigInt(victim.bonded) + 1n}, chain ${victim.bonded}`);
        expect(run.stdout.split("\n").at(-2)).toMatch(/values compared with \d+ eth_call\(s\), 1 differ$/);
        expect(run.code).toBe(1);
      }
    } finally {
      await sql`update delegator set bonded_amount = bonded_amount - 1 where address = ${victim.address}`.execute(db.db);
    }
    if (db.config.kind === 'postgres') {
      const ok = await atlas(['verify', '--network', 'simulator', '--rpc-url', sim.rpcUrl, '--sample', '25'], { DATABASE_URL: db.config.url });
      expect(ok.stdout).toMatch(/25 delegators, \d+ orchestrators, \d+ pools; \d+ values compared with 1 eth_call\(s\), 0 differ/);
      expect(ok.code).toBe(0);
    }
  }, 180_000);
});
