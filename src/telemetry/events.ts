import { CompiledQuery, type Kysely } from 'kysely';
import { getAddress, type Hex } from 'viem';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { unregisteredOrchestrators } from './authorize.js';
import { linesHash } from './batchHash.js';
import { capabilitySlug } from './capabilities.js';
import { TelemetryError } from './errors.js';
import { checkEnvelope, claimNonce, DEFAULT_MAX_AGE_MS, DEFAULT_MAX_ITEMS, DEFAULT_MAX_SKEW_MS, type IngestOptions, type IngestResult } from './ingest.js';
import { dayOf, ensureDayPartitions, forgetDayPartitions } from './partitions.js';
import { expectedValueWei, parseWei, parseWinProb } from './payment.js';
import { envelopeSchema, paymentDataSchema, streamStatusDataSchema, traceDataSchema, type Envelope } from './reportSchema.js';
import { hourOf } from './rollup.js';

/** Signature headers of a JSON-lines batch (the body is the signed content). */
export const eventHeadersSchema = z.object({
  'x-atlas-gateway': z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be the signing gateway address'),
  'x-atlas-nonce': z.string().regex(/^\d{1,20}$/, 'must be a uint64 as a decimal string').refine((s) => BigInt(s) < 2n ** 64n, 'must fit in uint64'),
  'x-atlas-sent-at': z.string().regex(/^\d{13}$/, 'must be Unix time in milliseconds').transform(Number),
  'x-atlas-signature': z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x-prefixed hex signature'),
});
export type EventHeaders = z.output<typeof eventHeadersSchema>;

interface EventRow {
  day: string;
  eventId: string;
  type: string;
  subtype: string | null;
  source: string;
  at: number;
  data: string;
}

interface EventCell {
  hour: number;
  type: string;
  subtype: string;
  capability: string;
  orchestrator: string;
  events: number;
  tickets: bigint;
  feeWei: bigint;
}

const address = (v: unknown): string => (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : '');
const slugOr = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? (capabilitySlug(v) ?? 'unknown') : 'unknown');

function issue(line: number, e: z.ZodError): string {
  const i = e.issues[0]!;
  return `line ${line}: ${i.path.length ? `field "${i.path.join('.')}"` : 'event'}: ${i.message}`;
}

/** The dimensions and amounts one event adds to the hourly event rollup. */
function cellOf(ev: Envelope, line: number): Omit<EventCell, 'hour' | 'events'> & { subtype: string } {
  const data = Array.isArray(ev.data) ? {} : ev.data;
  switch (ev.type) {
    case 'create_new_payment': {
      const d = paymentDataSchema.safeParse(data);
      if (!d.success) throw new TelemetryError('invalid', issue(line, d.error));
      const face = parseWei(d.data.faceValue);
      const prob = parseWinProb(d.data.winProb);
      const tickets = d.data.numTickets === undefined ? 1n : /^\d{1,9}$/.test(String(d.data.numTickets)) ? BigInt(String(d.data.numTickets)) : null;
      if (face === null) throw new TelemetryError('invalid', `line ${line}: field "data.faceValue" must be wei ("123", "123 WEI") or "0.1 ETH", at most 10^30 wei`);
      if (prob === null) throw new TelemetryError('invalid', `line ${line}: field "data.winProb" must be a probability (0.0001) or an integer out of 2^256-1`);
      if (tickets === null) throw new TelemetryError('invalid', `line ${line}: field "data.numTickets" must be a whole number`);
      return { type: ev.type, subtype: '', capability: slugOr(d.data.capability), orchestrator: address(d.data.recipient) || address(d.data.orchestrator), tickets, feeWei: expectedValueWei(face, prob, tickets) };
    }
    case 'stream_trace': {
      const d = traceDataSchema.safeParse(data);
      if (!d.success) throw new TelemetryError('invalid', issue(line, d.error));
      return { type: ev.type, subtype: d.data.type ?? d.data.subtype ?? '', capability: slugOr(d.data.pipeline ?? d.data.capability), orchestrator: address(d.data.orchestrator_info?.address), tickets: 0n, feeWei: 0n };
    }
    case 'ai_stream_status': {
      const d = streamStatusDataSchema.safeParse(data);
      if (!d.success) throw new TelemetryError('invalid', issue(line, d.error));
      return { type: ev.type, subtype: '', capability: slugOr(d.data.pipeline ?? 'live-video-to-video'), orchestrator: address(d.data.orchestrator_info?.address), tickets: 0n, feeWei: 0n };
    }
    default:
      return { type: ev.type, subtype: '', capability: '', orchestrator: '', tickets: 0n, feeWei: 0n };
  }
}

/**
 * Verifies and stores a signed JSON-lines batch of Livepeer gateway event envelopes: raw events by day and
 * hourly counts (payments as expected value in wei), in one transaction with the nonce.
 */
