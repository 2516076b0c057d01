import { createGraphQLError, createYoga } from 'graphql-yoga';
import type { ApiData } from '../data.js';
import { AtlasError, errorResponse } from '../errors.js';
import type { GraphQLRequest } from './admission.js';
import { Lru, rootFields, StatementCache, VersionClock } from './answerCache.js';
import { buildGraphQLSchema, Loader, subgraphRoots, subgraphValidation, type GraphQLContext } from './schema.js';

/** A GraphQL answer as plain values (it crosses from the worker thread to the one that serves HTTP). */
export interface GraphQLAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Answers kept: characters in total, and the longest answer kept. */
const ANSWER_CHARS = 64_000_000;
const ANSWER_MAX_CHARS = 4_000_000;

/**
 * Executes admitted GraphQL requests over `data`: yoga with the subgraph-shaped schema, graph-node's validation and the depth limit. A
 * client's mistake (a bad filter, an unsupported argument, a query stopped for its time) reaches the client; any
 * other failure is masked and handed to `onFault`. The subgraph's reads are kept per data version (answerCache.ts):
 * their statements, and the whole answer of a request that asks for subgraph entities only.
 */
export function graphqlExecutor(data: ApiData, onFault: (err: unknown) => void, versionTtlMs = 1000): (request: GraphQLRequest, accept: string) => Promise<GraphQLAnswer> {
  const versions = new VersionClock(data.db, versionTtlMs);
  const statements = new StatementCache(data.db);
  const answers = new Lru<Promise<GraphQLAnswer>>(ANSWER_CHARS, ANSWER_MAX_CHARS);
  const documents = new Lru<string[] | null>(4_000_000, 200_000);
  const yoga = createYoga<GraphQLContext>({
    schema: buildGraphQLSchema(),
    graphqlEndpoint: '/graphql',
    graphiql: false,
    landingPage: false,
    logging: false,
    maskedErrors: {
      maskError: (error, message) => {
        let inner: unknown = error;
        while (inner instanceof Error && 'originalError' in inner && inner.originalError) inner = inner.originalError;
        if ((inner instanceof AtlasError && errorResponse(inner).expected) || (inner instanceof Error && inner.name === 'GraphQLError')) return error as Error;
        onFault(inner);
        return createGraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [{ onValidate: subgraphValidation }],
  });
  const execute = async (request: GraphQLRequest, accept: string, version: string | null): Promise<GraphQLAnswer> => {
    let ctx: GraphQLContext;
    const loader = new Loader(() => ctx);
    ctx = { data, db: statements.db, loader, snapshot: () => data.snapshot() };
    const run = async () => yoga.fetch(new Request('http://atlas/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(request) }), ctx);
    const res = version === null ? await run() : await statements.inVersion(version, run);
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
  };
  return async (request, accept) => {
    // Without a version (the database failed to say), nothing is kept: the request runs and reports what failed.
    const version = await versions.current().catch(() => null);
    const roots = rootFields(request.query, documents);
    if (version === null || !roots || !roots.every((f) => subgraphRoots.has(f))) return execute(request, accept, version);
    const key = [version, accept, request.operationName ?? '', request.query, JSON.stringify(request.variables ?? {})].join('\u0000');
    const hit = answers.get(key);
    if (hit) return hit;
    const p = execute(request, accept, version);
    answers.set(key, p, 1);
    p.then(
      (a) => {
        if (answers.get(key) !== p) return;
        // Only clean answers are kept: an error may be the request's own time limit or a fault.
        if (a.status === 200 && !a.body.includes('"errors"')) answers.set(key, p, a.body.length);
        else answers.delete(key);
      },
      () => answers.delete(key),
    );
    return p;
  };
}
