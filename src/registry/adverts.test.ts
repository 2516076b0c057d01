import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { advertFromJson, advertFromOrchestratorInfo, advertToJson, AdvertError, comparePrices, parseAdvert, priceFor } from './adverts.js';
import { bitstringFromIds, capabilityId, capabilityName, capabilitySlug, compareVersions, idsFromBitstring, parseVersion } from './capabilities.js';
import { parseProfile, parseRequirements } from './profiles.js';

const snap = JSON.parse(readFileSync(new URL('../../test/fixtures/registry/networkCapabilities.json', import.meta.url), 'utf8')) as { orchestrators: Record<string, unknown>[] };

describe('go-livepeer capability ids', () => {
  it('accepts ids, numeric strings, slugs and display names', () => {
    expect(capabilityId(27)).toBe(27);
    expect(capabilityId('27')).toBe(27);
    expect(capabilityId('text-to-image')).toBe(27);
    expect(capabilityId('Text to image')).toBe(27);
    expect(capabilityId('TEXT_TO_IMAGE')).toBe(27);
    expect(capabilityId('live-video-to-video')).toBe(35);
    expect(capabilityId('H.264')).toBe(0);
    expect(capabilityId('byoc')).toBe(37);
    expect(capabilityId('teleport')).toBeNull();
    expect(capabilityId(-1)).toBeNull();
    expect(capabilityId(1.5)).toBeNull();
    expect(capabilitySlug(33)).toBe('llm');
    expect(capabilitySlug(99)).toBe('capability-99');
    expect(capabilityName(36)).toBe('Text to speech');
  });

  it('bitstrings: bit n of word n/64 is capability n, both ways', () => {
    expect(idsFromBitstring([43421507583])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 26, 27, 28, 33, 35]);
    expect(idsFromBitstring(['5', '1'])).toEqual([0, 2, 64]);
    expect(bitstringFromIds([0, 2, 64])).toEqual([5n, 1n]);
    expect(idsFromBitstring([])).toEqual([]);
  });

  it('versions: semver order, pre-release below release, junk rejected', () => {
    const v = (s: string) => parseVersion(s)!;
    expect(compareVersions(v('0.8.6'), v('v0.8.6'))).toBe(0);
    expect(compareVersions(v('0.10.0'), v('0.9.9'))).toBeGreaterThan(0);
    expect(compareVersions(v('0.8.6-rc1'), v('0.8.6'))).toBeLessThan(0);
    expect(compareVersions(v('0.8.6+abc'), v('0.8.6'))).toBe(0);
    expect(compareVersions(v('1'), v('0.99.99'))).toBeGreaterThan(0);
    expect(parseVersion('latest')).toBeNull();
    expect(parseVersion('')).toBeNull();
  });
});

