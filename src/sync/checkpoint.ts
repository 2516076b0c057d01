import { sql, type ColumnType, type Kysely, type QueryExecutorProvider, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Int8, TimestamptzDefault } from '../store/schema.js';
import type { BlockHeader, Hex } from './logFetcher.js';

/** Tables of migration 0002_sync.sql. */
export interface SyncCheckpointTable {
  source: string;
  block: Int8;
  block_hash: string | null;
  updated_at: TimestamptzDefault;
}

type NullableInt8 = ColumnType<string | null, string | number | bigint | null, string | number | bigint | null>;

export interface SyncBlockTable {
  number: Int8;
  hash: string;
  parent_hash: string;
  timestamp: Int8;
  l1_block: NullableInt8;
}

/** Migration 0011: contracts a factory created, whose logs join the factory's source. */
export interface SyncChildTable {
  source: string;
  address: string;
  from_block: Int8;
}

export interface SyncTables {
  sync_checkpoint: SyncCheckpointTable;
  sync_block: SyncBlockTable;
  sync_child: SyncChildTable;
}

export type SyncDb = Kysely<SyncTables> | Transaction<SyncTables>;

export interface Checkpoint {
  source: string;
  /** Last fully processed block. */
  block: number;
  blockHash: Hex | null;
}

export interface StoredBlock {
  number: number;
  hash: Hex;
  parentHash: Hex;
}

/** int8 columns come back as decimal strings; block numbers stay far below 2^53. */
function toBlockNumber(v: string | number | bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`block number ${String(v)} is not a safe integer`);
  return n;
}

export async function readCheckpoints(db: SyncDb): Promise<Map<string, Checkpoint>> {
  const rows = await db.selectFrom('sync_checkpoint').select(['source', 'block', 'block_hash']).execute();
  return new Map(
    rows.map((r) => [r.source, { source: r.source, block: toBlockNumber(r.block), blockHash: r.block_hash as Hex | null }]),
  );
}

/**
 * Locks the checkpoint rows of `sources` for the rest of the transaction and
 * returns them. A second writer on the same database then waits here instead
 * of interleaving its batch with ours.
 */
export async function lockCheckpoints(trx: Transaction<SyncTables>, sources: readonly string[]): Promise<Map<string, Checkpoint>> {
  if (sources.length === 0) return new Map();
  const rows = await trx
    .selectFrom('sync_checkpoint')
    .select(['source', 'block', 'block_hash'])
    .where('source', 'in', [...sources])
    .forUpdate()
    .execute();
  return new Map(
    rows.map((r) => [r.source, { source: r.source, block: toBlockNumber(r.block), blockHash: r.block_hash as Hex | null }]),
  );
}

