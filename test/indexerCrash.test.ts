import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { startFaultProxy } from '../src/sim/faultProxy.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { createDb, type DbConfigInput } from '../src/store/db.js';
import { dbKinds, openTestDb } from './helpers/db.js';
import { dumpProjections } from './helpers/dump.js';
import { runIndexChild } from './helpers/indexChild.js';

// One small network for both backends; nothing here mines on it.
let sim: SimulationResult;
beforeAll(async () => {
  sim = await runSimulation({ scenario: resolveScenario({ preset: 'test', rounds: 3, delegators: 120 }), keepNode: true });
}, 600_000);
afterAll(async () => {
  await sim?.node?.stop();
});

describe.each(dbKinds)('protocol indexer resilience on %s', (kind) => {
  let reference: Record<string, string[]>;

  beforeAll(async () => {
    const db = await openTestDb(kind, { migrate: true });
    await new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: sim.network, confirmations: 0 }).backfill();
    reference = await dumpProjections(db.db);
    await db.close();
    expect(reference.chain_event!.length).toBeGreaterThan(3000);
  });

  // Four process starts and a full sync each: minutes on PGlite on a busy 2-core machine.
  it('ends identical to an uninterrupted sync after kill -9 at random points', async () => {
    let config: DbConfigInput;
    let cleanup: () => Promise<void>;
    let dir: string | undefined;
    if (kind === 'postgres') {
      const holder = await openTestDb('postgres');
      config = holder.config;
      cleanup = () => holder.close();
    } else {
      dir = await mkdtemp(path.join(tmpdir(), 'atlas-index-kill-'));
      config = { kind: 'pglite', dataDir: dir };
      cleanup = () => rm(dir!, { recursive: true, force: true });
    }
    try {
      const cfg = { db: config, rpcUrl: sim.rpcUrl, batchBlocks: 3, startBlock: sim.network.contracts.BondingManager.startBlock };
      let kills = 0;
      for (const after of [2, 5, 9]) {
        const run = await runIndexChild(cfg, after);
        if (run.signal === 'SIGKILL') kills++;
        else expect(run.stderr).toBe('');
      }
      expect(kills).toBeGreaterThanOrEqual(2);
      const last = await runIndexChild(cfg);
      expect(last.signal, last.stderr).toBeNull();
      const db = await createDb(config);
      try {
        expect(await dumpProjections(db.db)).toEqual(reference);
      } finally {
        await db.close();
      }
    } finally {
      await cleanup();
    }
  }, 600_000);

  it('survives 429s, 503s, hangs, truncated and reset responses and range errors with nothing lost', async () => {
    const proxy = await startFaultProxy({
      upstream: sim.rpcUrl,
      seed: 7,
      rates: { http429: 0.08, http503: 0.05, hang: 0.02, truncate: 0.05, reset: 0.03 },
      retryAfterSeconds: 0,
      hangMs: 1_500,
      maxLogRange: 4,
    });
    const db = await openTestDb(kind, { migrate: true });
    try {
      const indexer = new ProtocolIndexer({
        db: db.db,
        rpcUrl: proxy.url,
        network: sim.network,
        confirmations: 0,
        rpcOptions: { timeoutMs: 1_000, backoffBaseMs: 20, maxRetries: 12 },
      });
      await indexer.backfill();
      const injected = proxy.stats().injected;
      expect(injected.http429 + injected.http503 + injected.truncate + injected.reset).toBeGreaterThan(5);
      expect(injected.rangeError).toBeGreaterThan(0);
      expect(await dumpProjections(db.db)).toEqual(reference);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
