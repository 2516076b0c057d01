// What Atlas knows of one gateway (a TicketBroker sender): its deposit and reserve, the winning tickets it paid
// per day and per orchestrator, and the telemetry it signed; and which roles an address plays on the network.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface GatewayRow {
  address: string;
  deposit: bigint;
  reserve: bigint;
  withdrawRound: bigint | null;
  winningTickets: number;
  faceValueTotal: bigint;
  feesPaid: bigint;
  firstBlock: bigint;
}

/** The TicketBroker state of one sender, or null when it never funded a deposit or reserve. */
export async function loadGateway(db: Kysely<Database>, address: string): Promise<GatewayRow | null> {
  const r = await sql<Record<string, string | null>>`
    select address, deposit::text, reserve::text, withdraw_round::text, winning_tickets::text, face_value_total::text, fees_paid::text, first_block::text
    from gateway where address = ${address}`.execute(db);
  const g = r.rows[0];
  if (!g) return null;
  return {
    address: g.address!,
    deposit: BigInt(g.deposit!),
    reserve: BigInt(g.reserve!),
    withdrawRound: g.withdraw_round === null ? null : BigInt(g.withdraw_round!),
    winningTickets: Number(g.winning_tickets),
    faceValueTotal: BigInt(g.face_value_total!),
    feesPaid: BigInt(g.fees_paid!),
    firstBlock: BigInt(g.first_block!),
  };
}

/** ETH a sender paid through winning tickets per UTC day (unix seconds of the day's start), oldest first. */
export async function gatewayFeesByDay(db: Kysely<Database>, address: string): Promise<{ day: number; paid: bigint; tickets: number }[]> {
  const r = await sql<{ day: string; paid: string; tickets: string }>`
    select (block_time / 86400 * 86400)::text as day, sum(paid)::text as paid, count(*)::text as tickets
    from winning_ticket where sender = ${address} group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({ day: Number(x.day), paid: BigInt(x.paid), tickets: Number(x.tickets) }));
}

/** Orchestrators a sender paid, most paid first. */
export async function gatewayRecipients(db: Kysely<Database>, address: string, limit = 20): Promise<{ orchestrator: string; paid: bigint; tickets: number }[]> {
  const r = await sql<{ recipient: string; paid: string; tickets: string }>`
    select recipient, sum(paid)::text as paid, count(*)::text as tickets from winning_ticket where sender = ${address}
    group by recipient order by sum(paid) desc, recipient limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ orchestrator: x.recipient, paid: BigInt(x.paid), tickets: Number(x.tickets) }));
}

export interface GatewayTelemetry {
  jobs: number;
  successes: number;
  /** Price the gateway reported paying (wei). */
  reportedPaid: bigint;
  firstDay: number | null;
  lastDay: number | null;
  byPipeline: { pipeline: string; jobs: number; successes: number; reportedPaid: bigint }[];
}

/** What a gateway's signed job reports say, summed from the daily rollups. */
export async function gatewayTelemetry(db: Kysely<Database>, address: string): Promise<GatewayTelemetry> {
  const r = await sql<{ capability: string; jobs: string; successes: string; paid: string; first: string | null; last: string | null }>`
    select capability, sum(jobs)::text as jobs, sum(successes)::text as successes, sum(price_paid)::text as paid,
      extract(epoch from min(day))::bigint::text as first, extract(epoch from max(day))::bigint::text as last
    from telemetry_rollup_daily where gateway = ${address} group by capability order by sum(jobs) desc`.execute(db);
  const byPipeline = r.rows.map((x) => ({ pipeline: x.capability, jobs: Number(x.jobs), successes: Number(x.successes), reportedPaid: BigInt(x.paid) }));
  const days = r.rows.flatMap((x) => [x.first, x.last]).filter((d): d is string => d !== null).map(Number);
  return {
    jobs: byPipeline.reduce((a, p) => a + p.jobs, 0),
    successes: byPipeline.reduce((a, p) => a + p.successes, 0),
    reportedPaid: byPipeline.reduce((a, p) => a + p.reportedPaid, 0n),
    firstDay: days.length ? Math.min(...days) : null,
    lastDay: days.length ? Math.max(...days) : null,
    byPipeline,
  };
}

/** The roles an address plays: each a separate fact, so one address can be several (an orchestrator that delegates). */
export interface AddressRoles {
  orchestrator: boolean;
  delegator: boolean;
  gateway: boolean;
  treasuryRecipient: boolean;
  voter: boolean;
}

export async function addressRoles(db: Kysely<Database>, address: string): Promise<AddressRoles> {
  const r = await sql<{ o: boolean; d: boolean; g: boolean; t: boolean; v: boolean }>`
    select exists(select 1 from transcoder where address = ${address}) as o,
      exists(select 1 from delegator where address = ${address}) as d,
      exists(select 1 from gateway where address = ${address})
        or exists(select 1 from telemetry_rollup_daily where gateway = ${address}) as g,
      exists(select 1 from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
        where b.delta < 0 and lower(e.args->>'to') = ${address}) as t,
      exists(select 1 from vote where voter = ${address}) as v`.execute(db);
  const x = r.rows[0]!;
  return { orchestrator: x.o, delegator: x.d, gateway: x.g, treasuryRecipient: x.t, voter: x.v };
}

/** LPT the treasury paid to an address, oldest first. */
export async function treasuryPayments(db: Kysely<Database>, address: string): Promise<{ block: bigint; txHash: string; time: number; amount: bigint }[]> {
  const r = await sql<{ block: string; tx: string; time: string; amount: string }>`
    select b.block_number::text as block, e.tx_hash as tx, e.block_time::text as time, (-b.delta)::text as amount
    from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
    where b.delta < 0 and lower(e.args->>'to') = ${address} order by b.block_number, b.log_index`.execute(db);
  return r.rows.map((x) => ({ block: BigInt(x.block), txHash: x.tx, time: Number(x.time), amount: BigInt(x.amount) }));
}
