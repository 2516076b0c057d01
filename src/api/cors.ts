import type { MiddlewareHandler } from 'hono';

export interface CorsOptions {
  /** '*', one origin, or a list of allowed origins. */
  origin: string | readonly string[];
  allowMethods: readonly string[];
  exposeHeaders: readonly string[];
  /** Preflight cache lifetime, seconds. */
  maxAgeSec: number;
}

/**
 * CORS for a public read API. Headers are added once to the response the route built: touching
 * `c.res` before the route runs (as generic middleware does) makes every response be rebuilt and its
 * headers copied, which costs more than the account page's own JSON.
 */
export function corsMiddleware(o: CorsOptions): MiddlewareHandler {
  const any = o.origin === '*';
  const allowed = typeof o.origin === 'string' ? [o.origin] : o.origin;
  const allowOrigin = (requestOrigin: string | undefined): string | null => (any ? '*' : requestOrigin && allowed.includes(requestOrigin) ? requestOrigin : null);
  const methods = o.allowMethods.join(',');
  const expose = o.exposeHeaders.join(',');
  return async (c, next) => {
    const origin = allowOrigin(c.req.header('origin'));
    if (c.req.method === 'OPTIONS') {
      const headers = new Headers({ 'access-control-allow-methods': methods, 'access-control-max-age': String(o.maxAgeSec) });
      if (origin) headers.set('access-control-allow-origin', origin);
      if (expose) headers.set('access-control-expose-headers', expose);
      const requested = c.req.header('access-control-request-headers');
      if (requested) {
        headers.set(
          'access-control-allow-headers',
          requested
            .split(',')
            .map((h) => h.trim())
            .join(','),
        );
        headers.append('vary', 'Access-Control-Request-Headers');
      }
      if (!any) headers.append('vary', 'Origin');
      return new Response(null, { status: 204, headers });
    }
    await next();
    const h = c.res.headers;
    if (origin) h.set('access-control-allow-origin', origin);
    if (expose) h.set('access-control-expose-headers', expose);
    if (!any) h.append('vary', 'Origin');
  };
}
