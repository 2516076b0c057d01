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

/** ETH-wei paid to an orchestrator by each gateway (winning tickets), largest first. */
export async function feesByGateway(db: Db, recipient: string): Promise<{ gateway: string; paid: bigint }[]> {
  const r = await rows(db, sql<{ sender: Text; paid: Text }>`select sender, sum(paid)::text as paid from winning_ticket where recipient = ${recipient} group by sender order by sum(paid) desc`);
  return r.map((x) => ({ gateway: x.sender, paid: big(x.paid) }));
}

/** ETH-wei paid by each gateway to each orchestrator, by orchestrator (one entry per paying gateway). */
export async function allFeesByGateway(db: Db): Promise<Map<string, bigint[]>> {
  const r = await rows(db, sql<{ recipient: Text; paid: Text }>`select recipient, sum(paid)::text as paid from winning_ticket group by recipient, sender`);
  const m = new Map<string, bigint[]>();
  for (const x of r) {
    let l = m.get(x.recipient);
    if (!l) m.set(x.recipient, (l = []));
    l.push(big(x.paid));
  }
  return m;
}
