import { getAddress, type Address, type Hex } from 'viem';
import { sql, type Kysely } from 'kysely';
import { SignatureError, verifyStatement } from '../chain/typedData.js';
import type { Database } from '../store/schema.js';
import { isAuthorizedGateway, unregisteredOrchestrators } from './authorize.js';
import { reportsHash, TELEMETRY_TYPES, type BatchKind } from './batchHash.js';
import { capabilitySlug } from './capabilities.js';
import { TelemetryError } from './errors.js';
import { dayOf, ensureDayPartitions, forgetDayPartitions } from './partitions.js';
import type { ReportBatch } from './reportSchema.js';
import { insertReports, rollUp, writeRollups, type ReportRow } from './rollup.js';

/** Ingest policy. Defaults suit a public deployment; tests and benches narrow or widen them. */
export interface IngestOptions {
  /** Chain id of the EIP-712 domain gateways sign for. */
  chainId: number;
  /** Lower-case addresses accepted besides on-chain gateways. */
  allowList: ReadonlySet<string>;
  /** Largest |sentAt − now| accepted (ms, default 5 minutes). */
  maxSkewMs?: number;
  /** Most items per batch (default 10,000). */
  maxItems?: number;
  /** Oldest job accepted, as an age (ms, default 7 days): older days may already be dropped by retention. */
  maxAgeMs?: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
export const DEFAULT_MAX_ITEMS = 10_000;
export const DEFAULT_MAX_AGE_MS = 7 * 86_400_000;

export interface IngestResult {
  gateway: Address;
  nonce: string;
  contentHash: Hex;
  accepted: number;
}

/** Checks what every batch kind shares: size, clock skew, signature, signer's standing. Returns the signer. */
export async function checkEnvelope(
  db: Kysely<Database>,
  opts: IngestOptions,
  st: { kind: BatchKind; gateway: string; nonce: string; sentAt: number; count: number; contentHash: Hex; signature: string },
): Promise<Address> {
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  if (st.count > maxItems) throw new TelemetryError('batch_too_large', `batch holds ${st.count} items; the limit is ${maxItems} per batch`);
  const now = (opts.now ?? Date.now)();
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(st.sentAt - now) > skew) {
    throw new TelemetryError('clock_skew', `sentAt ${new Date(st.sentAt).toISOString()} is ${Math.round((st.sentAt - now) / 1000)} s from the server clock; at most ±${skew / 1000} s is accepted`);
  }
  let signer: Address;
  try {
    signer = await verifyStatement({
      chainId: opts.chainId,
      types: TELEMETRY_TYPES as unknown as Record<string, { name: string; type: string }[]>,
      primaryType: 'TelemetryBatch',
      message: { kind: st.kind, gateway: getAddress(st.gateway), nonce: BigInt(st.nonce), sentAt: BigInt(st.sentAt), count: st.count, contentHash: st.contentHash },
      signature: st.signature as Hex,
      claimed: getAddress(st.gateway),
    });
  } catch (e) {
    if (e instanceof SignatureError) throw new TelemetryError('bad_signature', e.message);
    throw e;
  }
  if (!(await isAuthorizedGateway(db, signer, opts.allowList))) {
    throw new TelemetryError('unknown_gateway', `${signer} is neither a gateway on chain (no TicketBroker deposit or reserve) nor on the telemetry allow-list`);
  }
  return signer;
}