describe('OrchestratorInfo import', () => {
  it('reads every field of a real-shaped network capabilities entry', () => {
    const a = advertFromOrchestratorInfo(snap.orchestrators[0]);
    expect(a.orchestrator).toBe('0xd00354656922168815fcd1e51cbddb9e359e3c7f'); // base64 bytes → hex
    expect(a.serviceUri).toBe('https://ai-orch.example.net:8935');
    expect(a.version).toBe('0.8.6');
    expect(a.capabilities).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 26, 27, 28, 33, 35]);
    expect(a.mandatories).toEqual([]);
    expect(a.capacities).toEqual({ 0: 12, 1: 12, 2: 12, 27: 2, 28: 1, 33: 1, 35: 1 });
    expect(a.models).toEqual([
      { capability: 27, model: 'ByteDance/SDXL-Lightning', warm: true, capacity: 1, capacityInUse: 0, runnerVersion: '0.14.1' },
      { capability: 27, model: 'black-forest-labs/FLUX.1-dev', warm: false, capacity: 1, capacityInUse: 1, runnerVersion: '0.14.1' },
      { capability: 28, model: 'timbrooks/instruct-pix2pix', warm: true, capacity: 1, capacityInUse: 0, runnerVersion: '0.13.0' },
      { capability: 33, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', warm: true, capacity: 1, capacityInUse: 0, runnerVersion: '0.14.1' },
      { capability: 35, model: 'streamdiffusion', warm: true, capacity: 1, capacityInUse: 0, runnerVersion: '0.14.1' },
    ]);
    expect(a.prices[0]).toEqual({ capability: null, model: null, pricePerUnit: 1200n, pixelsPerUnit: 1n });
    expect(a.prices).toHaveLength(6);
    expect(priceFor(a, 27, 'ByteDance/SDXL-Lightning')).toMatchObject({ pricePerUnit: 4768371n, pixelsPerUnit: 1n });
    expect(priceFor(a, 0, null)).toMatchObject({ pricePerUnit: 1200n });
    expect(a.hardware[0]).toEqual({
      pipeline: 'text-to-image',
      model: 'ByteDance/SDXL-Lightning',
      gpus: [{ id: 'GPU-5d7f8a8c-0b1e-4c43-9d0a-6f1e2b3c4d5e', name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, memoryTotal: 25757220864n, memoryFree: 6442450944n }],
    });
    expect(a.regions).toEqual([]);
  });

  it('reads protojson strings for uint64/int64 and orch_uri, and tolerates null constraints', () => {
    const a = advertFromOrchestratorInfo(snap.orchestrators[1], { regions: ['lax'], tags: ['SOC2'] });
    expect(a.orchestrator).toBe('0x8ad3b1a1b4d5c6e7f8091a2b3c4d5e6f7a8b9c0d');
    expect(a.serviceUri).toBe('https://transcode-only.example.org:8935');
    expect(a.capabilities).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
    expect(a.prices).toEqual([{ capability: null, model: null, pricePerUnit: 3n, pixelsPerUnit: 2n }]);
    expect(a.models).toEqual([]);
    expect(a.regions).toEqual(['LAX']);
    expect(a.tags).toEqual(['soc2']);
  });

  it('round-trips through its JSON form exactly', () => {
    const a = advertFromOrchestratorInfo(snap.orchestrators[0]);
    expect(advertFromJson(JSON.parse(JSON.stringify(advertToJson(a))))).toEqual(a);
  });

  it('rejects entries it cannot read, naming the field', () => {
    const e0 = snap.orchestrators[0]!;
    const caps = e0.capabilities as Record<string, unknown>;
    const bad = (o: unknown, re: RegExp) => expect(() => advertFromOrchestratorInfo(o)).toThrow(re);
    bad({ ...e0, address: undefined, ticket_params: undefined }, /neither address nor ticket_params.recipient/);
    bad({ ...e0, address: 'AAEC' }, /address must be 0x-prefixed hex or base64 of 20 bytes/);
    bad({ ...e0, capabilities: { ...caps, bitstring: [0] } }, /names no capability/);
    bad({ ...e0, capabilities: { ...caps, bitstring: [-1] } }, /bitstring word must be a non-negative whole number/);
    bad({ ...e0, capabilities: { ...caps, bitstring: [2 ** 60] } }, /above 2\^53 as decimal strings/);
    bad({ ...e0, price_info: { pricePerUnit: 1.5, pixelsPerUnit: 1 } }, /pricePerUnit/);
    bad({ ...e0, capabilities_prices: [{ pricePerUnit: 1, pixelsPerUnit: 1, constraint: 'x' }] }, /has no capability/);
    bad({ ...e0, capabilities: { ...caps, capacities: { abc: 1 } } }, /not a capability id/);
    bad({ ...e0, capabilities: { ...caps, constraints: { PerCapability: { 27: { models: { m: { runnerVersion: 'latest' } } } } } } }, /not a version/);
    bad('nope', /expected object/);
  });
});

