import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentAdverts, requoteStats } from '../registry/store.js';
import { nodeHealth, populationNodes, startOrchestratorNodes, type SimulatedNodes } from '../sim/orchestratorNodes.js';
import { makePopulation, type OrchestratorAgent } from '../sim/population.js';
import { resolveScenario } from '../sim/scenario.js';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { getOrchestratorInfo, discoveryIdentity, DiscoveryError } from './client.js';
import { backoffSeconds, DiscoveryPoller } from './poller.js';

const scenario = resolveScenario({ preset: 'test' });
const population = makePopulation(scenario);
const DAY = 86_400;

/** The first orchestrators whose nodes answer, hang and never listen, so every outcome is covered. */
function pick(): OrchestratorAgent[] {
  const byHealth = new Map<string, OrchestratorAgent[]>();
  for (const n of populationNodes(population.orchestrators)) {
    const h = nodeHealth(scenario.seed, n, scenario.startTime);
    byHealth.set(h, [...(byHealth.get(h) ?? []), n.agent]);
  }
  const chosen = new Set([...(byHealth.get('up') ?? []).slice(0, 8), ...(byHealth.get('offline') ?? []).slice(0, 1), ...(byHealth.get('hangs') ?? []).slice(0, 1)]);
  return population.orchestrators.filter((o) => chosen.has(o));
}

describe('discovery over go-livepeer’s GetOrchestrator', () => {
  let db: TestDb;
  let nodes: SimulatedNodes;
  let clock = scenario.startTime;
  const chosen = pick();
  const account = privateKeyToAccount(generatePrivateKey());

  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
    nodes = await startOrchestratorNodes({ seed: scenario.seed, nodes: populationNodes(population.orchestrators).filter((n) => chosen.includes(n.agent)), now: () => clock });
    for (const o of chosen)
      await sql`insert into orchestrator (address, service_uri, ai_service_uri, first_block, updated_block) values (${o.address.toLowerCase()}, ${o.serviceUri}, ${o.aiServiceUri}, 1, 1)`.execute(db.db);
  }, 180_000);
  afterAll(async () => {
    await nodes?.close();
    await db?.close();
  });

  it('gets an OrchestratorInfo over TLS, signed as a gateway, and refuses an unsigned request', async () => {
    const up = chosen.find((o) => nodeHealth(scenario.seed, { agent: o, index: population.orchestrators.indexOf(o), uri: o.serviceUri, ai: false }, clock) === 'up')!;
    const host = new URL(up.serviceUri).host;
    const { info, latencyMs } = await getOrchestratorInfo({ uri: up.serviceUri, connectTo: nodes.resolve.get(host) }, await discoveryIdentity(account));
    expect(info.address).toBe(up.address.toLowerCase());
    expect(info.transcoder).toBe(up.serviceUri);
    expect((info.capabilities as { version: string }).version).toMatch(/^0\.\d+\.\d+$/);
    expect(latencyMs).toBeGreaterThan(0);
    const bad = await getOrchestratorInfo({ uri: up.serviceUri, connectTo: nodes.resolve.get(host) }, { address: new Uint8Array(20), sig: new Uint8Array(65) }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DiscoveryError);
    expect((bad as DiscoveryError).kind).toBe('refused');
    expect((bad as DiscoveryError).message).toContain('orchestrator req sig check failed');
  }, 30_000);

  it('polls every registered URI, stores answers and failures, imports the offers, and backs off failing nodes', async () => {
    const poller = new DiscoveryPoller({ db: db.db, account, resolve: nodes.resolve, now: () => clock, connectTimeoutMs: 3_000, callTimeoutMs: 3_000, backoff: { baseSeconds: 3600, maxSeconds: 4 * 3600 } });
    const first = await poller.pollOnce();
    const targets = chosen.length + chosen.filter((o) => o.aiServiceUri).length;
    expect(first.targets).toBe(targets);
    expect(first.skipped).toBe(0);
    expect(first.answered + first.failed).toBe(targets);
    expect(first.failures.unreachable).toBeGreaterThanOrEqual(1);
    expect(first.failures.timeout).toBeGreaterThanOrEqual(1);
    expect(first.latenciesMs).toHaveLength(first.answered);
    const stored = await sql<{ ok: boolean; failure: string | null; n: string }>`select ok, failure, count(*)::text as n from discovery_result group by ok, failure order by 1, 2`.execute(db.db);
    expect(stored.rows.reduce((s, r) => s + Number(r.n), 0)).toBe(targets);
    const adverts = await currentAdverts(db.db);
    const answeredOrchs = new Set((await sql<{ o: string }>`select distinct orchestrator as o from discovery_result where ok`.execute(db.db)).rows.map((r) => r.o));
    expect(new Set(adverts.map((a) => a.advert.orchestrator))).toEqual(answeredOrchs);
    expect(adverts.every((a) => a.source === 'snapshot' && a.advert.prices.length > 0)).toBe(true);

    // An hour later the failed nodes are still backing off; a day later they are asked again.
    clock += 3600 - 1;
    const second = await poller.pollOnce();
    expect(second.skipped).toBe(first.failed);
    clock += DAY;
    const third = await poller.pollOnce();
    expect(third.skipped).toBe(0);
    // Offers that changed since the first day are new versions (requotes), the rest only seen again.
    const requotes = await requoteStats(db.db, 0);
    expect(requotes.every((r) => r.adverts >= 1)).toBe(true);
  }, 180_000);

  it('waits twice as long after each failure in a row, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffSeconds(n, { baseSeconds: 60, maxSeconds: 600 }))).toEqual([60, 120, 240, 480, 600]);
  });
});
