import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createApp } from './app.js';
import { headAgeReadiness, indexerLagReadiness } from './readiness.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access
const NOW = 1_800_000_000_000;

describe.each(dbKinds)('/ready on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
  });
  afterAll(async () => db?.close());

  /** The indexer's bookkeeping as it leaves it: the checkpoint, that block's header, the network it claimed. */
  async function indexed(network: string, block: number, blockTimeS: number, writtenMs: number) {
    await sql`delete from sync_checkpoint`.execute(db.db);
    await sql`delete from sync_block`.execute(db.db);
    await sql`delete from atlas_meta where key = 'network'`.execute(db.db);
    await sql`insert into atlas_meta (key, value) values ('network', ${JSON.stringify({ name: network, genesisHash: '0x00' })}::jsonb)`.execute(db.db);
    await sql`insert into sync_checkpoint (source, block, block_hash, updated_at) values ('protocol', ${block}, '0xab', ${new Date(writtenMs).toISOString()}::timestamptz)`.execute(db.db);
    await sql`insert into sync_block (number, hash, parent_hash, timestamp, l1_block) values (${block}, '0xab', '0xaa', ${blockTimeS}, null)`.execute(db.db);
  }

  const serveApp = (maxAgeS: number) =>
    createApp({
      db: db.db,
      dbKind: kind,
      status: () => ({ phase: 'external', indexedBlock: null, headBlock: null, lagBlocks: null }),
      readiness: headAgeReadiness(db.db, maxAgeS, () => NOW),
      rateLimit: false,
      webDir: null,
    });
  const ready = async (app: ReturnType<typeof serveApp>) => {
    const res = await app.request('/ready');
    return { status: res.status, body: (await res.json()) as J, retry: res.headers.get('retry-after') };
  };

  it('serve: not ready before anything is indexed', async () => {
    const r = await ready(serveApp(600));
    expect(r.status).toBe(503);
    expect(r.body.error).toEqual({ code: 'not_ready', message: 'nothing has been indexed into this database yet' });
  });

  it('serve: ready while the newest indexed block is recent, 503 once it is older than the limit', async () => {
    await indexed('arbitrum-one', 300_000_000, NOW / 1000 - 4, NOW - 1000);
    const fresh = await ready(serveApp(600));
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ ready: true, indexedBlock: 300_000_000, clock: 'block', headAgeSeconds: 4, maxHeadAgeSeconds: 600 });
    // The checkpoint was written a second ago, but the block it reached is an hour old: still backfilling.
    await indexed('arbitrum-one', 300_000_000, NOW / 1000 - 3600, NOW - 1000);
    const stale = await ready(serveApp(600));
    expect(stale.status).toBe(503);
    expect(stale.retry).toBe('5');
    expect(stale.body).toMatchObject({ ready: false, headAgeSeconds: 3600, error: { code: 'not_ready' } });
    expect(stale.body.error.message).toBe('the newest indexed block (300000000) is 3600 s old, more than the 600 s allowed: is the indexer running?');
    expect((await ready(serveApp(7200))).status).toBe(200);
  });

  it("serve: on a simulator database (its own clock) the age is the checkpoint's last advance", async () => {
    await indexed('simulator', 5000, 1_748_736_000, NOW - 30_000);
    expect((await ready(serveApp(60))).body).toMatchObject({ ready: true, clock: 'checkpoint', headAgeSeconds: 30 });
    const r = await ready(serveApp(10));
    expect(r.status).toBe(503);
    expect(r.body.error.message).toBe('the indexer last advanced 30 s ago (block 5000), more than the 10 s allowed: is the indexer running?');
  });

  it('start: ready within the lag the in-process indexer reports', async () => {
    let lag: number | null = null;
    const check = indexerLagReadiness(db.db, () => ({ lagBlocks: lag, phase: 'backfill' }), 20);
    expect(await check()).toMatchObject({ ready: false, reason: 'indexer has not reached the chain head yet (phase backfill)' });
    lag = 21;
    expect(await check()).toMatchObject({ ready: false, reason: 'indexer is 21 blocks behind the head (allowed: 20)' });
    lag = 3;
    expect(await check()).toMatchObject({ ready: true, reason: null, details: { maxLagBlocks: 20 } });
  });
});

describe('/ready when the database is gone', () => {
  it.each(dbKinds)('is 503 in both modes on %s', async (kind) => {
    const db = await openTestDb(kind, { migrate: true });
    await db.close();
    const r1 = await headAgeReadiness(db.db, 600)();
    expect(r1).toMatchObject({ ready: false, reason: 'the database does not answer' });
    const r2 = await indexerLagReadiness(db.db, () => ({ lagBlocks: 0, phase: 'live' }), 20)();
    expect(r2).toMatchObject({ ready: false, reason: 'the database does not answer' });
  });
});
