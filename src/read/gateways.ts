import { sql } from 'kysely';
import { big, bigOrNull, rows, type Db, type Text } from './db.js';

// A gateway (a TicketBroker sender): its TicketBroker state (gateway) and what its signed job reports say
// (telemetry_rollup_daily, summed over days).

/** The TicketBroker state of one sender (gateway): deposit and reserve (ETH-wei), unlock, winning tickets. */
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
export async function gatewayAccount(db: Db, address: string): Promise<GatewayRow | null> {
  const [g] = await rows(
    db,
    sql<{ address: string; deposit: Text; reserve: Text; withdraw_round: Text | null; winning_tickets: Text; face_value_total: Text; fees_paid: Text; first_block: Text }>`
      select address, deposit::text, reserve::text, withdraw_round::text, winning_tickets::text, face_value_total::text, fees_paid::text, first_block::text
      from gateway where address = ${address}`,
  );
  if (!g) return null;
  return {
    address: g.address,
    deposit: big(g.deposit),
    reserve: big(g.reserve),
    withdrawRound: bigOrNull(g.withdraw_round),
    winningTickets: Number(g.winning_tickets),
    faceValueTotal: big(g.face_value_total),
    feesPaid: big(g.fees_paid),
    firstBlock: big(g.first_block),
  };
}

/** What a gateway's signed job reports say, summed from the daily rollups. */
export interface GatewayTelemetry {
  jobs: number;
  successes: number;
  /** Price the gateway reported paying (wei). */
  reportedPaid: bigint;
  /** Unix seconds of the first and last reported UTC day; null without reports. */
  firstDay: number | null;
  lastDay: number | null;
  /** Per pipeline (capability), most jobs first. */
  byPipeline: { pipeline: string; jobs: number; successes: number; reportedPaid: bigint }[];
}

/** A gateway's daily telemetry rollups summed per pipeline and in total. */
export async function gatewayTelemetry(db: Db, address: string): Promise<GatewayTelemetry> {
  const r = await rows(
    db,
    sql<{ capability: string; jobs: Text; successes: Text; paid: Text; first: Text | null; last: Text | null }>`
      select capability, sum(jobs)::text as jobs, sum(successes)::text as successes, sum(price_paid)::text as paid,
        extract(epoch from min(day))::bigint::text as first, extract(epoch from max(day))::bigint::text as last
      from telemetry_rollup_daily where gateway = ${address} group by capability order by sum(jobs) desc`,
  );
  const byPipeline = r.map((x) => ({ pipeline: x.capability, jobs: Number(x.jobs), successes: Number(x.successes), reportedPaid: big(x.paid) }));
  const days = r.flatMap((x) => [x.first, x.last]).filter((d): d is Text => d !== null).map(Number);
  return {
    jobs: byPipeline.reduce((a, p) => a + p.jobs, 0),
    successes: byPipeline.reduce((a, p) => a + p.successes, 0),
    reportedPaid: byPipeline.reduce((a, p) => a + p.reportedPaid, 0n),
    firstDay: days.length ? Math.min(...days) : null,
    lastDay: days.length ? Math.max(...days) : null,
    byPipeline,
  };
}
