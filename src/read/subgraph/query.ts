import { sql, type RawBuilder } from 'kysely';
import { parseUnits } from 'viem';
import { AtlasError } from '../../base/errors.js';
import type { AsOf, Db } from '../db.js';
import { entityByName } from './entities.js';
import { colOf, isColumnField, type EntityDef, type Field, type RefField, type ScalarField, type Want } from './fields.js';

// The Graph's query language compiled to SQL over an entity's source: filters (`where`, with every suffix
// graph-node generates, `and`/`or` and nested `field_` filters), `orderBy` on a scalar or a referenced entity's
// scalar (`delegate__totalStake`), `first`/`skip` with graph-node's limits.

export type Row = Record<string, unknown>;

export const MAX_FIRST = 1000;
export const MAX_SKIP = 5000;

const STRING_OPS = ['', '_not', '_gt', '_lt', '_gte', '_lte', '_in', '_not_in', '_contains', '_contains_nocase', '_not_contains', '_not_contains_nocase', '_starts_with', '_starts_with_nocase', '_not_starts_with', '_not_starts_with_nocase', '_ends_with', '_ends_with_nocase', '_not_ends_with', '_not_ends_with_nocase'] as const;
const ORDERED_OPS = ['', '_not', '_gt', '_lt', '_gte', '_lte', '_in', '_not_in'] as const;
const BYTES_OPS = [...ORDERED_OPS, '_contains', '_not_contains'] as const;
const EQUALITY_OPS = ['', '_not', '_in', '_not_in'] as const;

/** The filter suffixes graph-node generates for a field (`''` is equality). */
export function filterOps(f: ScalarField | { kind: 'ref' }): readonly string[] {
  if (f.kind === 'ref' || f.kind === 'string') return 'enumType' in f && f.enumType ? EQUALITY_OPS : STRING_OPS;
  if (f.kind === 'bool') return EQUALITY_OPS;
  if (f.kind === 'bytes') return BYTES_OPS;
  return ORDERED_OPS;
}

// Longest first, so `_not_contains_nocase` is not read as `_nocase` of something.
const ALL_OPS = [...new Set([...STRING_OPS, ...BYTES_OPS])].filter((o) => o !== '').sort((a, b) => b.length - a.length);

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function sqlValue(f: ScalarField | { kind: 'ref' }, v: unknown, key: string): string | boolean {
  if (f.kind === 'bool') {
    if (typeof v !== 'boolean') throw new AtlasError('bad_request', `where.${key}: expected a boolean`);
    return v;
  }
  const s = String(v);
  if (f.kind === 'bigdecimal') {
    const decimals = f.decimals ?? 18;
    if (!/^-?\d+(\.\d+)?$/.test(s)) throw new AtlasError('bad_request', `where.${key}: not a decimal number`);
    return decimals === 0 ? s : parseUnits(s, decimals).toString();
  }
  if (f.kind === 'bigint' || f.kind === 'int') {
    if (!/^-?\d{1,80}$/.test(s)) throw new AtlasError('bad_request', `where.${key}: not an integer`);
    return s;
  }
  return ADDRESS.test(s) || f.kind === 'bytes' ? s.toLowerCase() : s;
}

/** A round number held as text (a Round's id, a reference to a Round): compared and sorted as a number, so 9 < 10. */
function isNumericKey(e: EntityDef, name: string, f: ScalarField | RefField): boolean {
  if (f.kind === 'ref') return entityByName.get(f.target)?.numericId === true;
  return name === 'id' && e.numericId === true;
}

const TEXT_OPS = ['_contains', '_contains_nocase', '_not_contains', '_not_contains_nocase', '_starts_with', '_starts_with_nocase', '_not_starts_with', '_not_starts_with_nocase', '_ends_with', '_ends_with_nocase', '_not_ends_with', '_not_ends_with_nocase'];

const isNumeric = (f: Field) => f.kind === 'bigint' || f.kind === 'int' || f.kind === 'bigdecimal';

