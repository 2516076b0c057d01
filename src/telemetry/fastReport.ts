import { MAX_LATENCY_MS } from './histogram.js';
import { isRegionCode } from './regions.js';
import { MAX_JOB_MS, MODEL_ID, reportBatchSchema, type ReportBatch } from './reportSchema.js';

/**
 * Hot-path validation of a report batch: hand-written checks that accept only what reportBatchSchema
 * accepts (never more), so a valid batch skips zod; anything the checks doubt goes through zod, which
 * then throws its usual error (or accepts what these checks were too strict about).
 */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const AMOUNT = /^\d{1,30}$/;
const NONCE = /^\d{1,20}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
const MIN_EPOCH_MS = 1_577_836_800_000;
const MAX_EPOCH_MS = 4_102_444_800_000;

const isMs = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_LATENCY_MS;
const isOptMs = (v: unknown): boolean => v === undefined || isMs(v);
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_EPOCH_MS && v <= MAX_EPOCH_MS;
const isStr = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function latencyOk(v: unknown): boolean {
  if (!isPlain(v)) return false;
  for (const k in v) {
    if (k !== 'queueMs' && k !== 'uploadMs' && k !== 'processingMs' && k !== 'downloadMs' && k !== 'roundTripMs') return false;
  }
  return isMs(v.roundTripMs) && isOptMs(v.queueMs) && isOptMs(v.uploadMs) && isOptMs(v.processingMs) && isOptMs(v.downloadMs);
}

const REPORT_KEYS = new Set(['jobId', 'capability', 'model', 'orchestrator', 'region', 'startedAt', 'finishedAt', 'latency', 'segDurationMs', 'success', 'errorCode', 'pricePaid', 'units']);

function reportOk(r: unknown): boolean {
  if (!isPlain(r)) return false;
  for (const k in r) if (!REPORT_KEYS.has(k)) return false;
  const cap = r.capability;
  const capOk = typeof cap === 'number' ? Number.isSafeInteger(cap) && cap >= 0 && cap <= 255 : isStr(cap, 1, 64);
  const err = r.errorCode;
  const errOk = err === undefined || err === null || isStr(err, 1, 64);
  const hasErr = err !== undefined && err !== null;
  return (
    isStr(r.jobId, 1, 128) &&
    capOk &&
    isStr(r.model, 0, 128) && MODEL_ID.test(r.model) &&
    typeof r.orchestrator === 'string' && ADDRESS.test(r.orchestrator) &&
    typeof r.region === 'string' && isRegionCode(r.region) &&
    isEpoch(r.startedAt) &&
    isEpoch(r.finishedAt) &&
    r.finishedAt >= r.startedAt &&
    r.finishedAt - r.startedAt <= MAX_JOB_MS &&
    latencyOk(r.latency) &&
    isOptMs(r.segDurationMs) &&
    typeof r.success === 'boolean' &&
    errOk &&
    r.success !== hasErr &&
    typeof r.pricePaid === 'string' && AMOUNT.test(r.pricePaid) &&
    typeof r.units === 'string' && AMOUNT.test(r.units)
  );
}

const BATCH_KEYS = new Set(['gateway', 'nonce', 'sentAt', 'reports', 'signature']);

function batchOk(b: unknown): b is ReportBatch {
  if (!isPlain(b)) return false;
  for (const k in b) if (!BATCH_KEYS.has(k)) return false;
  if (!(typeof b.gateway === 'string' && ADDRESS.test(b.gateway))) return false;
  if (!(typeof b.nonce === 'string' && NONCE.test(b.nonce) && BigInt(b.nonce) < 2n ** 64n)) return false;
  if (!isEpoch(b.sentAt)) return false;
  if (!(typeof b.signature === 'string' && SIGNATURE.test(b.signature))) return false;
  const reports = b.reports;
  if (!Array.isArray(reports) || reports.length === 0) return false;
  for (let i = 0; i < reports.length; i++) if (!reportOk(reports[i])) return false;
  return true;
}

/** A validated report batch (the value itself when the hot-path checks pass); throws zod's error otherwise. */
export function parseReportBatch(value: unknown): ReportBatch {
  return batchOk(value) ? value : reportBatchSchema.parse(value);
}

/** True when the hot-path checks alone accept the value (for tests: zod must then accept it too). */
export function passesFastChecks(value: unknown): boolean {
  return batchOk(value);
}
