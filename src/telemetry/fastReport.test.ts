import { describe, expect, it } from 'vitest';
import { canonicalReports, canonicalReportsReference } from './batchHash.js';
import { parseReportBatch, passesFastChecks } from './fastReport.js';
import { reportBatchSchema } from './reportSchema.js';

const NOW = Date.UTC(2026, 10, 20, 12);

function batch(): Record<string, unknown> & { reports: Record<string, unknown>[] } {
  return {
    gateway: '0x' + 'ab'.repeat(20),
    nonce: '42',
    sentAt: NOW,
    signature: '0x' + '1f'.repeat(65),
    reports: [
      {
        jobId: 'job-1', capability: 'text-to-image', model: 'sdxl', orchestrator: '0x' + '11'.repeat(20), region: 'FRA', startedAt: NOW - 5000, finishedAt: NOW - 4000,
        latency: { roundTripMs: 1000, queueMs: 5 }, success: true, errorCode: null, pricePaid: '1000', units: '1',
      },
      {
        jobId: 'job-2\ttab "quoted" é', capability: 27, model: '', orchestrator: '0x' + 'AA'.repeat(20), region: 'lax', startedAt: NOW - 9000, finishedAt: NOW - 9000,
        latency: { roundTripMs: 0, uploadMs: 1, processingMs: 2, downloadMs: 3, queueMs: 0 }, segDurationMs: 2000, success: false, errorCode: 'timeout', pricePaid: '0', units: '123456789012345678901234567890',
      },
    ],
  };
}

type Mutation = [string, (b: ReturnType<typeof batch>) => void];
const r0 = (b: ReturnType<typeof batch>) => b.reports[0]!;
const MUTATIONS: Mutation[] = [
  ['unknown report field', (b) => (r0(b).extra = 1)],
  ['unknown batch field', (b) => (b.extra = 1)],
  ['unknown latency field', (b) => ((r0(b).latency as Record<string, unknown>).totalMs = 3)],
  ['bad orchestrator', (b) => (r0(b).orchestrator = '0x123')],
  ['bad gateway', (b) => (b.gateway = 'gateway')],
  ['negative latency', (b) => ((r0(b).latency as Record<string, unknown>).roundTripMs = -1)],
  ['fractional latency', (b) => ((r0(b).latency as Record<string, unknown>).queueMs = 1.5)],
  ['latency over a day', (b) => (r0(b).segDurationMs = 86_400_001)],
  ['seconds for ms', (b) => (r0(b).finishedAt = Math.floor(NOW / 1000))],
  ['finished before started', (b) => (r0(b).finishedAt = NOW - 6000)],
  ['success with error code', (b) => (r0(b).errorCode = 'timeout')],
  ['failure without error code', (b) => (r0(b).success = false)],
  ['capability id out of range', (b) => (r0(b).capability = 256)],
  ['empty capability', (b) => (r0(b).capability = '')],
  ['bad region', (b) => (r0(b).region = 'F')],
  ['fractional wei', (b) => (r0(b).pricePaid = '1.5')],
  ['numeric units', (b) => (r0(b).units = 5)],
  ['empty job id', (b) => (r0(b).jobId = '')],
  ['long model', (b) => (r0(b).model = 'm'.repeat(129))],
  ['string success', (b) => (r0(b).success = 'true')],
  ['no reports', (b) => (b.reports = [])],
  ['nonce past uint64', (b) => (b.nonce = '18446744073709551616')],
  ['short signature', (b) => (b.signature = '0x1234')],
  ['report not an object', (b) => ((b.reports as unknown[])[1] = 'x')],
  ['missing latency', (b) => delete r0(b).latency],
];

describe('hot-path report validation', () => {
  it('accepts a valid batch as zod does and returns the same value', () => {
    const b = batch();
    expect(passesFastChecks(b)).toBe(true);
    expect(parseReportBatch(b)).toEqual(reportBatchSchema.parse(b));
    expect(parseReportBatch(JSON.parse(JSON.stringify(b)))).toEqual(reportBatchSchema.parse(b));
  });

  it.each(MUTATIONS)('refuses %s with zod\'s own error', (_name, mutate) => {
    const b = batch();
    mutate(b);
    expect(passesFastChecks(b)).toBe(false);
    const zod = reportBatchSchema.safeParse(b);
    expect(zod.success).toBe(false);
    expect(() => parseReportBatch(b)).toThrow(zod.error!.message);
  });

  it('writes the same canonical JSON as the reference form, whatever the key order', () => {
    const b = batch();
    const shuffled = b.reports.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    expect(canonicalReports(b.reports as never)).toBe(canonicalReportsReference(b.reports as never));
    expect(canonicalReports(shuffled as never)).toBe(canonicalReports(b.reports as never));
    expect(JSON.parse(canonicalReports(b.reports as never))[0]).toEqual({
      jobId: 'job-1', capability: 'text-to-image', model: 'sdxl', orchestrator: '0x' + '11'.repeat(20), region: 'FRA', startedAt: NOW - 5000, finishedAt: NOW - 4000,
      latency: { queueMs: 5, uploadMs: null, processingMs: null, downloadMs: null, roundTripMs: 1000 }, segDurationMs: null, success: true, errorCode: null, pricePaid: '1000', units: '1',
    });
  });
});
