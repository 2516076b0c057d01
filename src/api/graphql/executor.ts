import { createGraphQLError, createYoga } from 'graphql-yoga';
import type { ApiData } from '../data.js';
import { AtlasError, errorResponse } from '../errors.js';
import type { GraphQLRequest } from './admission.js';
import { buildGraphQLSchema, Loader, subgraphValidation, type GraphQLContext } from './schema.js';

/** A GraphQL answer as plain values (it crosses from the worker thread to the one that serves HTTP). */
export interface GraphQLAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * Executes admitted GraphQL requests over `data`: yoga with the subgraph-shaped schema, graph-node's validation and the depth limit. A
 * client's mistake (a bad filter, an unsupported argument, a query stopped for its time) reaches the client; any
 * other failure is masked and handed to `onFault`.
 */
export function graphqlExecutor(data: ApiData, onFault: (err: unknown) => void): (request: GraphQLRequest, accept: string) => Promise<GraphQLAnswer> {
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
  return async (request, accept) => {
    let ctx: GraphQLContext;
    const loader = new Loader(() => ctx);
    ctx = { data, loader, snapshot: () => data.snapshot() };
    const res = await yoga.fetch(new Request('http://atlas/graphql', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(request) }), ctx);
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: await res.text() };
  };
}