export async function ingestEventLines(db: Kysely<Database>, body: string, headers: EventHeaders, opts: IngestOptions): Promise<IngestResult & { byType: Record<string, number> }> {
  const now = (opts.now ?? Date.now)();
  const lines = body.split('\n');
  const items = lines.filter((l) => l.trim() !== '').length;
  if (items === 0) throw new TelemetryError('invalid', 'the body holds no event lines');
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  if (items > maxItems) throw new TelemetryError('batch_too_large', `batch holds ${items} events; the limit is ${maxItems} per batch`);
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const oldest = now - (opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  const rows: EventRow[] = [];
  const cells = new Map<string, EventCell>();
  const ids = new Set<string>();
  const byType: Record<string, number> = {};
  // Payment recipients with the first line naming each.
  const recipients = new Map<string, number>();
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const line = i + 1;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new TelemetryError('invalid', `line ${line}: not valid JSON: ${(e as Error).message}`);
    }
    const ev = envelopeSchema.safeParse(json);
    if (!ev.success) throw new TelemetryError('invalid', issue(line, ev.error).replace(/unrecognized key/i, 'unknown field'));
    const e = ev.data;
    if (e.timestamp > now + skew) throw new TelemetryError('clock_skew', `line ${line}: timestamp is in the future`);
    if (e.timestamp < oldest) throw new TelemetryError('too_old', `line ${line}: timestamp is older than the accepted window`);
    if (ids.has(e.id)) throw new TelemetryError('duplicate_event', `line ${line}: event id "${e.id}" appears twice in the batch`);
    ids.add(e.id);
    const c = cellOf(e, line);
    if (c.type === 'create_new_payment' && c.orchestrator !== '' && !recipients.has(c.orchestrator)) recipients.set(c.orchestrator, line);
    const hour = hourOf(e.timestamp);
    const key = `${hour}\u0000${c.type}\u0000${c.subtype}\u0000${c.capability}\u0000${c.orchestrator}`;
    const cell = cells.get(key) ?? { hour, ...c, events: 0, tickets: 0n, feeWei: 0n };
    cell.events++;
    cell.tickets += c.tickets;
    cell.feeWei += c.feeWei;
    cells.set(key, cell);
    byType[e.type] = (byType[e.type] ?? 0) + 1;
    rows.push({ day: dayOf(e.timestamp), eventId: e.id, type: e.type, subtype: c.subtype || null, source: e.gateway, at: e.timestamp, data: JSON.stringify(e.data) });
  });
  const contentHash: Hex = linesHash(body);
  const signer = await checkEnvelope(db, opts, { kind: 'events', gateway: headers['x-atlas-gateway'], nonce: headers['x-atlas-nonce'], sentAt: headers['x-atlas-sent-at'], count: items, contentHash, signature: headers['x-atlas-signature'] });
  const gateway = signer.toLowerCase();
  // As for job reports: only an allow-listed gateway may name a recipient the indexer has not seen register.
  if (!opts.allowList.has(gateway)) {
    const unknown = await unregisteredOrchestrators(db, recipients.keys());
    const first = [...unknown].map((a) => [a, recipients.get(a)!] as const).sort((a, b) => a[1] - b[1])[0];
    if (first) throw new TelemetryError('unknown_orchestrator', `line ${first[1]}: field "data.recipient" ${getAddress(first[0])} is not an orchestrator on chain (never registered with BondingManager); nothing was stored`);
  }
  const sorted = [...cells.values()].sort((a, b) => a.hour - b.hour || (a.type + a.subtype + a.capability + a.orchestrator < b.type + b.subtype + b.capability + b.orchestrator ? -1 : 1));
  const write = async () => {
    await ensureDayPartitions(db, 'telemetry_event', new Set(rows.map((r) => r.day)));
    await db.transaction().execute(async (trx) => {
      await claimNonce(trx, { gateway, nonce: headers['x-atlas-nonce'], hash: contentHash, kind: 'events', sentAt: headers['x-atlas-sent-at'], items });
      await trx.executeQuery(
        CompiledQuery.raw(
          `insert into telemetry_event (day, gateway, event_id, type, subtype, source, at, data) ` +
            `select d, $2, i, t, s, src, to_timestamp(a / 1000.0), j::jsonb from unnest($1::date[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[]) as x(d, i, t, s, src, a, j)`,
          [rows.map((r) => r.day), gateway, rows.map((r) => r.eventId), rows.map((r) => r.type), rows.map((r) => r.subtype), rows.map((r) => r.source), rows.map((r) => r.at), rows.map((r) => r.data)],
        ),
      );
      await trx.executeQuery(
        CompiledQuery.raw(
          `insert into telemetry_event_rollup (hour, gateway, type, subtype, capability, orchestrator, events, tickets, fee_wei) ` +
            `select to_timestamp(h / 1000.0), $2, t, s, c, o, n, k, f from unnest($1::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::int8[], $9::numeric[]) as x(h, t, s, c, o, n, k, f) ` +
            `on conflict (hour, gateway, type, subtype, capability, orchestrator) do update set events = telemetry_event_rollup.events + excluded.events, ` +
            `tickets = telemetry_event_rollup.tickets + excluded.tickets, fee_wei = telemetry_event_rollup.fee_wei + excluded.fee_wei`,
          [sorted.map((c) => c.hour), gateway, sorted.map((c) => c.type), sorted.map((c) => c.subtype), sorted.map((c) => c.capability), sorted.map((c) => c.orchestrator), sorted.map((c) => c.events), sorted.map((c) => c.tickets.toString()), sorted.map((c) => c.feeWei.toString())],
        ),
      );
    });
  };
  try {
    await write();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '23505') throw new TelemetryError('duplicate_event', `an event id of this batch was already received from ${signer}; nothing was stored`);
    if (code !== '23514') throw e;
    forgetDayPartitions(db);
    await write();
  }
  return { gateway: signer, nonce: headers['x-atlas-nonce'], contentHash, accepted: items, byType };
}