/** The conditions of a `where` object on rows of `e` aliased `alias`. */
export function compileWhere(e: EntityDef, where: Row | null | undefined, asOf: AsOf, alias = 'e', depth = 0): RawBuilder<unknown>[] {
  if (!where) return [];
  if (depth > 4) throw new AtlasError('bad_request', `filters nest more than 4 levels deep on ${e.name}`);
  const conds: RawBuilder<unknown>[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(value)) throw new AtlasError('bad_request', `where.${key}: expected a list of filters`);
      const parts = value.map((w) => {
        const c = compileWhere(e, w as Row, asOf, alias, depth + 1);
        return c.length ? sql`(${sql.join(c, sql` and `)})` : sql`true`;
      });
      if (parts.length) conds.push(sql`(${sql.join(parts, key === 'and' ? sql` and ` : sql` or `)})`);
      continue;
    }
    if (key === '_change_block') continue; // every row counts as changed: Atlas keeps no per-row change block
    if (key.endsWith('_') && key.slice(0, -1) in e.fields) {
      conds.push(nestedFilter(e, key.slice(0, -1), value as Row, asOf, alias, depth));
      continue;
    }
    let name = key;
    let op = '';
    if (!(key in e.fields)) {
      const hit = ALL_OPS.find((o) => key.endsWith(o) && key.slice(0, -o.length) in e.fields);
      if (!hit) throw new AtlasError('bad_request', `Type \`${e.name}_filter\` has no field \`${key}\``);
      op = hit;
      name = key.slice(0, -hit.length);
    }
    const f = e.fields[name]!;
    if (!isColumnField(f) || !filterOps(f).includes(op)) throw new AtlasError('bad_request', `Type \`${e.name}_filter\` has no field \`${key}\``);
    const col = sql.ref(`${alias}.${colOf(name, f)}`);
    if (isNumericKey(e, name, f) && !TEXT_OPS.includes(op)) conds.push(condition({ kind: 'bigint' }, sql`(${col})::numeric`, op, value, key));
    else conds.push(condition(f, col, op, value, key));
  }
  return conds;
}

function condition(f: ScalarField | { kind: 'ref' }, col: RawBuilder<unknown> | ReturnType<typeof sql.ref>, op: string, value: unknown, key: string): RawBuilder<unknown> {
  if (value === null) return op === '_not' ? sql`${col} is not null` : sql`${col} is null`;
  if (op === '_in' || op === '_not_in') {
    if (!Array.isArray(value)) throw new AtlasError('bad_request', `where.${key}: expected a list`);
    if (value.length > MAX_FIRST) throw new AtlasError('bad_request', `where.${key}: at most ${MAX_FIRST} values`);
    if (value.length === 0) return op === '_in' ? sql`false` : sql`true`;
    const vals = value.map((v) => sqlValue(f, v, key));
    const list = isNumeric(f as Field) ? sql.join(vals.map((v) => sql`${v}::numeric`)) : sql.join(vals);
    return op === '_in' ? sql`${col} in (${list})` : sql`(${col} is null or ${col} not in (${list}))`;
  }
  const v = sqlValue(f, value, key);
  const rhs = isNumeric(f as Field) ? sql`${v}::numeric` : sql`${v}`;
  const nocase = op.endsWith('_nocase');
  const base = nocase ? op.slice(0, -'_nocase'.length) : op;
  const text = nocase ? sql`lower(${col}::text)` : sql`${col}::text`;
  const s = nocase ? String(v).toLowerCase() : String(v);
  switch (base) {
    case '':
      return sql`${col} = ${rhs}`;
    case '_not':
      return sql`${col} is distinct from ${rhs}`;
    case '_gt':
      return sql`${col} > ${rhs}`;
    case '_lt':
      return sql`${col} < ${rhs}`;
    case '_gte':
      return sql`${col} >= ${rhs}`;
    case '_lte':
      return sql`${col} <= ${rhs}`;
    case '_contains':
      return sql`strpos(${text}, ${s}) > 0`;
    case '_not_contains':
      return sql`strpos(${text}, ${s}) = 0`;
    case '_starts_with':
      return sql`left(${text}, ${s.length}) = ${s}`;
    case '_not_starts_with':
      return sql`left(${text}, ${s.length}) <> ${s}`;
    case '_ends_with':
      return sql`right(${text}, ${s.length}) = ${s}`;
    case '_not_ends_with':
      return sql`right(${text}, ${s.length}) <> ${s}`;
    default:
      throw new AtlasError('bad_request', `where.${key}: unsupported filter`);
  }
}

