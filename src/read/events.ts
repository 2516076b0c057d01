import { sql, type RawBuilder } from 'kysely';
import { PREPARE_MARKER } from '../store/preparedStatements.js';
import { big, rows, type Db } from './db.js';

/** Filters of an event page; `after` is the keyset cursor (block, log index) of the previous page's last row. */
export interface EventFilter {
  names?: string[];
  address?: string;
  contract?: string;
  fromRound?: bigint;
  toRound?: bigint;
  fromBlock?: bigint;
  toBlock?: bigint;
  txHash?: string;
  order: 'asc' | 'desc';
  limit: number;
  after?: [bigint, number] | null;
}

/** A decoded chain event (chain_event) with its principal addresses and amount. */
export interface EventData {
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
  time: number;
  round: bigint | null;
  contract: string;
  name: string;
  a1: string | null;
  a2: string | null;
  amount: bigint | null;
  args: Record<string, unknown>;
}

/** chain_event rows newest first (or oldest first), keyset-paginated on (block_number, log_index). */
export async function events(db: Db, f: EventFilter): Promise<{ data: EventData[]; next: [bigint, number] | null }> {
  const conds: RawBuilder<unknown>[] = [];
  if (f.names?.length) conds.push(sql`e.name in (${sql.join(f.names)})`);
  if (f.contract) conds.push(sql`e.contract = ${f.contract}`);
  if (f.fromRound !== undefined) conds.push(sql`e.round >= ${f.fromRound.toString()}`);
  if (f.toRound !== undefined) conds.push(sql`e.round <= ${f.toRound.toString()}`);
  if (f.fromBlock !== undefined) conds.push(sql`e.block_number >= ${f.fromBlock.toString()}`);
  if (f.toBlock !== undefined) conds.push(sql`e.block_number <= ${f.toBlock.toString()}`);
  if (f.txHash) conds.push(sql`e.tx_hash = ${f.txHash}`);
  if (f.after) {
    const [b, l] = f.after;
    conds.push(f.order === 'asc' ? sql`(e.block_number, e.log_index) > (${b.toString()}::bigint, ${l})` : sql`(e.block_number, e.log_index) < (${b.toString()}::bigint, ${l})`);
  }
  const dir = f.order === 'asc' ? sql`asc` : sql`desc`;
  const n = f.limit + 1;
  const where = (extra: RawBuilder<unknown>[]) => {
    const all = [...conds, ...extra];
    return all.length ? sql`where ${sql.join(all, sql` and `)}` : sql``;
  };
  // With an address, one ordered branch per address column: each walks its own (a, block) index and
  // stops after a page, where a single `a1 = x or a2 = x` lets the planner scan the whole table in block
  // order for accounts with few events.
  const source = f.address
    ? sql`(
        (select e.* from chain_event e ${where([sql`e.a1 = ${f.address}`])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})
        union all
        (select e.* from chain_event e ${where([sql`e.a2 = ${f.address}`, sql`e.a1 is distinct from ${f.address}`])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})
      )`
    : sql`(select e.* from chain_event e ${where([])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})`;
  const r = await rows(
    db,
    // Prepared: planning this union costs as much as running it, on the busiest endpoint (account pages).
    // One text field for the whole page: the embedded database's result parser copies every field into a buffer
    // of its own, which cost more than the query itself for 51 rows of 11 columns; JSON.parse of one text is cheap.
    sql<{ page: string }>`${sql.raw(PREPARE_MARKER)}
      select coalesce(json_agg(json_build_array(x.block_number::text, x.log_index, x.tx_hash, x.block_time::text, x.round::text, x.contract, x.name, x.a1, x.a2, x.amount::text, x.args)
        order by x.block_number ${dir}, x.log_index ${dir}), '[]')::text as page
      from (select y.* from ${source} as y order by y.block_number ${dir}, y.log_index ${dir} limit ${n}) as x`,
  );
  const all = (JSON.parse(r[0]?.page ?? '[]') as PageRow[]).map(fromPageRow);
  const data = all.slice(0, f.limit);
  const last = data[data.length - 1];
  return { data, next: all.length > f.limit && last ? [last.blockNumber, last.logIndex] : null };
}

const EVENT_COLUMNS = sql`block_number::text as b, log_index, tx_hash, block_time::text as t, round::text as r, contract, name, a1, a2, amount::text as amt, args`;

/** One event of a page as json_build_array gives it: numbers that may exceed 2^53 as text. */
type PageRow = [string, number, string, string, string | null, string, string, string | null, string | null, string | null, Record<string, unknown> | null];

function fromPageRow(e: PageRow): EventData {
  return {
    blockNumber: big(e[0]),
    logIndex: e[1],
    txHash: e[2],
    time: Number(e[3]),
    round: e[4] === null ? null : big(e[4]),
    contract: e[5],
    name: e[6],
    a1: e[7],
    a2: e[8],
    amount: e[9] === null ? null : big(e[9]),
    args: e[10] ?? {},
  };
}

function toEventData(e: Record<string, unknown>): EventData {
  return {
    blockNumber: big(String(e.b)),
    logIndex: Number(e.log_index),
    txHash: String(e.tx_hash),
    time: Number(e.t),
    round: e.r === null ? null : big(String(e.r)),
    contract: String(e.contract),
    name: String(e.name),
    a1: e.a1 === null ? null : String(e.a1),
    a2: e.a2 === null ? null : String(e.a2),
    amount: e.amt === null ? null : big(String(e.amt)),
    args: (e.args ?? {}) as Record<string, unknown>,
  };
}

/** Events named `names` after the cursor `after` up to and including `upTo` (block, log index), oldest first, at most `limit`. */
export async function eventsBetween(db: Db, after: [bigint, number], upTo: [bigint, number], names: string[], limit: number): Promise<EventData[]> {
  const r = await rows(
    db,
    sql<Record<string, unknown>>`
      select ${EVENT_COLUMNS} from chain_event
      where (block_number, log_index) > (${after[0].toString()}::bigint, ${after[1]}) and (block_number, log_index) <= (${upTo[0].toString()}::bigint, ${upTo[1]})
        and name in (${sql.join(names)})
      order by block_number, log_index limit ${limit}`,
  );
  return r.map(toEventData);
}
