import { sql } from 'kysely';
import { big, bigOrNull, rows, type Db, type Text } from './db.js';

/** The newest indexed event: its block and time (chain time, from which "last 30 days" windows are measured). */
export interface ChainHead {
  block: bigint;
  logIndex: number;
  time: number;
}

export async function chainHead(db: Db): Promise<ChainHead | null> {
  const r = await rows(db, sql<{ b: Text; l: number; t: Text }>`select block_number::text as b, log_index as l, block_time::text as t from chain_event order by block_number desc, log_index desc limit 1`);
  const h = r[0];
  return h ? { block: big(h.b), logIndex: h.l, time: Number(h.t) } : null;
}

/** The highest block every sync cursor has committed (null before the first batch). */
export async function indexedBlock(db: Db): Promise<bigint | null> {
  const r = await rows(db, sql<{ b: Text | null }>`select max(block)::text as b from sync_checkpoint`);
  return bigOrNull(r[0]?.b);
}

/** The L1 block number of the newest synced L2 block (the round clock on Arbitrum), null when unknown. */
export async function headL1Block(db: Db): Promise<bigint | null> {
  const r = await rows(db, sql<{ l1: Text | null }>`select l1_block::text as l1 from sync_block order by number desc limit 1`);
  return bigOrNull(r[0]?.l1);
}

/**
 * Cheap fingerprint of the indexed data: changes with every indexed batch and with reorg rollbacks, so caches
 * keyed by it are rebuilt exactly when the data changed.
 */
export async function dataVersion(db: Db): Promise<string> {
  const r = await rows(db, sql<{ b: Text | null; t: Text | null; n: Text }>`select max(block)::text as b, max(updated_at)::text as t, count(*)::text as n from sync_checkpoint`);
  const head = await chainHead(db);
  const row = r[0];
  return `${row?.b ?? '-'}|${row?.t ?? '-'}|${row?.n ?? '0'}|${head ? `${head.block}:${head.logIndex}` : '-:-'}`;
}

/** Unix time of a block: the newest indexed event or price at or before it (prices are step functions of time). */
export async function timeOfBlock(db: Db, block: number): Promise<number | null> {
  const r = await rows(
    db,
    sql<{ t: Text | null }>`
      select greatest(
        (select block_time from chain_event where block_number <= ${block} order by block_number desc, log_index desc limit 1),
        (select block_time from price_tick where block_number <= ${block} order by block_number desc, log_index desc limit 1))::text as t`,
  );
  const t = r[0]?.t;
  return t === null || t === undefined ? null : Number(t);
}

/** The newest sync checkpoint: its block, that block's timestamp (null when not recorded) and when it was written (Unix seconds). */
export async function checkpointHead(db: Db): Promise<{ block: bigint; blockTime: number | null; writtenAt: number } | null> {
  const r = await rows(
    db,
    sql<{ block: Text; block_time: Text | null; written: number }>`
      select c.block::text as block, b.timestamp::text as block_time, extract(epoch from c.updated_at)::float8 as written
      from sync_checkpoint c left join sync_block b on b.number = c.block
      order by c.block desc limit 1`,
  );
  const h = r[0];
  return h ? { block: big(h.block), blockTime: h.block_time === null ? null : Number(h.block_time), writtenAt: Number(h.written) } : null;
}

/** Unix time of each requested block that has an indexed event (blocks without one are absent). */
export async function blockTimes(db: Db, blocks: readonly bigint[]): Promise<Map<bigint, number>> {
  const uniq = [...new Set(blocks.map(String))];
  if (uniq.length === 0) return new Map();
  const r = await rows(
    db,
    sql<{ b: Text; t: Text }>`select block_number::text as b, min(block_time)::text as t from chain_event
      where block_number in (${sql.join(uniq.map((b) => sql`${b}::bigint`))}) group by block_number`,
  );
  return new Map(r.map((x) => [BigInt(x.b), Number(x.t)]));
}
