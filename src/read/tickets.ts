import { sql, type RawBuilder } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** ETH paid by winning tickets (winning_ticket.paid, wei) and their count, per block time, oldest first. */
export async function ticketFeesByTime(db: Db, from: number | undefined, to: number | undefined): Promise<{ time: number; fees: bigint; tickets: number }[]> {
  const conds: RawBuilder<unknown>[] = [];
  if (from !== undefined) conds.push(sql`block_time >= ${from}`);
  if (to !== undefined) conds.push(sql`block_time < ${to}`);
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  const r = await rows(
    db,
    sql<{ t: Text; fees: Text; tickets: Text }>`
      select block_time::text as t, sum(paid)::text as fees, count(*)::text as tickets
      from winning_ticket ${where} group by block_time order by block_time`,
  );
  return r.map((b) => ({ time: Number(b.t), fees: big(b.fees), tickets: Number(b.tickets) }));
}
