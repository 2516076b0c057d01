import { GraphQLError, GraphQLScalarType, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { sql, type RawBuilder } from 'kysely';
import { AtlasError } from '../../base/errors.js';
import type { ApiData, Snapshot } from '../data.js';
import { formatUnits, parseUnits } from '../format.js';
import { treasuryQueryResolvers, treasuryQuerySdl, treasurySdl } from '../routes/treasuryGraphql.js';
import { economicsQueryResolvers, economicsQuerySdl, economicsSdl } from './economics.js';
import { pollQueryResolvers, pollQuerySdl, pollSdl } from '../routes/pollsGraphql.js';
import { entityByName, entityList, eventInterface, eventTypeByName, eventTypes, type EntityDef, type Field, type ScalarKind } from './entities.js';

export interface GraphQLContext {
  data: ApiData;
  loader: Loader;
  snapshot: () => Promise<Snapshot>;
}

type Row = Record<string, unknown>;

export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;
export const MAX_DEPTH = 8;

const GQL_TYPE: Record<ScalarKind, string> = { id: 'ID', string: 'String', bigint: 'BigInt', bigdecimal: 'BigDecimal', int: 'Int', bool: 'Boolean', bytes: 'Bytes' };

// ------------------------------------------------------------------ scalars (The Graph serializes big numbers as strings)

function literalText(ast: ValueNode): string {
  if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value;
  throw new GraphQLError('expected a string or number');
}

const bigIntScalar = new GraphQLScalarType({
  name: 'BigInt',
  description: 'Arbitrary-size integer, as a decimal string',
  serialize: (v) => String(v),
  parseValue: (v) => {
    const s = String(v);
    if (!/^-?\d{1,80}$/.test(s)) throw new GraphQLError(`BigInt: not an integer: ${s.slice(0, 40)}`);
    return s;
  },
  parseLiteral: (ast) => {
    const s = literalText(ast);
    if (!/^-?\d{1,80}$/.test(s)) throw new GraphQLError(`BigInt: not an integer: ${s.slice(0, 40)}`);
    return s;
  },
});

const bigDecimalScalar = new GraphQLScalarType({
  name: 'BigDecimal',
  description: 'Exact decimal number, as a string (token amounts in LPT or ETH)',
  serialize: (v) => String(v),
  parseValue: (v) => {
    const s = String(v);
    if (!/^-?\d{1,60}(\.\d{1,27})?$/.test(s)) throw new GraphQLError(`BigDecimal: not a decimal: ${s.slice(0, 40)}`);
    return s;
  },
  parseLiteral: (ast) => {
    const s = literalText(ast);
    if (!/^-?\d{1,60}(\.\d{1,27})?$/.test(s)) throw new GraphQLError(`BigDecimal: not a decimal: ${s.slice(0, 40)}`);
    return s;
  },
});

const bytesScalar = new GraphQLScalarType({
  name: 'Bytes',
  description: '0x-prefixed hex string',
  serialize: (v) => String(v),
  parseValue: (v) => String(v).toLowerCase(),
  parseLiteral: (ast) => literalText(ast).toLowerCase(),
});

// ------------------------------------------------------------------ SDL

const FILTER_OPS = ['_not_in', '_in', '_not_contains', '_contains', '_starts_with', '_ends_with', '_not', '_gte', '_lte', '_gt', '_lt'] as const;
type Op = '' | (typeof FILTER_OPS)[number];

function filterableType(f: Field): string | null {
  if (f.kind === 'ref') return 'String';
  if (f.kind === 'list' || f.kind === 'computed') return null;
  return GQL_TYPE[f.kind];
}

function outputType(f: Field): string {
  if (f.kind === 'ref') return `${f.target === 'LivepeerAccount' ? 'LivepeerAccount' : f.target}${f.nonNull ? '!' : ''}`;
  if (f.kind === 'list') return `[${f.target}!]`;
  if (f.kind === 'computed') return f.type;
  return `${GQL_TYPE[f.kind]}${f.nonNull ? '!' : ''}`;
}

const listArgs = (e: string) =>
  `skip: Int = 0, first: Int = 100, orderBy: ${e}_orderBy, orderDirection: OrderDirection, where: ${e}_filter, block: Block_height, subgraphError: _SubgraphErrorPolicy_ = deny`;
const nestedListArgs = (e: string) => `skip: Int = 0, first: Int = 100, orderBy: ${e}_orderBy, orderDirection: OrderDirection, where: ${e}_filter`;

function entitySdl(e: EntityDef, isInterface = false): string {
  const fields = Object.entries(e.fields)
    .map(([name, f]) => `  ${name}${f.kind === 'list' ? `(${nestedListArgs(f.target)})` : ''}: ${outputType(f)}`)
    .join('\n');
  const filter = Object.entries(e.fields)
    .flatMap(([name, f]) => {
      const t = filterableType(f);
      if (!t) return [];
      const ops = t === 'String' || t === 'ID' ? ['', '_not', '_gt', '_lt', '_gte', '_lte', '_contains', '_not_contains', '_starts_with', '_ends_with'] : ['', '_not', '_gt', '_lt', '_gte', '_lte'];
      return [...ops.map((op) => `  ${name}${op}: ${t}`), `  ${name}_in: [${t}!]`, `  ${name}_not_in: [${t}!]`];
    })
    .join('\n');
  const orderBy = Object.entries(e.fields)
    .filter(([, f]) => filterableType(f) !== null)
    .map(([n]) => `  ${n}`)
    .join('\n');
  const head = isInterface ? `interface ${e.name}` : `type ${e.name}${e.implements ? ` implements ${e.implements}` : ''}`;
  return `"""${e.description}"""\n${head} {\n${fields}\n}\ninput ${e.name}_filter {\n${filter}\n}\nenum ${e.name}_orderBy {\n${orderBy}\n}`;
}

export function buildSdl(): string {
  const queries = [...entityList, eventInterface]
    .map((e) => `  ${e.single}(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_ = deny): ${e.name}\n  ${e.plural}(${listArgs(e.name)}): [${e.name}!]!`)
    .join('\n');
  return `
scalar BigInt
scalar BigDecimal
scalar Bytes
enum OrderDirection { asc desc }
enum _SubgraphErrorPolicy_ { allow deny }
input Block_height { hash: Bytes, number: Int, number_gte: Int }
type _Block_ { number: Int!, hash: Bytes, timestamp: Int }
type _Meta_ { block: _Block_!, deployment: String!, hasIndexingErrors: Boolean! }

"""Livepeer protocol global figures (one row, id "0")."""
type Protocol {
  id: ID!
  inflation: BigInt
  inflationChange: BigInt
  numActiveTranscoders: BigInt
  activeTranscoderCount: BigInt
  targetBondingRate: BigInt
  unbondingPeriod: BigInt
  roundLength: BigInt
  totalActiveStake: BigDecimal
  totalSupply: BigDecimal
  totalVolumeETH: BigDecimal
  participationRate: BigDecimal
  currentRound: Round
  lastInitializedRound: Round
  winningTicketCount: Int
  roundCount: Int
  delegatorsCount: BigInt
  treasuryBalance: BigDecimal
}

"""Any account address."""
type LivepeerAccount {
  id: ID!
  delegator: Delegator
  delegate: Transcoder
}

${entitySdl(eventInterface, true)}

${entityList.map((e) => entitySdl(e)).join('\n\n')}
${treasurySdl}
${economicsSdl}
${pollSdl}

type Query {
  protocol(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_ = deny): Protocol
  protocols(skip: Int = 0, first: Int = 100, block: Block_height, subgraphError: _SubgraphErrorPolicy_ = deny): [Protocol!]!
  livepeerAccount(id: ID!, block: Block_height, subgraphError: _SubgraphErrorPolicy_ = deny): LivepeerAccount
${queries}
${treasuryQuerySdl}
${economicsQuerySdl}
${pollQuerySdl}
  _meta(block: Block_height): _Meta_
}
`;
}


// ------------------------------------------------------------------ SQL compilation

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function sqlValue(kind: ScalarKind | 'ref', v: unknown, field: string, decimals = 18): string | number | boolean {
  if (kind === 'bool') {
    if (typeof v !== 'boolean') throw new AtlasError('bad_request', `where.${field}: expected a boolean`);
    return v;
  }
  const s = String(v);
  if (kind === 'bigdecimal') {
    try {
      return decimals === 0 ? String(s) : parseUnits(s, decimals).toString();
    } catch {
      throw new AtlasError('bad_request', `where.${field}: not a decimal number`);
    }
  }
  if (kind === 'bigint' || kind === 'int') {
    if (!/^-?\d{1,80}$/.test(s)) throw new AtlasError('bad_request', `where.${field}: not an integer`);
    return s;
  }
  return ADDRESS.test(s) ? s.toLowerCase() : s;
}

function colOf(name: string, f: Field): string {
  if (f.kind === 'ref') return f.col;
  if (f.kind === 'list' || f.kind === 'computed') throw new AtlasError('bad_request', `${name} cannot be filtered or sorted`);
  return f.col ?? name;
}

/** A round number held as text (a Round's id, a reference to a Round): compared and sorted as a number. */
function isNumericKey(e: EntityDef, name: string, f: Field): boolean {
  if (f.kind === 'ref') return entityByName.get(f.target)?.numericId === true;
  return name === 'id' && e.numericId === true;
}

function compileWhere(e: EntityDef, where: Row | undefined | null): RawBuilder<unknown>[] {
  if (!where) return [];
  const conds: RawBuilder<unknown>[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    let name = key;
    let op: Op = '';
    if (!(key in e.fields)) {
      const hit = FILTER_OPS.find((o) => key.endsWith(o) && key.slice(0, -o.length) in e.fields);
      if (!hit) throw new AtlasError('bad_request', `unknown filter ${key} on ${e.name}`);
      op = hit;
      name = key.slice(0, -hit.length);
    }
    const f = e.fields[name]!;
    const textCol = sql.ref(`e.${colOf(name, f)}`);
    const numericKey = isNumericKey(e, name, f);
    const kind: ScalarKind | 'ref' = numericKey ? 'bigint' : f.kind === 'ref' ? 'ref' : (f.kind as ScalarKind);
    const textOps: Op[] = ['_contains', '_not_contains', '_starts_with', '_ends_with'];
    const col = numericKey && !textOps.includes(op) ? sql`(${textCol})::numeric` : textCol;
    const dec = f.kind === 'bigdecimal' ? (f.decimals ?? 18) : 18;
    if (value === null) {
      conds.push(op === '_not' ? sql`${col} is not null` : sql`${col} is null`);
      continue;
    }
    if (op === '_in' || op === '_not_in') {
      if (!Array.isArray(value)) throw new AtlasError('bad_request', `${key}: expected a list`);
      if (value.length > 1000) throw new AtlasError('bad_request', `${key}: at most 1000 values`);
      if (value.length === 0) {
        conds.push(op === '_in' ? sql`false` : sql`true`);
        continue;
      }
      const vals = value.map((v) => sqlValue(kind, v, key, dec));
      conds.push(op === '_in' ? sql`${col} in (${sql.join(vals)})` : sql`${col} not in (${sql.join(vals)})`);
      continue;
    }
    const v = sqlValue(kind, value, key, dec);
    const numeric = kind === 'bigint' || kind === 'int' || kind === 'bigdecimal';
    const rhs = numeric ? sql`${v}::numeric` : sql`${v}`;
    switch (op) {
      case '':
        conds.push(sql`${col} = ${rhs}`);
        break;
      case '_not':
        conds.push(sql`${col} is distinct from ${rhs}`);
        break;
      case '_gt':
        conds.push(sql`${col} > ${rhs}`);
        break;
      case '_lt':
        conds.push(sql`${col} < ${rhs}`);
        break;
      case '_gte':
        conds.push(sql`${col} >= ${rhs}`);
        break;
      case '_lte':
        conds.push(sql`${col} <= ${rhs}`);
        break;
      case '_contains':
        conds.push(sql`strpos(${col}::text, ${String(v)}) > 0`);
        break;
      case '_not_contains':
        conds.push(sql`strpos(${col}::text, ${String(v)}) = 0`);
        break;
      case '_starts_with':
        conds.push(sql`left(${col}::text, ${String(v).length}) = ${String(v)}`);
        break;
      case '_ends_with':
        conds.push(sql`right(${col}::text, ${String(v).length}) = ${String(v)}`);
        break;
    }
  }
  return conds;
}

interface ListArgs {
  first?: number;
  skip?: number;
  orderBy?: string;
  orderDirection?: 'asc' | 'desc';
  where?: Row | null;
  block?: Row | null;
}

function checkBlockArg(args: { block?: Row | null }): void {
  if (args.block && Object.values(args.block).some((v) => v !== null && v !== undefined)) {
    throw new AtlasError('bad_request', 'time-travel queries (block: {...}) are not supported by Atlas; omit the block argument for the latest indexed state');
  }
}

async function listQuery(ctx: GraphQLContext, e: EntityDef, args: ListArgs, extra: RawBuilder<unknown>[] = []): Promise<Row[]> {
  checkBlockArg(args);
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST) throw new AtlasError('bad_request', `first must be between 0 and ${MAX_FIRST}`);
  if (skip < 0 || skip > MAX_SKIP) throw new AtlasError('bad_request', `skip must be between 0 and ${MAX_SKIP}`);
  if (first === 0) return [];
  const conds = [...compileWhere(e, args.where), ...extra];
  const dir = args.orderDirection === 'desc' ? sql`desc` : sql`asc`;
  let sortCols = e.defaultSort;
  let numericSort = false;
  if (args.orderBy) {
    const f = e.fields[args.orderBy];
    if (!f) throw new AtlasError('bad_request', `cannot order ${e.name} by ${args.orderBy}`);
    const own = f.kind !== 'ref' && f.kind !== 'list' && f.kind !== 'computed' ? f.sortCols : undefined;
    sortCols = own ?? [colOf(args.orderBy, f)];
    numericSort = !own && isNumericKey(e, args.orderBy, f);
  }
  // The id breaks ties so skip-based pages never repeat or drop rows.
  const key = (c: string, i: number) => (numericSort && i === 0 ? sql`(${sql.ref(`e.${c}`)})::numeric` : sql.ref(`e.${c}`));
  const order = sql.join([...sortCols, ...(sortCols.includes('id') ? [] : ['id'])].map((c, i) => sql`${key(c, i)} ${dir} nulls last`));
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  const r = await sql<Row>`select * from (${e.source}) as e ${where} order by ${order} limit ${first} offset ${skip}`.execute(ctx.data.db);
  return r.rows.map((row) => present(e, row));
}

