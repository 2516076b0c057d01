// What /ready answers: whether this process should get traffic. Two rules, one per way Atlas runs.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface Readiness {
  ready: boolean;
  /** Why not, in one sentence (null when ready). */
  reason: string | null;
  /** Figures behind the answer, returned with it. */
  details: Record<string, unknown>;
}

const DB_TIMEOUT_MS = 2000;

/** Runs a trivial query; false when the database errors or does not answer within 2 s. */
export async function databaseAnswers(db: Kysely<Database>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DB_TIMEOUT_MS);
  });
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const NO_DB: Readiness = { ready: false, reason: 'the database does not answer', details: {} };

/**
 * `atlas start` (the indexer runs in this process): ready while the database answers and the indexer is at most
 * `maxLagBlocks` behind the chain head it last saw.
 */
export function indexerLagReadiness(db: Kysely<Database>, status: () => { lagBlocks: number | null; phase: string }, maxLagBlocks: number): () => Promise<Readiness> {
  return async () => {
    const s = status();
    const details = { maxLagBlocks, indexer: s };
    if (!(await databaseAnswers(db))) return { ...NO_DB, details };
    if (s.lagBlocks !== null && s.lagBlocks <= maxLagBlocks) return { ready: true, reason: null, details };
    const reason = s.lagBlocks === null ? `indexer has not reached the chain head yet (phase ${s.phase})` : `indexer is ${s.lagBlocks} blocks behind the head (allowed: ${maxLagBlocks})`;
    return { ready: false, reason, details };
  };
}

/**
 * `atlas serve` (an indexer writes the database from elsewhere): ready while the database answers and its newest
 * indexed block is at most `maxAgeS` seconds old by that block's timestamp. An indexer following Arbitrum One
 * (a block every 250 ms) stays seconds behind, so an older head means it stopped or is still backfilling. The
 * simulator's chain clock is not the wall clock, so there the age is that of the checkpoint's last advance.
 */
export function headAgeReadiness(db: Kysely<Database>, maxAgeS: number, now: () => number = Date.now): () => Promise<Readiness> {
  return async () => {
    let row: { block: string; block_time: string | null; written: number; network: unknown } | undefined;
    try {
      const r = await sql<{ block: string; block_time: string | null; written: number; network: unknown }>`
        select c.block::text as block, b.timestamp::text as block_time, extract(epoch from c.updated_at)::float8 as written,
          (select value from atlas_meta where key = 'network') as network
        from sync_checkpoint c left join sync_block b on b.number = c.block
        order by c.block desc limit 1`.execute(db);
      row = r.rows[0];
    } catch {
      return NO_DB;
    }
    const base = { maxHeadAgeSeconds: maxAgeS };
    if (!row) return { ready: false, reason: 'nothing has been indexed into this database yet', details: { ...base, indexedBlock: null } };
    const v = row.network;
    const network = v === null || v === undefined ? null : ((typeof v === 'string' ? (JSON.parse(v) as { name?: string }) : (v as { name?: string })).name ?? null);
    const byBlock = network !== 'simulator' && row.block_time !== null;
    const at = byBlock ? Number(row.block_time) : Number(row.written);
    const age = Math.max(0, Math.round(now() / 1000 - at));
    const details = { ...base, indexedBlock: Number(row.block), clock: byBlock ? 'block' : 'checkpoint', headTime: at, headAgeSeconds: age };
    if (age <= maxAgeS) return { ready: true, reason: null, details };
    const what = byBlock ? `the newest indexed block (${row.block}) is ${age} s old` : `the indexer last advanced ${age} s ago (block ${row.block})`;
    return { ready: false, reason: `${what}, more than the ${maxAgeS} s allowed: is the indexer running?`, details };
  };
}
