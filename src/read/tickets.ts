import { sql, type RawBuilder } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

// Winning tickets (winning_ticket): the ETH gateways paid orchestrators, by time, sender and recipient.

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

/** ETH-wei a sender paid through winning tickets, and how many, per UTC day (unix seconds of the day's start), oldest first. */
export async function senderFeesByDay(db: Db, sender: string): Promise<{ day: number; paid: bigint; tickets: number }[]> {
  const r = await rows(
    db,
    sql<{ day: Text; paid: Text; tickets: Text }>`
      select (block_time / 86400 * 86400)::text as day, sum(paid)::text as paid, count(*)::text as tickets
      from winning_ticket where sender = ${sender} group by 1 order by 1`,
  );
  return r.map((x) => ({ day: Number(x.day), paid: big(x.paid), tickets: Number(x.tickets) }));
}

/** The orchestrators a sender paid (ETH-wei, winning tickets), most paid first. */
export async function senderFeesByRecipient(db: Db, sender: string, limit = 20): Promise<{ orchestrator: string; paid: bigint; tickets: number }[]> {
  const r = await rows(
    db,
    sql<{ recipient: Text; paid: Text; tickets: Text }>`
      select recipient, sum(paid)::text as paid, count(*)::text as tickets from winning_ticket where sender = ${sender}
      group by recipient order by sum(paid) desc, recipient limit ${limit}`,
  );
  return r.map((x) => ({ orchestrator: x.recipient, paid: big(x.paid), tickets: Number(x.tickets) }));
}

/** A winning ticket that paid (winning_ticket): its recipient, round, block time and ETH-wei paid. */
export interface TicketPaymentRow {
  recipient: string;
  round: bigint;
  time: number;
  paid: bigint;
}

/** Winning tickets that paid in rounds [fromRound, toRound] (all recipients, or one), in chain order. */
export async function ticketPayments(db: Db, f: { fromRound: bigint; toRound: bigint; recipient?: string }): Promise<TicketPaymentRow[]> {
  const r = await rows(
    db,
    sql<{ recipient: Text; round: Text; t: Text; paid: Text }>`
      select recipient, round::text, block_time::text as t, paid::text from winning_ticket
      where round between ${f.fromRound.toString()} and ${f.toRound.toString()} ${f.recipient === undefined ? sql`` : sql`and recipient = ${f.recipient}`} and paid > 0
      order by block_number, log_index`,
  );
  return r.map((x) => ({ recipient: x.recipient, round: big(x.round), time: Number(x.t), paid: big(x.paid) }));
}
