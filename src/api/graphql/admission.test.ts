import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../../test/helpers/db.js';
import { createApp } from '../app.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const BOMB = '{transcoders(first:1000){delegators(first:1000){delegate{delegators(first:1000){id}}}}}';

describe('GraphQL admission: cost before execution, budget, rate limit charge', () => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    app = createApp({
      db: db.db,
      dbKind: 'pglite',
      status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }),
      rateLimit: { ratePerSec: 20, burst: 60 },
      trustProxy: true,
      webDir: null,
    });
  });
  afterAll(async () => db?.close());

  const post = async (body: unknown, client = '192.0.2.1', type = 'application/json') => {
    const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': type, 'x-forwarded-for': client }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { res, body: (await res.json()) as J };
  };

  it('refuses the nested-list bomb before running it, naming its cost and the budget', async () => {
    const r = await post({ query: BOMB }, '192.0.2.10');
    expect(r.res.status).toBe(400);
    expect(r.body.errors[0].message).toBe('query cost 1,002,001,000 exceeds the budget of 250,000: each list multiplies what is selected below it by its `first`; ask for fewer rows or split the query');
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', cost: 1_002_001_000, budget: 250_000 });
    expect(r.body.data).toBeUndefined();
  });

  it('counts aliases and fragments, in POST and GET alike', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}:transcoders(first:1000){id}`).join(' ');
    expect((await post({ query: `{${aliases}}` }, '192.0.2.11')).body.errors[0].extensions.cost).toBe(1_000_000);
    const frag = 'fragment T on Transcoder { pools(first: 1000) { id } } { a: transcoders(first: 300) { ...T } }';
    expect((await post({ query: frag }, '192.0.2.11')).body.errors[0].extensions.cost).toBe(300 * 1001);
    const get = await app.request(`/graphql?query=${encodeURIComponent(BOMB)}`, { headers: { 'x-forwarded-for': '192.0.2.12' } });
    expect(get.status).toBe(400);
    expect(((await get.json()) as J).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    // Variables are costed as sent.
    const vars = await post({ query: 'query q($n: Int) { transcoders(first: $n) { pools(first: $n) { id } } }', variables: { n: 1000 } }, '192.0.2.12');
    expect(vars.body.errors[0].extensions.cost).toBe(1000 * 1001);
  });

  it('runs a query within the budget and charges its cost to the client: one token per 5,000 objects', async () => {
    const small = await post({ query: '{ transcoders(first: 5) { id } }' }, '192.0.2.20');
    expect(small.res.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.res.headers.get('x-query-cost')).toBe('5');
    // Cost 240,000 = 48 tokens: a fresh client (60 tokens) can send it once, then waits.
    const heavy = { query: '{ transcoders(first: 240) { pools(first: 999) { id } } }' };
    const first = await post(heavy, '192.0.2.21');
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('x-query-cost')).toBe('240000');
    const second = await post(heavy, '192.0.2.21');
    expect(second.res.status).toBe(429);
    expect(Number(second.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(second.body.errors[0].message).toMatch(/cost 240,000 .*48 requests/);
    // Another client is not affected.
    expect((await post(heavy, '192.0.2.22')).res.status).toBe(200);
  });

  it('refuses request shapes it cannot cost instead of passing them on', async () => {
    expect((await post([{ query: '{ transcoders { id } }' }], '192.0.2.30')).res.status).toBe(400);
    const raw = await post('{ transcoders(first: 1) { id } }', '192.0.2.30', 'application/graphql');
    expect(raw.res.status).toBe(415);
    expect((await post({ query: '{ transcoders(first: 1) { id ' }, '192.0.2.30')).res.status).toBe(400);
    expect((await post({ query: '{ a: transcoders(first: 1) { id } }', variables: 'x' }, '192.0.2.30')).res.status).toBe(400);
  });
});
