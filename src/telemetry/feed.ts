import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { signedEventHeaders, signedReportBatch } from './batchHash.js';
import { eventHeadersSchema, ingestEventLines } from './events.js';
import { ingestReportBatch, type IngestOptions } from './ingest.js';
import { generateHour, hourEvents, type LoadPlan } from './loadgen.js';
import type { JobReportInput } from './reportSchema.js';
import { parseReportBatch } from './fastReport.js';

export interface FeedOptions {
  /** First and last hour (ms, UTC hour starts) to generate. */
  fromHour: number;
  toHour: number;
  jobsPerHour: number;
  /** Reports per signed batch (default 2000). */
  batchSize?: number;
  /** Also send gateway events (payments, unserved traces); default true. */
  events?: boolean;
}

/** Where generated batches go: straight into a database, or to an Atlas API over HTTP. */
export type FeedTarget = { kind: 'db'; db: Kysely<Database>; ingest: IngestOptions } | { kind: 'http'; baseUrl: string; chainId: number };

/** Batch nonces per gateway index: increasing from the first use (microseconds of that moment), never reused. */
export class BatchNonces {
  private readonly next = new Map<number, bigint>();
  take(gi: number): bigint {
    const n = this.next.get(gi) ?? BigInt(Date.now()) * 1000n;
    this.next.set(gi, n + 1n);
    return n;
  }
}

export interface Submitted {
  reports: number;
  events: number;
  batches: number;
}

/**
 * Signs and submits reports and gateway event lines per gateway index, in batches of at most `batchSize` items,
 * at the target's clock (a database target's `ingest.now`).
 */
export async function submitTelemetry(
  plan: LoadPlan,
  target: FeedTarget,
  reports: ReadonlyMap<number, JobReportInput[]>,
  events: ReadonlyMap<number, string[]>,
  opts: { nonces: BatchNonces; batchSize?: number },
): Promise<Submitted> {
  const size = opts.batchSize ?? 2000;
  const chainId = target.kind === 'db' ? target.ingest.chainId : target.chainId;
  const out: Submitted = { reports: 0, events: 0, batches: 0 };
  const sentAt = target.kind === 'db' ? (target.ingest.now ?? Date.now)() : Date.now();
  for (const [gi, list] of reports) {
    const account = plan.gateways[gi]!.account;
    for (let i = 0; i < list.length; i += size) {
      const body = await signedReportBatch(account, chainId, { nonce: opts.nonces.take(gi), sentAt, reports: list.slice(i, i + size) });
      if (target.kind === 'db') await ingestReportBatch(target.db, parseReportBatch(body), target.ingest);
      else await post(`${target.baseUrl}/api/v1/telemetry/reports`, JSON.stringify(body), { 'content-type': 'application/json' });
      out.reports += Math.min(size, list.length - i);
      out.batches++;
    }
  }
  for (const [gi, lines] of events) {
    for (let i = 0; i < lines.length; i += size) {
      const chunk = lines.slice(i, i + size);
      const body = `${chunk.join('\n')}\n`;
      const headers = await signedEventHeaders(plan.gateways[gi]!.account, chainId, { nonce: opts.nonces.take(gi), sentAt, body });
      if (target.kind === 'db') await ingestEventLines(target.db, body, eventHeadersSchema.parse(headers), target.ingest);
      else await post(`${target.baseUrl}/api/v1/telemetry/events`, body, { ...headers, 'content-type': 'application/x-ndjson' });
      out.events += chunk.length;
      out.batches++;
    }
  }
  return out;
}

/** Generates and submits signed report and event batches hour by hour; returns what was accepted. */
export async function feed(plan: LoadPlan, target: FeedTarget, opts: FeedOptions): Promise<Submitted> {
  const nonces = new BatchNonces();
  const total: Submitted = { reports: 0, events: 0, batches: 0 };
  for (let h = opts.fromHour; h <= opts.toHour; h += 3_600_000) {
    const hour = generateHour(plan, h, opts.jobsPerHour);
    const events = opts.events === false ? new Map<number, string[]>() : hourEvents(plan, h, hour);
    const done = await submitTelemetry(plan, target, hour.reports, events, { nonces, batchSize: opts.batchSize });
    total.reports += done.reports;
    total.events += done.events;
    total.batches += done.batches;
  }
  return total;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
}
