import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { IndexerLockedError, lockIndexer } from './indexerLock.js';

describe.skipIf(!dbKinds.includes('postgres'))('indexer lock on PostgreSQL', () => {
  let t: TestDb;
  let url: string;
  beforeAll(async () => {
    t = await openTestDb('postgres');
    url = (t.config as { url: string }).url;
  });
  afterAll(async () => t?.close());

  it('refuses a second indexer, naming the first; a crashed holder frees it', async () => {
    const first = await lockIndexer(url);
    const e = await lockIndexer(url).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IndexerLockedError);
    expect((e as Error).message).toContain(`atlas indexer pid ${process.pid}`);
    expect((e as Error).message).not.toContain('\n');
    // The holder's session dies as a killed process's would: the lock goes with it, and the holder learns it lost it.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'atlas indexer pid%' and datname = current_database()`);
    await admin.end();
    await expect(first.lost).resolves.toBeInstanceOf(Error);
    const second = await lockIndexer(url);
    await second.release();
    await first.release();
    // Released cleanly: free again.
    const third = await lockIndexer(url);
    await third.release();
  });
});
