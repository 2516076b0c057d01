import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { buildOpenApi } from '../src/api/openapi.js';
import { routes } from '../src/api/routeTable.js';
import { rollUp, writeRollups, type ReportRow } from '../src/telemetry/rollup.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { putGateway, putRound, putTranscoder, signedAdvert, signedProfile, signedSnapshot } from './helpers/registry.js';
import { countRows, testAccount } from './helpers/telemetry.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const LPT = 10n ** 18n;
const o1 = testAccount('registry-orch-1');
const o2 = testAccount('registry-orch-2');
const o3 = testAccount('registry-orch-3');
const gw = testAccount('registry-gateway');
const lc = (a: { address: string }) => a.address.toLowerCase();
const snap = JSON.parse(readFileSync(new URL('./fixtures/registry/networkCapabilities.json', import.meta.url), 'utf8')) as { orchestrators: J[] };
const AI = '0xd00354656922168815fcd1e51cbddb9e359e3c7f';
const SNAP_2 = '0x8ad3b1a1b4d5c6e7f8091a2b3c4d5e6f7a8b9c0d';
const IMPORT = '/api/v1/registry/adverts/import';

const advertOf = (a: { address: string }, over: J = {}) => ({
  orchestrator: a.address,
  version: '0.8.6',
  serviceUri: `https://${a.address.slice(2, 8).toLowerCase()}.example:8935`,
  capabilities: ['text-to-image'],
  models: [{ capability: 'text-to-image', model: 'sdxl', warm: true, capacity: 2, runnerVersion: '0.14.1' }],
  prices: [{ capability: 'text-to-image', model: 'sdxl', pricePerUnit: '4000000', pixelsPerUnit: '1' }],
  hardware: [{ pipeline: 'text-to-image', model: 'sdxl', gpus: [{ name: 'NVIDIA GeForce RTX 4090', memoryTotal: '25757220864' }] }],
  regions: ['FRA'],
  tags: ['gdpr'],
  ...over,
});

/** `n` jobs of `a` in the last hour: `ok` succeed with the given round trip (ms). */
function jobs(a: string, n: number, ok: number, rttMs: number): ReportRow[] {
  const t = Date.now() - 30 * 60_000;
  return Array.from({ length: n }, (_, i) => ({
    gateway: lc(gw),
    jobId: `${a}-${i}`,
    capability: 'text-to-image',
    model: 'sdxl',
    orchestrator: a,
    region: 'FRA',
    startedAt: t,
    finishedAt: t + rttMs,
    queueMs: null,
    uploadMs: null,
    processingMs: null,
    downloadMs: null,
    roundTripMs: rttMs,
    segDurationMs: null,
    success: i < ok,
    errorCode: i < ok ? null : 'timeout',
    pricePaid: 1000n,
    units: 1n,
  }));
}

