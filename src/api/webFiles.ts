// The built dashboard (web/dist): read once into memory with gzip variants and served with long-lived caching
// for hashed assets; every other path falls back to index.html (client-side routing).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { etagFor } from './httpCache.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIR = path.resolve(here, '../../web/dist');

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The built dashboard, read once into memory with gzip variants (it is a handful of files). */
export function loadWeb(dir: string | null): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!dir || !existsSync(path.join(dir, 'index.html'))) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const body = readFileSync(full);
        const ext = path.extname(name);
        const type = TYPES[ext] ?? 'application/octet-stream';
        const compressible = /^text\/|javascript|json|svg/.test(type);
        const rel = `/${path.relative(dir, full).split(path.sep).join('/')}`;
        files.set(rel, { body, gzip: compressible && body.length > 1024 ? gzipSync(body, { level: 9 }) : null, type, etag: etagFor(body), immutable: rel.startsWith('/assets/') });
      }
    }
  };
  walk(dir);
  return files;
}

export function serveFile(c: Context, f: StaticFile): Response {
  const headers: Record<string, string> = {
    'content-type': f.type,
    etag: f.etag,
    'cache-control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    vary: 'Accept-Encoding',
  };
  if (c.req.header('if-none-match') === f.etag) return new Response(null, { status: 304, headers });
  if (f.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return new Response(new Uint8Array(f.gzip), { headers: { ...headers, 'content-encoding': 'gzip' } });
  return new Response(new Uint8Array(f.body), { headers });
}

export const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Livepeer Atlas</title><body style="font:16px system-ui;margin:40px">
<h1>Livepeer Atlas</h1><p>The dashboard is not built. Run <code>npm run build:web</code> and restart.</p>
<p>The API is up: <a href="/docs">reference</a> · <a href="/openapi.json">openapi.json</a> · <a href="/api/v1/network">/api/v1/network</a></p></body>`;

