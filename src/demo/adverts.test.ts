import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advertHistory, currentAdverts } from '../registry/store.js';
import { orchestratorOffer, requoteTimes } from '../sim/offers.js';
import { makePopulation } from '../sim/population.js';
import { resolveScenario } from '../sim/scenario.js';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { publishAdverts, type Advertiser } from './adverts.js';

const DAY = 86_400;
const START = Date.UTC(2026, 0, 1) / 1000;
const scenario = resolveScenario({ preset: 'test', orchestrators: 12 });
const pop = makePopulation(scenario);
// The last orchestrator registers on day 10.
const advertisers: Advertiser[] = pop.orchestrators.map((agent, index) => ({ agent, index, since: index === 11 ? START + 10 * DAY : START }));
const key = (p: { capability: number | null; model: string | null; pricePerUnit: bigint; pixelsPerUnit: bigint }) => `${p.capability}|${p.model}|${p.pricePerUnit}/${p.pixelsPerUnit}`;

describe('signed adverts of the simulated orchestrators', () => {
  let db: TestDb;
  const seqs = new Map<string, bigint>();
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
  }, 120_000);
  afterAll(async () => db?.close());

  it('publishes each orchestrator once registered, then after every requote, signed by its own key', async () => {
    const to = START + 20 * DAY;
    const published = await publishAdverts(db.db, scenario.seed, advertisers, { from: START, to }, { chainId: 31337, seqs });
    const expected = advertisers.reduce((n, a) => n + 1 + requoteTimes(scenario.seed, a.agent, a.index, a.since, to).filter((t) => t > a.since).length, 0);
    expect(published).toBe(expected);
    const current = await currentAdverts(db.db);
    expect(current.length).toBe(12);
    for (const a of advertisers) {
      const stored = current.find((c) => c.advert.orchestrator === a.agent.address.toLowerCase())!;
      expect(stored.source).toBe('signed');
      // The current advert is the offer in effect at the end of the range, to the wei.
      expect(stored.advert.prices.map(key).sort()).toEqual(orchestratorOffer(scenario.seed, a.agent, a.index, to).prices.map(key).sort());
    }
    const late = current.find((c) => c.advert.orchestrator === pop.orchestrators[11]!.address.toLowerCase())!;
    expect((await advertHistory(db.db, late.advert.orchestrator, 100)).at(-1)!.issuedAt).toBe(START + 10 * DAY);
  }, 120_000);

  it('goes on from where it stopped: only the requotes of the next range, with growing seqs', async () => {
    const before = new Map(seqs);
    const from = START + 20 * DAY + 1;
    const to = START + 30 * DAY;
    const published = await publishAdverts(db.db, scenario.seed, advertisers, { from, to }, { chainId: 31337, seqs });
    const expected = advertisers.reduce((n, a) => n + requoteTimes(scenario.seed, a.agent, a.index, from, to).length, 0);
    expect(published).toBe(expected);
    for (const a of advertisers) expect(seqs.get(a.agent.address)! - before.get(a.agent.address)!).toBe(BigInt(requoteTimes(scenario.seed, a.agent, a.index, from, to).length));
    const history = await advertHistory(db.db, pop.orchestrators[0]!.address.toLowerCase(), 100);
    expect(history.filter((h) => h.priceChanged).length).toBe(history.length - 1);
  }, 120_000);
});
