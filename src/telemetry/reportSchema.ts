import { z } from 'zod';
import { MAX_LATENCY_MS } from './histogram.js';
import { isRegionCode, REGION_RULE } from './regions.js';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');
const ms = z.number().int().min(0).max(MAX_LATENCY_MS);
/** Unix time in ms between 2020 and 2100: catches seconds sent for milliseconds. */
const epochMs = z.number().int().min(1_577_836_800_000, 'must be Unix time in milliseconds').max(4_102_444_800_000, 'must be Unix time in milliseconds');
// One job's amounts stay far below 10^30 (a trillion ETH), so sums over any number of reports fit the
// numeric(78,0) rollup columns; 78 digits overflowed a cell at the second report.
export const MAX_AMOUNT_DIGITS = 30;
const wei = z.string().regex(/^\d{1,30}$/, `must be a whole number of wei as a decimal string of at most ${MAX_AMOUNT_DIGITS} digits`);
const count = z.string().regex(/^\d{1,30}$/, `must be a whole number as a decimal string of at most ${MAX_AMOUNT_DIGITS} digits`);
/** Longest job accepted (a live stream included): finishedAt − startedAt, ms. */
export const MAX_JOB_MS = 24 * 3_600_000;
/** A model id as go-livepeer and Hugging Face name them (stabilityai/sd-turbo, llama3.1:8b): no markup, no control characters. */
export const MODEL_ID = /^(?:[\p{L}\p{N}][\p{L}\p{N}._:/@+ -]{0,127})?$/u;
export const MODEL_RULE = 'must be a model id (letters, digits and . _ : / @ + - or space, starting with a letter or digit)';

/** Latency parts of one job (ms). roundTripMs is what the gateway waited end to end. */
export const latencySchema = z.strictObject({
  queueMs: ms.optional(),
  uploadMs: ms.optional(),
  processingMs: ms.optional(),
  downloadMs: ms.optional(),
  roundTripMs: ms,
});

/** One job outcome as a gateway reports it. Unknown fields are refused so a typo never drops data silently. */
export const jobReportSchema = z
  .strictObject({
    jobId: z.string().min(1).max(128),
    capability: z.union([z.string().min(1).max(64), z.number().int().min(0).max(255)]),
    model: z.string().max(128).regex(MODEL_ID, MODEL_RULE),
    orchestrator: address,
    region: z.string().refine(isRegionCode, REGION_RULE),
    startedAt: epochMs,
    finishedAt: epochMs,
    latency: latencySchema,
    segDurationMs: ms.optional(),
    success: z.boolean(),
    errorCode: z.string().min(1).max(64).nullable().optional(),
    pricePaid: wei,
    units: count,
  })
  .refine((r) => r.finishedAt >= r.startedAt, { message: 'finishedAt must not be before startedAt', path: ['finishedAt'] })
  .refine((r) => r.finishedAt - r.startedAt <= MAX_JOB_MS, { message: 'a job lasts at most 24 hours (finishedAt − startedAt)', path: ['finishedAt'] })
  .refine((r) => r.success || (r.errorCode ?? null) !== null, { message: 'a failed job must carry an errorCode', path: ['errorCode'] })
  .refine((r) => !r.success || (r.errorCode ?? null) === null, { message: 'a successful job must not carry an errorCode', path: ['errorCode'] });

export type JobReportInput = z.input<typeof jobReportSchema>;
export type JobReport = z.output<typeof jobReportSchema>;

/** A signed batch of job reports: EIP-712 TelemetryBatch over the hash of `reports` (see batchHash.ts). */
export const reportBatchSchema = z.strictObject({
  gateway: address,
  nonce: z.string().regex(/^\d{1,20}$/, 'must be a uint64 as a decimal string').refine((s) => BigInt(s) < 2n ** 64n, 'must fit in uint64'),
  sentAt: epochMs,
  reports: z.array(jobReportSchema).min(1, 'a batch carries at least one report'),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x-prefixed hex signature'),
});

export type ReportBatchInput = z.input<typeof reportBatchSchema>;
export type ReportBatch = z.output<typeof reportBatchSchema>;

/** The Livepeer gateway event envelope, one per JSON line. */
export const EVENT_TYPES = ['create_new_payment', 'stream_trace', 'ai_stream_status', 'discovery_results'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const envelopeSchema = z.strictObject({
  id: z.string().min(1).max(128),
  type: z.enum(EVENT_TYPES),
  // go-livepeer writes Unix milliseconds, as a number or a decimal string.
  timestamp: z.union([epochMs, z.string().regex(/^\d{13}$/).transform(Number).pipe(epochMs)]),
  gateway: z.string().max(256),
  // The data vocabulary grows with gateway versions: the fields Atlas reads are checked by type, the rest is kept as sent.
  data: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]),
});

export type Envelope = z.output<typeof envelopeSchema>;

const numberish = z.union([z.number(), z.string().max(100)]);

export const paymentDataSchema = z.object({
  capability: z.union([z.string().max(64), z.number()]).optional(),
  sessionID: z.string().max(256).optional(),
  recipient: z.string().max(64).optional(),
  sender: z.string().max(64).optional(),
  orchestrator: z.string().max(256).optional(),
  faceValue: numberish,
  winProb: numberish,
  numTickets: numberish.optional(),
  price: numberish.optional(),
});

export const traceDataSchema = z.object({
  type: z.string().max(128).optional(),
  subtype: z.string().max(128).optional(),
  pipeline: z.string().max(64).optional(),
  capability: z.union([z.string().max(64), z.number()]).optional(),
  orchestrator_info: z.object({ address: z.string().max(64).optional() }).passthrough().optional(),
});

export const streamStatusDataSchema = z.object({
  pipeline: z.string().max(64).optional(),
  orchestrator_info: z.object({ address: z.string().max(64).optional() }).passthrough().optional(),
  inference_status: z.object({ restart_count: z.number().optional(), last_error: z.string().nullable().optional(), fps: z.number().optional() }).passthrough().optional(),
  input_status: z.object({ fps: z.number().optional() }).passthrough().optional(),
  input_fps: z.number().optional(),
  output_fps: z.number().optional(),
  restart_count: z.number().optional(),
  last_error: z.string().nullable().optional(),
});

export const discoveryDataSchema = z.union([
  z.array(z.object({ address: z.string().max(64).optional(), latency_ms: numberish.optional(), url: z.string().max(256).optional() }).passthrough()),
  z.object({ orchestrators: z.array(z.unknown()).optional() }).passthrough(),
]);