/** `field_: {…}`: rows whose referenced (or derived) entities match the inner filter. */
function nestedFilter(e: EntityDef, name: string, inner: Row, asOf: AsOf, alias: string, depth: number): RawBuilder<unknown> {
  const f = e.fields[name]!;
  if (f.kind !== 'ref' && f.kind !== 'list') throw new AtlasError('bad_request', `Type \`${e.name}_filter\` has no field \`${name}_\``);
  const target = entityByName.get(f.target);
  if (!target) throw new AtlasError('bad_request', `${name}_: not filterable`);
  const a = `n${depth}`;
  const conds = compileWhere(target, inner, asOf, a, depth + 1);
  const link = f.kind === 'ref' ? sql`${sql.ref(`${a}.id`)} = ${sql.ref(`${alias}.${f.col}`)}` : sql`${sql.ref(`${a}.${f.fk}`)} = ${sql.ref(`${alias}.id`)}`;
  return sql`exists (select 1 from (${target.source(asOf)}) as ${sql.ref(a)} where ${sql.join([link, ...conds], sql` and `)})`;
}

export interface ListArgs {
  first?: number | null;
  skip?: number | null;
  orderBy?: string | null;
  orderDirection?: 'asc' | 'desc' | null;
  where?: Row | null;
}

/** Checks `first` and `skip` as graph-node does, with its messages. */
export function pageOf(args: ListArgs): { first: number; skip: number } {
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  if (first < 0 || first > MAX_FIRST) throw new AtlasError('bad_request', `The \`first\` argument must be between 0 and ${MAX_FIRST}, but is ${first}`);
  if (skip < 0 || skip > MAX_SKIP) throw new AtlasError('bad_request', `The \`skip\` argument must be between 0 and ${MAX_SKIP}, but is ${skip}`);
  return { first, skip };
}

/** The sort expressions of a field: its own sort columns, a round reference as a number, else its column. */
function sortKeys(e: EntityDef, name: string, f: ScalarField | RefField, alias: string): RawBuilder<unknown>[] {
  if (f.kind !== 'ref' && f.sortCols) return f.sortCols.map((c) => sql`${sql.ref(`${alias}.${c}`)}`);
  const col = sql.ref(`${alias}.${colOf(name, f)}`);
  return [isNumericKey(e, name, f) ? sql`(${col})::numeric` : sql`${col}`];
}

/** ORDER BY for `orderBy` (a scalar, or `ref__scalar` through a referenced entity), id breaking ties. */
function orderClause(e: EntityDef, args: ListArgs, asOf: AsOf): { join: RawBuilder<unknown>; order: RawBuilder<unknown> } {
  const dir = args.orderDirection === 'desc' ? sql`desc` : sql`asc`;
  let join = sql``;
  let cols: RawBuilder<unknown>[] = e.defaultSort.map((c) => sql`${sql.ref(`e.${c}`)}`);
  if (args.orderBy) {
    const [head, sub] = args.orderBy.split('__') as [string, string | undefined];
    const f = e.fields[head];
    if (!f) throw new AtlasError('bad_request', `Type \`${e.name}_orderBy\` has no value \`${args.orderBy}\``);
    if (sub !== undefined) {
      if (f.kind !== 'ref') throw new AtlasError('bad_request', `cannot order ${e.name} by ${args.orderBy}`);
      const target = entityByName.get(f.target)!;
      const tf = target.fields[sub];
      if (!tf || !isColumnField(tf)) throw new AtlasError('bad_request', `cannot order ${e.name} by ${args.orderBy}`);
      join = sql`left join (${target.source(asOf)}) as o on o.id = ${sql.ref(`e.${f.col}`)}`;
      cols = sortKeys(target, sub, tf, 'o');
    } else {
      if (!isColumnField(f)) throw new AtlasError('bad_request', `cannot order ${e.name} by ${args.orderBy}`);
      cols = sortKeys(e, head, f, 'e');
    }
  }
  // The id breaks ties so skip-based pages never repeat or drop rows.
  return { join, order: sql.join([...cols, sql`e.id`].map((c) => sql`${c} ${dir} nulls last`)) };
}

