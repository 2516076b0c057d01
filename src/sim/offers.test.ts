import { describe, expect, it } from 'vitest';
import { advertFromOrchestratorInfo } from '../registry/adverts.js';
import { AI_PIPELINES, offerPrice, orchestratorInfo, orchestratorOffer, requoteTimes, TRANSCODING_WEI_PER_PIXEL } from './offers.js';
import { makePopulation } from './population.js';
import { resolveScenario } from './scenario.js';

const scenario = resolveScenario({ preset: 'test' });
const pop = makePopulation(scenario);
const DAY = 86_400;
const T = Date.UTC(2026, 0, 15) / 1000;

describe('orchestrator offers', () => {
  it('prices every capability an orchestrator serves: transcoding per pixel, each AI model of its pipelines', () => {
    for (const [i, o] of pop.orchestrators.entries()) {
      const offer = orchestratorOffer(scenario.seed, o, i, T);
      expect(offer.orchestrator).toBe(o.address.toLowerCase());
      expect(offer.capabilities).toEqual([...new Set(o.capabilities)].sort((a, b) => a - b));
      if (o.capabilities.some((c) => c < 27)) expect(offerPrice(offer, 0, null)?.pixelsPerUnit).toBe(1n);
      for (const c of o.capabilities.filter((x) => x >= 27)) {
        const models = offer.models.filter((m) => m.capability === c);
        expect(models.length).toBeGreaterThan(0);
        // The pipeline's first model is on every orchestrator that serves it.
        expect(models[0]!.model).toBe(AI_PIPELINES.find((p) => p.capability === c)!.models[0]);
        for (const m of models) expect(offerPrice(offer, c, m.model)!.pricePerUnit).toBeGreaterThan(0n);
      }
    }
  });

  it('asks prices around the documented levels (median within 40% of the pipeline price)', () => {
    const median = (xs: bigint[]) => Number([...xs].sort((a, b) => (a < b ? -1 : 1))[xs.length >> 1]!);
    const offers = pop.orchestrators.map((o, i) => orchestratorOffer(scenario.seed, o, i, T));
    const transcoding = offers.flatMap((f) => f.prices.filter((p) => p.capability === null).map((p) => p.pricePerUnit));
    expect(median(transcoding) / TRANSCODING_WEI_PER_PIXEL).toBeGreaterThan(0.6);
    expect(median(transcoding) / TRANSCODING_WEI_PER_PIXEL).toBeLessThan(1.4);
    const t2i = offers.flatMap((f) => f.prices.filter((p) => p.capability === 27 && p.model === 'ByteDance/SDXL-Lightning').map((p) => p.pricePerUnit));
    expect(t2i.length).toBeGreaterThan(5);
    expect(median(t2i) / 4_768_371).toBeGreaterThan(0.6);
    expect(median(t2i) / 4_768_371).toBeLessThan(1.4);
  });

  it('is the same for the same seed and day, and changes prices only on a requote day', () => {
    const o = pop.orchestrators[3]!;
    expect(orchestratorOffer(scenario.seed, o, 3, T)).toEqual(orchestratorOffer(scenario.seed, o, 3, T + 3600));
    const times = requoteTimes(scenario.seed, o, 3, T, T + 40 * DAY);
    expect(times.length).toBeGreaterThan(3);
    for (let day = T; day < T + 40 * DAY; day += DAY) {
      const before = orchestratorOffer(scenario.seed, o, 3, day - 1);
      const after = orchestratorOffer(scenario.seed, o, 3, day);
      const changed = before.prices.some((p, k) => p.pricePerUnit !== after.prices[k]!.pricePerUnit);
      expect(changed).toBe(times.includes(day));
      if (times.includes(day)) expect(after.since).toBe(day);
    }
  });

  it('reads back through the registry as the same offer: OrchestratorInfo with the exact prices', () => {
    const i = pop.orchestrators.findIndex((o) => o.capabilities.some((c) => c >= 27));
    const offer = orchestratorOffer(scenario.seed, pop.orchestrators[i]!, i, T);
    const advert = advertFromOrchestratorInfo(orchestratorInfo(offer), { regions: [offer.region] });
    expect(advert.orchestrator).toBe(offer.orchestrator);
    expect(advert.capabilities).toEqual(offer.capabilities);
    expect(advert.version).toBe(offer.version);
    expect(advert.regions).toEqual([offer.region]);
    const key = (p: { capability: number | null; model: string | null; pricePerUnit: bigint; pixelsPerUnit: bigint }) => `${p.capability}|${p.model}|${p.pricePerUnit}/${p.pixelsPerUnit}`;
    expect(advert.prices.map(key).sort()).toEqual(offer.prices.map(key).sort());
    expect(advert.models.map((m) => `${m.capability}|${m.model}|${m.warm}|${m.capacity}`).sort()).toEqual(offer.models.map((m) => `${m.capability}|${m.model}|${m.warm}|${m.capacity}`).sort());
  });
});
