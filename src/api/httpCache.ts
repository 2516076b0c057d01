import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';

/** Strong ETag of a body (SHA-1, base64url). */
export function etagFor(body: string | Uint8Array): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** 200 with ETag and Cache-Control, or 304 when the client's If-None-Match still matches. */
export function cachedResponse(c: Context, body: string | Uint8Array<ArrayBuffer>, contentType: string, maxAge: number, extra: Record<string, string> = {}, etag?: string): Response {
  const tag = etag ?? etagFor(body);
  const headers: Record<string, string> = { etag: tag, 'cache-control': `public, max-age=${maxAge}`, vary: 'Accept-Encoding', ...extra };
  const inm = c.req.header('if-none-match');
  if (inm && (inm === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === tag))) return new Response(null, { status: 304, headers });
  const accepts = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  if (accepts && body.length > 2048) {
    return new Response(new Uint8Array(gzipSync(body, { level: 4 })), { status: 200, headers: { ...headers, 'content-type': contentType, 'content-encoding': 'gzip' } });
  }
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentType } });
}

