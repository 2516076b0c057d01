import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createApp } from './app.js';
import { startServer, type RunningServer } from './server.js';

describe('server-sent events: subscribers per client', () => {
  let db: TestDb;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    const app = createApp({
      db: db.db,
      dbKind: 'pglite',
      status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }),
      rateLimit: false,
      trustProxy: true,
      webDir: null,
      live: { maxSubscribers: 100, maxPerClient: 2, pollMs: 60_000 },
    });
    server = await startServer({ app });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const open = async (client: string) => {
    const ctl = new AbortController();
    const res = await fetch(`${server.url}/events`, { headers: { 'x-forwarded-for': client }, signal: ctl.signal });
    if (res.status === 200) {
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('event: hello');
    }
    // The response stays referenced by the returned stream: fetch cancels the body of a response that is garbage-collected.
    return { res, status: res.status, body: res.status === 200 ? null : ((await res.json()) as { error: { code: string; message: string } }), close: () => ctl.abort() };
  };

  it('one client (an IPv6 /64 counts as one) cannot take the global cap; others still connect', async () => {
    const a1 = await open('2001:db8:0:1::1');
    const a2 = await open('2001:db8:0:1::2');
    const a3 = await open('2001:db8:0:1::3');
    expect([a1.status, a2.status]).toEqual([200, 200]);
    expect(a3.status).toBe(429);
    expect(a3.body?.error.message).toContain('2 live streams');
    const b = await open('198.51.100.7');
    expect(b.status).toBe(200);
    a1.close();
    let again = await open('2001:db8:0:1::4');
    for (let i = 0; again.status !== 200 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await open('2001:db8:0:1::4');
    }
    expect(again.status).toBe(200);
    for (const s of [a2, b, again]) s.close();
  });
});
