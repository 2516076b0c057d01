import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { advertFromOrchestratorInfo, parseAdvert, type Advert, type AdvertInput } from './adverts.js';
import { match, prepareCandidates, type Candidate, type TelemetryStats } from './matcher.js';
import { parseRequirements } from './profiles.js';

const A = '0x00000000000000000000000000000000000000a1';
const B = '0x00000000000000000000000000000000000000b2';
const C = '0x00000000000000000000000000000000000000c3';
const GIB = 1024n ** 3n;

const baseAdvert: AdvertInput = {
  orchestrator: A,
  version: '0.8.6',
  capabilities: ['text-to-image', 'llm'],
  models: [
    { capability: 'text-to-image', model: 'sdxl', warm: true, capacity: 2, capacityInUse: 1, runnerVersion: '0.14.1' },
    { capability: 'text-to-image', model: 'flux', warm: false, capacity: 1, runnerVersion: '0.14.1' },
    { capability: 'llm', model: 'llama', warm: true, capacity: 1 },
  ],
  prices: [
    { capability: 'text-to-image', model: 'sdxl', pricePerUnit: '10', pixelsPerUnit: '3' },
    { capability: 'text-to-image', pricePerUnit: 7, pixelsPerUnit: 1 },
  ],
  hardware: [{ pipeline: 'text-to-image', model: 'sdxl', gpus: [{ name: 'NVIDIA GeForce RTX 4090', memoryTotal: '25757220864' }] }],
  regions: ['FRA'],
  tags: ['gdpr'],
};

function advert(over: Partial<AdvertInput> = {}): Advert {
  return parseAdvert({ ...baseAdvert, ...over });
}

function cand(a: Advert, over: Partial<Candidate> = {}): Candidate {
  return { advert: a, stake: 1000n, active: true, verified: true, advertAt: 1_750_000_000, ...over };
}

/** Exclusion codes of one candidate under one requirement set ([] = it matches). */
function codes(req: Record<string, unknown>, a: Advert = advert(), over: Partial<Candidate> = {}, tel?: TelemetryStats): string[] {
  const r = parseRequirements({ capability: 'text-to-image', model: 'sdxl', ...req });
  const res = match(r, prepareCandidates([cand(a, over)]), new Map(tel ? [[a.orchestrator, tel]] : []));
  return res.matches.length ? [] : res.excluded[0]!.reasons.map((x) => x.code);
}

