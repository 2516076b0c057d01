import { describe, expect, it } from 'vitest';
import { parseAdvert } from './adverts.js';
import { parseProfile } from './profiles.js';
import { marketReport, priceStats, supplyDemand, supplyDemandSeries, tagOf } from './supplyDemand.js';

const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const ad = (n: number, models: { model: string; warm?: boolean; capacity: number; inUse?: number; price: [number, number] }[]) =>
  parseAdvert({
    orchestrator: addr(n),
    capabilities: ['text-to-image', 'h264'],
    capacities: { h264: 10 },
    models: models.map((m) => ({ capability: 27, model: m.model, warm: m.warm ?? false, capacity: m.capacity, capacityInUse: m.inUse ?? 0 })),
    prices: [{ pricePerUnit: 1000, pixelsPerUnit: 1 }, ...models.map((m) => ({ capability: 27, model: m.model, pricePerUnit: m.price[0], pixelsPerUnit: m.price[1] }))],
  });
const prof = (gw: number, name: string, model: string | null, sessions: number) => parseProfile({ gateway: addr(0x1000 + gw), name, expectedSessions: sessions, requirements: { capability: 27, model } });

describe('supply and demand by tag', () => {
  const adverts = [
    ad(1, [{ model: 'sdxl', warm: true, capacity: 2, inUse: 1, price: [10, 1] }, { model: 'flux', capacity: 1, price: [40, 1] }]),
    ad(2, [{ model: 'sdxl', capacity: 1, price: [9, 2] }]),
    ad(3, [{ model: 'sdxl', warm: true, capacity: 4, price: [12, 1] }]),
  ];
  const profiles = [prof(1, 'a', 'sdxl', 5), prof(2, 'b', 'sdxl', 3), prof(1, 'c', 'upscaler-x', 2)];

  it('sums capacity, counts orchestrators and states price floors per tag (hand-computed)', () => {
    const rows = supplyDemand(adverts, profiles, new Map([['text-to-image/flux', { jobs: 120, unserved: 3 }]]));
    const by = new Map(rows.map((r) => [r.tag, r]));
    const sdxl = by.get('text-to-image/sdxl')!;
    expect(sdxl).toMatchObject({ orchestrators: 3, warmOrchestrators: 2, capacity: 7, freeCapacity: 6, profiles: 2, expectedSessions: 8, underSupplied: true });
    expect(sdxl.demandToCapacity).toBeCloseTo(8 / 7, 12);
    expect(sdxl.prices!.floor).toMatchObject({ pricePerUnit: 9n, pixelsPerUnit: 2n });
    expect(sdxl.prices!.distribution).toEqual([4.5, 10, 12]);
    expect(sdxl.prices!.p50).toBe(10);
    expect(sdxl.prices!.p90).toBe(12);
    const flux = by.get('text-to-image/flux')!;
    expect(flux).toMatchObject({ orchestrators: 1, capacity: 1, profiles: 0, observedJobs: 120, unserved: 3, underSupplied: true });
    // Demand with no supply at all.
    expect(by.get('text-to-image/upscaler-x')).toMatchObject({ orchestrators: 0, capacity: 0, expectedSessions: 2, demandToCapacity: null, underSupplied: true, prices: null });
    // Capability-level tag sums its models; transcoding capacity from capacities and the general price.
    expect(by.get('text-to-image')).toMatchObject({ orchestrators: 3, capacity: 8, freeCapacity: 7, expectedSessions: 0 });
    expect(by.get('h264')).toMatchObject({ orchestrators: 3, capacity: 30, underSupplied: false });
    expect(by.get('h264')!.prices!.floor.pricePerUnit).toBe(1000n);
  });

  it('calls a tag under-supplied when more than 1% of its requests found no orchestrator, not for a rare miss', () => {
    const share = (jobs: number, unserved: number) => supplyDemand(adverts, [], new Map([['text-to-image/flux', { jobs, unserved }]])).find((r) => r.tag === 'text-to-image/flux')!.underSupplied;
    expect(share(495, 5)).toBe(false); // exactly 1%
    expect(share(494, 6)).toBe(true);
    expect(share(500, 0)).toBe(false);
  });

  it('market report: under-supplied demand first, idle supply, capability price spread', () => {
    const rep = marketReport(supplyDemand(adverts, [prof(1, 'a', 'sdxl', 5)]));
    expect(rep.inDemand.map((r) => r.tag)).toEqual(['text-to-image/sdxl']);
    expect(rep.inDemand[0]!.underSupplied).toBe(false); // 5 sessions ≤ 7 capacity
    expect(rep.idleSupply.map((r) => r.tag)).toEqual(['text-to-image/flux']);
    expect(rep.capabilityPrices).toEqual([expect.objectContaining({ tag: 'text-to-image', orchestrators: 3 })]);
    const tight = marketReport(supplyDemand(adverts, [prof(1, 'a', 'sdxl', 5), prof(1, 'b', 'upscaler-x', 1), prof(2, 'c', 'flux', 4)]));
    // flux: 4 sessions wanted, 1 offered (shortfall 3); upscaler-x: 1 wanted, none offered (1); sdxl fits.
    expect(tight.inDemand.map((r) => [r.tag, r.underSupplied])).toEqual([
      ['text-to-image/flux', true],
      ['text-to-image/upscaler-x', true],
      ['text-to-image/sdxl', false],
    ]);
  });

  it('flags a tag whose profiles match nobody even when capacity suffices', () => {
    const rows = supplyDemand(adverts, [prof(1, 'a', 'sdxl', 1)], new Map(), new Set(['text-to-image/sdxl']));
    expect(rows.find((r) => r.tag === 'text-to-image/sdxl')!.underSupplied).toBe(true);
  });

  it('series: the advert and profile versions in force at each bucket end', () => {
    const v1 = ad(1, [{ model: 'sdxl', capacity: 1, price: [10, 1] }]);
    const v2 = ad(1, [{ model: 'sdxl', capacity: 3, price: [8, 1] }]);
    const p = prof(1, 'a', 'sdxl', 2);
    const pts = supplyDemandSeries(
      [
        { orchestrator: v1.orchestrator, issuedAt: 100, advert: v1, signed: true },
        { orchestrator: v2.orchestrator, issuedAt: 250, advert: v2, signed: true },
        // A later unsigned snapshot does not displace the signed advert.
        { orchestrator: v2.orchestrator, issuedAt: 260, advert: ad(1, [{ model: 'sdxl', capacity: 50, price: [1, 1] }]), signed: false },
      ],
      [
        { issuedAt: 150, profile: p, retired: false },
        { issuedAt: 320, profile: { ...p, retired: true }, retired: true },
      ],
      [200, 300, 400, 50],
      new Map([[300, new Map([['text-to-image/sdxl', { jobs: 7, unserved: 2 }]])]]),
    ).filter((x) => x.tag === 'text-to-image/sdxl');
    expect(pts.map((x) => [x.at, x.observedJobs, x.unserved])).toEqual([
      [200, 0, 0],
      [300, 7, 2],
      [400, 0, 0],
    ]);
    expect(pts.map((x) => [x.at, x.capacity, x.expectedSessions, x.priceFloor?.pricePerUnit])).toEqual([
      [200, 1, 2, 10n],
      [300, 3, 2, 8n],
      [400, 3, 0, 8n],
    ]);
  });

  it('price stats use nearest-rank quantiles of stated prices', () => {
    const ps = [5, 1, 3, 2, 4].map((n) => ({ pricePerUnit: BigInt(n), pixelsPerUnit: 1n }));
    expect(priceStats(ps)).toMatchObject({ p50: 3, p90: 5, max: 5, distribution: [1, 2, 3, 4, 5] });
    expect(priceStats([])).toBeNull();
    expect(tagOf(33, null)).toBe('llm');
    expect(tagOf(37, 'openai-chat-completions')).toBe('byoc/openai-chat-completions');
  });
});
