import { buildSchema, GraphQLError, GraphQLScalarType, Kind, type GraphQLResolveInfo, type GraphQLSchema, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { sql, type RawBuilder } from 'kysely';
import { AtlasError } from '../../base/errors.js';
import type { AsOf } from '../../read/db.js';
import { entityByName, entityList, eventInterface } from '../../read/subgraph/entities.js';
import { eventTypeByName } from '../../read/subgraph/events.js';
import { colOf, isColumnField, type EntityDef, type Field, type Want } from '../../read/subgraph/fields.js';
import { blockByHash, blockInfo, protocolRow } from '../../read/subgraph/protocol.js';
import { childRows, listRows, pageOf, rowsByIds, type ListArgs, type Row } from '../../read/subgraph/query.js';
import type { ApiData, Snapshot } from '../data.js';
import { formatUnits } from '../format.js';
import { pollExtraResolvers } from '../routes/pollsGraphql.js';
import { treasuryQueryResolvers } from '../routes/treasuryGraphql.js';
import { economicsQueryResolvers } from './economics.js';
import { buildSdl } from './sdl.js';

export { buildSdl };
export { MAX_FIRST, MAX_SKIP } from '../../read/subgraph/query.js';

export interface GraphQLContext {
  data: ApiData;
  /** Where the subgraph's entities are read (statements kept per data version). */
  db: ApiData['db'];
  loader: Loader;
  snapshot: () => Promise<Snapshot>;
}

export const MAX_DEPTH = 8;

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

// ------------------------------------------------------------------ reading rows

type Resolver = (parent: Row, args: Row, ctx: GraphQLContext, info: GraphQLResolveInfo) => unknown;

/**
 * The columns of `e`'s source the fields asked for under this field need (so costly columns of the others are
 * left out); undefined (every column) when a field is resolved in code and may read any.
 */
export function wantOf(e: EntityDef, info: GraphQLResolveInfo): Want {
  const want = new Set<string>(['id']);
  let all = false;
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD) walk(info.fragments[s.name.value]?.selectionSet);
      else {
        const f = e.fields[s.name.value];
        if (f?.kind === 'computed') all = true;
        else if (f && isColumnField(f)) want.add(colOf(s.name.value, f));
      }
    }
  };
  for (const n of info.fieldNodes) walk(n.selectionSet);
  return all ? undefined : want;
}

const wantKey = (want: Want) => (want === undefined ? '*' : [...want].sort().join(','));

/** The point in history a query reads at, from its `block` argument (graph-node's errors where it refuses). */
async function asOfArg(ctx: GraphQLContext, block: Row | null | undefined): Promise<AsOf> {
  if (!block) return 'latest';
  const head = (await blockInfo(ctx.db, 'latest'))?.number ?? null;
  const indexed = head === null ? -1n : BigInt(head);
  if (block.hash !== undefined && block.hash !== null) {
    const n = await blockByHash(ctx.db, String(block.hash));
    if (n === null) throw new AtlasError('bad_request', `no block with hash ${String(block.hash)} has been indexed`);
    return { block: BigInt(n) };
  }
  if (block.number !== undefined && block.number !== null) {
    const n = BigInt(Number(block.number));
    if (n < 0n) throw new AtlasError('bad_request', 'Failed to decode `block.number` value: it must be a non-negative integer');
    if (n > indexed) throw new AtlasError('bad_request', `Failed to decode \`block.number\` value: \`subgraph livepeer-atlas has only indexed up to block number ${indexed} and data for block number ${n} is therefore not yet available\``);
    return n === indexed ? 'latest' : { block: n };
  }
  if (block.number_gte !== undefined && block.number_gte !== null) {
    const n = BigInt(Number(block.number_gte));
    if (n > indexed) throw new AtlasError('bad_request', `Failed to decode \`block.number_gte\` value: \`subgraph livepeer-atlas has only indexed up to block number ${indexed} and data for block number ${n} is therefore not yet available\``);
    return 'latest';
  }
  return 'latest';
}

