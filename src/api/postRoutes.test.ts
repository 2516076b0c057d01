import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createApp } from './app.js';
import { buildOpenApi } from './openapi.js';
import type { RouteDef } from './route.js';
import { routes } from './routeTable.js';

const received: unknown[] = [];
const echo: RouteDef = {
  path: '/api/v1/test/echo',
  method: 'post',
  tag: 'test',
  summary: 'echo',
  body: z.strictObject({ name: z.string().min(1), n: z.number().int() }),
  response: z.object({ ok: z.boolean(), name: z.string() }),
  maxAge: 0,
  maxBodyBytes: 256,
  handler: async ({ body }) => {
    received.push(body);
    return { ok: true, name: (body as { name: string }).name };
  },
};
const lines: RouteDef = {
  path: '/api/v1/test/lines',
  method: 'post',
  tag: 'test',
  summary: 'lines',
  rawBody: { contentTypes: ['application/x-ndjson', 'application/jsonl'] },
  response: z.object({ lines: z.number() }),
  maxAge: 0,
  handler: async ({ body }) => ({ lines: String(body).split('\n').filter(Boolean).length }),
};
let counter = 0;
const live: RouteDef = {
  path: '/api/v1/test/counter',
  tag: 'test',
  summary: 'uncached',
  cache: 'none',
  response: z.object({ n: z.number() }),
  maxAge: 0,
  handler: async () => ({ n: ++counter }),
};

describe('POST routes and uncached GET routes', () => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    app = createApp({ db: db.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, extraRoutes: [echo, lines, live] });
  });
  afterAll(async () => db?.close());

  const post = (path: string, body: string, type = 'application/json') => app.request(path, { method: 'POST', body, headers: { 'content-type': type } });

  it('validates the body and answers the handler result', async () => {
    const res = await post('/api/v1/test/echo', JSON.stringify({ name: 'a', n: 1 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ ok: true, name: 'a' });
    expect(received).toEqual([{ name: 'a', n: 1 }]);
  });

  it('rejects malformed JSON, bad fields, unknown fields, wrong types, empty and oversized bodies without calling the handler', async () => {
    const before = received.length;
    const bad = await post('/api/v1/test/echo', '{"name": "a",');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const field = await post('/api/v1/test/echo', JSON.stringify({ name: '', n: 1.5 }));
    expect(field.status).toBe(400);
    const msg = ((await field.json()) as { error: { message: string } }).error.message;
    expect(msg).toContain('body field "name"');
    expect(msg).toContain('body field "n"');
    const unknown = await post('/api/v1/test/echo', JSON.stringify({ name: 'a', n: 1, extra: true }));
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('unknown body field "extra"');
    expect((await post('/api/v1/test/echo', '')).status).toBe(400);
    const type = await post('/api/v1/test/echo', '{}', 'text/plain');
    expect(type.status).toBe(415);
    const big = await post('/api/v1/test/echo', JSON.stringify({ name: 'x'.repeat(400), n: 1 }));
    expect(big.status).toBe(413);
    // A body sent without content-length is still counted as it streams in.
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 10; i++) ctl.enqueue(new TextEncoder().encode('x'.repeat(100)));
        ctl.close();
      },
    });
    const chunked = await app.request('/api/v1/test/echo', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(received.length).toBe(before);
  });

  it('passes raw bodies of the declared content types', async () => {
    const res = await post('/api/v1/test/lines', '{"a":1}\n{"a":2}\n', 'application/x-ndjson');
    expect(await res.json()).toEqual({ lines: 2 });
    expect((await post('/api/v1/test/lines', '{}', 'application/json')).status).toBe(415);
  });

  it('answers 405 with Allow for the wrong method', async () => {
    const get = await app.request('/api/v1/test/echo');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const postOnGet = await post('/api/v1/network', '{}');
    expect(postOnGet.status).toBe(405);
  });

  it('does not cache routes marked cache none', async () => {
    const a = (await (await app.request('/api/v1/test/counter')).json()) as { n: number };
    const b = (await (await app.request('/api/v1/test/counter')).json()) as { n: number };
    expect(b.n).toBe(a.n + 1);
  });

  it('documents POST routes with their request body in OpenAPI', () => {
    const doc = buildOpenApi([...routes, echo, lines]) as { paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    const op = doc.paths['/api/v1/test/echo']!.post!;
    expect(op.operationId).toBe('postTestEcho');
    expect(op.requestBody!.content['application/json']!.schema.required).toEqual(['name', 'n']);
    expect(Object.keys(doc.paths['/api/v1/test/lines']!.post!.requestBody!.content)).toEqual(['application/x-ndjson', 'application/jsonl']);
  });
});