/** Every key of a `where` object, nested ones (`and`, `or`, `field_`) included. */
function whereKeys(where: unknown, out: string[] = []): string[] {
  if (Array.isArray(where)) for (const w of where) whereKeys(w, out);
  else if (where && typeof where === 'object')
    for (const [k, v] of Object.entries(where)) {
      out.push(k);
      if (k === 'and' || k === 'or') whereKeys(v, out);
    }
  return out;
}

/**
 * The columns of `e`'s source a read uses: those of the fields asked for (`want`, undefined for all) and of the
 * fields its filter and ordering name.
 */
export function usedColumns(e: EntityDef, want: Want, args: ListArgs = {}): Want {
  if (want === undefined) return undefined;
  const used = new Set(want);
  const keys = whereKeys(args.where);
  if (args.orderBy) keys.push(args.orderBy);
  for (const [name, f] of Object.entries(e.fields)) {
    if (!isColumnField(f) || !keys.some((k) => k.startsWith(name))) continue;
    used.add(colOf(name, f));
    if (f.kind !== 'ref') for (const c of f.sortCols ?? []) used.add(c);
  }
  return used;
}

/** A page of an entity's rows (the subgraph's plural query and nested lists). */
export async function listRows(db: Db, e: EntityDef, args: ListArgs, asOf: AsOf, extra: RawBuilder<unknown>[] = [], want?: Want): Promise<Row[]> {
  const { first, skip } = pageOf(args);
  if (first === 0) return [];
  const conds = [...compileWhere(e, args.where, asOf), ...extra];
  const { join, order } = orderClause(e, args, asOf);
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  return (await sql<Row>`select e.* from (${e.source(asOf, usedColumns(e, want, args))}) as e ${join} ${where} order by ${order} limit ${first} offset ${skip}`.execute(db)).rows;
}

/**
 * One page per parent of a nested list (`transcoders { delegators(first: 1000) { … } }`), for many parents in one
 * statement: the rows whose `fk` is one of `parents`, numbered per parent in the list's order. Each row carries
 * its parent's id in `_parent`.
 */
export async function childRows(db: Db, e: EntityDef, fk: string, parents: readonly string[], args: ListArgs, asOf: AsOf, extra: RawBuilder<unknown>[] = [], want?: Want): Promise<Row[]> {
  const { first, skip } = pageOf(args);
  if (first === 0 || parents.length === 0) return [];
  const conds = [sql`${sql.ref(`e.${fk}`)} in (${sql.join([...parents])})`, ...compileWhere(e, args.where, asOf), ...extra];
  const { join, order } = orderClause(e, args, asOf);
  return (
    await sql<Row>`select x.* from (
      select e.*, e.${sql.ref(fk)} as "_parent", row_number() over (partition by e.${sql.ref(fk)} order by ${order}) as "_rn"
      from (${e.source(asOf, usedColumns(e, want, args))}) as e ${join} where ${sql.join(conds, sql` and `)}) x
    where x."_rn" > ${skip} and x."_rn" <= ${skip + first} order by x."_parent", x."_rn"`.execute(db)
  ).rows;
}

/** Rows of an entity by id (the by-id query and references), optionally narrowed by extra conditions the ids imply. */
export async function rowsByIds(db: Db, e: EntityDef, ids: readonly string[], asOf: AsOf, extra: RawBuilder<unknown>[] = [], want?: Want): Promise<Row[]> {
  if (ids.length === 0) return [];
  const conds = [sql`e.id in (${sql.join([...ids])})`, ...extra];
  return (await sql<Row>`select e.* from (${e.source(asOf, want)}) as e where ${sql.join(conds, sql` and `)}`.execute(db)).rows;
}
