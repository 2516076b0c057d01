import { sql, type RawBuilder } from 'kysely';
import type { AsOf } from '../db.js';

// SQL fragments the subgraph entity sources share, each taking the point in history a read is taken at.

/** The block an as-of read is bounded by (null for the latest state). */
export const blockOf = (asOf: AsOf): string | null => (asOf === 'latest' ? null : asOf.block.toString());

/**
 * A mutable projection table as it stood after block N: per key, the newest version from `<table>_history`
 * (written by the indexer after every block that changed a row); the table itself for the latest state.
 */
export function tableAsOf(asOf: AsOf, table: string, keys: string[]): RawBuilder<unknown> {
  const b = blockOf(asOf);
  if (b === null) return sql`${sql.table(table)}`;
  const k = sql.join(keys.map((c) => sql.ref(c)));
  return sql`(select distinct on (${k}) * from ${sql.table(`${table}_history`)} where version_block <= ${b} order by ${k}, version_block desc)`;
}

/** A costly column of a source: computed when the read uses it (or uses every column), null otherwise. */
export const wanted = (want: ReadonlySet<string> | undefined, col: string, expr: RawBuilder<unknown>) =>
  want === undefined || want.has(col) ? sql`${expr} as ${sql.ref(col)}` : sql`null as ${sql.ref(col)}`;

/** Whether a read uses a column of a source. */
export const uses = (want: ReadonlySet<string> | undefined, col: string) => want === undefined || want.has(col);

/** `<col> <= N` for an append-only table's block column, `true` for the latest state. */
export function upTo(asOf: AsOf, col: string): RawBuilder<unknown> {
  const b = blockOf(asOf);
  return b === null ? sql`true` : sql`${sql.ref(col)} <= ${b}`;
}

/** The newest round initialized by the read's block. */
export const currentRound = (asOf: AsOf) => sql`(select max(round) from protocol_round where ${upTo(asOf, 'block_number')})`;

/** The time of the newest round's initialization: the subgraph's rolling fee windows end there (RoundsManager.NewRound). */
export const lastRoundTime = (asOf: AsOf) => sql`(select max(block_time) from protocol_round where ${upTo(asOf, 'block_number')})`;

/** ETH/USD (8 decimals, Chainlink's answer) last posted at or before a unix time; 0 when none is known. */
export const ethUsdAt = (time: RawBuilder<unknown>) =>
  sql`coalesce((select pt.value from price_tick pt where pt.pair = 'ETH/USD' and pt.block_time <= ${time} order by pt.block_time desc limit 1), 0)`;

/** USD of a wei amount at a time, as 18-decimal fixed point (the subgraph's faceValue × ETH price). */
export const usdWei = (wei: RawBuilder<unknown>, time: RawBuilder<unknown>) => sql`trunc(${wei} * ${ethUsdAt(time)} / 100000000)`;

/** Winning tickets redeemed by the read's block, each with its USD value at its own time. */
export const ticketsAsOf = (asOf: AsOf) =>
  sql`(select wt.*, wt.block_time / 86400 as day, ${usdWei(sql`wt.face_value`, sql`wt.block_time`)} as face_value_usd from winning_ticket wt where ${upTo(asOf, 'wt.block_number')})`;

/** Chain events up to the read's block. */
export const eventsAsOf = (asOf: AsOf, names: readonly string[]) => sql`(select * from chain_event ce where ce.name in (${sql.join([...names])}) and ${upTo(asOf, 'ce.block_number')})`;

/** A parameter's last announced value (param_change) at or before a block column. */
export const paramAt = (param: string, block: RawBuilder<unknown>) =>
  sql`(select pc.value::numeric from param_change pc where pc.param = ${param} and pc.block_number <= ${block} order by pc.block_number desc, pc.log_index desc limit 1)`;

/** A numeric argument of an event's args. */
export const argNum = (alias: string, arg: string) => sql`(${sql.ref(`${alias}.args`)}->>${sql.lit(arg)})::numeric`;
/** An address argument of an event's args, lower-case. */
export const argAddr = (alias: string, arg: string) => sql`lower(${sql.ref(`${alias}.args`)}->>${sql.lit(arg)})`;

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
/** BondingManager's MAX_FUTURE_ROUND (2^256 − 1): a transcoder not scheduled to leave. */
export const MAX_FUTURE_ROUND = (2n ** 256n - 1n).toString();
