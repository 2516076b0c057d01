import { createHash } from 'node:crypto';
import type { Address, Hex, LocalAccount } from 'viem';
import { atlasDomain } from '../chain/typedData.js';
import type { JobReportInput } from './reportSchema.js';

/**
 * What a gateway signs (EIP-712, domain atlasDomain(chainId)): the batch kind, its sender and nonce, when it
 * was sent, how many items it holds and the SHA-256 of its content. `reports` batches hash the canonical
 * JSON of their reports (below); `events` batches hash the JSON-lines body bytes exactly as sent. SHA-256
 * rather than keccak256: batches run to megabytes, and SHA-256 is native in Node and WebCrypto.
 */
export const TELEMETRY_TYPES = {
  TelemetryBatch: [
    { name: 'kind', type: 'string' },
    { name: 'gateway', type: 'address' },
    { name: 'nonce', type: 'uint64' },
    { name: 'sentAt', type: 'uint64' },
    { name: 'count', type: 'uint32' },
    { name: 'contentHash', type: 'bytes32' },
  ],
} as const;

export type BatchKind = 'reports' | 'events';

export interface BatchStatement {
  kind: BatchKind;
  gateway: Address;
  nonce: bigint;
  sentAt: bigint;
  count: number;
  contentHash: Hex;
}

const FIELDS = ['jobId', 'capability', 'model', 'orchestrator', 'region', 'startedAt', 'finishedAt', 'latency', 'segDurationMs', 'success', 'errorCode', 'pricePaid', 'units'] as const;
const LATENCY = ['queueMs', 'uploadMs', 'processingMs', 'downloadMs', 'roundTripMs'] as const;

/**
 * Canonical JSON of reports: fields in the order of FIELDS (latency parts in LATENCY order), absent optional
 * fields as null, values exactly as sent. Key order in the request body therefore does not matter.
 */
export function canonicalReports(reports: readonly JobReportInput[]): string {
  // One JSON.stringify over reordered copies: V8's serializer beats assembling the text by hand.
  const out: Record<string, unknown>[] = new Array<Record<string, unknown>>(reports.length);
  for (let i = 0; i < reports.length; i++) {
    const r = reports[i]!;
    const lat = r.latency;
    out[i] = {
      jobId: r.jobId ?? null, capability: r.capability ?? null, model: r.model ?? null, orchestrator: r.orchestrator ?? null, region: r.region ?? null,
      startedAt: r.startedAt ?? null, finishedAt: r.finishedAt ?? null,
      latency: { queueMs: lat.queueMs ?? null, uploadMs: lat.uploadMs ?? null, processingMs: lat.processingMs ?? null, downloadMs: lat.downloadMs ?? null, roundTripMs: lat.roundTripMs ?? null },
      segDurationMs: r.segDurationMs ?? null, success: r.success ?? null, errorCode: r.errorCode ?? null, pricePaid: r.pricePaid ?? null, units: r.units ?? null,
    };
  }
  return JSON.stringify(out);
}

/** The reference form of canonicalReports, field order taken from FIELDS and LATENCY; tests hold the two equal. */
export function canonicalReportsReference(reports: readonly JobReportInput[]): string {
  const parts: string[] = [];
  for (const r of reports) {
    const lat = r.latency as Record<string, unknown>;
    const latency: Record<string, unknown> = {};
    for (const k of LATENCY) latency[k] = lat[k] ?? null;
    const o: Record<string, unknown> = {};
    for (const k of FIELDS) o[k] = k === 'latency' ? latency : ((r as Record<string, unknown>)[k] ?? null);
    parts.push(JSON.stringify(o));
  }
  return `[${parts.join(',')}]`;
}

const sha256 = (data: string | Uint8Array): Hex => `0x${createHash('sha256').update(data).digest('hex')}`;

/** SHA-256 of the canonical JSON (UTF-8) of reports. */
export function reportsHash(reports: readonly JobReportInput[]): Hex {
  return sha256(canonicalReports(reports));
}

/** SHA-256 of a JSON-lines body as sent (UTF-8 bytes). */
export function linesHash(body: string | Uint8Array): Hex {
  return sha256(body);
}

/** Signs a batch statement with a gateway's local account (gateways, tests and the load generator). */
export async function signBatch(account: LocalAccount, chainId: number, st: BatchStatement): Promise<Hex> {
  return account.signTypedData({ domain: atlasDomain(chainId), types: TELEMETRY_TYPES, primaryType: 'TelemetryBatch', message: { ...st } });
}

/** A signed JSON batch body for POST /api/v1/telemetry/reports. */
export async function signedReportBatch(
  account: LocalAccount,
  chainId: number,
  args: { nonce: bigint; sentAt: number; reports: JobReportInput[] },
): Promise<{ gateway: Address; nonce: string; sentAt: number; reports: JobReportInput[]; signature: Hex }> {
  const signature = await signBatch(account, chainId, {
    kind: 'reports',
    gateway: account.address,
    nonce: args.nonce,
    sentAt: BigInt(args.sentAt),
    count: args.reports.length,
    contentHash: reportsHash(args.reports),
  });
  return { gateway: account.address, nonce: args.nonce.toString(), sentAt: args.sentAt, reports: args.reports, signature };
}

/** Headers that sign a JSON-lines body for POST /api/v1/telemetry/events. */
export async function signedEventHeaders(account: LocalAccount, chainId: number, args: { nonce: bigint; sentAt: number; body: string }): Promise<Record<string, string>> {
  const count = args.body.split('\n').filter((l) => l.trim() !== '').length;
  const signature = await signBatch(account, chainId, { kind: 'events', gateway: account.address, nonce: args.nonce, sentAt: BigInt(args.sentAt), count, contentHash: linesHash(args.body) });
  return {
    'x-atlas-gateway': account.address,
    'x-atlas-nonce': args.nonce.toString(),
    'x-atlas-sent-at': String(args.sentAt),
    'x-atlas-signature': signature,
  };
}
