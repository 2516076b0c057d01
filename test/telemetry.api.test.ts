import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { signedEventHeaders, signedReportBatch } from '../src/telemetry/batchHash.js';
import type { JobReportInput } from '../src/telemetry/reportSchema.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { putTranscoder } from './helpers/registry.js';
import { countRows, putGateway, report, testAccount } from './helpers/telemetry.js';

const CHAIN = 31337;
const NOW = Date.UTC(2026, 10, 20, 12, 30, 0);
const gw = testAccount('api-gateway');
const onChain = testAccount('api-on-chain');
const stranger = testAccount('api-stranger');
const O1 = '0x00000000000000000000000000000000000000b1';
const O2 = '0x00000000000000000000000000000000000000b2';
const O3 = '0x00000000000000000000000000000000000000b3';
const O4 = '0x00000000000000000000000000000000000000b4';
const at = (minAgo: number) => NOW - minAgo * 60_000;

type Json = Record<string, unknown>;

describe.each(dbKinds)('telemetry API on %s', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof createApp>;
  let nonce = 100n;
  const post = (path: string, body: string, headers: Record<string, string> = {}, type = 'application/json') =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': type, ...headers } });
  const postBatch = async (reports: JobReportInput[], account = gw, sentAt = NOW, n = nonce++) => post('/api/v1/telemetry/reports', JSON.stringify(await signedReportBatch(account, CHAIN, { nonce: n, sentAt, reports })));
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string; details?: { reason: string } } }).error });

  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: true });
    await putGateway(t.db, onChain.address, 0n, 5n * 10n ** 17n);
    for (const o of [O1, O2, O3, O4]) await putTranscoder(t.db, o, 10n ** 21n);
    app = createApp({
      db: t.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null,
      telemetry: { chainId: CHAIN, allowList: [gw.address], now: () => NOW, retention: false, maxItems: 100 },
    });
    const r = (jobId: string, orchestrator: string, rtt: number, over: Partial<JobReportInput> = {}) =>
      report({ jobId, orchestrator, startedAt: at(30), finishedAt: at(20), latency: { roundTripMs: rtt }, ...over });
    // Hand-built AI case (text-to-image / sdxl / FRA): O1 3 of 4 succeed (1000, 1000, 2000 ms), O2 2 of 2 (500, 1000 ms).
    const ai = [
      r('ai1', O1, 1000), r('ai2', O1, 1000), r('ai3', O1, 2000), r('ai4', O1, 9000, { success: false, errorCode: 'inference_error' }),
      r('ai5', O2, 500), r('ai6', O2, 1000),
    ];
    // Hand-built transcoding case (LAX): O3 2 of 2 (1000 and 3000 ms, 2 s segments), O4 1 of 2 (1000 ms, 2 s segment).
    const tr = (jobId: string, orchestrator: string, rtt: number, over: Partial<JobReportInput> = {}) => r(jobId, orchestrator, rtt, { capability: 0, model: '', region: 'LAX', segDurationMs: 2000, ...over });
    const transcoding = [tr('t1', O3, 1000), tr('t2', O3, 3000), tr('t3', O4, 1000), tr('t4', O4, 4000, { success: false, errorCode: 'timeout', segDurationMs: undefined })];
    expect((await postBatch(ai)).status).toBe(200);
    const res = await postBatch(transcoding, onChain);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 4, gateway: onChain.address });
  });
  afterAll(async () => t?.close());

  it('scores AI jobs with k set so the median successful round trip scores 0.8', async () => {
    const { status, body } = await get(`/api/aggregated_stats?pipeline=text-to-image&model=sdxl&region=FRA&since=${(NOW - 3_600_000) / 1000}`);
    expect(status).toBe(200);
    // Successful RTTs 500, 1000, 1000, 1000, 2000 ms: median 1 s, so e^(−k·R) = 1.25^(−R/1 s).
    const o1 = { sr: 3 / 4, rts: Math.pow(1.25, -(4000 / 3) / 1000) };
    const o2 = { sr: 1, rts: Math.pow(1.25, -0.75) };
    expect(Object.keys(body)).toEqual([O2, O1]);
    const s = body as Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>>;
    expect(s[O1]!.FRA!.success_rate).toBe(0.75);
    expect(s[O1]!.FRA!.round_trip_score).toBeCloseTo(o1.rts, 12);
    expect(s[O1]!.FRA!.score).toBeCloseTo(0.65 * o1.sr + 0.35 * o1.rts, 12);
    expect(s[O1]!.FRA!.score).toBeCloseTo(0.747428, 5);
    expect(s[O2]!.FRA!.score).toBeCloseTo(0.65 + 0.35 * o2.rts, 12);
    expect(s[O2]!.FRA!.score).toBeCloseTo(0.946064, 5);
    // An orchestrator whose RTT equals the median scores exactly 0.8 on latency.
    const all = await get('/api/v1/telemetry/leaderboard?pipeline=text-to-image');
    expect((all.body.regions as Json).FRA).toMatchObject({ medianRoundTripSec: 1 });
    expect(Math.exp(-((all.body.regions as Record<string, { k: number }>).FRA!.k) * 1)).toBeCloseTo(0.8, 12);
  });

  it('scores transcoding as success rate × (1 − e^(−segment/RTT)), with GLOBAL summing regions', async () => {
    const { body } = await get(`/api/aggregated_stats?since=${(NOW - 3_600_000) / 1000}`);
    const s = body as Record<string, Record<string, { success_rate: number; round_trip_score: number; score: number }>>;
    expect(s[O3]!.LAX!.round_trip_score).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(s[O3]!.LAX!.score).toBeCloseTo(0.632121, 5);
    expect(s[O4]!.LAX!.success_rate).toBe(0.5);
    expect(s[O4]!.LAX!.score).toBeCloseTo(0.5 * (1 - Math.exp(-2)), 12);
    expect(s[O4]!.GLOBAL).toEqual(s[O4]!.LAX);
    expect(s[O1]).toBeUndefined();
    const feed = await get('/api/v1/telemetry/perf-scores');
    expect(feed.body).toEqual(body);
  });

  it('serves raw stats, the top AI score, pipelines and regions', async () => {
    const raw = await get(`/api/raw_stats?orchestrator=${O4}`);
    expect(Object.keys(raw.body)).toEqual(['LAX']);
    const rows = raw.body.LAX as Json[];
    expect(rows).toHaveLength(2);
    expect(rows.find((x) => x.success_rate === 0)).toMatchObject({ round_trip_time: 4, errors: [{ error_code: 'timeout', message: 'timeout', count: 1 }], pipeline: 'transcoding', seg_duration: null });
    expect(rows.find((x) => x.success_rate === 1)).toMatchObject({ round_trip_time: 1, seg_duration: 2, segments_received: 1, timestamp: at(20) / 1000 });
    expect((await get('/api/raw_stats')).status).toBe(400);
    const top = await get('/api/top_ai_score?pipeline=text-to-image&model=sdxl');
    expect(top.body).toMatchObject({ orchestrator: O2, region: 'GLOBAL', success_rate: 1 });
    expect((await get('/api/top_ai_score?pipeline=llm&model=x')).status).toBe(404);
    const p = await get('/api/pipelines');
    // O1's 4 and O2's 2 text-to-image jobs; O3's and O4's 2 transcoding jobs each.
    expect(p.body).toEqual({ pipelines: [{ id: 'text-to-image', models: ['sdxl'], regions: ['FRA'], jobs: 6 }, { id: 'transcoding', models: [], regions: ['LAX'], jobs: 4 }] });
    // Without a pipeline, Atlas's own leaderboard shows the busiest one.
    expect((await get('/api/v1/telemetry/leaderboard?hours=24')).body.pipeline).toBe('text-to-image');
    const regions = (await get('/api/regions')).body.regions as { id: string; type: string[] }[];
    expect(regions.find((r) => r.id === 'FRA')!.type).toEqual(['ai']);
    expect(regions.find((r) => r.id === 'LAX')!.type).toEqual(['transcoding']);
  });

  it('refuses bad input over HTTP with clear errors and stores nothing', async () => {
    const before = await countRows(t.db, 'telemetry_report');
    const signed = await signedReportBatch(gw, CHAIN, { nonce: 7777n, sentAt: NOW, reports: [report({ jobId: 'h1', startedAt: at(3), finishedAt: at(2) })] });
    const unknown = await errorOf(await post('/api/v1/telemetry/reports', JSON.stringify({ ...signed, reports: [{ ...signed.reports[0], gpu: 'x' }] })));
    expect(unknown).toMatchObject({ status: 400, code: 'bad_request' });
    expect(unknown.message).toContain('unknown body field "gpu"');
    const tampered = await errorOf(await post('/api/v1/telemetry/reports', JSON.stringify({ ...signed, sentAt: NOW - 1 })));
    expect(tampered).toMatchObject({ status: 401, code: 'unauthorized', details: { reason: 'bad_signature' } });
    expect(await errorOf(await postBatch([report({ jobId: 'h2', startedAt: at(3), finishedAt: at(2) })], stranger))).toMatchObject({ status: 403, code: 'forbidden', details: { reason: 'unknown_gateway' } });
    expect(await errorOf(await postBatch([report({ jobId: 'h3', startedAt: at(3), finishedAt: at(2) })], gw, NOW + 600_000))).toMatchObject({ status: 400, details: { reason: 'clock_skew' } });
    const many = Array.from({ length: 101 }, (_, i) => report({ jobId: `m${i}`, startedAt: at(3), finishedAt: at(2) }));
    expect(await errorOf(await postBatch(many))).toMatchObject({ status: 413, code: 'payload_too_large', details: { reason: 'batch_too_large' } });
    expect((await post('/api/v1/telemetry/reports', JSON.stringify(signed))).status).toBe(200);
    expect(await errorOf(await post('/api/v1/telemetry/reports', JSON.stringify(signed)))).toMatchObject({ status: 409, code: 'conflict', details: { reason: 'replay' } });
    expect(await countRows(t.db, 'telemetry_report')).toBe(before + 1);
  });

  it('ingests signed gateway event envelopes as JSON lines and rolls them up', async () => {
    const lines = [
      { id: 'e1', type: 'create_new_payment', timestamp: at(5), gateway: 'gw-fra-1', data: { capability: 'text-to-image', sessionID: 's1', recipient: O1, sender: gw.address, faceValue: '1000000000000 WEI', winProb: '0.0001', numTickets: '3', price: '1 wei/pixel' } },
      { id: 'e2', type: 'stream_trace', timestamp: String(at(4)), gateway: 'gw-fra-1', data: { type: 'gateway_no_orchestrators_available', pipeline: 'live-video-to-video' } },
      { id: 'e3', type: 'ai_stream_status', timestamp: at(3), gateway: 'gw-fra-1', data: { pipeline: 'live-video-to-video', input_fps: 30, output_fps: 29.5, restart_count: 1, last_error: null, orchestrator_info: { address: O2 } } },
      { id: 'e4', type: 'discovery_results', timestamp: at(2), gateway: 'gw-fra-1', data: [{ address: O1, latency_ms: '120', url: 'https://o1:8935' }] },
    ];
    const body = `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
    const headers = await signedEventHeaders(gw, CHAIN, { nonce: 9001n, sentAt: NOW, body });
    const ok = await post('/api/v1/telemetry/events', body, headers, 'application/x-ndjson');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ accepted: 4, byType: { create_new_payment: 1, stream_trace: 1, ai_stream_status: 1, discovery_results: 1 } });
    const { sql } = await import('kysely');
    const rows = await sql<{ type: string; subtype: string; capability: string; orchestrator: string; events: string; tickets: string; fee_wei: string }>`
      select type, subtype, capability, orchestrator, events::text, tickets::text, fee_wei::text from telemetry_event_rollup order by type`.execute(t.db);
    // Expected value of 3 tickets of 1e12 wei at p = 1e-4: 3e8 wei.
    expect(rows.rows).toEqual([
      { type: 'ai_stream_status', subtype: '', capability: 'live-video-to-video', orchestrator: O2, events: '1', tickets: '0', fee_wei: '0' },
      { type: 'create_new_payment', subtype: '', capability: 'text-to-image', orchestrator: O1, events: '1', tickets: '3', fee_wei: '300000000' },
      { type: 'discovery_results', subtype: '', capability: '', orchestrator: '', events: '1', tickets: '0', fee_wei: '0' },
      { type: 'stream_trace', subtype: 'gateway_no_orchestrators_available', capability: 'live-video-to-video', orchestrator: '', events: '1', tickets: '0', fee_wei: '0' },
    ]);
    expect(await countRows(t.db, 'telemetry_event')).toBe(4);
    // Replay, tampering, a malformed line, an unknown field, a missing header: refused, nothing more stored.
    expect(await errorOf(await post('/api/v1/telemetry/events', body, headers, 'application/x-ndjson'))).toMatchObject({ status: 409, details: { reason: 'replay' } });
    expect(await errorOf(await post('/api/v1/telemetry/events', body.replace('"3"', '"4"'), headers, 'application/x-ndjson'))).toMatchObject({ status: 401 });
    const bad = async (text: string, n: bigint) => errorOf(await post('/api/v1/telemetry/events', text, await signedEventHeaders(gw, CHAIN, { nonce: n, sentAt: NOW, body: text }), 'application/x-ndjson'));
    const e1 = await bad(`${JSON.stringify({ ...lines[0], id: 'x1' })}\n{"id": "x2",`, 9002n);
    expect(e1).toMatchObject({ status: 400 });
    expect(e1.message).toMatch(/^line 2: not valid JSON/);
    const e2 = await bad(JSON.stringify({ ...lines[1], id: 'x3', extra: 1 }), 9003n);
    expect(e2.message).toContain('line 1');
    const e3 = await bad(JSON.stringify({ ...lines[1], id: 'x4', type: 'network_capabilities' }), 9004n);
    expect(e3.message).toContain('field "type"');
    const e4 = await bad(JSON.stringify({ ...lines[0], id: 'x5', data: { ...lines[0]!.data, winProb: 'often' } }), 9005n);
    expect(e4.message).toContain('data.winProb');
    const noHeader = await errorOf(await post('/api/v1/telemetry/events', body, { ...headers, 'x-atlas-signature': '' }, 'application/x-ndjson'));
    expect(noHeader.message).toContain('header "x-atlas-signature"');
    expect(await countRows(t.db, 'telemetry_event')).toBe(4);
  });
  it('refuses payments to an address that is no orchestrator and face values no ticket has, as 400s naming the line', async () => {
    const before = await countRows(t.db, 'telemetry_event');
    const pay = (id: string, data: Record<string, unknown>) => JSON.stringify({ id, type: 'create_new_payment', timestamp: at(5), gateway: 'gw-x', data: { capability: 'text-to-image', recipient: O1, faceValue: '1000', winProb: '0.5', ...data } });
    const send = async (text: string, n: bigint, account = onChain) => errorOf(await post('/api/v1/telemetry/events', text, await signedEventHeaders(account, CHAIN, { nonce: n, sentAt: NOW, body: text }), 'application/x-ndjson'));
    const ghost = await send(`${pay('p1', {})}\n${pay('p2', { recipient: '0x00000000000000000000000000000000000000ee' })}`, 9101n);
    expect(ghost).toMatchObject({ status: 400, details: { reason: 'unknown_orchestrator' } });
    expect(ghost.message).toContain('line 2');
    const huge = await send(pay('p3', { faceValue: '9'.repeat(78), numTickets: '999999999', winProb: '1' }), 9102n);
    expect(huge).toMatchObject({ status: 400 });
    expect(huge.message).toContain('data.faceValue');
    expect(await countRows(t.db, 'telemetry_event')).toBe(before);
  });

  it('joins reported demand with winning tickets: by gateway directly, by pipeline split by reported fees', async () => {
    const { sql } = await import('kysely');
    // One llm job from gw to O1: the (gw, O1) pair now has text-to-image 4000 wei and llm 2000 wei reported.
    expect((await postBatch([report({ jobId: 'llm1', orchestrator: O1, capability: 'llm', model: 'llama', startedAt: at(9), finishedAt: at(8), pricePaid: '2000' })])).status).toBe(200);
    const ticket = async (i: number, sender: string, recipient: string, paid: bigint) =>
      sql`insert into winning_ticket (block_number, log_index, tx_hash, block_time, round, sender, recipient, face_value, win_prob, sender_nonce, creation_round, paid)
        values (${100 + i}, 0, ${`0x${String(i).padStart(64, '0')}`}, ${Math.floor(at(15) / 1000)}, 10, ${sender.toLowerCase()}, ${recipient}, ${paid.toString()}, 1, ${i}, 9, ${paid.toString()})`.execute(t.db);
    const DEAD = '0x000000000000000000000000000000000000dead';
    await ticket(1, gw.address, O1, 10_000n);
    await ticket(2, onChain.address, O3, 7n);
    await ticket(3, DEAD, O2, 500n);
    const byCap = await get('/api/v1/telemetry/demand?by=capability&days=1&horizon=3');
    expect(byCap.body.days).toEqual(['2026-11-20']);
    const rows = (byCap.body.series as { key: string; jobs: number[]; reported: { wei: string }[]; onchain: { wei: string }[] }[]).map((r) => [r.key, r.jobs[0], r.reported[0]!.wei, r.onchain[0]!.wei]);
    // 10,000 wei on (gw, O1) split 4000 : 2000 → 6666 + 3333, the 1 wei left to the larger share; (onChain, O3) is all transcoding;
    // the unknown sender's ticket has no reports to attribute it by.
    expect(rows).toEqual([
      ['text-to-image', 7, '7000', '6667'],
      ['llm', 1, '2000', '3333'],
      ['transcoding', 4, '4000', '7'],
      ['unattributed', 0, '0', '500'],
    ]);
    const byGw = await get('/api/v1/telemetry/demand?by=gateway&days=1');
    const g = (byGw.body.series as { key: string; jobs: number[]; reported: { wei: string }[]; onchain: { wei: string }[] }[]).map((r) => [r.key, r.jobs[0], r.reported[0]!.wei, r.onchain[0]!.wei]);
    expect(g).toEqual([
      [gw.address.toLowerCase(), 8, '9000', '10000'],
      [onChain.address.toLowerCase(), 4, '4000', '7'],
      [DEAD, 0, '0', '500'],
    ]);
    const totals = byGw.body.totals as { onchain: { wei: string }[]; paymentEv: { wei: string }[] };
    expect(totals.onchain[0]!.wei).toBe('10507');
    // The payment event of the previous test: 3 tickets × 1e12 wei × 1e-4.
    expect(totals.paymentEv[0]!.wei).toBe('300000000');
    // One unserved trace against 12 reported jobs plus that request.
    expect(byGw.body.unserved).toMatchObject({ requests: 13, unserved: 1, share: 1 / 13 });
    expect((byGw.body.forecast as { jobs: unknown[] }).jobs).toHaveLength(14);
  });
});