// ------------------------------------------------------------------ rows → GraphQL values

const eventFieldsByType = new Map(eventTypes.map((t) => [t.name, t.fields]));

function convert(kind: ScalarKind, v: unknown, decimals = 18): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'bigdecimal': {
      const s = String(v);
      if (decimals === 0) return s.includes('.') ? s.replace(/\.?0+$/, '') || '0' : s;
      return /^-?\d+$/.test(s) ? formatUnits(BigInt(s), decimals) : s;
    }
    case 'int':
      return Number(v);
    case 'bool':
      return Boolean(v);
    case 'bigint':
      return String(v).replace(/\.0+$/, '');
    default:
      return String(v);
  }
}

/** A SQL row as the GraphQL layer sees it: scalars converted, references kept as ids under __refs. */
function present(e: EntityDef, row: Row): Row {
  const typename = e.name === 'Event' ? eventTypeByName.get(String(row._name)) : e.name;
  const out: Row = { __typename: typename, __row: row, __refs: {} as Record<string, string | null> };
  const refs = out.__refs as Record<string, string | null>;
  const def = typename ? entityByName.get(typename) : undefined;
  const argFields = typename ? eventFieldsByType.get(typename) : undefined;
  for (const [name, f] of Object.entries(def?.fields ?? e.fields)) {
    if (argFields && name in argFields) {
      const a = argFields[name]!;
      const raw = (row._args as Row | undefined)?.[a.arg];
      if (a.kind === 'ref') refs[name] = raw === undefined || raw === null ? null : String(raw).toLowerCase();
      else if (name === 'support' && a.arg === 'support') out[name] = ['Against', 'For', 'Abstain'][Number(raw)] ?? 'Abstain';
      else out[name] = convert(a.kind, raw);
      continue;
    }
    if (f.kind === 'ref') refs[name] = row[f.col] === null || row[f.col] === undefined ? null : String(row[f.col]);
    else if (f.kind !== 'list' && f.kind !== 'computed') out[name] = convert(f.kind, row[f.col ?? name], f.kind === 'bigdecimal' ? (f.decimals ?? 18) : 18);
  }
  return out;
}

