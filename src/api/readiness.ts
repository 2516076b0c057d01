// What /ready answers: whether this process should get traffic. Two rules, one per way Atlas runs.
import { checkpointHead } from '../read/chain.js';
import { databaseAnswers, type Db } from '../read/db.js';
import { readNetwork } from '../read/network.js';

export interface Readiness {
  ready: boolean;
  /** Why not, in one sentence (null when ready). */
  reason: string | null;
  /** Figures behind the answer, returned with it. */
  details: Record<string, unknown>;
}

const DB_TIMEOUT_MS = 2000;

const NO_DB: Readiness = { ready: false, reason: 'the database does not answer', details: {} };

/**
 * `atlas start` (the indexer runs in this process): ready while the database answers and the indexer is at most
 * `maxLagBlocks` behind the chain head it last saw.
 */
export function indexerLagReadiness(db: Db, status: () => { lagBlocks: number | null; phase: string }, maxLagBlocks: number): () => Promise<Readiness> {
  return async () => {
    const s = status();
    const details = { maxLagBlocks, indexer: s };
    if (!(await databaseAnswers(db, DB_TIMEOUT_MS))) return { ...NO_DB, details };
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
export function headAgeReadiness(db: Db, maxAgeS: number, now: () => number = Date.now): () => Promise<Readiness> {
  return async () => {
    let head: Awaited<ReturnType<typeof checkpointHead>>;
    let network: string | null;
    try {
      [head, { name: network }] = await Promise.all([checkpointHead(db), readNetwork(db)]);
    } catch {
      return NO_DB;
    }
    const base = { maxHeadAgeSeconds: maxAgeS };
    if (!head) return { ready: false, reason: 'nothing has been indexed into this database yet', details: { ...base, indexedBlock: null } };
    const byBlock = network !== 'simulator' && head.blockTime !== null;
    const at = byBlock ? head.blockTime! : head.writtenAt;
    const age = Math.max(0, Math.round(now() / 1000 - at));
    const details = { ...base, indexedBlock: Number(head.block), clock: byBlock ? 'block' : 'checkpoint', headTime: at, headAgeSeconds: age };
    if (age <= maxAgeS) return { ready: true, reason: null, details };
    const what = byBlock ? `the newest indexed block (${head.block}) is ${age} s old` : `the indexer last advanced ${age} s ago (block ${head.block})`;
    return { ready: false, reason: `${what}, more than the ${maxAgeS} s allowed: is the indexer running?`, details };
  };
}
