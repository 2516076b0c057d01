import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { corsMiddleware } from './cors.js';

function appWith(origin: string | string[]) {
  const app = new Hono();
  app.use('*', corsMiddleware({ origin, allowMethods: ['GET', 'POST', 'OPTIONS'], exposeHeaders: ['ETag', 'Retry-After'], maxAgeSec: 600 }));
  // A route that builds its own Response with headers, as the REST layer does.
  app.get('/raw', () => new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json', etag: '"x"', vary: 'Accept-Encoding' } }));
  app.get('/json', (c) => c.json({ ok: true }));
  return app;
}

describe('corsMiddleware', () => {
  it('adds the allow-origin and expose headers to responses the route built, keeping the route headers', async () => {
    const app = appWith('*');
    for (const path of ['/raw', '/json']) {
      const res = await app.request(path, { headers: { origin: 'https://example.org' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('ETag,Retry-After');
      expect(await res.json()).toEqual({ ok: true });
    }
    const raw = await app.request('/raw');
    expect(raw.headers.get('etag')).toBe('"x"');
    expect(raw.headers.get('vary')).toBe('Accept-Encoding');
    expect(raw.headers.get('content-type')).toBe('application/json');
  });

  it('answers a preflight with 204, the methods, the requested headers and the max age', async () => {
    const res = await appWith('*').request('/raw', { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-custom' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type,x-custom');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(await res.text()).toBe('');
  });

  it('with a list of origins: echoes an allowed origin, omits the header for others, and varies on Origin', async () => {
    const app = appWith(['https://a.example', 'https://b.example']);
    const ok = await app.request('/raw', { headers: { origin: 'https://b.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(ok.headers.get('vary')).toBe('Accept-Encoding, Origin');
    const other = await app.request('/raw', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await app.request('/raw', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('vary')).toBe('Origin');
  });
});