/** Normalizes validated reports into stored rows; refuses the batch on the first report out of bounds. */
export function toRows(gateway: string, batch: ReportBatch, now: number, opts: IngestOptions): ReportRow[] {
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const oldest = now - (opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  const seen = new Set<string>();
  const g = gateway.toLowerCase();
  return batch.reports.map((r, i) => {
    if (r.finishedAt > now + skew) throw new TelemetryError('clock_skew', `reports[${i}].finishedAt is in the future (${new Date(r.finishedAt).toISOString()})`);
    if (r.finishedAt < oldest) throw new TelemetryError('too_old', `reports[${i}].finishedAt is older than the accepted ${Math.round((opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS) / 86_400_000)} days`);
    if (seen.has(r.jobId)) throw new TelemetryError('duplicate_job', `reports[${i}].jobId "${r.jobId}" appears twice in the batch`);
    seen.add(r.jobId);
    const capability = capabilitySlug(r.capability);
    if (capability === null) throw new TelemetryError('invalid', `reports[${i}].capability "${r.capability}" is not a known capability id or a slug`);
    return {
      gateway: g,
      jobId: r.jobId,
      capability,
      model: r.model,
      orchestrator: r.orchestrator.toLowerCase(),
      region: r.region.toUpperCase(),
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      queueMs: r.latency.queueMs ?? null,
      uploadMs: r.latency.uploadMs ?? null,
      processingMs: r.latency.processingMs ?? null,
      downloadMs: r.latency.downloadMs ?? null,
      roundTripMs: r.latency.roundTripMs,
      segDurationMs: r.segDurationMs ?? null,
      success: r.success,
      errorCode: r.errorCode ?? null,
      pricePaid: BigInt(r.pricePaid),
      units: BigInt(r.units),
    };
  });
}

const pgCode = (e: unknown): string | undefined => (e as { code?: string })?.code;

/** Claims (gateway, nonce) inside the write transaction; a second claim is a replay. */
export async function claimNonce(trx: Kysely<Database>, row: { gateway: string; nonce: string; hash: string; kind: BatchKind; sentAt: number; items: number }): Promise<void> {
  const res = await sql<{ gateway: string }>`
    insert into telemetry_batch (gateway, nonce, batch_hash, kind, sent_at, items)
    values (${row.gateway}, ${row.nonce}::numeric, ${row.hash}, ${row.kind}, to_timestamp(${row.sentAt}::float8 / 1000.0), ${row.items})
    on conflict (gateway, nonce) do nothing returning gateway`.execute(trx);
  if (res.rows.length === 0) throw new TelemetryError('replay', `batch nonce ${row.nonce} of ${getAddress(row.gateway)} was already accepted; use a new nonce per batch`);
}

/**
 * Verifies and stores one signed batch of job reports: the nonce, the raw reports and their rollups are
 * written in one transaction, so a refused batch leaves nothing behind.
 */
export async function ingestReportBatch(db: Kysely<Database>, batch: ReportBatch, opts: IngestOptions): Promise<IngestResult> {
  const now = (opts.now ?? Date.now)();
  const contentHash = reportsHash(batch.reports);
  const signer = await checkEnvelope(db, opts, { kind: 'reports', gateway: batch.gateway, nonce: batch.nonce, sentAt: batch.sentAt, count: batch.reports.length, contentHash, signature: batch.signature });
  const rows = toRows(signer, batch, now, opts);
  // The operator's allow-list vouches for its gateways (and lets them report before the indexer reaches an
  // orchestrator's registration); any other signer reports only jobs of orchestrators on chain.
  if (!opts.allowList.has(signer.toLowerCase())) {
    const unknown = await unregisteredOrchestrators(db, rows.map((r) => r.orchestrator));
    const i = rows.findIndex((r) => unknown.has(r.orchestrator));
    if (i >= 0) throw new TelemetryError('unknown_orchestrator', `reports[${i}].orchestrator ${getAddress(rows[i]!.orchestrator)} is not an orchestrator on chain (never registered with BondingManager); nothing was stored`);
  }
  const cells = rollUp(rows);
  const write = async () => {
    // Day numbers first: one date string per distinct day rather than one per report.
    const dayNumbers = new Set(rows.map((r) => Math.floor(r.finishedAt / 86_400_000)));
    await ensureDayPartitions(db, 'telemetry_report', new Set([...dayNumbers].map((d) => dayOf(d * 86_400_000))));
    await db.transaction().execute(async (trx) => {
      await claimNonce(trx, { gateway: signer.toLowerCase(), nonce: batch.nonce, hash: contentHash, kind: 'reports', sentAt: batch.sentAt, items: rows.length });
      await insertReports(trx, rows, BigInt(batch.nonce));
      await writeRollups(trx, cells);
    });
  };
  try {
    await write();
  } catch (e) {
    if (pgCode(e) === '23505') throw new TelemetryError('duplicate_job', `a job id of this batch was already reported by ${signer}; nothing was stored`);
    // 23514: no partition for a day (another process's retention dropped it after we cached it): recreate once.
    if (pgCode(e) !== '23514') throw e;
    forgetDayPartitions(db);
    await write();
  }
  return { gateway: signer, nonce: batch.nonce, contentHash, accepted: rows.length };
}
