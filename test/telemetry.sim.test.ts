import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePopulation } from '../src/sim/population.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { demand } from '../src/telemetry/demand.js';
import { feed } from '../src/telemetry/feed.js';
import { planFromScenario } from '../src/telemetry/loadgen.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';
import { countRows } from './helpers/telemetry.js';

const DAY = 86_400_000;
const scenario = resolveScenario({ preset: 'test' });
const plan = planFromScenario(scenario);

describe('simulated gateways sign their own telemetry', () => {
  let fx: IndexedFixture;
  beforeAll(async () => {
    fx = await indexedFixture('pglite');
  }, 600_000);
  afterAll(async () => fx?.db.close());

  it('gives each gateway a key whose address is its on-chain address, the same for the same seed', () => {
    const pop = makePopulation(scenario);
    expect(plan.gateways.map((g) => g.account.address)).toEqual(pop.gateways.map((g) => g.address));
    expect(makePopulation(scenario).gateways.map((g) => g.privateKey)).toEqual(pop.gateways.map((g) => g.privateKey));
    expect(new Set(pop.gateways.map((g) => g.privateKey)).size).toBe(pop.gateways.length);
    expect(makePopulation(resolveScenario({ preset: 'test', seed: 'another' })).gateways[0]!.address).not.toBe(pop.gateways[0]!.address);
  });

  it('accepts their batches with no allow-list, as on-chain gateways, and joins their tickets by gateway', async () => {
    const onChain = await sql<{ address: string }>`select lower(address) as address from gateway where deposit > 0 or reserve > 0`.execute(fx.db.db);
    const funded = new Set(onChain.rows.map((r) => r.address));
    const senders = plan.gateways.filter((g) => funded.has(g.account.address.toLowerCase()));
    expect(senders.length).toBeGreaterThan(0);
    // Send load on the days the simulated chain paid tickets, from the gateways still funded.
    const span = await sql<{ lo: string; hi: string }>`select min(block_time)::text as lo, max(block_time)::text as hi from winning_ticket`.execute(fx.db.db);
    const hi = Number(span.rows[0]!.hi) * 1000;
    const lo = Math.max(Number(span.rows[0]!.lo) * 1000, hi - 5 * DAY);
    const now = hi + 3_600_000;
    const sub = { ...plan, gateways: senders };
    const fed = await feed(sub, { kind: 'db', db: fx.db.db, ingest: { chainId: 31337, allowList: new Set(), now: () => now, maxAgeMs: 7 * DAY } }, {
      fromHour: Math.floor(lo / 3_600_000) * 3_600_000, toHour: Math.floor(hi / 3_600_000) * 3_600_000, jobsPerHour: 20, batchSize: 500, events: false,
    });
    expect(fed.reports).toBeGreaterThan(0);
    expect(await countRows(fx.db.db, 'telemetry_report')).toBe(fed.reports);
    const d = await demand(fx.db.db, { since: new Date(Math.floor(lo / DAY) * DAY), until: new Date(now), by: 'gateway' });
    const reported = d.series.filter((s) => s.jobs.some((j) => j > 0) && s.onchainWei.some((w) => w > 0n));
    // A gateway that reported jobs is the one whose tickets paid on chain: one series holds both.
    expect(reported.length).toBeGreaterThan(0);
    for (const s of reported) expect(funded.has(s.key)).toBe(true);
    const byCap = await demand(fx.db.db, { since: new Date(Math.floor(lo / DAY) * DAY), until: new Date(now), by: 'capability' });
    const attributed = byCap.series.filter((s) => s.key !== 'unattributed').reduce((a, s) => a + s.onchainWei.reduce((x, y) => x + y, 0n), 0n);
    expect(attributed).toBeGreaterThan(0n);
  }, 300_000);
});
