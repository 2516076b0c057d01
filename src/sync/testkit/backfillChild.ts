/**
 * Child process for the kill-and-resume test: opens the database named in
 * ATLAS_SYNC_CHILD (JSON), runs a backfill with the recording projection and
 * prints one line per committed batch. The parent SIGKILLs it at random
 * moments and starts it again.
 */
import { z } from 'zod';
import { RpcClient } from '../../chain/rpc.js';
import { createDb, dbConfigSchema } from '../../store/db.js';
import { migrate } from '../../store/migrate.js';
import { SyncEngine } from '../engine.js';
import type { Hex } from '../logFetcher.js';
import { createRecordingTable, recordLogs, rollbackLogs } from './recordingProjection.js';

const configSchema = z.object({
  db: dbConfigSchema,
  rpcUrl: z.string().url(),
  sources: z.array(z.object({ name: z.string(), addresses: z.array(z.string()), fromBlock: z.number().int() })),
  batchBlocks: z.number().int().positive(),
  initialRange: z.number().int().positive(),
  /** Hold each transaction open this long after writing, so kills land inside transactions too. */
  slowMs: z.number().int().min(0).default(0),
});

const cfg = configSchema.parse(JSON.parse(process.env.ATLAS_SYNC_CHILD ?? 'null'));
const atlas = await createDb(cfg.db);
const db = atlas.db;
await migrate(db);
await createRecordingTable(db);
process.stdout.write('ready\n');

const engine = new SyncEngine({
  rpc: new RpcClient({ url: cfg.rpcUrl }),
  db,
  sources: cfg.sources.map((s) => ({ ...s, addresses: s.addresses as Hex[] })),
  confirmations: 0,
  batchBlocks: cfg.batchBlocks,
  fetcher: { initialRange: cfg.initialRange, maxRange: cfg.initialRange, concurrency: 2 },
  onLogs: async (trx, logs, headers) => {
    await recordLogs(trx, logs, headers);
    if (cfg.slowMs > 0) await new Promise((r) => setTimeout(r, cfg.slowMs));
  },
  rollback: (trx, forkBlock) => rollbackLogs(trx, forkBlock),
  onProgress: (p) => process.stdout.write(`batch ${p.block}\n`),
});
const result = await engine.runBackfill();
await atlas.close();
process.stdout.write(`done ${result.block}\n`);
