import type { RawBuilder } from 'kysely';
import type { AsOf } from '../db.js';

/**
 * How a subgraph entity is read: a SQL source (a subquery whose columns carry the GraphQL field names) plus its
 * fields. Filters, ordering and paging compile onto the subquery (query.ts), so
 * `transcoders(where: {totalStake_gt: "1000"}, orderBy: totalStake)` runs as one statement. BigDecimal token
 * fields are stored in wei and shown in tokens (÷1e18), as the subgraph does.
 */
/** Columns of a source a read uses; undefined: every column. */
export type Want = ReadonlySet<string> | undefined;

export type ScalarKind = 'id' | 'string' | 'bigint' | 'bigdecimal' | 'int' | 'bool' | 'bytes';

export interface ScalarField {
  kind: ScalarKind;
  /** Column of the source subquery; defaults to the field name. */
  col?: string;
  /** Decimals of a bigdecimal (default 18; 0 for a ratio stored as a decimal). */
  decimals?: number;
  nonNull?: boolean;
  /** An enum of the schema (TranscoderStatus, PollChoice, TreasuryVoteSupport) instead of a String. */
  enumType?: string;
  /** Sort by these columns instead (e.g. timestamp → block order, which the indexes serve). */
  sortCols?: string[];
  description?: string;
}

export interface RefField {
  kind: 'ref';
  target: string;
  /** Source column holding the referenced entity's id. */
  col: string;
  nonNull?: boolean;
  description?: string;
}

export interface ListField {
  kind: 'list';
  target: string;
  /** Column of the target whose value equals this entity's id. */
  fk: string;
  /** `[T!]!` (a stored array in the subgraph) rather than `[T!]` (@derivedFrom). */
  nonNull?: boolean;
  /** A boolean column of the target that must hold too (lets `fk` be an indexed column rather than a derived one). */
  fkWhen?: string;
  description?: string;
}

/** Resolved in code (API layer); not filterable or sortable. */
export interface ComputedField {
  kind: 'computed';
  type: string;
  args?: string;
  description?: string;
}

export type Field = ScalarField | RefField | ListField | ComputedField;

export interface EntityDef {
  name: string;
  single: string;
  plural: string;
  description: string;
  /**
   * The rows as of a point in chain history (every entity answers `latest`; see README for `{ block }`). With
   * `want` (the columns a read uses), a source may answer null for its costly columns not in it.
   */
  source: (asOf: AsOf, want?: Want) => RawBuilder<unknown>;
  fields: Record<string, Field>;
  /** Default sort when orderBy is absent (The Graph sorts by id). */
  defaultSort: string[];
  /** Its id is a number held as text (a round): the id and every reference to it compare and sort as numbers. */
  numericId?: boolean;
  implements?: string;
}

export const isColumnField = (f: Field): f is ScalarField | RefField => f.kind !== 'list' && f.kind !== 'computed';

/** The column a filterable field is stored in. */
export const colOf = (name: string, f: ScalarField | RefField): string => (f.kind === 'ref' ? f.col : (f.col ?? name));
