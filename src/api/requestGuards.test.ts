import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { z } from 'zod';
import { createApp } from './app.js';
import type { RouteDef } from './route.js';

describe('request guards: numbers, NUL bytes, security headers', () => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    app = createApp({ db: db.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  });
  afterAll(async () => db?.close());

  const status = async (url: string) => {
    const res = await app.request(url);
    return { status: res.status, body: (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null };
  };

  it.each([
    ['/api/v1/rounds?limit=0x10', 'limit'],
    ['/api/v1/rounds?limit=1e2', 'limit'],
    ['/api/v1/rounds?limit=', 'limit'],
    ['/api/v1/rounds?limit=%2010', 'limit'],
    ['/api/v1/rounds?from=0b11', 'from'],
    ['/api/v1/staking/recommend?amount=10&maxRisk=1e1', 'maxRisk'],
    ['/api/v1/staking/recommend?amount=10&minVotingRate=', 'minVotingRate'],
    ['/api/v1/registry/match?capability=text-to-image&minSuccessRate=0x1', 'minSuccessRate'],
    ['/api/v1/registry/match?capability=text-to-image&maxP95LatencyMs=', 'maxP95LatencyMs'],
    ['/api/v1/orchestrators?maxRewardCut=0x10', 'maxRewardCut'],
    ['/api/v1/orchestrators?minRewardCallRatio=', 'minRewardCallRatio'],
  ])('%s is refused as a number, naming the parameter', async (url, name) => {
    const r = await status(url);
    expect(r.status).toBe(400);
    expect(r.body?.error?.message).toContain(`"${name}"`);
  });

  it('still takes plain decimals', async () => {
    expect((await status('/api/v1/rounds?limit=10')).status).toBe(200);
    expect((await status('/api/v1/orchestrators?maxRewardCut=12.5&minRewardCallRatio=0.5')).status).toBe(200);
  });

  it.each([
    '/api/v1/telemetry/leaderboard?model=a%00b',
    '/api/v1/events?address=0x%00',
    '/api/v1/orchestrators?q=%00',
    '/api/v1/registry/adverts?capability=%00x',
    '/api/v1/needs/roles/%00',
  ])('%s: a NUL byte is a 400 naming it, not a 500', async (url) => {
    const r = await status(url);
    expect(r.status).toBe(400);
    expect(r.body?.error?.message).toMatch(/NUL/);
  });

  it('sends security headers on API answers, errors and the dashboard', async () => {
    for (const url of ['/api/v1/rounds', '/api/v1/nope', '/health', '/']) {
      const res = await app.request(url);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), url).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), url).toBe('DENY');
      expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
    }
  });

  it('a NUL character in a JSON body is a 400, not a 500', async () => {
    const body = JSON.stringify({ orchestrators: [{ address: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', transcoder: 'https://a\u0000b:8935' }] });
    const res = await app.request('/api/v1/registry/adverts/import', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/NUL/);
  });

  it('a REST request past its time limit is a 503 that says so', async () => {
    const slow = {
      path: '/api/v1/test/slow',
      tag: 'test',
      summary: 'slow',
      cache: 'none' as const,
      response: z.object({}),
      maxAge: 0,
      handler: async () => {
        await new Promise((r) => setTimeout(r, 1_500));
        return {};
      },
    };
    const limited = createApp({ db: db.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, requestTimeoutMs: 200, extraRoutes: [slow as unknown as RouteDef] });
    const res = await limited.request('/api/v1/test/slow');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('the request ran longer than its time limit of 0.2 s; retry, or ask for less');
    expect((await limited.request('/health')).status).toBe(200);
  });
});
