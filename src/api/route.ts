import type { z } from 'zod';
import type { Logger } from '../base/log.js';
import type { LabelAuthorities } from '../registry/labels.js';
import type { TelemetryAppOptions } from '../telemetry/options.js';
import type { ApiData } from './data.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** The settings of the app a handler may consult (a subset of AppOptions). */
export interface RouteOptions {
  /** Gateway telemetry ingest: allow-list, EIP-712 chain id, limits, retention. */
  telemetry?: TelemetryAppOptions;
  logger: Logger;
  /** Every mounted route (the data-needs map checks that a mapped endpoint exists). */
  routes: readonly RouteDef[];
  /** Data-needs report directory served as version 0 while the database holds no imported report. */
  needsDir?: string | null;
  /** Treasury budget file for budget vs actuals (re-read on each request). */
  budgetFile?: string | null;
  /** Smallest number of cost reports a published survey bucket may hold. */
  costSurveyK?: number;
  /** Label roles the operator vouches for (ATLAS_LABEL_AUTHORITIES). */
  labelAuthorities?: LabelAuthorities;
  /** The in-process indexer's state (atlas start), for the head's freshness. */
  status?: () => { phase: string; lagBlocks: number | null };
  /** Head ages (s) past which the network reads as stale, then stopped. */
  freshness?: { staleAfterSeconds: number; stoppedAfterSeconds: number };
  /** A GET of the app's own routes in process, outside the rate limit (the data-needs map's live check); absent outside an app. */
  selfRequest?: (path: string) => Promise<Response>;
}

/** What a handler receives: its validated inputs and the app's data access, clock and settings (never the HTTP context). */
export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  /** The validated JSON body; the text itself for a raw-body route; undefined for GET. */
  body: B;
  /** Reads of the indexed database (cached snapshot, per-address reads) and the database handle for domain queries. */
  data: ApiData;
  /** Current wall-clock time in ms (injectable in tests). */
  clock: () => number;
  options: RouteOptions;
  /** A request header (lower-case name), for routes whose inputs travel in headers. */
  header: (name: string) => string | undefined;
}

/** One REST endpoint: its zod inputs and output drive validation, the OpenAPI document and the tests. */
export interface RouteDef<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, R extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  /** OpenAPI-style path, e.g. /api/v1/orchestrators/{address}. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  response: R;
  /** Also answers text/csv with ?format=csv. */
  csv?: boolean;
  /** Cache-Control max-age (s) for successful answers. */
  maxAge: number;
  /** Status codes besides 200/400/429/500 the endpoint can answer with. */
  errors?: number[];
  /** HTTP method (default get). POST routes are never cached and read their body through `body`. */
  method?: 'get' | 'post';
  /** JSON request body schema (POST only); the handler receives its output. */
  body?: B;
  /** Raw request body (POST only): the handler receives the text, unparsed (e.g. JSON lines). */
  rawBody?: { contentTypes: string[] };
  /** Largest request body accepted in bytes (POST only, default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Response cache: 'chain' (default) keeps serialized answers until the indexed chain data changes;
   * 'none' for answers over off-chain data (telemetry, adverts, labels) that changes without new blocks;
   * 'window' for such answers that are read far more often than they change (the telemetry leaderboards): reused
   * for their max-age (at most the app's `windowCacheMs`), one computation per URL at a time, dropped on any accepted write.
   */
  cache?: 'chain' | 'none' | 'window';
  handler: (ctx: RouteContext<z.output<P>, z.output<Q>, RouteBody<B>>) => Promise<z.input<R> | Response>;
}

/** A JSON route's body is its schema's output; a route without a body schema gets text (raw) or nothing. */
type RouteBody<B extends z.ZodType> = z.ZodType extends B ? unknown : z.output<B>;

/**
 * A route as the route table holds it, keeping its method, path and schemas as types: clients (the dashboard's
 * typed client) derive each endpoint's parameters and answer from them.
 */
export type TypedRoute<M extends 'get' | 'post', Path extends string, P extends AnyObject, Q extends AnyObject, R extends z.ZodType> = Omit<RouteDef, 'method' | 'path' | 'params' | 'query' | 'response'> & {
  method?: M;
  path: Path;
  params?: P;
  query?: Q;
  response: R;
};

/** Types a route's handler by its own schemas; the table keeps them as types only (see `TypedRoute`). */
export function route<const Path extends string, P extends AnyObject, Q extends AnyObject, R extends z.ZodType, B extends z.ZodType = z.ZodType, const M extends 'get' | 'post' = 'get'>(
  def: RouteDef<P, Q, R, B> & { path: Path; method?: M },
): TypedRoute<M, Path, P, Q, R> {
  return def as unknown as TypedRoute<M, Path, P, Q, R>;
}

/**
 * A read served both as a REST route and as a GraphQL field: its inputs, its answer's schema and the domain
 * function that computes the answer. Both faces validate with the same schemas and call the same `answer`.
 */
export interface Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, R extends z.ZodType = z.ZodType> {
  params?: P;
  query?: Q;
  response: R;
  answer: (input: { params: z.output<P>; query: z.output<Q>; data: ApiData }) => Promise<z.input<R>>;
}

/** Types an operation by its own schemas (see Operation). */
export function operation<P extends AnyObject, Q extends AnyObject, R extends z.ZodType>(op: Operation<P, Q, R>): Operation<P, Q, R> {
  return op;
}

/** The REST face of an operation (a GET route). */
export function operationRoute<const Path extends string, P extends AnyObject, Q extends AnyObject, R extends z.ZodType>(
  op: Operation<P, Q, R>,
  meta: Omit<RouteDef<P, Q, R>, 'params' | 'query' | 'response' | 'handler' | 'method' | 'body' | 'rawBody' | 'path'> & { path: Path },
): TypedRoute<'get', Path, P, Q, R> {
  return route({ ...meta, params: op.params, query: op.query, response: op.response, handler: ({ params, query, data }) => op.answer({ params, query, data }) });
}
