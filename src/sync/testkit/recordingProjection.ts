import { sql, type Kysely, type Transaction } from 'kysely';
import type { BlockHeader, RawLog } from '../logFetcher.js';

/**
 * The simplest projection: one row per log, plus the block timestamp from the
 * delivered headers. Deliberately without a unique key, so a duplicate
 * delivery shows up as a duplicate row instead of an error.
 */

export interface RecordedLog {
  block: number;
  logIndex: number;
  blockHash: string;
  txHash: string;
  address: string;
  topics: string;
  data: string;
  timestamp: number;
}

// The table is the test's own, not part of the app schema: queries go through `sql`,
// so any database type (and any transaction, which is a Kysely too) will do.

export async function createRecordingTable<DB>(db: Kysely<DB>): Promise<void> {
  await sql`
    create table if not exists test_sync_log (
      block bigint not null,
      log_index integer not null,
      block_hash text not null,
      tx_hash text not null,
      address text not null,
      topics text not null,
      data text not null,
      ts bigint not null
    )`.execute(db);
}

export async function recordLogs<DB>(trx: Transaction<DB> | Kysely<DB>, logs: readonly RawLog[], headers: readonly BlockHeader[]): Promise<void> {
  const ts = new Map(headers.map((h) => [h.number, h.timestamp]));
  for (let i = 0; i < logs.length; i += 500) {
    const rows = logs.slice(i, i + 500).map((l) => {
      const t = ts.get(l.blockNumber);
      if (t === undefined) throw new Error(`no header delivered for block ${l.blockNumber}`);
      return sql`(${l.blockNumber}, ${l.logIndex}, ${l.blockHash}, ${l.transactionHash}, ${l.address}, ${l.topics.join(',')}, ${l.data}, ${t})`;
    });
    await sql`insert into test_sync_log (block, log_index, block_hash, tx_hash, address, topics, data, ts) values ${sql.join(rows)}`.execute(trx);
  }
}

export async function rollbackLogs<DB>(trx: Transaction<DB> | Kysely<DB>, forkBlock: number): Promise<void> {
  await sql`delete from test_sync_log where block >= ${forkBlock}`.execute(trx);
}

export async function readRecordedLogs<DB>(db: Kysely<DB>): Promise<RecordedLog[]> {
  const res = await sql<{
    block: string;
    log_index: number;
    block_hash: string;
    tx_hash: string;
    address: string;
    topics: string;
    data: string;
    ts: string;
  }>`select * from test_sync_log order by block, log_index, tx_hash`.execute(db);
  return res.rows.map((r) => ({
    block: Number(r.block),
    logIndex: r.log_index,
    blockHash: r.block_hash,
    txHash: r.tx_hash,
    address: r.address,
    topics: r.topics,
    data: r.data,
    timestamp: Number(r.ts),
  }));
}

/** What the table should hold for these logs and headers. */
export function expectedRecords(logs: readonly RawLog[], headers: readonly BlockHeader[]): RecordedLog[] {
  const ts = new Map(headers.map((h) => [h.number, h.timestamp]));
  return logs.map((l) => ({
    block: l.blockNumber,
    logIndex: l.logIndex,
    blockHash: l.blockHash,
    txHash: l.transactionHash,
    address: l.address,
    topics: l.topics.join(','),
    data: l.data,
    timestamp: ts.get(l.blockNumber) ?? -1,
  }));
}