describe("Atlas' advert form", () => {
  const ok = { orchestrator: '0x00000000000000000000000000000000000000A1', capabilities: ['text-to-image'], models: [{ capability: 27, model: 'sdxl' }], prices: [{ capability: 'text-to-image', model: 'sdxl', pricePerUnit: '9223372036854775807', pixelsPerUnit: 1 }] };

  it('normalizes addresses, names and defaults; keeps int64 prices exact', () => {
    const a = parseAdvert(ok);
    expect(a.orchestrator).toBe('0x00000000000000000000000000000000000000a1');
    expect(a.models[0]).toEqual({ capability: 27, model: 'sdxl', warm: false, capacity: 1, capacityInUse: 0, runnerVersion: null });
    expect(a.prices[0]!.pricePerUnit).toBe(9223372036854775807n);
  });

  it('rejects bad adverts with the field named', () => {
    const bad = (o: Record<string, unknown>, re: RegExp) => expect(() => parseAdvert({ ...ok, ...o })).toThrow(re);
    bad({ capabilities: [] }, /at least one capability/);
    bad({ capabilities: ['warp-drive'] }, /unknown capability "warp-drive"/);
    bad({ orchestrator: '0x12' }, /orchestrator must be a 0x-prefixed/);
    bad({ version: 'new' }, /version must be a version/);
    bad({ prices: [{ capability: 27, pricePerUnit: 1, pixelsPerUnit: 0 }] }, /pixelsPerUnit must be at least 1/);
    bad({ prices: [{ capability: 27, pricePerUnit: -1, pixelsPerUnit: 1 }] }, /pricePerUnit must be a non-negative/);
    bad({ prices: [{ capability: 27, pricePerUnit: '9223372036854775808', pixelsPerUnit: 1 }] }, /pricePerUnit must be at most/);
    bad({ prices: [{ model: 'sdxl', pricePerUnit: 1, pixelsPerUnit: 1 }] }, /a model price needs its capability/);
    bad({ prices: [{ capability: 27, pricePerUnit: 1, pixelsPerUnit: 1 }, { capability: 27, pricePerUnit: 2, pixelsPerUnit: 1 }] }, /two prices/);
    bad({ mandatories: ['llm'] }, /mandatory but not in capabilities/);
    bad({ models: [{ capability: 'llm', model: 'x' }] }, /not in capabilities/);
    bad({ models: [{ capability: 27, model: 'x', capacity: 1, capacityInUse: 2 }] }, /above its capacity/);
    bad({ models: [{ capability: 27, model: 'x' }, { capability: 27, model: 'x' }] }, /listed twice/);
    bad({ regions: ['Frankfurt am Main'] }, /region must be a code/);
    bad({ tags: ['no spaces'] }, /tag must be/);
    bad({ serviceUri: 'ftp://x' }, /serviceUri/);
    bad({ extra: 1 }, /Unrecognized key/);
    expect(() => parseAdvert({ ...ok, capacities: { nope: 1 } })).toThrow(AdvertError);
  });

  it('compares prices as exact rationals', () => {
    expect(comparePrices({ pricePerUnit: 1n, pixelsPerUnit: 3n }, { pricePerUnit: 333333333n, pixelsPerUnit: 1000000000n })).toBe(1);
    expect(comparePrices({ pricePerUnit: 2n, pixelsPerUnit: 6n }, { pricePerUnit: 1n, pixelsPerUnit: 3n })).toBe(0);
  });
});

describe('gateway requirement profiles', () => {
  it('parses a profile with defaults', () => {
    const p = parseProfile({ gateway: '0x00000000000000000000000000000000000000B2', name: 'sdxl-eu', requirements: { capability: 'text-to-image', model: 'sdxl', warm: true, tags: ['b', 'a', 'a'] } });
    expect(p.gateway).toBe('0x00000000000000000000000000000000000000b2');
    expect(p.requirements).toMatchObject({ capability: 27, model: 'sdxl', warm: true, tags: ['a', 'b'], maxPrice: null, minStake: null, activeOnly: false });
    expect(p.expectedSessions).toBe(0);
  });

  it('rejects contradictions and out-of-range thresholds', () => {
    expect(() => parseRequirements({ capability: 'h264', model: 'x' })).toThrow(/not an AI pipeline/);
    expect(() => parseRequirements({ capability: 27, warm: true })).toThrow(/warm model requires a model/);
    expect(() => parseRequirements({ capability: 27, minRunnerVersion: '0.1.0' })).toThrow(/requires a model/);
    expect(() => parseRequirements({ capability: 27, minSuccessRate: 1.5 })).toThrow(/minSuccessRate must be from 0 to 1/);
    expect(() => parseRequirements({ capability: 27, maxP95LatencyMs: 0 })).toThrow(/maxP95LatencyMs must be positive/);
    expect(() => parseRequirements({ capability: 27, maxPrice: { pricePerUnit: 1 } })).toThrow(/pixelsPerUnit/);
    expect(() => parseRequirements({})).toThrow(/capability/);
    expect(() => parseProfile({ gateway: '0x00000000000000000000000000000000000000b2', name: 'has space', requirements: { capability: 27 } })).toThrow(/name must be/);
  });
});