/** Batches by-id lookups of one request into one query per entity type (the N+1 of nested references). */
export class Loader {
  private readonly pending = new Map<string, Map<string, ((r: Row | null) => void)[]>>();
  private readonly cache = new Map<string, Promise<Row | null>>();
  private scheduled = false;

  constructor(private readonly ctx: () => GraphQLContext) {}

  load(entity: string, id: string): Promise<Row | null> {
    const key = `${entity}|${id}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = new Promise<Row | null>((resolve) => {
      const m = this.pending.get(entity) ?? new Map<string, ((r: Row | null) => void)[]>();
      m.set(id, [...(m.get(id) ?? []), resolve]);
      this.pending.set(entity, m);
    });
    this.cache.set(key, p);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => void this.flush());
    }
    return p;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending.entries()];
    this.pending.clear();
    await Promise.all(
      batches.map(async ([entity, waiters]) => {
        const e = entityByName.get(entity)!;
        const ids = [...waiters.keys()];
        let found = new Map<string, Row>();
        try {
          const rows = await sql<Row>`select * from (${e.source}) as e where e."id" in (${sql.join(ids)})`.execute(this.ctx().data.db);
          found = new Map(rows.rows.map((r) => [String(r.id), present(e, r)]));
        } finally {
          for (const [id, fns] of waiters) for (const fn of fns) fn(found.get(id) ?? null);
        }
      }),
    );
  }
}

// ------------------------------------------------------------------ resolvers

type Resolver = (parent: Row, args: Row, ctx: GraphQLContext) => unknown;

function refResolver(target: string, field: string): Resolver {
  return (parent, _args, ctx) => {
    const id = (parent.__refs as Record<string, string | null> | undefined)?.[field] ?? null;
    if (id === null) return null;
    if (target === 'LivepeerAccount') return { id };
    return ctx.loader.load(target, id);
  };
}

function typeResolvers(e: EntityDef): Record<string, Resolver> {
  const r: Record<string, Resolver> = {};
  for (const [name, f] of Object.entries(e.fields)) {
    if (f.kind === 'ref' && f.target === 'Transaction' && f.col === '_transaction') {
      // Everything a Transaction has is on the event row already: no lookup (chain_event has no tx_hash index).
      r[name] = (parent) => {
        const row = parent.__row as Row;
        return { id: String(row._transaction), blockNumber: String(row._block), timestamp: Number(row.timestamp), __refs: {} };
      };
    } else if (f.kind === 'ref') r[name] = refResolver(f.target, name);
    if (f.kind === 'list') {
      const target = entityByName.get(f.target)!;
      r[name] = (parent, args, ctx) => listQuery(ctx, target, args as ListArgs, [sql`${sql.ref(`e.${f.fk}`)} = ${String(parent.id)}`]);
    }
  }
  return r;
}

async function protocolRow(ctx: GraphQLContext): Promise<Row> {
  const s = await ctx.snapshot();
  const cur = s.current;
  const params = (
    await sql<{ param: string; value: string | null }>`
      select distinct on (param) param, value from param_change
      where param in ('inflationChange', 'numActiveTranscoders', 'targetBondingRate', 'unbondingPeriod', 'roundLength')
      order by param, block_number desc, log_index desc`.execute(ctx.data.db)
  ).rows;
  const p = (n: string) => params.find((x) => x.param === n)?.value ?? null;
  const supply = cur ? cur.l2Supply + (cur.l1Supply ?? 0n) : 0n;
  return {
    id: '0',
    inflation: cur?.inflation.toString() ?? null,
    inflationChange: p('inflationChange'),
    numActiveTranscoders: p('numActiveTranscoders'),
    activeTranscoderCount: cur ? String(cur.activeTranscoders) : null,
    targetBondingRate: p('targetBondingRate'),
    unbondingPeriod: p('unbondingPeriod'),
    roundLength: p('roundLength'),
    totalActiveStake: cur ? formatUnits(cur.totalActiveStake) : null,
    totalSupply: cur ? formatUnits(supply) : null,
    totalVolumeETH: formatUnits(s.totals.fees),
    participationRate: cur && supply > 0n ? formatUnits((cur.totalActiveStake * 10n ** 18n) / supply) : null,
    winningTicketCount: s.totals.winningTickets,
    roundCount: s.rounds.length,
    delegatorsCount: String(s.delegators),
    treasuryBalance: cur ? formatUnits(cur.treasuryBalance) : null,
    __refs: { currentRound: cur ? cur.round.toString() : null, lastInitializedRound: cur ? cur.round.toString() : null },
  };
}

export function buildResolvers(): Record<string, unknown> {
  const Query: Record<string, Resolver> = {};
  const resolvers: Record<string, Record<string, unknown>> = { Query };
  for (const e of [...entityList, eventInterface]) {
    Query[e.single] = async (_p, args, ctx) => {
      checkBlockArg(args as ListArgs);
      const rows = await listQuery(ctx, e, { first: 1, where: { id: String(args.id) } });
      return rows[0] ?? null;
    };
    Query[e.plural] = (_p, args, ctx) => listQuery(ctx, e, args as ListArgs);
    if (e !== eventInterface) resolvers[e.name] = typeResolvers(e);
  }
  resolvers.Event = { __resolveType: (obj: Row) => obj.__typename, ...typeResolvers(eventInterface) };
  Query.protocol = async (_p, args, ctx) => {
    checkBlockArg(args as ListArgs);
    return String(args.id) === '0' ? protocolRow(ctx) : null;
  };
  Query.protocols = async (_p, args, ctx) => {
    checkBlockArg(args as ListArgs);
    return Number(args.skip ?? 0) > 0 || Number(args.first ?? 100) === 0 ? [] : [await protocolRow(ctx)];
  };
  Query.livepeerAccount = (_p, args) => ({ id: String(args.id).toLowerCase() });
  Object.assign(Query, treasuryQueryResolvers, economicsQueryResolvers, pollQueryResolvers);
  Query._meta = async (_p, args, ctx) => {
    checkBlockArg(args as ListArgs);
    const s = await ctx.snapshot();
    const head = (await sql<{ b: string; h: string | null; t: string }>`select block_number::text as b, null as h, block_time::text as t from chain_event order by block_number desc, log_index desc limit 1`.execute(ctx.data.db)).rows[0];
    return { block: { number: Number(s.indexedBlock ?? head?.b ?? 0), hash: head?.h ?? null, timestamp: head ? Number(head.t) : null }, deployment: 'livepeer-atlas', hasIndexingErrors: false };
  };
  resolvers.Protocol = { currentRound: refResolver('Round', 'currentRound'), lastInitializedRound: refResolver('Round', 'lastInitializedRound') };
  resolvers.LivepeerAccount = {
    delegator: (p: Row, _a: Row, ctx: GraphQLContext) => ctx.loader.load('Delegator', String(p.id)),
    delegate: async (p: Row, _a: Row, ctx: GraphQLContext) => {
      const d = await ctx.loader.load('Delegator', String(p.id));
      const id = (d?.__refs as Record<string, string | null> | undefined)?.delegate;
      return id ? ctx.loader.load('Transcoder', id) : null;
    },
  };
  const delegatorsAt = async (ctx: GraphQLContext, round: string | null) => {
    if (!round) return null;
    const s = await ctx.snapshot();
    const r = s.rounds.find((x) => x.round.toString() === round);
    return r ? String(r.delegators) : null;
  };
  Object.assign(resolvers.Round!, { delegatorsCount: (p: Row, _a: Row, ctx: GraphQLContext) => delegatorsAt(ctx, String(p.id)) });
  Object.assign(resolvers.Day!, { delegatorsCount: (p: Row, _a: Row, ctx: GraphQLContext) => delegatorsAt(ctx, ((p.__row as Row)._round as string | null) ?? null) });
  Object.assign(resolvers.Delegator!, {
    pendingStake: async (p: Row, _a: Row, ctx: GraphQLContext) => {
      const a = await ctx.data.account(String(p.id));
      return a ? formatUnits(a.pendingStake) : null;
    },
    pendingFees: async (p: Row, _a: Row, ctx: GraphQLContext) => {
      const a = await ctx.data.account(String(p.id));
      return a ? formatUnits(a.pendingFees) : null;
    },
  });
  const jsonArray = (k: string) => (p: Row) => {
    const v = (p.__row as Row)[k];
    return Array.isArray(v) ? v.map(String) : [];
  };
  Object.assign(resolvers.TreasuryProposal!, {
    targets: jsonArray('_targets'),
    values: jsonArray('_values'),
    calldatas: jsonArray('_calldatas'),
    state: async (p: Row, _a: Row, ctx: GraphQLContext) => (await ctx.snapshot()).proposalsById.get(String(p.id))?.status ?? null,
  });
  return { ...resolvers, BigInt: bigIntScalar, BigDecimal: bigDecimalScalar, Bytes: bytesScalar };
}

// ------------------------------------------------------------------ limits

/** Rejects documents nested deeper than MAX_DEPTH (each level can multiply rows by `first`). */
export function depthLimitRule(max = MAX_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    const depth = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let m = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) m = Math.max(m, s.name.value.startsWith('__') ? 0 : 1 + depth(s.selectionSet, seen));
        else if (s.kind === Kind.INLINE_FRAGMENT) m = Math.max(m, depth(s.selectionSet, seen));
        else if (!seen.has(s.name.value)) m = Math.max(m, depth(fragments.get(s.name.value)?.selectionSet, new Set([...seen, s.name.value])));
      }
      return m;
    };
    return {
      OperationDefinition(node) {
        const d = depth(node.selectionSet, new Set());
        if (d > max) context.reportError(new GraphQLError(`query is nested ${d} levels deep; the limit is ${max}`));
      },
    };
  };
}

export function buildGraphQLSchema() {
  return createSchema<GraphQLContext>({ typeDefs: buildSdl(), resolvers: buildResolvers() as Parameters<typeof createSchema<GraphQLContext>>[0]['resolvers'] });
}
