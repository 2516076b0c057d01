// Mounts route definitions onto the Hono app: inputs validated by the route's zod schemas, bodies bounded by
// Hono's body-limit middleware, answers serialized once per data version with ETag/304 and Cache-Control.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { ApiData } from './data.js';
import { AtlasError, validationError } from './errors.js';
import { cachedResponse, etagFor } from './httpCache.js';
import type { RouteDef, RouteOptions } from './route.js';
import { WindowCache } from './windowCache.js';

/** OpenAPI path template to Hono's: /orchestrators/{address} → /orchestrators/:address. */
export const honoPath = (p: string) => p.replace(/\{(\w+)\}/g, ':$1');

export interface MountContext {
  data: ApiData;
  clock: () => number;
  options: RouteOptions;
  /** Memory for serialized answers of the current data version. */
  responseCacheBytes: number;
  /** Longest an answer of a `cache: 'window'` route is reused (ms; its own max-age within it; 0: computed for every request). */
  windowCacheMs: number;
}

interface CachedBody {
  version: string;
  /** UTF-8 bytes: outside the JS heap, so thousands of cached answers add nothing to each young-generation collection. */
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  contentType: string;
  extra: Record<string, string>;
}

/**
 * Serialized answers per URL for the current data version: repeated reads (the directory, a popular account)
 * cost a map lookup instead of queries + JSON + hashing. Bounded by total bytes, least recently used first out.
 */
class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, version: string): CachedBody | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, v: CachedBody): void {
    const old = this.entries.get(key);
    if (old) this.bytes -= old.body.length;
    this.entries.delete(key);
    this.entries.set(key, v);
    this.bytes += v.body.length;
    while (this.bytes > this.maxBytes && this.entries.size > 0) {
      const [k, first] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.bytes -= first.body.length;
    }
  }
}

function parseInputs(r: RouteDef, c: Context) {
  for (const [k, v] of Object.entries(c.req.queries())) {
    if (v.length > 1) throw new AtlasError('bad_request', `query parameter "${k}" is given ${v.length} times; give it once`);
  }
  const params = r.params ? r.params.safeParse(c.req.param()) : { success: true as const, data: {} };
  if (!params.success) throw validationError('path parameter', params.error);
  const query = (r.query ?? z.strictObject({})).safeParse(c.req.query());
  if (!query.success) throw validationError('query parameter', query.error);
  return { params: params.data, query: query.data };
}

/** A JSON body (validated by the route's schema) or, for a raw-body route, the text itself. */
function parseBody(r: RouteDef, text: string): unknown {
  if (/\0|\\u0000/i.test(text)) throw new AtlasError('bad_request', 'request body contains a NUL character (\\u0000); text fields cannot hold it');
  if (r.rawBody) return text;
  if (text.trim() === '') throw new AtlasError('invalid_json', 'request body is empty; send a JSON document');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new AtlasError('invalid_json', `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!r.body) return body;
  const parsed = r.body.safeParse(body);
  if (!parsed.success) throw validationError('body field', parsed.error);
  return parsed.data;
}

/** Hono's body limit, answering with the API's error body. */
export function bodyLimitOf(limit: number) {
  return bodyLimit({
    maxSize: limit,
    onError: () => {
      throw new AtlasError('payload_too_large', `request body is larger than the limit of ${limit} bytes`);
    },
  });
}

export function mountRoutes(app: Hono, routes: RouteDef[], m: MountContext): void {
  const cache = new ResponseCache(m.responseCacheBytes);
  const windows = new WindowCache<Omit<CachedBody, 'version'>>(m.windowCacheMs, m.responseCacheBytes / 4);
  const serialized = (out: unknown): Promise<Omit<CachedBody, 'version'>> | Omit<CachedBody, 'version'> => {
    if (out instanceof Response) {
      return out.text().then((text) => ({ body: Buffer.from(text), etag: etagFor(text), contentType: out.headers.get('content-type') ?? 'text/plain', extra: Object.fromEntries([...out.headers.entries()].filter(([k]) => k !== 'content-type')) }));
    }
    const body = Buffer.from(JSON.stringify(out));
    return { body, etag: etagFor(body), contentType: 'application/json; charset=utf-8', extra: {} };
  };
  const run = (r: RouteDef, c: Context, inputs: { params: Record<string, unknown>; query: Record<string, unknown> }, body: unknown) =>
    r.handler({ ...inputs, body, data: m.data, clock: m.clock, options: m.options, header: (name) => c.req.header(name) });

  for (const r of routes.filter((x) => x.method === 'post')) {
    const accepted = r.rawBody?.contentTypes ?? ['application/json'];
    app.post(honoPath(r.path), bodyLimitOf(r.maxBodyBytes ?? 1024 * 1024), async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!accepted.includes(type)) throw new AtlasError('unsupported_media_type', `content-type must be ${accepted.join(' or ')} (got ${type || 'none'})`);
      const inputs = parseInputs(r, c);
      const out = await run(r, c, inputs, parseBody(r, await c.req.text()));
      // A write this process accepted is visible to its next read of a window.
      windows.invalidate();
      if (out instanceof Response) return out;
      return c.json(out as object, 200, { 'cache-control': 'no-store' });
    });
  }

  for (const r of routes.filter((x) => x.method !== 'post')) {
    app.get(honoPath(r.path), async (c) => {
      if (r.cache === 'none') {
        const out = await run(r, c, parseInputs(r, c), undefined);
        if (out instanceof Response) return out;
        return cachedResponse(c, JSON.stringify(out), 'application/json; charset=utf-8', r.maxAge);
      }
      const key = c.req.url.slice(c.req.url.indexOf(c.req.path));
      if (r.cache === 'window') {
        const inputs = parseInputs(r, c);
        // Reused for as long as the answer tells clients they may keep it (its max-age), within windowCacheMs.
        const hit = await windows.get(key, async () => serialized(await run(r, c, inputs, undefined)), r.maxAge * 1000);
        return cachedResponse(c, hit.body, hit.contentType, r.maxAge, hit.extra, hit.etag);
      }
      const { version } = await m.data.snapshot();
      const hit = cache.get(key, version);
      if (hit) return cachedResponse(c, hit.body, hit.contentType, r.maxAge, hit.extra, hit.etag);
      const out = await run(r, c, parseInputs(r, c), undefined);
      const entry: CachedBody = { version, ...(await serialized(out)) };
      cache.set(key, entry);
      return cachedResponse(c, entry.body, entry.contentType, r.maxAge, entry.extra, entry.etag);
    });
  }
}