const asOfKey = (a: AsOf) => (a === 'latest' ? 'latest' : a.block.toString());

/** Batches by-id lookups of one request into one query per entity type and point in history (the N+1 of nested references). */
export class Loader {
  private readonly pending = new Map<string, { e: EntityDef; asOf: AsOf; want: Want; blocks: Set<string>; waiters: Map<string, ((r: Row | null) => void)[]> }>();
  private readonly cache = new Map<string, Promise<Row | null>>();
  private scheduled = false;

  constructor(private readonly ctx: () => GraphQLContext) {}

  /** `block`: the block the row was created in when known (events), so the lookup uses the block index. */
  load(entity: string, id: string, asOf: AsOf, block?: string, want?: Want): Promise<Row | null> {
    const key = `${entity}|${asOfKey(asOf)}|${id}|${wantKey(want)}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = new Promise<Row | null>((resolve) => {
      const bkey = `${entity}|${asOfKey(asOf)}|${block === undefined ? '' : 'b'}|${wantKey(want)}`;
      const batch = this.pending.get(bkey) ?? { e: entityByName.get(entity)!, asOf, want, blocks: new Set<string>(), waiters: new Map() };
      if (block !== undefined) batch.blocks.add(block);
      batch.waiters.set(id, [...(batch.waiters.get(id) ?? []), resolve]);
      this.pending.set(bkey, batch);
    });
    this.cache.set(key, p);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => void this.flush());
    }
    return p;
  }

  private readonly pendingChildren = new Map<string, { e: EntityDef; fk: string; args: ListArgs; asOf: AsOf; extra: RawBuilder<unknown>[]; want: Want; blocks: Set<string>; waiters: Map<string, ((r: Row[]) => void)[]> }>();

  /**
   * A nested list's page for one parent, batched with the same list of the other parents resolved in the same
   * tick (one statement for a page of transcoders' delegators, not one per transcoder). `key` names the list and
   * its arguments; `extra` must be the same for every parent of a key. `block`: the block every child of this
   * parent is in when known (a transaction's events), so the lookup uses the block index.
   */
  children(key: string, e: EntityDef, fk: string, parent: string, args: ListArgs, asOf: AsOf, extra: RawBuilder<unknown>[], block?: string, want?: Want): Promise<Row[]> {
    return new Promise<Row[]>((resolve) => {
      const k = `${key}|${asOfKey(asOf)}|${block === undefined ? '' : 'b'}|${wantKey(want)}`;
      const batch = this.pendingChildren.get(k) ?? { e, fk, args, asOf, extra, want, blocks: new Set<string>(), waiters: new Map() };
      if (block !== undefined) batch.blocks.add(block);
      batch.waiters.set(parent, [...(batch.waiters.get(parent) ?? []), resolve]);
      this.pendingChildren.set(k, batch);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flushChildren(): Promise<void> {
    const batches = [...this.pendingChildren.values()];
    this.pendingChildren.clear();
    await Promise.all(
      batches.map(async ({ e, fk, args, asOf, extra, want, blocks, waiters }) => {
        const byParent = new Map<string, Row[]>();
        try {
          const bound = blocks.size ? [sql`e._block in (${sql.join([...blocks].map((b) => sql`${b}::bigint`))})`] : [];
          for (const r of await childRows(this.ctx().db, e, fk, [...waiters.keys()], args, asOf, [...extra, ...bound], want)) {
            const p = String(r._parent);
            byParent.set(p, [...(byParent.get(p) ?? []), r]);
          }
        } finally {
          for (const [id, fns] of waiters) for (const fn of fns) fn(byParent.get(id) ?? []);
        }
      }),
    );
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    void this.flushChildren();
    await Promise.all(
      batches.map(async ({ e, asOf, want, blocks, waiters }) => {
        let found = new Map<string, Row>();
        try {
          const extra = blocks.size ? [sql`e._block in (${sql.join([...blocks].map((b) => sql`${b}::bigint`))})`] : [];
          const rows = await rowsByIds(this.ctx().db, e, [...waiters.keys()], asOf, extra, want);
          found = new Map(rows.map((r) => [String(r.id), present(e, r, asOf)]));
        } finally {
          for (const [id, fns] of waiters) for (const fn of fns) fn(found.get(id) ?? null);
        }
      }),
    );
  }
}

function convert(f: Field, v: unknown): unknown {
  if (v === null || v === undefined || !isColumnField(f) || f.kind === 'ref') return v ?? null;
  switch (f.kind) {
    case 'bigdecimal': {
      const s = String(v);
      const decimals = f.decimals ?? 18;
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
function present(e: EntityDef, row: Row, asOf: AsOf): Row {
  const out: Row = { __typename: e.name, __row: row, __asOf: asOf, __refs: {} as Record<string, string | null> };
  const refs = out.__refs as Record<string, string | null>;
  for (const [name, f] of Object.entries(e.fields)) {
    if (f.kind === 'ref') refs[name] = row[f.col] === null || row[f.col] === undefined ? null : String(row[f.col]);
    else if (isColumnField(f)) out[name] = convert(f, row[f.col ?? name]);
  }
  return out;
}

/** Rows of the Event interface as their concrete types (one lookup per type, by id and block). */
async function concreteEvents(ctx: GraphQLContext, rows: Row[], asOf: AsOf): Promise<Row[]> {
  const found = await Promise.all(
    rows.map((r) => {
      const t = eventTypeByName.get(String(r._name));
      return t ? ctx.loader.load(t, String(r.id), asOf, String(r._block)) : Promise.resolve(null);
    }),
  );
  return found.filter((r): r is Row => r !== null);
}

async function list(ctx: GraphQLContext, e: EntityDef, args: ListArgs, asOf: AsOf, extra: RawBuilder<unknown>[] = [], want?: Want): Promise<Row[]> {
  const rows = await listRows(ctx.db, e, args, asOf, extra, want);
  if (e === eventInterface) return concreteEvents(ctx, rows, asOf);
  return rows.map((r) => present(e, r, asOf));
}

const asOfOf = (parent: Row): AsOf => (parent.__asOf as AsOf | undefined) ?? 'latest';

function refResolver(target: string, field: string, nonNull: boolean): Resolver {
  const e = entityByName.get(target);
  return async (parent, _args, ctx, info) => {
    const id = (parent.__refs as Record<string, string | null> | undefined)?.[field] ?? null;
    if (id === null) return null;
    const row = await ctx.loader.load(target, id, asOfOf(parent), undefined, e && wantOf(e, info));
    // A non-null reference to a row Atlas does not hold (an account with no bond, a round before the first
    // initialized one) still names its id, as the subgraph's entity would.
    return row ?? (nonNull || target === 'LivepeerAccount' ? { __typename: target, id, __refs: target === 'LivepeerAccount' ? { delegator: id } : {}, __asOf: asOfOf(parent), lastUpdatedTimestamp: 0 } : null);
  };
}

function typeResolvers(e: EntityDef): Record<string, Resolver> {
  const r: Record<string, Resolver> = {};
  for (const [name, f] of Object.entries(e.fields)) {
    if (f.kind === 'ref') r[name] = refResolver(f.target, name, f.nonNull === true);
    if (f.kind === 'list') {
      const target = entityByName.get(f.target)!;
      r[name] = async (parent, args, ctx, info) => {
        const a = args as ListArgs;
        const asOf = asOfOf(parent);
        const want = wantOf(target, info);
        const when = f.fkWhen ? [sql`${sql.ref(`e.${f.fkWhen}`)}`] : [];
        if (a.orderBy?.includes('__')) return list(ctx, target, a, asOf, [sql`${sql.ref(`e.${f.fk}`)} = ${String(parent.id)}`, ...when], want);
        // A transaction's events are all in its block.
        const block = e.name === 'Transaction' ? String((parent.__row as Row).blockNumber) : undefined;
        const rows = await ctx.loader.children(`${e.name}.${name}|${JSON.stringify(a)}`, target, f.fk, String(parent.id), a, asOf, when, block, want);
        return target === eventInterface ? concreteEvents(ctx, rows, asOf) : rows.map((row) => present(target, row, asOf));
      };
    }
  }
  return r;
}

const lptPriceEth = (sqrtX96: string | null): string | null => (sqrtX96 === null ? null : formatUnits((BigInt(sqrtX96) ** 2n * 10n ** 18n) >> 192n));

async function protocolObject(ctx: GraphQLContext, asOf: AsOf): Promise<Row> {
  const p = await protocolRow(ctx.db, asOf);
  const supply = BigInt(p.totalSupply);
  const active = BigInt(p.totalActiveStake);
  return {
    id: '0',
    inflation: p.inflation,
    inflationChange: p.inflationChange,
    numActiveTranscoders: p.numActiveTranscoders,
    activeTranscoderCount: p.activeTranscoderCount,
    paused: p.paused,
    targetBondingRate: p.targetBondingRate,
    unbondingPeriod: p.unbondingPeriod,
    lockPeriod: ((BigInt(p.roundLength) * BigInt(p.roundLockAmount)) / 1_000_000n).toString(),
    roundLockAmount: p.roundLockAmount,
    totalActiveStake: formatUnits(active),
    totalVolumeETH: formatUnits(BigInt(p.totalVolumeETH)),
    totalVolumeUSD: formatUnits(BigInt(p.totalVolumeUSD)),
    participationRate: supply > 0n ? formatUnits((active * 10n ** 18n) / supply) : '0',
    roundLength: p.roundLength,
    lastRoundLengthUpdateStartBlock: p.lastRoundLengthUpdateStartBlock,
    totalSupply: formatUnits(supply),
    lptPriceEth: lptPriceEth(p.lptSqrtPriceX96),
    winningTicketCount: p.winningTicketCount,
    roundCount: p.roundCount,
    delegatorsCount: p.delegatorsCount,
    bondedDelegatorCount: p.bondedDelegatorCount,
    activeBroadcasters: p.activeBroadcasters,
    treasuryBalance: p.treasuryBalance === null ? null : formatUnits(BigInt(p.treasuryBalance)),
    __asOf: asOf,
    __pending: { activation: p.pendingActivation, deactivation: p.pendingDeactivation },
    __refs: { currentRound: p.round ?? '0', lastInitializedRound: p.round ?? '0', lastRoundLengthUpdateRound: p.lastRoundLengthUpdateRound ?? p.round ?? '0' },
  };
}

/** Query fields that read the subgraph's entities only (chain data, which changes with the data version). */
export const subgraphRoots: ReadonlySet<string> = new Set(['protocol', 'protocols', '_meta', '__typename', ...[...entityList, eventInterface].flatMap((e) => [e.single, e.plural])]);

export function buildResolvers(): Record<string, unknown> {
  const Query: Record<string, Resolver> = {};
  const resolvers: Record<string, Record<string, unknown>> = { Query };
  for (const e of [...entityList, eventInterface]) {
    Query[e.single] = async (_p, args, ctx, info) => {
      const asOf = await asOfArg(ctx, args.block as Row | null);
      const id = String(args.id);
      if (e === eventInterface) {
        const rows = await listRows(ctx.db, e, { first: 1, where: { id } }, asOf);
        return (await concreteEvents(ctx, rows, asOf))[0] ?? null;
      }
      // Addresses are stored lower-case, as the subgraph's ids are.
      return ctx.loader.load(e.name, /^0x[0-9a-fA-F]{40}$/.test(id) ? id.toLowerCase() : id, asOf, undefined, wantOf(e, info));
    };
    Query[e.plural] = async (_p, args, ctx, info) => list(ctx, e, args as ListArgs, await asOfArg(ctx, args.block as Row | null), [], wantOf(e, info));
    if (e !== eventInterface) resolvers[e.name] = typeResolvers(e);
  }
  resolvers.Event = { __resolveType: (obj: Row) => obj.__typename, ...typeResolvers(eventInterface) };
  Query.protocol = async (_p, args, ctx) => (String(args.id) === '0' ? protocolObject(ctx, await asOfArg(ctx, args.block as Row | null)) : null);
  Query.protocols = async (_p, args, ctx) => {
    const { first, skip } = pageOf(args as ListArgs);
    return skip > 0 || first === 0 ? [] : [await protocolObject(ctx, await asOfArg(ctx, args.block as Row | null))];
  };
  Object.assign(Query, treasuryQueryResolvers, economicsQueryResolvers);
  Query._meta = async (_p, args, ctx) => {
    const asOf = await asOfArg(ctx, args.block as Row | null);
    const b = await blockInfo(ctx.db, asOf);
    const s = await ctx.snapshot();
    return { block: { number: Number(b?.number ?? s.indexedBlock ?? 0), hash: b?.hash ?? null, timestamp: b?.timestamp ?? null, parentHash: null }, deployment: 'livepeer-atlas', hasIndexingErrors: false };
  };
  const pending = (k: 'activation' | 'deactivation') => (p: Row, _a: Row, ctx: GraphQLContext) =>
    Promise.all(((p.__pending as Record<string, string[]>)[k] ?? []).map((id) => ctx.loader.load('Transcoder', id, asOfOf(p)))).then((r) => r.filter(Boolean));
  resolvers.Protocol = {
    currentRound: refResolver('Round', 'currentRound', true),
    lastInitializedRound: refResolver('Round', 'lastInitializedRound', true),
    lastRoundLengthUpdateRound: refResolver('Round', 'lastRoundLengthUpdateRound', true),
    pendingActivation: pending('activation'),
    pendingDeactivation: pending('deactivation'),
  };
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
  Object.assign(resolvers.Poll!, {
    proposal: (p: Row) => pollProposalText(String(p.proposal)),
    ...pollExtraResolvers,
  });
  return { ...resolvers, BigInt: bigIntScalar, BigDecimal: bigDecimalScalar, Bytes: bytesScalar };
}

/** The PollCreated proposal bytes as the subgraph shows them: the IPFS multihash text they encode. */
function pollProposalText(hex: string): string {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) return hex;
  const text = Buffer.from(hex.slice(2), 'hex').toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : hex;
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

let costSchema: GraphQLSchema | undefined;
/** The SDL as a schema object of this module's graphql build, for costing (built once per process: it is large). */
export function sdlSchema(): GraphQLSchema {
  costSchema ??= buildSchema(buildSdl());
  return costSchema;
}

export function buildGraphQLSchema() {
  return createSchema<GraphQLContext>({ typeDefs: buildSdl(), resolvers: buildResolvers() as Parameters<typeof createSchema<GraphQLContext>>[0]['resolvers'] });
}

interface ValidationHook {
  addValidationRule: (rule: (context: ValidationContext) => ASTVisitor) => void;
}
interface ValidationResult {
  result: readonly { message: string }[];
  setResult: (errors: never[]) => void;
}

/**
 * Validation as graph-node does it: declared-but-unused variables are accepted (the Explorer sends operations
 * that declare variables they do not use), and the depth limit applies. The unused-variable errors are dropped
 * from the result rather than the rule from the list: yoga may run the other (CJS) build of graphql, whose rule
 * objects are not this module's.
 */
export function subgraphValidation({ addValidationRule }: ValidationHook) {
  addValidationRule(depthLimitRule());
  return ({ result, setResult }: ValidationResult) => {
    const kept = result.filter((e) => !/^Variable "\$[_A-Za-z][_0-9A-Za-z]*" is never used/.test(e.message));
    if (kept.length !== result.length) setResult(kept as never[]);
  };
}