describe('matcher rules (go-livepeer CompatibleWith, then caps)', () => {
  it('the base advert satisfies the bare requirement', () => {
    expect(codes({})).toEqual([]);
  });

  it('node version: at least the minimum, pre-releases below their release, unstated fails', () => {
    expect(codes({ minVersion: '0.8.6' })).toEqual([]);
    expect(codes({ minVersion: 'v0.8.5' })).toEqual([]);
    expect(codes({ minVersion: '0.8.7' })).toEqual(['version']);
    expect(codes({ minVersion: '0.8.6' }, advert({ version: '0.8.6-rc1' }))).toEqual(['version']);
    expect(codes({ minVersion: '0.8.6' }, advert({ version: '0.10.0' }))).toEqual([]);
    expect(codes({ minVersion: '0.8.0' }, advert({ version: null }))).toEqual(['version']);
  });

  it("mandatory capabilities: the orchestrator's mandatories must be part of the job", () => {
    const m = advert({ mandatories: ['llm'] });
    expect(codes({}, m)).toEqual(['mandatory']);
    expect(codes({ extraCapabilities: ['llm'] }, m)).toEqual([]);
  });

  it("job capabilities must all be offered", () => {
    expect(codes({ extraCapabilities: ['llm'] })).toEqual([]);
    expect(codes({ extraCapabilities: ['h264'] })).toEqual(['capability']);
    expect(codes({ capability: 'audio-to-text', model: null })).toEqual(['capability']);
    expect(codes({ capability: 33, model: 'llama' })).toEqual([]);
  });

  it('model offered, warm when asked', () => {
    expect(codes({ model: 'whisper' })).toEqual(['model']);
    expect(codes({ model: 'sdxl', warm: true })).toEqual([]);
    expect(codes({ model: 'flux', warm: true })).toEqual(['warm']);
    expect(codes({ model: 'flux', warm: false })).toEqual([]);
    expect(codes({ model: null })).toEqual([]);
  });

  it('runner version at least the minimum; unstated fails', () => {
    expect(codes({ minRunnerVersion: '0.14.1' })).toEqual([]);
    expect(codes({ minRunnerVersion: '0.14.2' })).toEqual(['runner_version']);
    expect(codes({ capability: 'llm', model: 'llama', minRunnerVersion: '0.1.0' })).toEqual(['runner_version']);
  });

  it('price cap per (capability, model) compared exactly as rationals', () => {
    // sdxl: 10/3 wei per unit = 3.333…
    expect(codes({ maxPrice: { pricePerUnit: 4, pixelsPerUnit: 1 } })).toEqual([]);
    expect(codes({ maxPrice: { pricePerUnit: '20', pixelsPerUnit: '6' } })).toEqual([]); // equal to the cap
    expect(codes({ maxPrice: { pricePerUnit: 3333, pixelsPerUnit: 1000 } })).toEqual(['price']); // 3.333 < 3.333…
    expect(codes({ maxPrice: { pricePerUnit: 3, pixelsPerUnit: 1 } })).toEqual(['price']);
    // flux has no own price: the capability price 7/1 applies.
    expect(codes({ model: 'flux', maxPrice: { pricePerUnit: 7, pixelsPerUnit: 1 } })).toEqual([]);
    expect(codes({ model: 'flux', maxPrice: { pricePerUnit: 6, pixelsPerUnit: 1 } })).toEqual(['price']);
    // llama: no model price, no capability price, and AI pipelines never fall back to price_info.
    const general = advert({ prices: [{ pricePerUnit: 1, pixelsPerUnit: 1 }] });
    expect(codes({ capability: 'llm', model: 'llama', maxPrice: { pricePerUnit: 100, pixelsPerUnit: 1 } }, general)).toEqual(['no_price']);
    // Transcoding uses the general price_info.
    const tc = advert({ capabilities: ['h264', 'mpegts'], models: [], hardware: [], prices: [{ pricePerUnit: 1200, pixelsPerUnit: 1 }] });
    expect(codes({ capability: 'h264', model: null, extraCapabilities: ['mpegts'], maxPrice: { pricePerUnit: 1200, pixelsPerUnit: 1 } }, tc)).toEqual([]);
    expect(codes({ capability: 'h264', model: null, maxPrice: { pricePerUnit: 1199, pixelsPerUnit: 1 } }, tc)).toEqual(['price']);
  });

  it('region: served, or GLOBAL; an advert without regions fails a region requirement', () => {
    expect(codes({ region: 'fra' })).toEqual([]);
    expect(codes({ region: 'LAX' })).toEqual(['region']);
    expect(codes({ region: 'LAX' }, advert({ regions: ['GLOBAL'] }))).toEqual([]);
    expect(codes({ region: 'LAX' }, advert({ regions: [] }))).toEqual(['region']);
  });

  it('GPU memory on a GPU serving the pipeline and model', () => {
    expect(codes({ minVramBytes: String(20n * GIB) })).toEqual([]);
    expect(codes({ minVramBytes: '25757220864' })).toEqual([]); // exactly the card's memory
    expect(codes({ minVramBytes: String(24n * GIB) })).toEqual(['vram']); // a "24 GB" 4090 has less than 24 GiB
    expect(codes({ model: 'flux', minVramBytes: '1' })).toEqual(['vram']); // the GPU serves sdxl only
    expect(codes({ minVramBytes: '1' }, advert({ hardware: [] }))).toEqual(['vram']);
  });

  it('custom tags: all required tags present', () => {
    expect(codes({ tags: ['GDPR'] })).toEqual([]);
    expect(codes({ tags: ['gdpr', 'soc2'] })).toEqual(['tags']);
  });

  it('telemetry thresholds: success rate at least, p95 at most, no data fails', () => {
    const t = { successRate: 0.95, p95LatencyMs: 450, samples: 200 };
    expect(codes({ minSuccessRate: 0.95, maxP95LatencyMs: 450 }, advert(), {}, t)).toEqual([]);
    expect(codes({ minSuccessRate: 0.96 }, advert(), {}, t)).toEqual(['success_rate']);
    expect(codes({ maxP95LatencyMs: 449 }, advert(), {}, t)).toEqual(['latency']);
    expect(codes({ minSuccessRate: 0.5 })).toEqual(['no_telemetry']);
    expect(codes({ maxP95LatencyMs: 1000 }, advert(), {}, { ...t, samples: 0 })).toEqual(['no_telemetry']);
    expect(codes({}, advert(), {}, { successRate: 0, p95LatencyMs: 99_999, samples: 5 })).toEqual([]); // no threshold, no rule
  });

  it('stake at least the minimum (LPT-wei), active set when asked', () => {
    expect(codes({ minStake: '1000' })).toEqual([]);
    expect(codes({ minStake: '1001' })).toEqual(['stake']);
    expect(codes({ activeOnly: true })).toEqual([]);
    expect(codes({ activeOnly: true }, advert(), { active: false })).toEqual(['inactive']);
    expect(codes({}, advert(), { active: false, stake: 0n })).toEqual([]);
  });

  it('decides exactly where floats cannot: prices and stakes one wei apart', () => {
    const big = advert({ prices: [{ capability: 27, model: 'sdxl', pricePerUnit: '1000000000000000001', pixelsPerUnit: '1' }] });
    expect(codes({ maxPrice: { pricePerUnit: '1000000000000000001', pixelsPerUnit: 1 } }, big)).toEqual([]);
    expect(codes({ maxPrice: { pricePerUnit: '1000000000000000000', pixelsPerUnit: 1 } }, big)).toEqual(['price']);
    const stake = 5000n * 10n ** 18n;
    expect(codes({ minStake: String(stake) }, advert(), { stake })).toEqual([]);
    expect(codes({ minStake: String(stake + 1n) }, advert(), { stake })).toEqual(['stake']);
  });

  it('regions and tags beyond 31 distinct values are still matched (list fallback)', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      cand(advert({ orchestrator: `0x${(i + 1).toString(16).padStart(40, '0')}`, regions: [`R${i}`], tags: [`t${i}`] })),
    );
    const set = prepareCandidates(many);
    const r = match(parseRequirements({ capability: 27, region: 'R7', tags: ['t7'] }), set, new Map());
    expect(r.matches.map((m) => m.address)).toEqual([`0x${(8).toString(16).padStart(40, '0')}`]);
    expect(r.exclusionCounts).toEqual({ region: 39, tags: 39 });
    expect(r.excludedTop(2).map((x) => x.reasons.map((y) => y.code))).toEqual([
      ['region', 'tags'],
      ['region', 'tags'],
    ]);
  });

  it('reports every failed rule, not only the first', () => {
    const r = codes({ minVersion: '1.0.0', warm: true, model: 'flux', region: 'SIN', tags: ['soc2'], minStake: '5000', activeOnly: true }, advert(), { active: false });
    expect(r).toEqual(['version', 'warm', 'region', 'tags', 'stake', 'inactive']);
  });

  it('ranks by price, then success rate, then p95, then stake; exclusions by fewest reasons', () => {
    const cheap = advert({ orchestrator: B, prices: [{ capability: 'text-to-image', model: 'sdxl', pricePerUnit: 1, pixelsPerUnit: 1 }] });
    const same = advert({ orchestrator: C, prices: [{ capability: 'text-to-image', model: 'sdxl', pricePerUnit: 20, pixelsPerUnit: 6 }] });
    const d = '0x00000000000000000000000000000000000000d4';
    const bad = advert({ orchestrator: d, regions: ['LAX'], version: '0.1.0' });
    const e = '0x00000000000000000000000000000000000000e5';
    const worse = advert({ orchestrator: e, regions: ['LAX'] });
    const tel = new Map<string, TelemetryStats>([
      [A, { successRate: 0.9, p95LatencyMs: 300, samples: 10 }],
      [C, { successRate: 0.99, p95LatencyMs: 900, samples: 10 }],
    ]);
    const res = match(parseRequirements({ capability: 'text-to-image', model: 'sdxl', region: 'FRA', minVersion: '0.8.0' }), prepareCandidates([cand(advert()), cand(cheap), cand(same), cand(bad), cand(worse)]), tel);
    expect(res.matches.map((m) => m.address)).toEqual([B, C, A]);
    expect(res.matches[0]!.price).toEqual({ capability: 27, model: 'sdxl', pricePerUnit: 1n, pixelsPerUnit: 1n });
    expect(res.matches[2]!.freeCapacity).toBe(1);
    expect(res.matches[2]!.vramBytes).toBe(25757220864n);
    expect(res.excluded.map((x) => x.address)).toEqual([e, d]);

    // Same price and telemetry: more stake first.
    const s1 = cand(advert({ orchestrator: B }), { stake: 5n });
    const s2 = cand(advert({ orchestrator: C }), { stake: 9n });
    expect(match(parseRequirements({ capability: 27 }), prepareCandidates([s1, s2]), new Map()).matches.map((m) => m.address)).toEqual([C, B]);
    // Same price, same success rate: lower p95 first.
    const lat = new Map<string, TelemetryStats>([
      [B, { successRate: 0.9, p95LatencyMs: 200, samples: 10 }],
      [C, { successRate: 0.9, p95LatencyMs: 100, samples: 10 }],
    ]);
    expect(match(parseRequirements({ capability: 27 }), prepareCandidates([s2, s1]), lat).matches.map((m) => m.address)).toEqual([C, B]);
  });
});

