import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { fanForecast, type FanPoint } from './forecast.js';

export const DEMAND_DIMENSIONS = ['gateway', 'capability', 'model', 'orchestrator'] as const;
export type DemandDimension = (typeof DEMAND_DIMENSIONS)[number];

/** Error codes and trace subtypes meaning no orchestrator could take the job. */
export const UNSERVED_CODES = ['no_orchestrators_available', 'gateway_no_orchestrators_available'];

export interface DemandQuery {
  since: Date;
  until: Date;
  by: DemandDimension;
  /** Series beyond this many keys (by reported fees) are summed into "other" (default 8). */
  top?: number;
  /** Forecast days (default 14). */
  horizonDays?: number;
}

export interface DemandSeries {
  key: string;
  jobs: number[];
  /** Fees the gateways reported paying (wei), per day. */
  reportedWei: bigint[];
  /** ETH paid on chain by winning tickets (wei), per day, attributed to this key (see demand()). */
  onchainWei: bigint[];
}

export interface Demand {
  by: DemandDimension;
  days: string[];
  series: DemandSeries[];
  totals: { jobs: number[]; reportedWei: bigint[]; onchainWei: bigint[]; paymentEvWei: bigint[] };
  unserved: { requests: number; unserved: number; share: number | null; dailyShare: (number | null)[] };
  forecast: { onchainEth: FanPoint[]; jobs: FanPoint[] };
}

