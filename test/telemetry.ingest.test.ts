import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedReportBatch } from '../src/telemetry/batchHash.js';
import { TelemetryError } from '../src/telemetry/errors.js';
import { ingestReportBatch, type IngestOptions } from '../src/telemetry/ingest.js';
import { parseReportBatch } from '../src/telemetry/fastReport.js';
import { reportBatchSchema, type JobReportInput } from '../src/telemetry/reportSchema.js';
import { orchestratorPerformance } from '../src/telemetry/stats.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { putTranscoder } from './helpers/registry.js';
import { countRows, putGateway, report, testAccount } from './helpers/telemetry.js';

const CHAIN = 31337;
const NOW = Date.UTC(2026, 10, 20, 12, 30, 0);
const onChain = testAccount('on-chain-gateway');
const allowed = testAccount('allow-listed');
const stranger = testAccount('stranger');
const drained = testAccount('drained-gateway');
const O1 = '0x00000000000000000000000000000000000000a1';
const O2 = '0x00000000000000000000000000000000000000a2';

const opts: IngestOptions = { chainId: CHAIN, allowList: new Set([allowed.address.toLowerCase()]), now: () => NOW, maxItems: 50 };
const at = (minAgo: number) => NOW - minAgo * 60_000;

async function expectRefused(p: Promise<unknown>, status: number, reason: string): Promise<TelemetryError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TelemetryError);
  expect((e as TelemetryError).status).toBe(status);
  expect((e as TelemetryError).reason).toBe(reason);
  return e as TelemetryError;
}

