import type { z } from 'zod';
import type { ApiRoute } from '../../../src/api/routeTable.js';

// The dashboard's one API client. Every path, its query parameters and its answer are types derived from the
// server's route table (zod schemas, type-only imports: nothing of zod or the server ships to the browser).

type GetRoute = Extract<ApiRoute, { method?: 'get' }>;
type PostRoute = Extract<ApiRoute, { method?: 'post' }>;

/** Every GET endpoint, as the route table spells it (`/api/v1/orchestrators/{address}`). */
export type ApiPath = GetRoute['path'];
/** Every POST endpoint. */
export type ApiPostPath = PostRoute['path'];

/** The JSON answer of a GET endpoint (the route's response schema, as serialized). */
export type Answer<P extends ApiPath> = z.output<Extract<GetRoute, { path: P }>['response']>;
/** The JSON answer of a POST endpoint. */
export type PostAnswer<P extends ApiPostPath> = z.output<Extract<PostRoute, { path: P }>['response']>;

type Scalar = string | number | boolean | null | undefined;
type QuerySchema<P extends ApiPath> = NonNullable<Extract<GetRoute, { path: P }>['query']>;
/** Query parameters an endpoint accepts (names from its schema; values go out as text, empty ones left off). */
export type ApiQuery<P extends ApiPath> = { [K in keyof z.input<QuerySchema<P>>]?: Scalar };

/** `{address}` placeholders of a path as a parameter object. */
export type PathParams<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? { [k in K]: string } & PathParams<Rest> : unknown;
type HasParams<P extends string> = P extends `${string}{${string}}${string}` ? true : false;

/** What one request names: the path's placeholders (required when it has any) and its query. */
export type ApiRequest<P extends ApiPath> = (HasParams<P> extends true ? { params: PathParams<P> } : { params?: undefined }) & { query?: ApiQuery<P> };
/** A call's arguments after the path: the request (optional for paths without placeholders), then `Extra`. */
export type RequestArgs<P extends ApiPath, Extra = never> = HasParams<P> extends true
  ? [Extra] extends [never]
    ? [req: ApiRequest<P>]
    : [req: ApiRequest<P>, extra?: Extra]
  : [Extra] extends [never]
    ? [req?: ApiRequest<P>]
    : [req?: ApiRequest<P>, extra?: Extra];

/** An API error answer (`{error: {code, message}}`), or status 0 when the API could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The query string of some parameters: empty, null and undefined values are left off. */
export function queryString(params: Record<string, Scalar>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}

function fill(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params?.[k] ?? ''));
}

/** The URL of a GET endpoint with its placeholders filled and its query (links such as CSV exports use it). */
export function apiUrl<P extends ApiPath>(path: P, ...[req]: RequestArgs<P>): string {
  const url = fill(path, req?.params as Record<string, string> | undefined);
  const q = queryString((req?.query ?? {}) as Record<string, Scalar>);
  return q ? `${url}?${q}` : url;
}

async function send(url: string, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw new ApiError(0, 'network', 'The API cannot be reached. Check your connection and retry.');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

// no-cache = always revalidate: the ETag makes that a cheap 304, while max-age alone would let the browser
// serve a stale copy right after a live notification asked for fresh data.
const GET: RequestInit = { cache: 'no-cache' };

/** GETs an endpoint and returns its typed answer; error answers throw `ApiError`. */
export async function apiGet<P extends ApiPath>(path: P, ...req: RequestArgs<P>): Promise<Answer<P>> {
  return (await send(apiUrl(path, ...req), GET)) as Answer<P>;
}

/**
 * GETs a URL that is data rather than code (the data-needs map names the endpoint answering each question),
 * so its answer is `unknown` until read.
 */
export function apiGetUrl(url: string): Promise<unknown> {
  return send(url, GET);
}

/** POSTs a JSON body (text as typed, or a value to serialize) and returns the typed answer. */
export async function apiPost<P extends ApiPostPath>(path: P, body: string | object): Promise<PostAnswer<P>> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text })) as PostAnswer<P>;
}