describe('matching adverts imported from a real-shaped network capabilities snapshot', () => {
  const snap = JSON.parse(readFileSync(new URL('../../test/fixtures/registry/networkCapabilities.json', import.meta.url), 'utf8')) as { orchestrators: unknown[] };
  const adverts = snap.orchestrators.map((o) => advertFromOrchestratorInfo(o));
  const ai = '0xd00354656922168815fcd1e51cbddb9e359e3c7f';
  const tc = '0x8ad3b1a1b4d5c6e7f8091a2b3c4d5e6f7a8b9c0d';
  const cands = prepareCandidates(adverts.map((a) => cand(a)));

  it('finds the warm SDXL orchestrator under a price and VRAM cap and says why the other cannot', () => {
    const res = match(parseRequirements({ capability: 'Text to image', model: 'ByteDance/SDXL-Lightning', warm: true, minRunnerVersion: '0.14.0', maxPrice: { pricePerUnit: 5_000_000, pixelsPerUnit: 1 }, minVramBytes: String(20n * GIB) }), cands, new Map());
    expect(res.matches.map((m) => m.address)).toEqual([ai]);
    expect(res.matches[0]!.price).toMatchObject({ pricePerUnit: 4768371n, pixelsPerUnit: 1n });
    expect(res.excluded.map((x) => [x.address, x.reasons.map((r) => r.code)])).toEqual([[tc, ['capability', 'no_price', 'vram']]]);
  });

  it('FLUX is busy but offered; a cap below its price excludes it', () => {
    const res = match(parseRequirements({ capability: 27, model: 'black-forest-labs/FLUX.1-dev', maxPrice: { pricePerUnit: 19_073_485, pixelsPerUnit: 1 } }), cands, new Map());
    expect(res.matches).toEqual([]);
    expect(res.excluded.find((x) => x.address === ai)!.reasons.map((r) => r.code)).toEqual(['price']);
  });

  it('transcoding: both offer H.264 + MPEG-TS; 3/2 wei per pixel ranks before 1200', () => {
    const res = match(parseRequirements({ capability: 'h264', extraCapabilities: ['mpegts'], maxPrice: { pricePerUnit: 1200, pixelsPerUnit: 1 } }), cands, new Map());
    expect(res.matches.map((m) => [m.address, m.price?.pricePerUnit, m.price?.pixelsPerUnit])).toEqual([
      [tc, 3n, 2n],
      [ai, 1200n, 1n],
    ]);
    // A job needing 4:4:4 decode only the transcode-only node offers.
    expect(match(parseRequirements({ capability: 'h264', extraCapabilities: [21] }), cands, new Map()).matches.map((m) => m.address)).toEqual([tc]);
  });
});
