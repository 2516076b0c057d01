import { createHash } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { silentLogger, type Logger } from '../base/log.js';
import type { Db, DbKind } from '../read/db.js';
import type { LabelAuthorities } from '../registry/labels.js';
import type { TelemetryAppOptions } from '../telemetry/options.js';
import { corsMiddleware } from './cors.js';
import { ApiData } from './data.js';
import { renderDocs } from './docs.js';
import { AtlasError, errorBody, errorResponse } from './errors.js';
import { admit, DEFAULT_MAX_COST, GraphQLRefusal, plainRateRefusal, rateRefusal, readGraphQLRequest, type Admitted } from './graphql/admission.js';
import { GraphQLIsolate } from './graphql/isolate.js';
import { sdlSchema } from './graphql/schema.js';
import { cachedResponse } from './httpCache.js';
import { LIVE_TYPES, LiveFeed, type LiveType } from './live.js';
import { buildOpenApi } from './openapi.js';
import { clientKey, TokenBuckets, type RateLimitOptions } from './rateLimit.js';
import { indexerLagReadiness, type Readiness } from './readiness.js';
import { bodyLimitOf, mountRoutes } from './restMount.js';
import type { RouteDef } from './route.js';
import { routes as builtinRoutes } from './routeTable.js';
import { DEFAULT_WEB_DIR, loadWeb, NOT_BUILT, serveFile } from './webFiles.js';

export { DEFAULT_WEB_DIR };
import { isSelfRequest, SELF_REQUEST_ENV } from './selfRequest.js';

/** What the indexer reports about itself; /ready and /health read it. */
export interface IndexerStatus {
  headBlock: number | null;
  indexedBlock: number | null;
  lagBlocks: number | null;
  phase: string;
}

