import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { createLogger } from '../base/log.js';
import { AtlasError } from '../base/errors.js';
import { createApp } from './app.js';
import type { RouteDef } from './route.js';

const boom: RouteDef = {
  path: '/api/v1/test/boom',
  tag: 'test',
  summary: 'fails',
  cache: 'none',
  response: z.object({}),
  maxAge: 0,
  handler: async () => {
    throw new Error('relation "secret_table" does not exist');
  },
};
const busy: RouteDef = {
  path: '/api/v1/test/busy',
  tag: 'test',
  summary: 'unavailable',
  cache: 'none',
  response: z.object({}),
  maxAge: 0,
  handler: async () => {
    throw new AtlasError('unavailable', 'the data source is down');
  },
};

describe('every 5xx is logged as one structured line with its request id', () => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    const logger = createLogger({ format: 'json', destination: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) } });
    app = createApp({ db: db.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, logger, extraRoutes: [boom, busy] });
  });
  afterAll(async () => db?.close());

  it('a 500: the client gets the request id and no internals; the log has the id, route, status and the error', async () => {
    lines.length = 0;
    const res = await app.request('/api/v1/test/boom');
    expect(res.status).toBe(500);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[\w-]{8,}$/);
    const text = await res.text();
    expect(text).toContain(id);
    expect(text).not.toContain('secret_table');
    const line = lines.find((l) => l.requestId === id);
    expect(line).toMatchObject({ level: 50, requestId: id, method: 'GET', path: '/api/v1/test/boom', status: 500 });
    expect(JSON.stringify(line)).toContain('secret_table');
    expect(typeof line!.durationMs).toBe('number');
  });

  it('a 503 is logged too (as a warning), a 4xx is not; a client request id is kept', async () => {
    lines.length = 0;
    const res = await app.request('/api/v1/test/busy', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(lines).toEqual([expect.objectContaining({ level: 40, requestId: 'trace-abc-123', status: 503, path: '/api/v1/test/busy' })]);
    lines.length = 0;
    expect((await app.request('/api/v1/rounds?limit=0')).status).toBe(400);
    expect(lines).toEqual([]);
  });
});
