import { z } from 'zod';
import { errorSchema } from './errors.js';
import type { RouteDef } from './route.js';

type Json = { [k: string]: unknown };

const DEFS = '#/$defs/';
const COMPONENTS = '#/components/schemas/';

/** JSON Schema 2020-12 (the OpenAPI 3.1 dialect) of a zod schema; named sub-schemas are hoisted into `defs`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', defs: Record<string, unknown>): Json {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  const local = (out.$defs ?? {}) as Record<string, unknown>;
  delete out.$defs;
  delete out.$schema;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') {
      const o: Json = {};
      for (const [k, x] of Object.entries(v)) o[k] = k === '$ref' && typeof x === 'string' && x.startsWith(DEFS) ? COMPONENTS + x.slice(DEFS.length) : rewrite(x);
      return o;
    }
    return v;
  };
  for (const [id, s] of Object.entries(local)) defs[id] = rewrite(s);
  return rewrite(out) as Json;
}

const STATUS_TEXT: Record<number, string> = {
  304: 'Not modified (the If-None-Match ETag still matches)',
  400: 'Invalid parameter: the message names it and says what is allowed',
  401: 'Signature missing or invalid',
  403: 'Signer not allowed',
  404: 'Not found',
  409: 'Conflict (e.g. a replayed nonce)',
  413: 'Request body too large',
  415: 'Unsupported content type',
  422: 'Well-formed but rejected (the message says why)',
  429: 'Rate limited: retry after the Retry-After header (seconds)',
  500: 'Internal error',
};

export interface OpenApiOptions {
  title?: string;
  version?: string;
  serverUrl?: string;
}

function operationId(method: 'get' | 'post', p: string): string {
  const base = p.replace(/^\/api\/v1\//, '').replace(/^\//, '').replace(/[{}]/g, '').replace(/[/_-](\w)/g, (_m, c: string) => c.toUpperCase());
  return method === 'post' ? `post${base[0]!.toUpperCase()}${base.slice(1)}` : base;
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: RouteDef[], opts: OpenApiOptions = {}): Json {
  const defs: Record<string, unknown> = {};
  const errorRef = jsonSchema(errorSchema, 'output', defs);
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const parameters: Json[] = [];
    const addParams = (obj: z.ZodObject<z.ZodRawShape> | undefined, where: 'path' | 'query') => {
      if (!obj) return;
      const whole = jsonSchema(obj, 'input', defs);
      const props = (whole.properties ?? {}) as Record<string, Json>;
      const required = new Set((whole.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(props)) {
        const { description, ...rest } = schema;
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest });
      }
    };
    addParams(r.params, 'path');
    addParams(r.query, 'query');
    const responses: Record<string, Json> = {
      200: {
        description: 'OK',
        headers: { ETag: { schema: { type: 'string' } }, 'Cache-Control': { schema: { type: 'string' } } },
        content: {
          'application/json': { schema: jsonSchema(r.response, 'output', defs) },
          ...(r.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
        },
      },
      304: { description: STATUS_TEXT[304] },
    };
    for (const code of [400, ...(r.errors ?? []), 429, 500]) responses[code] = { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
    const method = r.method ?? 'get';
    if (method === 'post') {
      delete responses[304];
      for (const code of [413, 415]) responses[code] ??= { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: errorRef } } };
      (responses[200] as Json).headers = {};
    }
    const requestBody =
      method !== 'post'
        ? undefined
        : r.rawBody
          ? { required: true, content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string' } }])) }
          : { required: true, content: { 'application/json': { schema: r.body ? jsonSchema(r.body, 'input', defs) : { type: 'object' } } } };
    paths[r.path] = {
      ...(paths[r.path] ?? {}),
      [method]: {
        ...(requestBody ? { requestBody } : {}),
        operationId: operationId(method, r.path),
        tags: [r.tag],
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        parameters,
        responses,
      },
    };
  }
  paths['/health'] = { get: { operationId: 'health', tags: ['operations'], summary: 'Liveness', responses: { 200: { description: 'The process is up' } } } };
  paths['/ready'] = {
    get: {
      operationId: 'ready',
      tags: ['operations'],
      summary: 'Readiness: 200 when the indexer is within the configured lag of the chain head, else 503',
      responses: { 200: { description: 'Ready' }, 503: { description: 'Indexer behind or not started', content: { 'application/json': { schema: errorRef } } } },
    },
  };
  paths['/events'] = {
    get: {
      operationId: 'liveEvents',
      tags: ['live'],
      summary: 'Server-sent events: round, reward, ticket, proposal (and data-version) notifications',
      parameters: [{ name: 'types', in: 'query', required: false, description: 'comma-separated subset of round,reward,ticket,proposal', schema: { type: 'string' } }],
      responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
    },
  };
  paths['/graphql'] = {
    post: {
      operationId: 'graphql',
      tags: ['graphql'],
      summary: 'GraphQL endpoint compatible with the Livepeer subgraph schema where they overlap (GET serves GraphiQL-free JSON too)',
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { query: { type: 'string' }, variables: { type: 'object' } }, required: ['query'] } } } },
      responses: { 200: { description: 'GraphQL result' } },
    },
  };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: opts.title ?? 'Livepeer Atlas API',
      version: opts.version ?? '1',
      description:
        'Open data for the Livepeer network. Amounts are objects `{ wei, formatted, unit }`: `wei` is the exact integer in base units (LPT-wei or ETH-wei) as a decimal string and `formatted` the same value in LPT or ETH as an exact decimal string. Lists return `{ data, page: { limit, nextCursor } }`; pass `nextCursor` back as `cursor`. Errors are `{ error: { code, message } }`.',
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    paths,
    components: { schemas: defs },
  };
}