describe.each(dbKinds)('telemetry ingest on %s', (kind) => {
  let t: TestDb;
  let nonce = 1n;
  const batch = async (account = onChain, reports: JobReportInput[], over: { nonce?: bigint; sentAt?: number } = {}) =>
    reportBatchSchema.parse(await signedReportBatch(account, CHAIN, { nonce: over.nonce ?? nonce++, sentAt: over.sentAt ?? NOW, reports }));
  const counts = async () => ({ batches: await countRows(t.db, 'telemetry_batch'), reports: await countRows(t.db, 'telemetry_report'), rollups: await countRows(t.db, 'telemetry_rollup'), errors: await countRows(t.db, 'telemetry_rollup_error') });

  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: true });
    await putGateway(t.db, onChain.address, 10n ** 18n, 0n);
    await putGateway(t.db, drained.address, 0n, 0n);
    for (const o of [O1, O2, '0x1111111111111111111111111111111111111111']) await putTranscoder(t.db, o, 10n ** 21n);
  });
  afterAll(async () => t?.close());

  it('stores free text exactly: quotes, backslashes, braces, commas, tabs, newlines, NULL and non-ASCII in job ids and error codes; models as named', async () => {
    const odd = ['q"uote', 'back\\slash', '{br,aces}', 'tab\there', 'new\nline', 'NULL', '', 'モデル ✓', 'emoji 🚀 "x"\\'];
    const models = ['stabilityai/sd-turbo', 'llama3.1:8b', 'NULL', '', 'モデル', 'a.b_c-d@e+f', 'ByteDance/SDXL-Lightning', 'm', 'x y'];
    const reports = odd.map((m, i) =>
      report({ jobId: `odd-${i}-${m}`, model: models[i]!, orchestrator: O2, finishedAt: at(30), startedAt: at(31), ...(i % 2 ? { success: false, errorCode: `err ${m || 'x'}`, pricePaid: '0', units: '0' } : {}) }),
    );
    const before = await counts();
    await ingestReportBatch(t.db, await batch(onChain, reports), { ...opts, maxItems: 100 });
    const raw = await sql<{ job_id: string; model: string; error_code: string | null }>`select job_id, model, error_code from telemetry_report where job_id like 'odd-%'`.execute(t.db);
    expect(new Map(raw.rows.map((r) => [r.job_id, [r.model, r.error_code]]))).toEqual(new Map(reports.map((r) => [r.jobId, [r.model, r.errorCode]])));
    const cells = await sql<{ model: string; jobs: string }>`select model, jobs::text from telemetry_rollup where orchestrator = ${O2} and model = any(${models})`.execute(t.db);
    expect(new Map(cells.rows.map((r) => [r.model, r.jobs]))).toEqual(new Map(models.map((m) => [m, '1'])));
    const errs = await sql<{ error_code: string; model: string }>`select error_code, model from telemetry_rollup_error where orchestrator = ${O2} and error_code like 'err %'`.execute(t.db);
    expect(errs.rows.map((r) => r.error_code).sort()).toEqual(reports.filter((r) => !r.success).map((r) => r.errorCode).sort());
    const modelOf = new Map(reports.map((r) => [r.errorCode, r.model]));
    expect(errs.rows.every((r) => modelOf.get(r.error_code) === r.model)).toBe(true);
    // Rolled back so the counts the other tests expect are untouched.
    await sql`delete from telemetry_report where job_id like 'odd-%'`.execute(t.db);
    await sql`delete from telemetry_rollup where orchestrator = ${O2}`.execute(t.db);
    await sql`delete from telemetry_rollup_daily where orchestrator = ${O2}`.execute(t.db);
    await sql`delete from telemetry_rollup_error where orchestrator = ${O2}`.execute(t.db);
    await sql`delete from telemetry_batch where items = ${odd.length}`.execute(t.db);
    expect(await counts()).toEqual(before);
  });

  it('stores a signed batch from an on-chain gateway: raw rows, hourly rollups, error counts', async () => {
    const reports = [
      report({ jobId: 'a', orchestrator: O1, finishedAt: at(20), startedAt: at(21), latency: { roundTripMs: 1000, processingMs: 800 }, pricePaid: '5000', units: '2' }),
      report({ jobId: 'b', orchestrator: O1, finishedAt: at(10), startedAt: at(11), latency: { roundTripMs: 2000, processingMs: 1500 }, pricePaid: '7000', units: '3' }),
      report({ jobId: 'c', orchestrator: O1, finishedAt: at(5), startedAt: at(6), latency: { roundTripMs: 30_000 }, success: false, errorCode: 'timeout', pricePaid: '0', units: '0' }),
      report({ jobId: 'd', orchestrator: O2, region: 'lax', capability: 27, finishedAt: at(45), startedAt: at(46), latency: { roundTripMs: 500 } }),
    ];
    const res = await ingestReportBatch(t.db, await batch(onChain, reports), opts);
    expect(res.accepted).toBe(4);
    expect(await counts()).toEqual({ batches: 1, reports: 4, rollups: 2, errors: 1 });
    const rows = await sql<Record<string, string>>`select orchestrator, region, capability, jobs::text, successes::text, round_trip_sum_ms::text as rtt, processing_sum_ms::text as proc, price_paid::text as paid, units::text, hour from telemetry_rollup order by orchestrator`.execute(t.db);
    expect(rows.rows.map(({ hour: _h, ...r }) => r)).toEqual([
      { orchestrator: O1, region: 'FRA', capability: 'text-to-image', jobs: '3', successes: '2', rtt: '3000', proc: '2300', paid: '12000', units: '5' },
      { orchestrator: O2, region: 'LAX', capability: 'text-to-image', jobs: '1', successes: '1', rtt: '500', proc: '0', paid: '1000', units: '1' },
    ]);
    expect(new Date(rows.rows[0]!.hour!).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(new Date(rows.rows[1]!.hour!).toISOString()).toBe('2026-11-20T11:00:00.000Z');
    const err = await sql<{ error_code: string; count: string }>`select error_code, count::text from telemetry_rollup_error`.execute(t.db);
    expect(err.rows).toEqual([{ error_code: 'timeout', count: '1' }]);
  });

  it('answers per-(orchestrator, capability, model) success rate and latency percentiles', async () => {
    const perf = await orchestratorPerformance(t.db, { since: new Date(NOW - 86_400_000) });
    expect(perf).toEqual([
      { orchestrator: O1, capability: 'text-to-image', model: 'sdxl', jobs: 3, successes: 2, successRate: 2 / 3, meanRoundTripMs: 1500, p50Ms: 1000, p95Ms: 2000, p99Ms: 2000 },
      { orchestrator: O2, capability: 'text-to-image', model: 'sdxl', jobs: 1, successes: 1, successRate: 1, meanRoundTripMs: 500, p50Ms: 500, p95Ms: 500, p99Ms: 500 },
    ]);
    expect(await orchestratorPerformance(t.db, { since: new Date(NOW - 86_400_000), orchestrator: O2, region: 'FRA' })).toEqual([]);
  });

  it('accepts an allow-listed signer and refuses others: unknown, drained deposit', async () => {
    await ingestReportBatch(t.db, await batch(allowed, [report({ jobId: 'x1', finishedAt: at(1), startedAt: at(2) })]), opts);
    const before = await counts();
    await expectRefused(ingestReportBatch(t.db, await batch(stranger, [report({ jobId: 'x2', finishedAt: at(1), startedAt: at(2) })]), opts), 403, 'unknown_gateway');
    await expectRefused(ingestReportBatch(t.db, await batch(drained, [report({ jobId: 'x3', finishedAt: at(1), startedAt: at(2) })]), opts), 403, 'unknown_gateway');
    expect(await counts()).toEqual(before);
  });

  it('refuses bad signatures: tampered report, another signer, garbage', async () => {
    const before = await counts();
    const b = await batch(onChain, [report({ jobId: 't1', finishedAt: at(1), startedAt: at(2) })]);
    const tampered = { ...b, reports: [{ ...b.reports[0]!, pricePaid: '1' }] };
    const e = await expectRefused(ingestReportBatch(t.db, tampered, opts), 401, 'bad_signature');
    expect(e.message).toContain('not by the claimed signer');
    const other = await batch(stranger, [report({ jobId: 't2', finishedAt: at(1), startedAt: at(2) })]);
    await expectRefused(ingestReportBatch(t.db, { ...other, gateway: onChain.address }, opts), 401, 'bad_signature');
    await expectRefused(ingestReportBatch(t.db, { ...b, signature: `0x${'11'.repeat(65)}` }, opts), 401, 'bad_signature');
    // Signed for another chain: the domain's chainId differs.
    await expectRefused(ingestReportBatch(t.db, b, { ...opts, chainId: 42161 }), 401, 'bad_signature');
    expect(await counts()).toEqual(before);
  });

  it('refuses a replayed nonce and a job id already stored, writing nothing', async () => {
    const b = await batch(onChain, [report({ jobId: 'r1', finishedAt: at(1), startedAt: at(2) })]);
    await ingestReportBatch(t.db, b, opts);
    const before = await counts();
    await expectRefused(ingestReportBatch(t.db, b, opts), 409, 'replay');
    // Fresh nonce, but job r1 is stored already and r2 is new: the whole batch is refused.
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, [report({ jobId: 'r2', finishedAt: at(1), startedAt: at(2) }), report({ jobId: 'r1', finishedAt: at(1), startedAt: at(2) })]), opts), 409, 'duplicate_job');
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, [report({ jobId: 'r3', finishedAt: at(1), startedAt: at(2) }), report({ jobId: 'r3', finishedAt: at(1), startedAt: at(2) })]), opts), 409, 'duplicate_job');
    expect(await counts()).toEqual(before);
  });

  it('refuses clock skew, future and too old jobs, oversized batches', async () => {
    const before = await counts();
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, [report({ jobId: 's1', finishedAt: at(1), startedAt: at(2) })], { sentAt: NOW - 10 * 60_000 }), opts), 400, 'clock_skew');
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, [report({ jobId: 's2', finishedAt: NOW + 3_600_000, startedAt: NOW })]), opts), 400, 'clock_skew');
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, [report({ jobId: 's3', finishedAt: NOW - 8 * 86_400_000, startedAt: NOW - 8 * 86_400_000 - 1 })]), opts), 400, 'too_old');
    const many = Array.from({ length: 51 }, (_, i) => report({ jobId: `big${i}`, finishedAt: at(1), startedAt: at(2) }));
    await expectRefused(ingestReportBatch(t.db, await batch(onChain, many), opts), 413, 'batch_too_large');
    expect(await counts()).toEqual(before);
  });

  it('refuses malformed reports and unknown fields at validation', () => {
    const good = { gateway: onChain.address, nonce: '9', sentAt: NOW, reports: [report({ jobId: 'm', finishedAt: at(1), startedAt: at(2) })], signature: `0x${'11'.repeat(65)}` };
    expect(reportBatchSchema.safeParse(good).success).toBe(true);
    const bad = (patch: Record<string, unknown>, r: Record<string, unknown> = {}) => reportBatchSchema.safeParse({ ...good, ...patch, reports: [{ ...good.reports[0], ...r }] });
    expect(bad({ extra: 1 }).success).toBe(false);
    expect(bad({}, { colour: 'red' }).success).toBe(false);
    expect(bad({}, { latency: { roundTripMs: 1, warpMs: 2 } }).success).toBe(false);
    expect(bad({}, { success: false, errorCode: null }).success).toBe(false);
    expect(bad({}, { success: true, errorCode: 'x' }).success).toBe(false);
    expect(bad({}, { finishedAt: at(3) }).success).toBe(false);
    expect(bad({}, { startedAt: 1_700_000_000 }).success).toBe(false);
    expect(bad({}, { pricePaid: '1.5' }).success).toBe(false);
    expect(bad({}, { orchestrator: '0x12' }).success).toBe(false);
    expect(bad({ nonce: '18446744073709551616' }).success).toBe(false);
    expect(reportBatchSchema.safeParse({ ...good, reports: [] }).success).toBe(false);
  });

  it('stores raw rows exactly as reported: text needing COPY escapes, absent latencies as NULL, 30-digit amounts', async () => {
    const big = '9'.repeat(30);
    const reports = [
      report({ jobId: 'tab\there\\back\nline\r"q" é', model: 'm.N', orchestrator: O2, finishedAt: at(30), startedAt: at(31), latency: { roundTripMs: 700, queueMs: 0 }, segDurationMs: 2000, pricePaid: big, units: big }),
      report({ jobId: 'plain', errorCode: 'err\tcode', success: false, orchestrator: O2, finishedAt: at(30), startedAt: at(30), latency: { roundTripMs: 0 } }),
    ];
    const before = await counts();
    await ingestReportBatch(t.db, await batch(onChain, reports), opts);
    const rows = await sql<Record<string, string | number | boolean | null>>`
      select job_id, model, queue_ms, upload_ms, round_trip_ms, seg_duration_ms, success, error_code, price_paid::text as paid, units::text, day::text as day,
        (extract(epoch from started_at) * 1000)::int8::text as started, (extract(epoch from finished_at) * 1000)::int8::text as finished
      from telemetry_report where job_id in ('plain', ${reports[0]!.jobId}) order by job_id`.execute(t.db);
    expect(rows.rows).toEqual([
      { job_id: 'plain', model: 'sdxl', queue_ms: null, upload_ms: null, round_trip_ms: 0, seg_duration_ms: null, success: false, error_code: 'err\tcode', paid: '1000', units: '1', day: '2026-11-20', started: String(at(30)), finished: String(at(30)) },
      { job_id: reports[0]!.jobId, model: 'm.N', queue_ms: 0, upload_ms: null, round_trip_ms: 700, seg_duration_ms: 2000, success: true, error_code: null, paid: big, units: big, day: '2026-11-20', started: String(at(31)), finished: String(at(30)) },
    ]);
    expect((await counts()).reports).toBe(before.reports + 2);
  });

  it('refuses what no real job can be: huge amounts, a five-year job, an orchestrator not on chain, an unknown region, markup in a model', async () => {
    const before = await counts();
    const huge = '9'.repeat(78);
    const ok = (over: Partial<JobReportInput>, id: string) => report({ jobId: id, orchestrator: O1, finishedAt: at(1), startedAt: at(2), ...over });
    // Two 78-digit amounts in one rollup cell overflowed numeric(78,0): a 500 with nothing said.
    const big = (await signedReportBatch(onChain, CHAIN, { nonce: nonce++, sentAt: NOW, reports: [ok({ pricePaid: huge }, 'h1'), ok({ pricePaid: huge }, 'h2')] })) as unknown;
    expect(() => parseReportBatch(big)).toThrow(/pricePaid/);
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ units: huge }, 'h3')] })).toThrow(/units/);
    const fiveYears = 5 * 365 * 86_400_000;
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ startedAt: at(1) - fiveYears }, 'd1')] })).toThrow(/24 hours/);
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ region: 'ZZZZZZZZ' }, 'r1')] })).toThrow(/region/);
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ region: 'ZZ' }, 'r2')] })).toThrow(/region/);
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ model: '<img src=x onerror=alert(1)>' }, 'm1')] })).toThrow(/model/);
    expect(() => parseReportBatch({ ...(big as object), reports: [ok({ model: 'a\u0007b' }, 'm2')] })).toThrow(/model/);
    // Regions: metro codes and ISO 3166 countries, any case.
    for (const region of ['FRA', 'lax', 'DE', 'us', 'SIN']) expect(() => parseReportBatch({ ...(big as object), reports: [ok({ region }, `g-${region}`)] }), region).not.toThrow(/region/);
    // An on-chain gateway cannot report jobs of addresses that never registered as orchestrators.
    const ghost = '0x00000000000000000000000000000000000000ff';
    const e = await expectRefused(ingestReportBatch(t.db, await batch(onChain, [ok({}, 'o1'), ok({ orchestrator: ghost }, 'o2')]), opts), 400, 'unknown_orchestrator');
    expect(e.message).toContain('reports[1].orchestrator');
    expect(await counts()).toEqual(before);
  });
});
