import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { DiscoveryPoller, type PollSummary } from '../src/discovery/poller.js';
import { populationNodes, startOrchestratorNodes } from '../src/sim/orchestratorNodes.js';
import { makePopulation } from '../src/sim/population.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { openTestDb } from '../test/helpers/db.js';
import { round2, writeResult } from './results.js';

const ORCHESTRATORS = 1_000;
const SERIAL_SAMPLE = 100;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

function figures(s: PollSummary, orchestrators: number) {
  return {
    wall_ms: s.wallMs,
    ms_per_orchestrator: round2(s.wallMs / orchestrators),
    p50_call_ms: round2(quantile(s.latenciesMs, 0.5)),
    p99_call_ms: round2(quantile(s.latenciesMs, 0.99)),
    nodes_asked: s.targets - s.skipped,
    answered: s.answered,
    failures_handled: s.failed,
  };
}

/**
 * One discovery poll of 1,000 simulated orchestrators (each with a service URI, ~45% with an AI service
 * URI too: one gRPC/TLS server per URI, some never listening, some hanging past the deadline, some busy),
 * with go-livepeer's limits (3 s to connect, 8 s per call). Baseline: the same poller asking one node at a
 * time, over the first 100 orchestrators.
 */
export async function discoveryBench(): Promise<void> {
  const scenario = resolveScenario({ preset: 'test', orchestrators: ORCHESTRATORS });
  const population = makePopulation(scenario);
  const db = await openTestDb('pglite', { migrate: true });
  const load = loadavg()[0]!;
  const nodes = await startOrchestratorNodes({ seed: scenario.seed, nodes: populationNodes(population.orchestrators), now: () => scenario.startTime });
  try {
    const register = async (orchs: typeof population.orchestrators) => {
      await sql`delete from orchestrator`.execute(db.db);
      for (const o of orchs) await sql`insert into orchestrator (address, service_uri, ai_service_uri, first_block, updated_block) values (${o.address.toLowerCase()}, ${o.serviceUri}, ${o.aiServiceUri}, 1, 1)`.execute(db.db);
    };
    const account = privateKeyToAccount(generatePrivateKey());
    await register(population.orchestrators);
    const full = await new DiscoveryPoller({ db: db.db, account, resolve: nodes.resolve, now: () => scenario.startTime, concurrency: 64 }).pollOnce();
    await register(population.orchestrators.slice(0, SERIAL_SAMPLE));
    const serial = await new DiscoveryPoller({ db: db.db, account, resolve: nodes.resolve, now: () => scenario.startTime, concurrency: 1 }).pollOnce();
    const r = writeResult({
      bench: 'discovery',
      figures: figures(full, ORCHESTRATORS),
      baseline: figures(serial, SERIAL_SAMPLE),
      dataset: `${ORCHESTRATORS} simulated orchestrators, ${full.targets} registered service URIs (ServiceRegistry + AIServiceRegistry), each a gRPC server over TLS with a self-signed certificate on loopback, in the benchmark's own process; ${nodes.offline} never listen, others hang or answer "insufficient capacity" by day. One poll, 64 calls in flight, go-livepeer's limits (3 s connect, 8 s call); failures by kind: ${JSON.stringify(full.failures)}. Baseline: one call at a time over the first ${SERIAL_SAMPLE} orchestrators (${serial.targets} URIs). Measured on a 2-core machine shared with other sessions' test runs (1-min load average ${load.toFixed(1)} at the start)`,
    });
    process.stdout.write(`${JSON.stringify(r.figures)}\n`);
  } finally {
    await nodes.close();
    await db.close();
  }
}
