import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { queryCost } from './cost.js';

/**
 * What happens to a GraphQL request before anything runs: it is read in one of the two shapes Atlas accepts
 * (GET ?query=…&variables=…&operationName=…, or POST application/json), parsed, and costed (cost.ts); a query
 * over the budget is refused with its cost named, and the cost is what the client's rate limit is charged.
 * Only what was costed is executed: the request is handed on rebuilt from what was read here.
 */

/** Objects one query may produce at most (cost.ts); the default admits the Livepeer Explorer's largest operation at `first: 200`. */
export const DEFAULT_MAX_COST = 250_000;
/** A query is charged one rate-limit token per this many objects of cost (at least one token). */
export const COST_PER_TOKEN = 5_000;

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
}

/** A refusal in GraphQL's own answer shape: `{ errors: [{ message, extensions: { code, … } }] }` with an HTTP status. */
export class GraphQLRefusal extends Error {
  override name = 'GraphQLRefusal';
  constructor(
    readonly status: 400 | 413 | 415 | 429,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  response(extraHeaders: Record<string, string> = {}): Response {
    const body = { errors: [{ message: this.message, extensions: { code: this.code, ...this.extensions } }] };
    return new Response(JSON.stringify(body), { status: this.status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...this.headers, ...extraHeaders } });
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

function shape(query: unknown, variables: unknown, operationName: unknown): GraphQLRequest {
  if (typeof query !== 'string' || query.trim() === '') throw new GraphQLRefusal(400, 'BAD_REQUEST', 'the request carries no query: send {"query": "…"}');
  let vars: unknown = variables ?? null;
  if (typeof vars === 'string') {
    try {
      vars = JSON.parse(vars) as unknown;
    } catch {
      throw new GraphQLRefusal(400, 'BAD_REQUEST', '"variables" is not valid JSON');
    }
  }
  if (vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) throw new GraphQLRefusal(400, 'BAD_REQUEST', '"variables" must be an object');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw new GraphQLRefusal(400, 'BAD_REQUEST', '"operationName" must be a string');
  return { query, variables: vars as Record<string, unknown> | null, operationName: (operationName as string | null | undefined) ?? null };
}

/** The request's query, variables and operation name; refuses shapes that cannot be costed (batches, other content types). */
export function readGraphQLRequest(method: string, url: URL, contentType: string | undefined, body: string | null): GraphQLRequest {
  if (method === 'GET') return shape(url.searchParams.get('query') ?? undefined, url.searchParams.get('variables') ?? undefined, url.searchParams.get('operationName') ?? undefined);
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new GraphQLRefusal(415, 'UNSUPPORTED_MEDIA_TYPE', `content-type must be application/json (got ${type || 'none'})`);
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch (e) {
    throw new GraphQLRefusal(400, 'BAD_REQUEST', `request body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new GraphQLRefusal(400, 'BAD_REQUEST', 'send one operation as a JSON object {"query", "variables", "operationName"} (batches are not accepted)');
  const o = json as Record<string, unknown>;
  return shape(o.query, o.variables, o.operationName);
}

export interface Admitted {
  request: GraphQLRequest;
  document: DocumentNode;
  cost: number;
  /** Rate-limit tokens the query is charged in all. */
  tokens: number;
}

/** Parses and costs a request against `maxCost`; a document that does not parse is refused here too. */
export function admit(schema: GraphQLSchema, request: GraphQLRequest, maxCost: number): Admitted {
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 50_000 });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphQLRefusal(400, 'GRAPHQL_PARSE_FAILED', e.message, e.locations ? { locations: e.locations } : {});
    throw e;
  }
  const cost = queryCost(schema, document, { operationName: request.operationName, variables: request.variables });
  if (cost > maxCost) {
    throw new GraphQLRefusal(400, 'QUERY_TOO_COSTLY', `query cost ${fmt(cost)} exceeds the budget of ${fmt(maxCost)}: each list multiplies what is selected below it by its \`first\`; ask for fewer rows or split the query`, { cost, budget: maxCost });
  }
  return { request, document, cost, tokens: Math.max(1, Math.ceil(cost / COST_PER_TOKEN)) };
}

/** The 429 of a request refused before its cost is known (it does not parse, or costs too much): it pays one request. */
export function plainRateRefusal(retryAfterSec: number): GraphQLRefusal {
  return new GraphQLRefusal(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfterSec} s`, {}, { 'retry-after': String(retryAfterSec) });
}

/** The 429 of a query whose cost the client's rate limit cannot pay now. */
export function rateRefusal(a: Admitted, retryAfterSec: number): GraphQLRefusal {
  return new GraphQLRefusal(
    429,
    'RATE_LIMITED',
    `query cost ${fmt(a.cost)} counts as ${a.tokens} requests against this client's rate limit (one per ${fmt(COST_PER_TOKEN)} objects); retry in ${retryAfterSec} s`,
    { cost: a.cost, tokens: a.tokens },
    { 'retry-after': String(retryAfterSec) },
  );
}