const dayList = (since: Date, until: Date): string[] => {
  const out: string[] = [];
  for (let t = Math.floor(since.getTime() / 86_400_000) * 86_400_000; t < until.getTime(); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

const dayText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * Demand per day and key (gateway, capability slug, model or orchestrator): jobs and fees from the reports,
 * joined with winning tickets on chain. A ticket names its gateway (sender) and orchestrator (recipient);
 * for capability and model, each (day, gateway, orchestrator)'s on-chain ETH is split by that pair's
 * reported fees per key (that day's, else the day before's: tickets are redeemed after their jobs), and pairs
 * nobody reported land in "unattributed".
 */
export async function demand(db: Kysely<Database>, q: DemandQuery): Promise<Demand> {
  const days = dayList(q.since, q.until);
  const index = new Map(days.map((d, i) => [d, i]));
  const col = sql.ref(q.by);
  const rep = await sql<{ day: string; gateway: string; orchestrator: string; key: string; jobs: string; fees: string }>`
    select (hour at time zone 'UTC')::date::text as day, gateway, orchestrator, ${col} as key, sum(jobs)::text as jobs, sum(price_paid)::text as fees
    from telemetry_rollup where hour >= ${q.since.toISOString()}::timestamptz and hour < ${q.until.toISOString()}::timestamptz
    group by 1, 2, 3, 4`.execute(db);
  const tickets = await sql<{ day: string; sender: string; recipient: string; paid: string }>`
    select (to_timestamp(block_time) at time zone 'UTC')::date::text as day, lower(sender) as sender, lower(recipient) as recipient, sum(paid)::text as paid
    from winning_ticket where block_time >= ${Math.floor(q.since.getTime() / 1000)} and block_time < ${Math.floor(q.until.getTime() / 1000)}
    group by 1, 2, 3`.execute(db);
  const events = await sql<{ day: string; type: string; subtype: string; events: string; fee: string }>`
    select (hour at time zone 'UTC')::date::text as day, type, subtype, sum(events)::text as events, sum(fee_wei)::text as fee
    from telemetry_event_rollup where hour >= ${q.since.toISOString()}::timestamptz and hour < ${q.until.toISOString()}::timestamptz
    group by 1, 2, 3`.execute(db);
  const errs = await sql<{ day: string; n: string }>`
    select (hour at time zone 'UTC')::date::text as day, sum(count)::text as n from telemetry_rollup_error
    where hour >= ${q.since.toISOString()}::timestamptz and hour < ${q.until.toISOString()}::timestamptz and error_code in (${sql.join(UNSERVED_CODES)})
    group by 1`.execute(db);

  const n = days.length;
  const byKey = new Map<string, DemandSeries>();
  const seriesOf = (key: string) => {
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { key, jobs: new Array<number>(n).fill(0), reportedWei: new Array<bigint>(n).fill(0n), onchainWei: new Array<bigint>(n).fill(0n) }));
    return s;
  };
  // Reported fees per (day, gateway, orchestrator) and key: the weights for attributing tickets.
  const pairs = new Map<string, Map<string, bigint>>();
  for (const r of rep.rows) {
    const i = index.get(dayText(r.day));
    if (i === undefined) continue;
    const s = seriesOf(r.key);
    s.jobs[i]! += Number(r.jobs);
    s.reportedWei[i]! += BigInt(r.fees);
    const pk = `${dayText(r.day)}|${r.gateway}|${r.orchestrator}`;
    let m = pairs.get(pk);
    if (!m) pairs.set(pk, (m = new Map()));
    m.set(r.key, (m.get(r.key) ?? 0n) + BigInt(r.fees));
  }
  for (const t of tickets.rows) {
    const i = index.get(dayText(t.day));
    if (i === undefined) continue;
    const paid = BigInt(t.paid);
    if (q.by === 'gateway' || q.by === 'orchestrator') {
      seriesOf(q.by === 'gateway' ? t.sender : t.recipient).onchainWei[i]! += paid;
      continue;
    }
    // A ticket is redeemed after its job ended, sometimes past midnight: a pair that reported no fees that day
    // is weighed by its reports of the day before.
    const feesOf = (m: Map<string, bigint> | undefined) => (m ? [...m.values()].reduce((a, b) => a + b, 0n) : 0n);
    let weights = pairs.get(`${dayText(t.day)}|${t.sender}|${t.recipient}`);
    if (feesOf(weights) === 0n && i > 0) weights = pairs.get(`${days[i - 1]}|${t.sender}|${t.recipient}`);
    const total = feesOf(weights);
    if (!weights || total === 0n) {
      seriesOf('unattributed').onchainWei[i]! += paid;
      continue;
    }
    let given = 0n;
    const entries = [...weights.entries()].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : a[0] < b[0] ? -1 : 1));
    for (const [key, w] of entries) {
      const part = (paid * w) / total;
      seriesOf(key).onchainWei[i]! += part;
      given += part;
    }
    // Floor division leaves a few wei: they go to the largest share so the split sums exactly.
    seriesOf(entries[0]![0]).onchainWei[i]! += paid - given;
  }

  const all = [...byKey.values()].sort((a, b) => {
    const fa = a.reportedWei.reduce((x, y) => x + y, 0n) + a.onchainWei.reduce((x, y) => x + y, 0n);
    const fb = b.reportedWei.reduce((x, y) => x + y, 0n) + b.onchainWei.reduce((x, y) => x + y, 0n);
    return fa > fb ? -1 : fa < fb ? 1 : a.key < b.key ? -1 : 1;
  });
  const top = q.top ?? 8;
  const series = all.slice(0, top);
  if (all.length > top) {
    const other: DemandSeries = { key: 'other', jobs: new Array<number>(n).fill(0), reportedWei: new Array<bigint>(n).fill(0n), onchainWei: new Array<bigint>(n).fill(0n) };
    for (const s of all.slice(top)) for (let i = 0; i < n; i++) {
      other.jobs[i]! += s.jobs[i]!;
      other.reportedWei[i]! += s.reportedWei[i]!;
      other.onchainWei[i]! += s.onchainWei[i]!;
    }
    series.push(other);
  }
  const totals = { jobs: new Array<number>(n).fill(0), reportedWei: new Array<bigint>(n).fill(0n), onchainWei: new Array<bigint>(n).fill(0n), paymentEvWei: new Array<bigint>(n).fill(0n) };
  for (const s of all) for (let i = 0; i < n; i++) {
    totals.jobs[i]! += s.jobs[i]!;
    totals.reportedWei[i]! += s.reportedWei[i]!;
    totals.onchainWei[i]! += s.onchainWei[i]!;
  }
  const unservedTrace = new Array<number>(n).fill(0);
  for (const e of events.rows) {
    const i = index.get(dayText(e.day));
    if (i === undefined) continue;
    if (e.type === 'create_new_payment') totals.paymentEvWei[i]! += BigInt(e.fee);
    if (e.type === 'stream_trace' && UNSERVED_CODES.includes(e.subtype)) unservedTrace[i]! += Number(e.events);
  }
  const unservedJobs = new Array<number>(n).fill(0);
  for (const e of errs.rows) {
    const i = index.get(dayText(e.day));
    if (i !== undefined) unservedJobs[i]! += Number(e.n);
  }
  // Failed reports are already among the jobs; traced requests that never became a job are added to demand.
  const requestsPerDay = totals.jobs.map((j, i) => j + unservedTrace[i]!);
  const unservedPerDay = unservedJobs.map((u, i) => u + unservedTrace[i]!);
  const requests = requestsPerDay.reduce((a, b) => a + b, 0);
  const unserved = unservedPerDay.reduce((a, b) => a + b, 0);
  const horizon = q.horizonDays ?? 14;
  return {
    by: q.by,
    days,
    series,
    totals,
    unserved: { requests, unserved, share: requests === 0 ? null : unserved / requests, dailyShare: requestsPerDay.map((r, i) => (r === 0 ? null : unservedPerDay[i]! / r)) },
    forecast: { onchainEth: fanForecast(totals.onchainWei.map((w) => Number(w) / 1e18), horizon), jobs: fanForecast(totals.jobs, horizon) },
  };
}