export interface AppOptions {
  db: Db;
  /** Head ages (s) past which /api/v1/head calls the network stale, then stopped (default 60 / 600: Arbitrum One). */
  freshness?: { staleAfterSeconds: number; stoppedAfterSeconds: number };
  dbKind: DbKind;
  status: () => IndexerStatus;
  /** /ready answers 200 only while the indexer lags the head by at most this many blocks (default 20). */
  readyMaxLagBlocks?: number;
  /** What /ready checks instead of the in-process indexer's lag (`atlas serve`: the indexed head's age). */
  readiness?: () => Promise<Readiness>;
  /** Per-client token bucket; false disables it (default 20 req/s sustained, bursts of 60). */
  rateLimit?: RateLimitOptions | false;
  /** Take the client address from X-Forwarded-For (only behind a trusted proxy). */
  trustProxy?: boolean;
  /** Allowed CORS origin(s) (default "*": the API is public and read-only). */
  corsOrigin?: string | string[];
  /** Built dashboard to serve at / (default <repo>/web/dist); null serves no dashboard. */
  webDir?: string | null;
  /** How often cached figures re-check the database for new data (default 1000 ms). */
  cacheTtlMs?: number;
  /** SSE: poll interval, subscribers in all (default 1000) and per client (an IPv4 address or IPv6 /64; default 10). */
  live?: { pollMs?: number; maxSubscribers?: number; maxPerClient?: number; heartbeatMs?: number };
  /** Largest request URL accepted (default 4096 characters). */
  maxUrlLength?: number;
  /** Largest GraphQL request body accepted (default 64 KiB). */
  maxBodyBytes?: number;
  /**
   * GraphQL limits: the most objects one query may produce by its cost (graphql/cost.ts; default 250,000); where
   * its statements run (default `db`) and how many at once (default 2).
   */
  graphql?: { maxCost?: number; db?: Db; sqlConcurrency?: number };
  /** Time limit of a REST or GraphQL request (ms, default 10,000): past it the client gets a 503 (GraphQL stops the query). */
  requestTimeoutMs?: number;
  /** Memory for serialized answers of the current data version (default 64 MiB). */
  responseCacheBytes?: number;
  /** Longest a leaderboard-type answer (routes with `cache: 'window'`) is reused, ms: its route's max-age within this (default 15,000; 0: never). */
  windowCacheMs?: number;
  /** Extra routes mounted after the built-in ones (tests and embedders). */
  extraRoutes?: RouteDef[];
  /** Wall clock in ms handed to route handlers (default Date.now). */
  now?: () => number;
  /** Receives unexpected errors (the client only sees a generic 500). */
  onError?: (err: unknown) => void;
  /** Where unexpected errors are logged with the request (default: nowhere). */
  logger?: Logger;
  /** Gateway telemetry ingest: allow-list, EIP-712 chain id, limits, retention (src/telemetry/options.ts). */
  telemetry?: TelemetryAppOptions;
  /** Data-needs report directory served as version 0 while the database holds no imported report (default none). */
  needsDir?: string | null;
  /** Treasury budget file for budget vs actuals, re-read on each request so edits show without a restart (default none). */
  budgetFile?: string | null;
  /** Smallest number of cost reports a published survey bucket may hold (default 5). */
  costSurveyK?: number;
  /** Label roles the operator vouches for, address → roles (ATLAS_LABEL_AUTHORITIES; default none). */
  labelAuthorities?: LabelAuthorities;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { ratePerSec: 20, burst: 60 };

/**
 * Headers every answer carries: no sniffing, no framing (clickjacking), no referrer, and a CSP that lets the
 * dashboard load only its own scripts. The API is public, so other origins may still read it (CORS, CORP).
 * A route that sets its own CSP (the /docs page and its inline script) keeps it.
 */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
const SECURITY_HEADERS = {
  contentSecurityPolicy: CSP,
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginResourcePolicy: 'cross-origin',
  strictTransportSecurity: false,
  overwrite: false,
} as const;

/** The CSP of a page whose one inline <script> is allowed by its hash. */
function inlineScriptCsp(html: string): string {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(script).digest('base64');
  return `default-src 'self'; script-src 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'`;
}

/** PostgreSQL text cannot hold U+0000: a NUL in the path or a query value is refused up front, by name. */
function rejectNul(c: Context): void {
  if (!/%00|\0/i.test(c.req.url)) return;
  for (const [k, vs] of Object.entries(c.req.queries())) {
    if (k.includes('\0') || vs.some((v) => v.includes('\0'))) throw new AtlasError('bad_request', `query parameter "${k.replace(/\0/g, '\\0')}" contains a NUL byte (%00)`);
  }
  throw new AtlasError('bad_request', 'the request path contains a NUL byte (%00)');
}

const ALLOW_ORDER = ['GET', 'HEAD', 'POST'];

function jsonError(c: Context, e: unknown): Response {
  const { status, body } = errorResponse(e);
  return c.json(body, status as ContentfulStatusCode, { 'cache-control': 'no-store' });
}

/**
 * The HTTP application: REST (+ OpenAPI and its reference page), GraphQL, server-sent events and the
 * dashboard, all read-only over the indexed database.
 */
export function createApp(opts: AppOptions): Hono {
  const app = new Hono();
  const log = opts.logger ?? silentLogger;
  const routes: RouteDef[] = [...builtinRoutes, ...(opts.extraRoutes ?? [])];
  const data = ApiData.shared(opts.db, opts.cacheTtlMs ?? 1000);
  const live = new LiveFeed(opts.db, { pollMs: opts.live?.pollMs, maxSubscribers: opts.live?.maxSubscribers });
  const heartbeatMs = opts.live?.heartbeatMs ?? 15_000;
  // Live streams held per client (rate-limit key), so one client cannot take the global cap.
  const maxStreamsPerClient = opts.live?.maxPerClient ?? 10;
  const streamsOf = new Map<string, number>();
  const limiter = opts.rateLimit === false ? null : new TokenBuckets(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  const maxUrl = opts.maxUrlLength ?? 4096;
  const maxBody = opts.maxBodyBytes ?? 64 * 1024;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const readyLag = opts.readyMaxLagBlocks ?? 20;
  const web = loadWeb(opts.webDir === undefined ? DEFAULT_WEB_DIR : opts.webDir);
  let openapiText: string | null = null;
  let docsHtml: string | null = null;
  const openapi = () => (openapiText ??= JSON.stringify(buildOpenApi(routes)));

  app.onError((err, c) => {
    if (!errorResponse(err).expected) {
      failures.set(c, err);
      opts.onError?.(err);
      return jsonError(c, new AtlasError('internal', `internal error; the request was not served (request id ${c.get('requestId')})`));
    }
    return jsonError(c, err);
  });
  // Unknown paths: the dashboard's files and client-side routes for GET, else a JSON 404 (which the
  // method-not-allowed middleware turns into a 405 with Allow when the path exists for other methods).
  app.notFound((c) => {
    const p = c.req.path;
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && !p.startsWith('/api/')) {
      const f = web.get(p);
      if (f) return serveFile(c, f);
      if (!p.startsWith('/assets/')) {
        const index = web.get('/index.html');
        return index ? serveFile(c, index) : c.html(NOT_BUILT, 200, { 'cache-control': 'no-store' });
      }
      return jsonError(c, new AtlasError('not_found', `no such file: ${p}`));
    }
    return jsonError(c, new AtlasError('not_found', `no such endpoint: ${c.req.method} ${p} (see /docs)`));
  });
  // Every answer carries a request id (the client's X-Request-Id when it sends a plain one); every 5xx is one
  // structured log line with it, the route, the status, the time taken and the error, if one was thrown.
  const failures = new WeakMap<Context, unknown>();
  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    if (status < 500 || c.req.path === '/ready') return;
    const err = failures.get(c);
    const fields = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status, durationMs: Math.round(performance.now() - started), ...(err === undefined ? {} : { err }) };
    if (status === 500) log.error(fields, 'request failed');
    else log.warn(fields, 'request not served');
  });
  app.use('*', secureHeaders(SECURITY_HEADERS));
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        const allow = [...ALLOW_ORDER.filter((m) => methods.includes(m)), 'OPTIONS'].join(', ');
        const res = jsonError(c, new AtlasError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`));
        res.headers.set('allow', allow);
        return res;
      },
    }),
  );

  app.use('*', async (c, next) => {
    if (c.req.url.length > maxUrl) throw new AtlasError('uri_too_long', `request URL is longer than ${maxUrl} characters`);
    rejectNul(c);
    await next();
  });
  app.use('*', corsMiddleware({ origin: opts.corsOrigin ?? '*', allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'], exposeHeaders: ['ETag', 'Retry-After', 'X-RateLimit-Remaining', 'X-Next-Cursor', 'X-Request-Id', 'X-Query-Cost'], maxAgeSec: 86_400 }));

  const clientOf = (c: Context): string => {
    if (opts.trustProxy) {
      const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (fwd) return clientKey(fwd);
    }
    try {
      return clientKey(getConnInfo(c).remote.address ?? 'unknown');
    } catch {
      return 'unknown';
    }
  };
  const rateLimited = async (c: Context, next: () => Promise<void>) => {
    const r = limiter && c.req.method !== 'OPTIONS' && !isSelfRequest(c.env) ? limiter.take(clientOf(c)) : null;
    if (r && !r.ok) {
      const res = jsonError(c, new AtlasError('rate_limited', `too many requests; retry in ${r.retryAfterSec} s`));
      res.headers.set('retry-after', String(r.retryAfterSec));
      return res;
    }
    await next();
    // Set on the route's own response (a header prepared before it exists would be dropped).
    if (r) c.res.headers.set('x-ratelimit-remaining', String(r.remaining));
  };
  // /graphql pays its rate limit in its handler, by the query's cost, and answers a refusal in GraphQL's shape.
  for (const p of ['/api/*', '/events', '/openapi.json', '/docs']) app.use(p, rateLimited);
  // REST handlers cannot be interrupted, but the client is answered at the limit (on PostgreSQL the statement
  // timeout of the API's pool ends the database's part); GraphQL enforces its own limit and stops the query.
  app.use('/api/*', async (c, next) => {
    // The app's checks of its own answers wait for them: the request that asked for the check has its own limit.
    if (isSelfRequest(c.env)) return next();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AtlasError('unavailable', `the request ran longer than its time limit of ${requestTimeoutMs / 1000} s; retry, or ask for less`)), requestTimeoutMs);
    });
    const handled = next();
    handled.catch(() => undefined); // a handler failing after the limit answered has nobody left to tell
    try {
      await Promise.race([handled, limit]);
    } finally {
      clearTimeout(timer);
    }
  });

  // ---------------------------------------------------------------- operations
  app.get('/health', (c) => c.json({ status: 'ok', db: opts.dbKind, indexer: opts.status() }, 200, { 'cache-control': 'no-store' }));
  const readiness = opts.readiness ?? indexerLagReadiness(opts.db, opts.status, readyLag);
  app.get('/ready', async (c) => {
    const r = await readiness();
    if (r.ready) return c.json({ ready: true, ...r.details }, 200, { 'cache-control': 'no-store' });
    return c.json({ ...errorBody('not_ready', r.reason ?? 'not ready'), ready: false, ...r.details }, 503, { 'cache-control': 'no-store', 'retry-after': '5' });
  });
  app.get('/openapi.json', (c) => cachedResponse(c, openapi(), 'application/json; charset=utf-8', 300));
  app.get('/docs', (c) => {
    docsHtml ??= renderDocs(JSON.parse(openapi()) as Record<string, unknown>);
    return cachedResponse(c, docsHtml, 'text/html; charset=utf-8', 300, { 'content-security-policy': inlineScriptCsp(docsHtml) });
  });

  // ---------------------------------------------------------------- REST
  mountRoutes(app, routes, { data, clock: opts.now ?? Date.now, options: { telemetry: opts.telemetry, logger: log, routes, needsDir: opts.needsDir, budgetFile: opts.budgetFile, costSurveyK: opts.costSurveyK, labelAuthorities: opts.labelAuthorities, status: opts.status, freshness: opts.freshness, selfRequest: (p) => Promise.resolve(app.request(p, {}, SELF_REQUEST_ENV)) }, responseCacheBytes: opts.responseCacheBytes ?? 64 * 1024 * 1024, windowCacheMs: opts.windowCacheMs ?? 15_000 });

  // ---------------------------------------------------------------- GraphQL
  // Costed here before anything runs (the cost is read from the schema's own SDL: its types and `first`
  // arguments); executed in a worker thread (graphql/isolate.ts) so it never holds this thread.
  const costSchema = sdlSchema();
  const maxCost = opts.graphql?.maxCost ?? DEFAULT_MAX_COST;
  const isolate = new GraphQLIsolate({
    db: opts.graphql?.db ?? opts.db,
    sqlConcurrency: opts.graphql?.sqlConcurrency,
    sharesThread: opts.dbKind === 'pglite',
    timeoutMs: requestTimeoutMs,
    cacheTtlMs: opts.cacheTtlMs ?? 1000,
    onFault: (err, run) => {
      log.error({ ...run, path: '/graphql', err }, 'GraphQL resolver failed');
      opts.onError?.(err);
    },
  });
  app.on(['GET', 'POST'], '/graphql', bodyLimitOf(maxBody), async (c) => {
    const body = c.req.method === 'POST' ? await c.req.text() : null;
    // The client's rate limit pays the query's cost in one take; a request refused before it is costed pays one.
    const charged = limiter !== null && !isSelfRequest(c.env);
    let admitted: Admitted;
    let remaining: number | null = null;
    try {
      admitted = admit(costSchema, readGraphQLRequest(c.req.method, new URL(c.req.url), c.req.header('content-type'), body), maxCost);
    } catch (e) {
      if (!(e instanceof GraphQLRefusal)) throw e;
      const r = charged ? limiter.take(clientOf(c)) : null;
      if (r && !r.ok) return plainRateRefusal(r.retryAfterSec).response();
      return e.response();
    }
    if (charged) {
      const r = limiter.take(clientOf(c), admitted.tokens);
      if (!r.ok) return rateRefusal(admitted, r.retryAfterSec).response();
      remaining = r.remaining;
    }
    const answer = await isolate.run(admitted.request, c.req.header('accept') ?? 'application/json', { requestId: String(c.get('requestId')), method: c.req.method });
    const headers: Record<string, string> = { 'content-type': answer.contentType, 'x-query-cost': String(admitted.cost) };
    if (remaining !== null) headers['x-ratelimit-remaining'] = String(remaining);
    return new Response(answer.body, { status: answer.status, headers });
  });

  // ---------------------------------------------------------------- live
  app.get('/events', (c) => {
    const typesParam = c.req.query('types');
    const wanted = new Set<LiveType>(LIVE_TYPES);
    if (typesParam !== undefined) {
      const list = typesParam.split(',').map((t) => t.trim());
      const bad = list.filter((t) => !(LIVE_TYPES as string[]).includes(t));
      if (bad.length || list.length === 0) throw new AtlasError('bad_request', `query parameter "types": unknown type(s) ${bad.join(', ')}; use a comma-separated subset of ${LIVE_TYPES.join(', ')}`);
      wanted.clear();
      for (const t of list) wanted.add(t as LiveType);
    }
    if (live.subscribers >= live.maxSubscribers) throw new AtlasError('unavailable', 'too many live subscribers; retry later');
    const client = clientOf(c);
    const held = streamsOf.get(client) ?? 0;
    if (held >= maxStreamsPerClient) throw new AtlasError('rate_limited', `this client already holds ${held} live streams (the limit per client); close one or retry later`);
    streamsOf.set(client, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (streamsOf.get(client) ?? 1) - 1;
      if (n <= 0) streamsOf.delete(client);
      else streamsOf.set(client, n);
    };
    c.header('cache-control', 'no-store');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const queue: { event: string; id: string; data: string }[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = live.subscribe((m) => {
        if (!wanted.has(m.type)) return;
        // A client that cannot keep up loses old notifications rather than growing our memory.
        if (queue.length >= 1000) queue.shift();
        queue.push({ event: m.type, id: m.id, data: JSON.stringify(m.data) });
        wake?.();
      });
      if (!unsubscribe) return release();
      let closed = false;
      stream.onAbort(() => {
        release();
        closed = true;
        unsubscribe();
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ types: [...wanted], pollMs: live.pollMs }) });
        while (!closed) {
          while (queue.length) await stream.writeSSE(queue.shift()!);
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, heartbeatMs);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = null;
          if (!closed && queue.length === 0) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
        release();
      }
    });
  });

  return app;
}
