import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { startFaultProxy } from '../src/sim/faultProxy.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { createDb, type DbConfigInput } from '../src/store/db.js';
import { dbKinds, openTestDb, seedDataDir } from './helpers/db.js';
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
      await seedDataDir(dir);
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

  // The test chain syncs in seconds, so a kill lands anywhere; behind a slow provider the backfill is long and the
  // kill lands between two committed batches, with the next one's logs still on the way.
  it('resumes a throttled backfill killed between committed batches from its checkpoint, ending identical', async () => {
    const proxy = await startFaultProxy({ upstream: sim.rpcUrl, latencyMs: 60 });
    let config: DbConfigInput;
    let cleanup: () => Promise<void>;
    if (kind === 'postgres') {
      const holder = await openTestDb('postgres');
      config = holder.config;
      cleanup = () => holder.close();
    } else {
      const dir = await mkdtemp(path.join(tmpdir(), 'atlas-index-throttled-'));
      await seedDataDir(dir);
      config = { kind: 'pglite', dataDir: dir };
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
    try {
      // One block a batch: the short test chain becomes a backfill of some thirty commits.
      const cfg = { db: config, batchBlocks: 1, startBlock: sim.network.contracts.BondingManager.startBlock };
      const killed = await runIndexChild({ ...cfg, rpcUrl: proxy.url }, 12);
      expect(killed.signal).toBe('SIGKILL');
      const reported = killed.blocks.at(-1)!;
      let checkpoint: number;
      const db = await createDb(config);
      try {
        const q = async (text: ReturnType<typeof sql<{ b: string | null }>>) => Number((await text.execute(db.db)).rows[0]!.b);
        checkpoint = await q(sql<{ b: string | null }>`select min(block)::text as b from sync_checkpoint`);
        // PostgreSQL keeps every batch reported committed. The embedded database dies with the process, so it keeps
        // the batches up to its last flushed commit (one a second waits for the flush): a batch the run reported.
        if (kind === 'postgres') expect(checkpoint).toBeGreaterThanOrEqual(reported);
        else expect(killed.blocks).toContain(checkpoint);
        expect(checkpoint).toBeLessThanOrEqual(reported + 3 * cfg.batchBlocks);
        // Nothing past the checkpoint was written.
        expect(await q(sql<{ b: string | null }>`select coalesce(max(block_number), 0)::text as b from chain_event`)).toBeLessThanOrEqual(checkpoint);
        expect(await q(sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`)).toBe(checkpoint);
      } finally {
        await db.close();
      }
      // The rest of the way at full speed: the first batch of the new run is the one after the checkpoint.
      const resumed = await runIndexChild({ ...cfg, rpcUrl: sim.rpcUrl });
      expect(resumed.signal, resumed.stderr).toBeNull();
      expect(resumed.blocks[0]).toBeGreaterThan(checkpoint);
      expect(resumed.blocks[0]).toBeLessThanOrEqual(checkpoint + cfg.batchBlocks);
      // The kill was midway: the resumed run had many batches left.
      expect(resumed.blocks.length).toBeGreaterThan(8);
      const after = await createDb(config);
      try {
        expect(await dumpProjections(after.db)).toEqual(reference);
      } finally {
        await after.close();
      }
    } finally {
      await proxy.close();
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
