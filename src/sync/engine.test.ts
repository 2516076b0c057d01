import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { RpcClient } from '../chain/rpc.js';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { startFaultProxy } from '../sim/faultProxy.js';
import type { Database } from '../store/schema.js';
import { SyncEngine, type ReorgInfo, type SyncProgress, type SyncSource } from './engine.js';
import { getBlockNumber, type Hex } from './logFetcher.js';
import { expectedFromChain } from './testkit/chainView.js';
import { deployEmitter, mineHistory } from './testkit/emitter.js';
import { createRecordingTable, readRecordedLogs, recordLogs, rollbackLogs } from './testkit/recordingProjection.js';

async function openDb(kind: (typeof dbKinds)[number]): Promise<TestDb> {
  const t = await openTestDb(kind, { migrate: true });
  await createRecordingTable(t.db);
  return t;
}

// Opening a database costs about a second on PGlite; tests share two per kind and empty them instead.
async function emptied(t: TestDb): Promise<TestDb> {
  await sql`truncate test_sync_log, sync_checkpoint, sync_block`.execute(t.db);
  return t;
}

/** Make the next block's timestamp differ from anything a replaced branch used, so its hash differs too. */
async function distinctNextTimestamp(rpc: RpcClient, offset: number): Promise<void> {
  const latest = (await rpc.request('eth_getBlockByNumber', ['latest', false])) as { timestamp: string };
  await rpc.request('anvil_setNextBlockTimestamp', [Number(latest.timestamp) + 100 + offset]);
}

async function rpcCall(rpc: RpcClient, method: string, params: unknown[] = []): Promise<unknown> {
  return rpc.request(method, params);
}