export async function writeCheckpoints(
  trx: Transaction<SyncTables>,
  sources: readonly string[],
  block: number,
  blockHash: Hex | null,
): Promise<void> {
  if (sources.length === 0) return;
  const now = new Date();
  await trx
    .insertInto('sync_checkpoint')
    .values(sources.map((source) => ({ source, block, block_hash: blockHash, updated_at: now })))
    .onConflict((oc) =>
      oc.column('source').doUpdateSet((eb) => ({
        block: eb.ref('excluded.block'),
        block_hash: eb.ref('excluded.block_hash'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export async function writeBlocks(trx: Transaction<SyncTables>, headers: readonly BlockHeader[]): Promise<void> {
  if (headers.length === 0) return;
  // Bounded statements: Postgres caps a statement at 65535 parameters.
  for (let i = 0; i < headers.length; i += 1000) {
    await trx
      .insertInto('sync_block')
      .values(
        headers.slice(i, i + 1000).map((h) => ({
          number: h.number,
          hash: h.hash,
          parent_hash: h.parentHash,
          timestamp: h.timestamp,
          l1_block: h.l1BlockNumber,
        })),
      )
      .onConflict((oc) =>
        oc.column('number').doUpdateSet((eb) => ({
          hash: eb.ref('excluded.hash'),
          parent_hash: eb.ref('excluded.parent_hash'),
          timestamp: eb.ref('excluded.timestamp'),
          l1_block: eb.ref('excluded.l1_block'),
        })),
      )
      .execute();
  }
}

/** Drops stored blocks more than `keep` blocks below `newest`. */
export async function pruneBlocks(trx: Transaction<SyncTables>, newest: number, keep: number): Promise<void> {
  await trx.deleteFrom('sync_block').where('number', '<', String(newest - keep)).execute();
}

/** Stored blocks, newest first. */
export async function readRecentBlocks(db: SyncDb, limit: number, below?: number): Promise<StoredBlock[]> {
  let q = db.selectFrom('sync_block').select(['number', 'hash', 'parent_hash']).orderBy('number', 'desc').limit(limit);
  if (below !== undefined) q = q.where('number', '<', String(below));
  const rows = await q.execute();
  return rows.map((r) => ({ number: toBlockNumber(r.number), hash: r.hash as Hex, parentHash: r.parent_hash as Hex }));
}

/**
 * Undoes the engine's own rows for blocks ≥ forkBlock: stored hashes go, and
 * every checkpoint past the common ancestor moves back to it (or to just
 * before its source's first block, whichever is later).
 */
export async function rewindTo(
  trx: Transaction<SyncTables>,
  ancestor: StoredBlock,
  firstBlockOf: ReadonlyMap<string, number>,
): Promise<void> {
  await trx.deleteFrom('sync_block').where('number', '>', String(ancestor.number)).execute();
  const rows = await trx
    .selectFrom('sync_checkpoint')
    .select(['source', 'block'])
    .where('block', '>', String(ancestor.number))
    .forUpdate()
    .execute();
  for (const r of rows) {
    const floor = (firstBlockOf.get(r.source) ?? 0) - 1;
    const block = Math.max(floor, ancestor.number);
    await trx
      .updateTable('sync_checkpoint')
      .set({ block, block_hash: block === ancestor.number ? ancestor.hash : null, updated_at: new Date() })
      .where('source', '=', r.source)
      .execute();
  }
}

/** A contract created by a factory: its logs belong to `source` from `fromBlock` (its creation block) on. */
export interface ChildContract {
  source: string;
  address: Hex;
  fromBlock: number;
}

export async function readChildren(db: SyncDb): Promise<ChildContract[]> {
  const rows = await db.selectFrom('sync_child').select(['source', 'address', 'from_block']).execute();
  return rows.map((r) => ({ source: r.source, address: r.address as Hex, fromBlock: toBlockNumber(r.from_block) }));
}

export async function writeChildren(trx: Transaction<SyncTables>, children: readonly ChildContract[]): Promise<void> {
  if (children.length === 0) return;
  await trx
    .insertInto('sync_child')
    .values(children.map((c) => ({ source: c.source, address: c.address, from_block: c.fromBlock })))
    .onConflict((oc) => oc.columns(['source', 'address']).doNothing())
    .execute();
}

/** Forgets children created in blocks ≥ forkBlock (their creation log is gone with the reorg). */
export async function dropChildrenFrom(trx: Transaction<SyncTables>, forkBlock: number): Promise<void> {
  await trx.deleteFrom('sync_child').where('from_block', '>=', String(forkBlock)).execute();
}

/**
 * What was learned about a JSON-RPC endpoint's limits: eth_getLogs caps it named in its errors and the
 * rate (calls per second) it holds a client to. Stored per endpoint (a hash of its URL, which may carry
 * a key) in `atlas_meta`, written in the batch transaction that moves the checkpoints.
 */
export interface ProviderLimits {
  maxRange: number | null;
  maxResults: number | null;
  rate: number | null;
}

const LIMITS_KEY = 'sync_provider_limits';
const limitsSchema = z.record(
  z.string(),
  z.object({ maxRange: z.number().int().positive().nullable(), maxResults: z.number().int().positive().nullable(), rate: z.number().positive().nullable() }),
);

export async function readProviderLimits(db: QueryExecutorProvider): Promise<Record<string, ProviderLimits>> {
  const r = await sql<{ value: unknown }>`select value from atlas_meta where key = ${LIMITS_KEY}`.execute(db);
  const parsed = limitsSchema.safeParse(r.rows[0]?.value ?? {});
  // A damaged entry is forgotten, not fatal: the limits are learned again.
  return parsed.success ? parsed.data : {};
}

export async function writeProviderLimits(trx: Transaction<SyncTables>, endpoint: string, limits: ProviderLimits): Promise<void> {
  const entry = JSON.stringify({ [endpoint]: limits });
  await sql`
    insert into atlas_meta (key, value) values (${LIMITS_KEY}, ${entry}::jsonb)
    on conflict (key) do update set value = atlas_meta.value || excluded.value, updated_at = now()`.execute(trx);
}
