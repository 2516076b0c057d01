import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, seedDataDir } from '../../test/helpers/db.js';
import { RpcClient } from '../chain/rpc.js';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { seededRandom } from '../sim/faultProxy.js';
import { createDb, type DbConfig } from '../store/db.js';
import { readCheckpoints, type SyncTables } from './checkpoint.js';
import { SyncEngine, type SyncSource } from './engine.js';
import { getBlockNumber } from './logFetcher.js';
import { expectedFromChain } from './testkit/chainView.js';
import { deployEmitter, mineHistory } from './testkit/emitter.js';
import { createRecordingTable, readRecordedLogs, recordLogs, rollbackLogs } from './testkit/recordingProjection.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./testkit/backfillChild.ts', import.meta.url));

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  batches: number;
  done: boolean;
  stderr: string;
}

/**
 * Run the backfill child. With `killAfter`, SIGKILL it once it has printed that
 * many batch lines plus a random delay (so the kill lands between or inside
 * transactions); without, let it finish.
 */
function runChild(config: object, killAfter?: { batches: number; delayMs: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      cwd: repoRoot,
      env: { ...process.env, ATLAS_SYNC_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { code: null, signal: null, batches: 0, done: false, stderr: '' };
    let killScheduled = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      for (const line of d.split('\n')) {
        if (line.startsWith('batch ')) run.batches++;
        if (line.startsWith('done ')) run.done = true;
      }
      if (killAfter && !killScheduled && run.batches >= killAfter.batches) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), killAfter.delayMs);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      run.stderr = (run.stderr + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

describe.each(dbKinds)('kill -9 and resume on %s', (kind) => {
  let anvil: AnvilNode;
  let rpc: RpcClient;
  let sources: SyncSource[];

  beforeAll(async () => {
    anvil = await startAnvil({ noMining: true });
    rpc = new RpcClient({ url: anvil.url });
    const a = await deployEmitter(rpc, { mine: true });
    const b = await deployEmitter(rpc, { mine: true });
    await mineHistory(rpc, { seed: 31, blocks: 220, emitters: [a, b], gapProbability: 0.1, maxGap: 20 });
    sources = [
      { name: 'a', addresses: [a], fromBlock: 0 },
      { name: 'b', addresses: [b], fromBlock: 40 },
    ];
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('ends identical to an uninterrupted sync however often the indexer is killed', async () => {
    const head = await getBlockNumber(rpc);

    // the uninterrupted reference, in-process
    const ref = await openTestDb(kind, { migrate: true });
    let reference;
    try {
      await createRecordingTable(ref.db);
      await new SyncEngine({
        rpc,
        db: ref.db,
        sources,
        confirmations: 0,
        batchBlocks: 12,
        onLogs: (trx, logs, headers) => recordLogs(trx, logs, headers),
        rollback: (trx, fork) => rollbackLogs(trx, fork),
      }).runBackfill();
      reference = await readRecordedLogs(ref.db);
    } finally {
      await ref.close();
    }
    expect(reference).toEqual(await expectedFromChain(rpc, sources, head));
    expect(reference.length).toBeGreaterThan(1_000);

    // the database the child writes to, and that we read afterwards
    let dbConfig: DbConfig;
    let cleanup: () => Promise<void>;
    let pgHandle: Awaited<ReturnType<typeof openTestDb>> | undefined;
    if (kind === 'pglite') {
      const dir = await mkdtemp(path.join(tmpdir(), 'atlas-sync-kill-'));
      await seedDataDir(dir);
      dbConfig = { kind: 'pglite', dataDir: dir };
      cleanup = () => rm(dir, { recursive: true, force: true });
    } else {
      pgHandle = await openTestDb('postgres');
      dbConfig = pgHandle.config;
      cleanup = () => pgHandle!.close();
    }

    try {
      const config = {
        db: dbConfig,
        rpcUrl: anvil.url,
        sources,
        batchBlocks: 12,
        initialRange: 12,
        slowMs: 8,
      };
      const rnd = seededRandom(kind === 'pglite' ? 1234 : 5678);
      let kills = 0;
      // Each restart pays a process + database start (seconds for PGlite), so three kills it is.
      for (let i = 0; i < 3; i++) {
        const run = await runChild(config, { batches: 1 + Math.floor(rnd() * 4), delayMs: Math.floor(rnd() * 40) });
        if (run.done) break;
        expect(run.signal, run.stderr).toBe('SIGKILL');
        kills++;
      }
      expect(kills).toBe(3);
      const final = await runChild(config);
      expect(final.code, final.stderr).toBe(0);
      expect(final.done).toBe(true);

      const check = await createDb(dbConfig);
      try {
        const rows = await readRecordedLogs(check.db);
        expect(rows.length).toBe(reference.length);
        expect(rows).toEqual(reference);
        const keys = new Set(rows.map((r) => `${r.block}/${r.logIndex}`));
        expect(keys.size).toBe(rows.length);
        const cps = await readCheckpoints(check.db as unknown as Kysely<SyncTables>);
        expect([...cps.values()].map((c) => c.block)).toEqual([head, head]);
      } finally {
        await check.close();
      }
    } finally {
      await cleanup();
    }
    // Four process starts, each opening PGlite: minutes on a busy machine.
  }, 300_000);
});