describe.each(dbKinds)('SyncEngine on %s', (kind) => {
  let main: TestDb;
  let spare: TestDb;
  beforeAll(async () => {
    main = await openDb(kind);
    spare = await openDb(kind);
  });
  afterAll(async () => {
    await main?.close();
    await spare?.close();
  });

  describe('backfill', () => {
    let anvil: AnvilNode;
    let rpc: RpcClient;
    let sources: SyncSource[];
    let head: number;

    beforeAll(async () => {
      anvil = await startAnvil({ noMining: true });
      rpc = new RpcClient({ url: anvil.url });
      const a = await deployEmitter(rpc, { mine: true });
      const b = await deployEmitter(rpc, { mine: true });
      const unwatched = await deployEmitter(rpc, { mine: true });
      await mineHistory(rpc, { seed: 21, blocks: 260, emitters: [a, b, unwatched], gapProbability: 0.15, maxGap: 30 });
      head = await getBlockNumber(rpc);
      // Source b starts mid-history: its earlier logs must not appear, and it catches up alone first.
      sources = [
        { name: 'a', addresses: [a], fromBlock: 0 },
        { name: 'b', addresses: [b], fromBlock: Math.floor(head / 3) },
      ];
    });
    afterAll(async () => {
      await anvil?.stop();
    });

    it('backfills through 429s, timeouts, truncated bodies and range errors with exactly the direct result', async () => {
      const proxy = await startFaultProxy({
        upstream: anvil.url,
        seed: 99,
        rates: { http429: 0.06, http503: 0.05, hang: 0.03, truncate: 0.05, reset: 0.03 },
        retryAfterSeconds: 0,
        hangMs: 5_000,
        maxLogRange: 50,
      });
      // every kind of fault at least once, whatever the seeded schedule does
      proxy.inject('hang', 'truncate', 'http429', 'reset', 'http503');
      const t = await emptied(main);
      try {
        const progress: SyncProgress[] = [];
        const engineRpc = new RpcClient({ url: proxy.url, timeoutMs: 300, backoffBaseMs: 5, backoffMaxMs: 40, maxRetries: 12 });
        const engine = new SyncEngine({
          rpc: engineRpc,
          db: t.db,
          sources,
          confirmations: 5,
          batchBlocks: 120,
          fetcher: { initialRange: 400, concurrency: 3 },
          onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
          rollback: (trx, fork) => rollbackLogs(trx, fork),
          onProgress: (p) => progress.push(p),
        });
        const res = await engine.runBackfill();
        expect(res.block).toBe(head - 5);
        const expected = await expectedFromChain(rpc, sources, head - 5);
        expect(expected.length).toBeGreaterThan(1_500);
        expect(await readRecordedLogs(t.db)).toEqual(expected);

        // the b source really started late, and the fault schedule really bit
        expect(expected.some((r) => r.address === sources[1].addresses[0] && r.block < sources[1].fromBlock)).toBe(false);
        const injected = proxy.stats().injected;
        expect(injected.rangeError).toBeGreaterThan(0);
        expect(injected.http429 + injected.http503 + injected.hang + injected.truncate + injected.reset).toBeGreaterThan(5);
        expect(engineRpc.stats().transientCauses.timeout).toBeGreaterThan(0);
        expect(engine.fetcherStats().splits).toBeGreaterThan(0);

        const cps = await engine.checkpoints();
        const [endHeader] = await rpc.batch([{ method: 'eth_getBlockByNumber', params: [`0x${(head - 5).toString(16)}`, false] }]);
        for (const cp of cps) {
          expect(cp.block).toBe(head - 5);
          expect(cp.blockHash).toBe((endHeader as { hash: string }).hash);
        }

        expect(progress.length).toBeGreaterThan(3);
        const last = progress.at(-1)!;
        expect(last.block).toBe(head - 5);
        expect(last.etaSeconds).toBe(0);
        expect(last.blocksPerSecond).toBeGreaterThan(0);
        expect(last.logsDone).toBe(expected.length);
        for (let i = 1; i < progress.length; i++) expect(progress[i].blocksDone).toBeGreaterThan(progress[i - 1].blocksDone);

        // a second run has nothing to do and writes nothing twice
        await engine.runBackfill();
        expect(await readRecordedLogs(t.db)).toEqual(expected);
      } finally {
        await proxy.close();
      }
    });

    it('keeps the projection and the checkpoint together when onLogs throws', async () => {
      const t = await emptied(main);
      let calls = 0;
      const failing = new SyncEngine({
        rpc,
        db: t.db,
        sources,
        confirmations: 0,
        batchBlocks: 100,
        fetcher: { initialRange: 100, maxRange: 100 },
        onLogs: async (trx, logs, headers) => {
          await recordLogs(trx, logs, headers);
          if (++calls === 3) throw new Error('projection bug');
        },
        rollback: (trx, fork) => rollbackLogs(trx, fork),
      });
      await expect(failing.runBackfill()).rejects.toThrow('projection bug');
      const cp = Math.min(...(await failing.checkpoints()).map((c) => c.block));
      // nothing of the failed batch is visible: the table ends exactly at the checkpoint
      expect(await readRecordedLogs(t.db)).toEqual(await expectedFromChain(rpc, sources, cp));

      const engine = new SyncEngine({
        rpc,
        db: t.db,
        sources,
        confirmations: 0,
        batchBlocks: 100,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: (trx, fork) => rollbackLogs(trx, fork),
      });
      await engine.runBackfill();
      expect(await readRecordedLogs(t.db)).toEqual(await expectedFromChain(rpc, sources, head));
    });

    it('rejects bad configuration at construction', async () => {
      const t = await emptied(main);
      const base = { rpc, db: t.db, onLogs: async () => undefined, rollback: async () => undefined };
      expect(() => new SyncEngine({ ...base, sources: [] })).toThrow();
      expect(() => new SyncEngine({ ...base, sources: [{ name: 'x', addresses: ['0x12' as Hex], fromBlock: 0 }] })).toThrow(/address/);
      expect(() => new SyncEngine({ ...base, sources: [sources[0], { ...sources[0] }] })).toThrow(/unique/);
      expect(() => new SyncEngine({ ...base, sources, confirmations: -1 })).toThrow();
    });
  });

  describe('live mode and reorgs', () => {
    let anvil: AnvilNode;
    let rpc: RpcClient;
    let sources: SyncSource[];
    let t: TestDb;
    let engine: SyncEngine<Database>;
    const reorgs: ReorgInfo[] = [];
    const rollbacks: number[] = [];

    beforeAll(async () => {
      anvil = await startAnvil({ noMining: true });
      rpc = new RpcClient({ url: anvil.url });
      const a = await deployEmitter(rpc, { mine: true });
      const b = await deployEmitter(rpc, { mine: true });
      await mineHistory(rpc, { seed: 5, blocks: 40, emitters: [a, b] });
      sources = [
        { name: 'a', addresses: [a], fromBlock: 0 },
        { name: 'b', addresses: [b], fromBlock: 0 },
      ];
      t = await emptied(main);
      engine = new SyncEngine({
        rpc,
        db: t.db,
        sources,
        confirmations: 3,
        batchBlocks: 10,
        liveBatchBlocks: 8,
        keepBlocks: 64,
        pollIntervalMs: 20,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: async (trx, fork) => {
          rollbacks.push(fork);
          await rollbackLogs(trx, fork);
        },
        onReorg: (r) => reorgs.push(r),
      });
    });
    afterAll(async () => {
      await anvil?.stop();
    });

    const assertMatchesChain = async (): Promise<void> => {
      const head = await getBlockNumber(rpc);
      expect(Math.min(...(await engine.checkpoints()).map((c) => c.block))).toBe(head);
      expect(await readRecordedLogs(t.db)).toEqual(await expectedFromChain(rpc, sources, head));
    };

    it('follows the head and undoes replaced branches of 1..20 blocks', async () => {
      await engine.syncOnce();
      await assertMatchesChain();
      const cases: Array<[k: number, kNew: number]> = [
        [1, 1],
        [2, 3],
        [5, 4],
        [9, 9],
        [14, 16],
        [20, 20],
        [7, 1],
      ];
      let seed = 100;
      for (const [k, kNew] of cases) {
        await mineHistory(rpc, { seed: seed++, blocks: 2, emitters: sources.flatMap((s) => s.addresses) });
        await engine.syncOnce();
        const base = await getBlockNumber(rpc);
        const snap = await rpcCall(rpc, 'evm_snapshot');
        await mineHistory(rpc, { seed: seed++, salt: 1, blocks: k, maxTxPerBlock: 2, emitters: sources.flatMap((s) => s.addresses) });
        await engine.syncOnce();
        await assertMatchesChain();
        const before = reorgs.length;
        expect(await rpcCall(rpc, 'evm_revert', [snap])).toBe(true);
        await distinctNextTimestamp(rpc, seed);
        await mineHistory(rpc, { seed: seed++, salt: 2, blocks: kNew, emitters: sources.flatMap((s) => s.addresses) });
        if (kNew < k) {
          // A shorter chain: a stored block at or below the new head that differs gives the reorg
          // away at once; if none is stored there, it looks like a lagging node and the engine
          // waits (no rollback, no progress) until the new branch grows past our newest block.
          const cpBefore = await engine.checkpoints();
          const first = await engine.syncOnce();
          if (first.reorgs.length === 0) expect(await engine.checkpoints()).toEqual(cpBefore);
          await mineHistory(rpc, { seed: seed++, salt: 3, blocks: k - kNew + 1, emitters: sources.flatMap((s) => s.addresses) });
        }
        await engine.syncOnce();
        expect(reorgs.length).toBe(before + 1);
        const found = reorgs.at(-1)!;
        expect(found.forkBlock).toBeLessThanOrEqual(base + 1);
        expect(found.depth).toBeGreaterThanOrEqual(Math.min(k, kNew));
        await assertMatchesChain();
      }
      expect(rollbacks).toEqual(reorgs.map((r) => r.forkBlock));
      expect(reorgs.some((r) => r.depth >= 20)).toBe(true);
    });

    it('handles a reorg while runLive polls', async () => {
      const controller = new AbortController();
      const errors: Error[] = [];
      const liveEngine = new SyncEngine({
        rpc,
        db: t.db,
        sources,
        confirmations: 3,
        pollIntervalMs: 15,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: (trx, fork) => rollbackLogs(trx, fork),
        onReorg: (r) => reorgs.push(r),
        onError: (e) => errors.push(e),
      });
      // Settled into a value at once, so a failure is asserted below rather than reported as unhandled.
      const live = liveEngine.runLive({ signal: controller.signal }).then(
        () => undefined,
        (e: unknown) => e,
      );
      let liveEnded = false;
      void live.then(() => {
        liveEnded = true;
      });
      const waitForHead = async (): Promise<void> => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const head = await getBlockNumber(rpc);
          const cp = Math.min(...(await liveEngine.checkpoints()).map((c) => c.block));
          if (cp === head) return;
          if (liveEnded) throw new Error(`live loop ended early: ${String(await live)}`);
          if (Date.now() > deadline) throw new Error(`live sync stuck at ${cp}, head ${head}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      try {
        const before = reorgs.length;
        const snap = await rpcCall(rpc, 'evm_snapshot');
        await mineHistory(rpc, { seed: 500, salt: 1, blocks: 6, maxTxPerBlock: 2, emitters: sources.flatMap((s) => s.addresses) });
        await waitForHead();
        await rpcCall(rpc, 'evm_revert', [snap]);
        await distinctNextTimestamp(rpc, 5000);
        await mineHistory(rpc, { seed: 501, salt: 2, blocks: 8, maxTxPerBlock: 2, emitters: sources.flatMap((s) => s.addresses) });
        await waitForHead();
        expect(reorgs.length).toBeGreaterThan(before);
      } finally {
        controller.abort();
        expect(await live).toBeUndefined();
      }
      await assertMatchesChain();
      expect(errors.every((e) => e.name === 'ChainInconsistencyError')).toBe(true);
    });

    it('ends equal to a fresh sync of the final chain', async () => {
      const fresh = await emptied(spare);
      const e2 = new SyncEngine({
        rpc,
        db: fresh.db,
        sources,
        confirmations: 3,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: (trx, fork) => rollbackLogs(trx, fork),
      });
      await e2.syncOnce();
      expect(await readRecordedLogs(fresh.db)).toEqual(await readRecordedLogs(t.db));
    });

    it('refuses a reorg deeper than the stored window', async () => {
      const small = await emptied(spare);
      const e3 = new SyncEngine({
        rpc,
        db: small.db,
        sources,
        confirmations: 0,
        keepBlocks: 3,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: (trx, fork) => rollbackLogs(trx, fork),
      });
      const snap = await rpcCall(rpc, 'evm_snapshot');
      await mineHistory(rpc, { seed: 700, salt: 1, blocks: 1, maxTxPerBlock: 2, emitters: sources.flatMap((s) => s.addresses) });
      await e3.syncOnce();
      await mineHistory(rpc, { seed: 701, salt: 1, blocks: 8, emitters: sources.flatMap((s) => s.addresses) });
      for (let i = 0; i < 8; i++) {
        await rpc.request('evm_mine', []);
        await e3.syncOnce();
      }
      await rpcCall(rpc, 'evm_revert', [snap]);
      await distinctNextTimestamp(rpc, 9000);
      await mineHistory(rpc, { seed: 702, salt: 2, blocks: 20, maxTxPerBlock: 2, emitters: sources.flatMap((s) => s.addresses) });
      await expect(e3.syncOnce()).rejects.toThrow(/deeper than the stored window/);
    });
  });
});
