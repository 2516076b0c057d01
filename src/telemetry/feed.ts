import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { signedEventHeaders, signedReportBatch } from './batchHash.js';
import { eventHeadersSchema, ingestEventLines } from './events.js';
import { ingestReportBatch, type IngestOptions } from './ingest.js';
import { generateHour, hourEvents, type LoadPlan } from './loadgen.js';
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

/** Generates and submits signed report and event batches hour by hour; returns what was accepted. */
export async function feed(plan: LoadPlan, target: FeedTarget, opts: FeedOptions): Promise<{ reports: number; events: number; batches: number }> {
  const size = opts.batchSize ?? 2000;
  const chainId = target.kind === 'db' ? target.ingest.chainId : target.chainId;
  const nonces = new Map<number, bigint>();
  const nextNonce = (gi: number) => {
    const n = nonces.get(gi) ?? BigInt(Date.now()) * 1000n;
    nonces.set(gi, n + 1n);
    return n;
  };
  let reports = 0;
  let events = 0;
  let batches = 0;
  for (let h = opts.fromHour; h <= opts.toHour; h += 3_600_000) {
    const hour = generateHour(plan, h, opts.jobsPerHour);
    const sentAt = target.kind === 'db' ? (target.ingest.now ?? Date.now)() : Date.now();
    for (const [gi, list] of hour.reports) {
      const account = plan.gateways[gi]!.account;
      for (let i = 0; i < list.length; i += size) {
        const body = await signedReportBatch(account, chainId, { nonce: nextNonce(gi), sentAt, reports: list.slice(i, i + size) });
        if (target.kind === 'db') await ingestReportBatch(target.db, parseReportBatch(body), target.ingest);
        else await post(`${target.baseUrl}/api/v1/telemetry/reports`, JSON.stringify(body), { 'content-type': 'application/json' });
        reports += Math.min(size, list.length - i);
        batches++;
      }
    }
    if (opts.events === false) continue;
    for (const [gi, lines] of hourEvents(plan, h, hour)) {
      if (lines.length === 0) continue;
      const body = `${lines.join('\n')}\n`;
      const headers = await signedEventHeaders(plan.gateways[gi]!.account, chainId, { nonce: nextNonce(gi), sentAt, body });
      if (target.kind === 'db') await ingestEventLines(target.db, body, eventHeadersSchema.parse(headers), target.ingest);
      else await post(`${target.baseUrl}/api/v1/telemetry/events`, body, { ...headers, 'content-type': 'application/x-ndjson' });
      events += lines.length;
      batches++;
    }
  }
  return { reports, events, batches };
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
}