describe.each(dbKinds)('capability registry API on %s', (kind) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: res.status, json: (await res.json()) as J };
  };
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, json: (await res.json()) as J };
  };

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
    await putRound(db.db, 100);
    await putTranscoder(db.db, o1.address, 5000n * LPT);
    await putTranscoder(db.db, o2.address, 100n * LPT);
    await putTranscoder(db.db, o3.address, 9000n * LPT, { deactivation: 100n });
    // The snapshot's two orchestrators registered once, hold no stake and left the active set.
    await putTranscoder(db.db, AI, 0n, { deactivation: 1n });
    await putTranscoder(db.db, SNAP_2, 0n, { deactivation: 1n });
    await putGateway(db.db, gw.address, 10n ** 17n);
  });
  afterAll(async () => db?.close());

  it('accepts a signed advert, lists it and keeps its history', async () => {
    const r = await post('/api/v1/registry/adverts', await signedAdvert(o1, advertOf(o1), 1));
    expect(r.status).toBe(200);
    expect(r.json.advert).toMatchObject({ source: 'signed', seq: '1', priceChanged: false, advert: { orchestrator: lc(o1), capabilities: [27], regions: ['FRA'] } });
    const list = await get('/api/v1/registry/adverts?capability=text-to-image&model=sdxl');
    expect(list.json.data.map((a: J) => a.advert.orchestrator)).toEqual([lc(o1)]);
    expect((await get('/api/v1/registry/adverts?capability=llm')).json.data).toEqual([]);
    expect((await get('/api/v1/registry/adverts?model=sdxl')).json.error.message).toMatch(/"model" needs "capability"/);
    expect((await get('/api/v1/registry/adverts?capability=warp')).status).toBe(400);
  });

  it('refuses bad signatures, replays, stale seqs, future statements and invalid adverts without writing', async () => {
    const before = await countRows(db.db, 'registry_advert');
    const good = await signedAdvert(o1, advertOf(o1, { regions: ['LAX'] }), 2);
    const byOther = { ...(await signedAdvert(o2, advertOf(o1), 2)), orchestrator: o1.address };
    const cases: [unknown, number, RegExp][] = [
      [byOther, 401, /advert is for .* signed as|not by the claimed signer/],
      [{ ...(await signedAdvert(o2, advertOf(o1), 2)) }, 400, /advert is for/],
      [{ ...good, advert: JSON.stringify(advertOf(o1, { regions: ['SIN'] })) }, 401, /not by the claimed signer/],
      [{ ...good, seq: 3 }, 401, /not by the claimed signer/],
      [await signedAdvert(o1, advertOf(o1), 1), 409, /seq 1 is not above 1/], // replay of seq 1
      [await signedAdvert(o1, advertOf(o1), 0), 409, /seq 0 is not above 1/],
      [await signedAdvert(o1, advertOf(o1), 5, Math.floor(Date.now() / 1000) + 3600), 400, /in the future/],
      [await signedAdvert(o1, advertOf(o1), 5, undefined, 42161), 401, /not by the claimed signer/],
      [await signedAdvert(o1, advertOf(o1, { capabilities: ['warp'] }), 5), 400, /unknown capability "warp"/],
      [await signedAdvert(o1, advertOf(o1, { prices: [{ capability: 27, pricePerUnit: 1, pixelsPerUnit: 0 }] }), 5), 400, /pixelsPerUnit must be at least 1/],
      [{ ...good, signature: '0xdead' }, 400, /signature must be 65 bytes/],
      ['{"orchestrator":', 400, /not valid JSON/],
    ];
    for (const [body, status, re] of cases) {
      const r = await post('/api/v1/registry/adverts', body);
      expect([r.status, r.json.error?.message]).toEqual([status, expect.stringMatching(re)]);
    }
    expect(await countRows(db.db, 'registry_advert')).toBe(before);
  });

  it('records requotes: price changes and offer changes over time', async () => {
    const a2 = await post('/api/v1/registry/adverts', await signedAdvert(o1, advertOf(o1, { prices: [{ capability: 27, model: 'sdxl', pricePerUnit: '4500000', pixelsPerUnit: '1' }] }), 2));
    expect(a2.json.advert).toMatchObject({ priceChanged: true, capabilitiesChanged: false });
    const a3 = await post('/api/v1/registry/adverts', await signedAdvert(o1, advertOf(o1, { prices: [{ capability: 27, model: 'sdxl', pricePerUnit: '4500000', pixelsPerUnit: '1' }], regions: ['FRA', 'LON'] }), 7));
    expect(a3.json.advert).toMatchObject({ priceChanged: false, capabilitiesChanged: true });
    const h = await get(`/api/v1/registry/adverts/${lc(o1)}?days=30`);
    expect(h.json.history.map((x: J) => x.seq)).toEqual(['7', '2', '1']);
    expect(h.json.requotes).toMatchObject({ adverts: 3, priceChanges: 1, capabilityChanges: 1, priceChangesPerDay: 1 / 30 });
    const rq = await get('/api/v1/registry/requotes?days=10');
    expect(rq.json.data.find((x: J) => x.orchestrator === lc(o1))).toMatchObject({ adverts: 3, priceChanges: 1, priceChangesPerDay: 0.1 });
    expect((await get(`/api/v1/registry/adverts/${lc(o3)}`)).status).toBe(404);
    expect((await get('/api/v1/registry/adverts/0x12')).status).toBe(400);
  });

  it("imports a gateway's network-capabilities snapshot, all or nothing, and dedupes unchanged offers", async () => {
    const imp = async (snapshot: unknown, observedAt?: number) => post(IMPORT, await signedSnapshot(gw, snapshot, observedAt));
    const bad = await imp({ orchestrators: [snap.orchestrators[0], { ...snap.orchestrators[1], capabilities: { bitstring: [0] } }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/orchestrators\[1\]: .*names no capability/);
    expect(await countRows(db.db, 'registry_advert')).toBe(3);
    const ok = await imp(snap, 1_760_000_000);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ inserted: [AI, SNAP_2], gateway: lc(gw) });
    const again = await imp(snap, 1_760_000_600);
    expect(again.json).toMatchObject({ inserted: [], unchanged: [AI, SNAP_2] });
    const cur = (await get('/api/v1/registry/adverts')).json.data as J[];
    expect(cur.find((a) => a.advert.orchestrator === AI)).toMatchObject({ source: 'snapshot', issuedAt: 1_760_000_000, lastSeenAt: 1_760_000_600, submittedBy: lc(gw) });
    expect(cur.find((a) => a.advert.orchestrator === lc(o1))).toMatchObject({ source: 'signed', submittedBy: lc(o1) });
    expect((await imp({ orchestrators: [] })).status).toBe(400);
    expect((await imp({ orchestrators: [snap.orchestrators[0], snap.orchestrators[0]] })).json.error.message).toMatch(/appears twice/);

    // A snapshot never overrides an orchestrator's own signed advert.
    const forged = { transcoder: 'https://evil.example', address: o1.address, price_info: { pricePerUnit: 1, pixelsPerUnit: 1 }, capabilities: { bitstring: [2 ** 27], version: '0.9.0' } };
    expect((await imp({ orchestrators: [forged] })).status).toBe(200);
    const mine = ((await get('/api/v1/registry/adverts')).json.data as J[]).find((a) => a.advert.orchestrator === lc(o1))!;
    expect(mine).toMatchObject({ source: 'signed', seq: '7' });
  });

  it('publishes signed gateway profiles; stale seqs and bad requirements are refused', async () => {
    const profile = { gateway: gw.address, name: 'sdxl-eu', expectedSessions: 3, requirements: { capability: 'text-to-image', model: 'sdxl', warm: true, region: 'FRA', maxPrice: { pricePerUnit: '4600000', pixelsPerUnit: '1' } } };
    const r = await post('/api/v1/registry/profiles', await signedProfile(gw, profile, 10));
    expect(r.status).toBe(200);
    expect(r.json.profile).toMatchObject({ name: 'sdxl-eu', tag: 'text-to-image/sdxl', requirements: { capability: 27, maxPrice: { pricePerUnit: '4600000', pixelsPerUnit: '1' } } });
    expect((await post('/api/v1/registry/profiles', await signedProfile(gw, profile, 10))).status).toBe(409);
    const bad = await post('/api/v1/registry/profiles', await signedProfile(gw, { ...profile, requirements: { capability: 'h264', model: 'x' } }, 11));
    expect([bad.status, bad.json.error.message]).toEqual([400, expect.stringMatching(/not an AI pipeline/)]);
    const forged = await post('/api/v1/registry/profiles', { ...(await signedProfile(o1, profile, 11)), gateway: gw.address });
    expect(forged.status).toBe(401);
    await post('/api/v1/registry/profiles', await signedProfile(gw, { ...profile, name: 'old', requirements: { capability: 'upscale' } }, 12));
    await post('/api/v1/registry/profiles', await signedProfile(gw, { ...profile, name: 'old', retired: true, requirements: { capability: 'upscale' } }, 13));
    const list = await get(`/api/v1/registry/profiles?gateway=${gw.address}`);
    expect(list.json.data.map((p: J) => p.name)).toEqual(['sdxl-eu']);
  });

  it('matches with telemetry thresholds, stake and the active set, stating every exclusion', async () => {
    await post('/api/v1/registry/adverts', await signedAdvert(o2, advertOf(o2, { prices: [{ capability: 27, model: 'sdxl', pricePerUnit: '3000000', pixelsPerUnit: '1' }] }), 1));
    await post('/api/v1/registry/adverts', await signedAdvert(o3, advertOf(o3), 1));
    // o1: 20 jobs, 19 ok at 400 ms → 0.95, p95 400; o2: 10 jobs, 8 ok at 800 ms → 0.8; o3: none.
    await writeRollups(db.db, rollUp([...jobs(lc(o1), 20, 19, 400), ...jobs(lc(o2), 10, 8, 800)]));

    const base = '/api/v1/registry/match?capability=text-to-image&model=sdxl&warm=true&region=FRA';
    const all = (await get(base)).json;
    // Cheapest first: o2 (3e6 wei per pixel), o3 (4e6), o1 (4.5e6 after its requote); the snapshot nodes lack sdxl.
    expect(all.matches.map((m: J) => [m.address, m.price.pricePerUnit])).toEqual([
      [lc(o2), '3000000'],
      [lc(o3), '4000000'],
      [lc(o1), '4500000'],
    ]);
    expect(all.excluded.find((x: J) => x.address === AI).reasons.map((r: J) => r.code)).toEqual(['model', 'region']);
    expect(all.matches[2]).toMatchObject({ rank: 3, stake: { formatted: '5000', unit: 'LPT' }, active: true, verified: true, telemetry: { successRate: 0.95, p95LatencyMs: 400, samples: 20 } });

    const strict = (await get(`${base}&minSuccessRate=0.9&maxP95LatencyMs=500&minStake=1000&activeOnly=true`)).json;
    expect(strict.matches.map((m: J) => m.address)).toEqual([lc(o1)]);
    const why = Object.fromEntries(strict.excluded.map((x: J) => [x.address, x.reasons.map((r: J) => r.code)]));
    expect(why[lc(o2)]).toEqual(['success_rate', 'latency', 'stake']);
    expect(why[lc(o3)]).toEqual(['no_telemetry', 'inactive']);
    // The two snapshot nodes have no stake on chain and are not in the active set.
    expect(strict.exclusionCounts).toMatchObject({ success_rate: 1, latency: 1, stake: 3, no_telemetry: 3, inactive: 3, model: 1, capability: 1, region: 2 });

    const capped = (await get(`${base}&maxPrice=4000000`)).json;
    expect(capped.matches.map((m: J) => m.address)).toEqual([lc(o2), lc(o3)]);
    expect((await get(`${base}&maxPrice=11999999/3`)).json.matches.map((m: J) => m.address)).toEqual([lc(o2)]);

    const byProfile = (await get(`/api/v1/registry/match?profile=${gw.address}:sdxl-eu`)).json;
    expect(byProfile.profile).toEqual({ gateway: lc(gw), name: 'sdxl-eu' });
    expect(byProfile.matches.map((m: J) => m.address)).toEqual([lc(o2), lc(o3), lc(o1)]);
  });

  it('answers from fresh adverts after an in-place snapshot update (capacity in use)', async () => {
    const flux = `/api/v1/registry/match?capability=27&model=${encodeURIComponent('black-forest-labs/FLUX.1-dev')}`;
    const before = (await get(flux)).json.matches.find((m: J) => m.address === AI);
    expect(before.freeCapacity).toBe(0);
    const caps = snap.orchestrators[0]!.capabilities as J;
    const freed = {
      ...snap.orchestrators[0],
      capabilities: { ...caps, constraints: { ...caps.constraints, PerCapability: { ...caps.constraints.PerCapability, 27: { models: { ...caps.constraints.PerCapability[27].models, 'black-forest-labs/FLUX.1-dev': { capacity: 1, runnerVersion: '0.14.1', capacityInUse: 0 } } } } } },
    };
    const imp = await post(IMPORT, await signedSnapshot(gw, { orchestrators: [freed] }, 1_760_000_600));
    expect(imp.json).toMatchObject({ inserted: [], unchanged: [AI] });
    const after = (await get(flux)).json.matches.find((m: J) => m.address === AI);
    expect(after.freeCapacity).toBe(1);
  });

  it('rejects bad match queries with the parameter named', async () => {
    const cases: [string, number, RegExp][] = [
      ['capability=warp', 400, /unknown capability "warp"/],
      ['model=sdxl', 400, /capability: required/],
      ['capability=27&maxPrice=1/2/3', 400, /maxPrice/],
      ['capability=27&maxPrice=1/0', 400, /pixelsPerUnit must be at least 1/],
      ['capability=27&minSuccessRate=2', 400, /"minSuccessRate": must be a number from 0 to 1/],
      ['capability=27&minStake=abc', 400, /minStake/],
      ['capability=h264&model=x', 400, /not an AI pipeline/],
      ['capability=27&bogus=1', 400, /unknown query parameter "bogus"/],
      [`profile=${gw.address}:sdxl-eu&capability=27`, 400, /cannot be combined with "capability"/],
      [`profile=${gw.address}:nope`, 404, /no current profile "nope"/],
      [`profile=${gw.address}:old`, 404, /no current profile "old"/],
    ];
    for (const [q, status, re] of cases) {
      const r = await get(`/api/v1/registry/match?${q}`);
      expect([q, r.status, r.json.error?.message]).toEqual([q, status, expect.stringMatching(re)]);
    }
  });

  it('supply/demand and the market report (hand-computed)', async () => {
    const sd = (await get('/api/v1/registry/supply-demand?days=7')).json;
    const sdxl = sd.data.find((r: J) => r.tag === 'text-to-image/sdxl');
    // Capacity 2 per signed advert (o1, o2, o3); o1's forged snapshot is ignored; 3 sessions expected.
    expect(sdxl).toMatchObject({ orchestrators: 3, warmOrchestrators: 3, capacity: 6, freeCapacity: 6, profiles: 1, expectedSessions: 3, observedJobs: 30, unserved: 0, underSupplied: false });
    expect(sdxl.prices.floor).toEqual({ pricePerUnit: '3000000', pixelsPerUnit: '1', weiPerUnit: 3000000 });
    expect(sdxl.prices.distribution).toEqual([3000000, 4000000, 4500000]);
    const lastDay = sd.series.filter((p: J) => p.tag === 'text-to-image/sdxl').at(-1);
    expect(lastDay).toMatchObject({ orchestrators: 3, capacity: 6, expectedSessions: 3 });
    // The 30 reported jobs land in the day they ran.
    expect(sd.series.filter((p: J) => p.tag === 'text-to-image/sdxl').reduce((a: number, p: J) => a + p.observedJobs, 0)).toBe(30);
    const m = (await get('/api/v1/registry/market')).json;
    expect(m.inDemand.map((r: J) => r.tag)).toEqual(['text-to-image/sdxl', 'text-to-image']);
    expect(m.idleSupply.map((r: J) => r.tag)).toContain('text-to-image/ByteDance/SDXL-Lightning');
    expect(m.capabilityPrices.find((c: J) => c.tag === 'llm')).toMatchObject({ orchestrators: 1, prices: { floor: { pricePerUnit: '180000000' } } });
  });

  it('takes writes only from their owners: unsigned 401, a proven key without the role 403, nothing stored', async () => {
    const stranger = testAccount('registry-stranger');
    const [adverts, profiles] = [await countRows(db.db, 'registry_advert'), await countRows(db.db, 'registry_profile')];
    const profile = { gateway: stranger.address, name: 'mine', requirements: { capability: 'text-to-image' } };
    const cases: [string, unknown, number, string, RegExp][] = [
      // Adverts: only a registered orchestrator speaks for itself.
      ['/api/v1/registry/adverts', { orchestrator: o1.address, seq: 99, issuedAt: 1_760_000_000, advert: JSON.stringify(advertOf(o1)) }, 401, 'bad_signature', /must be signed/],
      ['/api/v1/registry/adverts', await signedAdvert(stranger, advertOf(stranger), 1), 403, 'not_orchestrator', /is not a registered orchestrator/],
      // Profiles: a gateway on chain, an allow-listed one or an orchestrator.
      ['/api/v1/registry/profiles', await signedProfile(stranger, profile, 1), 403, 'unknown_signer', /neither a gateway on chain .* nor a registered orchestrator/],
      ['/api/v1/registry/profiles', { gateway: gw.address, seq: 99, issuedAt: 1_760_000_000, profile: JSON.stringify({ ...profile, gateway: gw.address }) }, 401, 'bad_signature', /must be signed/],
      // Snapshot imports: signed by a gateway, listing only registered orchestrators, within the caps.
      [IMPORT, snap, 401, 'bad_signature', /must be signed/],
      [IMPORT, await signedSnapshot(stranger, snap), 403, 'unknown_gateway', /is not a gateway on chain/],
      [IMPORT, await signedSnapshot(o1, snap), 403, 'unknown_gateway', /is not a gateway on chain/],
      [IMPORT, { ...(await signedSnapshot(gw, snap)), snapshot: JSON.stringify({ orchestrators: [{ ...snap.orchestrators[0], transcoder: 'https://evil.example:8935' }] }) }, 401, 'bad_signature', /not by the claimed signer/],
      [IMPORT, await signedSnapshot(gw, { orchestrators: [{ ...snap.orchestrators[0], address: stranger.address }] }), 400, 'unknown_orchestrator', /not registered orchestrators .*0x/],
      [IMPORT, await signedSnapshot(gw, { orchestrators: Array.from({ length: 1001 }, () => snap.orchestrators[0]) }), 400, 'invalid', /at most 1000 orchestrators/],
    ];
    for (const [path, body, status, reason, re] of cases) {
      const r = await post(path, body);
      expect([path, r.status, r.json.error?.details?.reason ?? 'invalid', r.json.error?.message]).toEqual([path, status, reason, expect.stringMatching(re)]);
    }
    // One oversized request (the 2.6 MB of fake orchestrators, grown past the cap) is refused before it is read.
    const huge = await post(IMPORT, { gateway: gw.address, observedAt: 1_760_000_000, snapshot: 'x'.repeat(5 * 1024 * 1024), signature: `0x${'1'.repeat(130)}` });
    expect(huge.status).toBe(413);
    expect([await countRows(db.db, 'registry_advert'), await countRows(db.db, 'registry_profile')]).toEqual([adverts, profiles]);

    // A configured gateway (the allow-list) may publish a profile; so may an orchestrator.
    const listed = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, telemetry: { allowList: [lc(stranger)] } });
    const res = await listed.request('/api/v1/registry/profiles', { method: 'POST', body: JSON.stringify(await signedProfile(stranger, profile, 1)), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect((await post('/api/v1/registry/profiles', await signedProfile(o2, { ...profile, gateway: o2.address }, 1))).status).toBe(200);
  });

  it('documents the registry endpoints in OpenAPI', () => {
    const doc = buildOpenApi(routes) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ['/api/v1/registry/adverts', '/api/v1/registry/adverts/import', '/api/v1/registry/profiles', '/api/v1/registry/match', '/api/v1/registry/supply-demand', '/api/v1/registry/market']) expect(doc.paths[p]).toBeDefined();
    expect(Object.keys(doc.paths['/api/v1/registry/adverts']!).sort()).toEqual(['get', 'post']);
  });
});
