import os from 'node:os';
import pg from 'pg';
import { AtlasError } from '../base/errors.js';

/**
 * One indexer per PostgreSQL database: the indexer holds a session-level advisory lock on a connection of its
 * own for as long as it runs. PostgreSQL gives the lock back when that session ends, however the process ended
 * (kill -9 closes the socket), so a crashed indexer never blocks the next. API servers (`atlas serve`) take
 * no lock: any number of them may read beside the one writer.
 */

// pg_try_advisory_lock(int4, int4): "ATLA" and 1, so pg_locks shows it as classid 1096043585, objid 1.
const KEY_CLASS = 0x41544c41;
const KEY_INDEXER = 1;

export class IndexerLockedError extends AtlasError {
  override name = 'IndexerLockedError';
  constructor(holder: string | null) {
    super(
      'conflict',
      `another indexer is already writing to this database${holder ? ` (${holder})` : ''}; run one indexer per database (any number of \`atlas serve\` may read beside it)`,
      { reason: 'indexer_running' },
    );
  }
}

export interface IndexerLock {
  /** Settles when the lock's session ends while held (the database restarted or the connection broke): stop writing. */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

/** Takes the indexer lock of the database at `url`, or throws IndexerLockedError describing the holder. */
export async function lockIndexer(url: string): Promise<IndexerLock> {
  const client = new pg.Client({ connectionString: url, application_name: `atlas indexer pid ${process.pid} on ${os.hostname()}`.slice(0, 63) });
  let released = false;
  let onLost: (e: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => (onLost = resolve));
  client.on('error', (e) => {
    if (!released) onLost(e);
  });
  client.on('end', () => {
    if (!released) onLost(new Error('the indexer lock connection closed'));
  });
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::int4, $2::int4) as ok', [KEY_CLASS, KEY_INDEXER]);
    if (!r.rows[0]?.ok) {
      const h = await client.query<{ who: string | null; since: string | null }>(
        `select a.application_name as who, to_char(a.backend_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as since
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
         where l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.objsubid = 2 and l.granted limit 1`,
        [KEY_CLASS, KEY_INDEXER],
      );
      const row = h.rows[0];
      throw new IndexerLockedError(row ? `${row.who || 'a client'}, connected since ${row.since}` : null);
    }
  } catch (e) {
    released = true;
    await client.end().catch(() => undefined);
    throw e;
  }
  return {
    lost,
    release: async () => {
      if (released) return;
      released = true;
      await client.end().catch(() => undefined);
    },
  };
}
