// Discovery in the demo: every simulated orchestrator's node serves its OrchestratorInfo over gRPC/TLS on a
// loopback port, and Atlas polls them as it polls the real network. The history before the start is
// polled with the nodes' clock set back (what each node would have answered then), then polls go on live.
import { systemClock } from '../base/clock.js';
import type { Kysely } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { DiscoveryPoller, type PollSummary } from '../discovery/poller.js';
import { discoveryTargets } from '../discovery/store.js';
import { populationNodes, startOrchestratorNodes, type SimulatedNodes } from '../sim/orchestratorNodes.js';
import { makePopulation } from '../sim/population.js';
import type { Scenario } from '../sim/scenario.js';
import type { Database } from '../store/schema.js';

const DAY = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);

export interface DemoDiscoveryOptions {
  /** Days of history polled at start (default 14), one poll every `stepDays` (default 1). */
  historyDays?: number;
  stepDays?: number;
  /** Loopback nodes answer fast: a shorter call limit than go-livepeer's 8 s keeps the catch-up short (connecting keeps its 3 s: a busy machine needs it). */
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Calls in flight: the nodes share this process, so fewer at once finish sooner on a small machine. */
  concurrency?: number;
}

/** The demo's discovery clock: a simulated time while the history is polled, then the wall clock (null). */
interface Clock {
  at: number | null;
}

export class DemoDiscovery {
  private constructor(
    readonly nodes: SimulatedNodes,
    readonly poller: DiscoveryPoller,
    private readonly opts: Required<DemoDiscoveryOptions>,
    private readonly clock: Clock,
  ) {}

  /** Starts a node per service URI of the scenario's population and a poller set up to reach them. */
  static async start(db: Kysely<Database>, scenario: Scenario, options: DemoDiscoveryOptions = {}): Promise<DemoDiscovery> {
    const opts: Required<DemoDiscoveryOptions> = { historyDays: 14, stepDays: 1, connectTimeoutMs: 3_000, callTimeoutMs: 4_000, concurrency: 16, ...options };
    const population = makePopulation(scenario);
    const start = nowS();
    const clock: Clock = { at: start - opts.historyDays * DAY };
    const now = () => clock.at ?? nowS();
    const nodes = await startOrchestratorNodes({ seed: scenario.seed, nodes: populationNodes(population.orchestrators), now });
    const poller = new DiscoveryPoller({
      db,
      account: privateKeyToAccount(generatePrivateKey()),
      resolve: nodes.resolve,
      now,
      connectTimeoutMs: opts.connectTimeoutMs,
      callTimeoutMs: opts.callTimeoutMs,
      concurrency: opts.concurrency,
      backoff: { baseSeconds: 6 * 3600, maxSeconds: 3 * DAY },
    });
    return new DemoDiscovery(nodes, poller, opts, clock);
  }

  /** Polls the history (one poll per step, oldest first), ending at the wall clock; stops between polls when the signal aborts. */
  async catchUp(onPoll?: (s: PollSummary) => void, signal?: AbortSignal): Promise<PollSummary[]> {
    const out: PollSummary[] = [];
    const end = nowS();
    for (let t = end - this.opts.historyDays * DAY; t < end && !signal?.aborted; t += this.opts.stepDays * DAY) {
      this.clock.at = t;
      const s = await this.poller.pollOnce();
      out.push(s);
      onPoll?.(s);
    }
    this.clock.at = null;
    return out;
  }

  /** Polls on the wall clock every `intervalSeconds` until the signal aborts. */
  async runLive(signal: AbortSignal, intervalSeconds: number, hooks: { onPoll?: (s: PollSummary) => void; onError?: (e: Error) => void } = {}): Promise<void> {
    this.clock.at = null;
    await this.poller.run(signal, intervalSeconds, hooks);
  }

  async close(): Promise<void> {
    await this.nodes.close();
  }
}

/**
 * Waits until the indexer has seen every registered service URI of the population (or `timeoutMs` passes, or the
 * signal aborts: a short history may not register them all, and stopping must not wait for the deadline).
 */
export async function waitForServiceUris(db: Kysely<Database>, scenario: Scenario, signal: AbortSignal, timeoutMs = 120_000): Promise<number> {
  const expected = populationNodes(makePopulation(scenario).orchestrators).length;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = (await discoveryTargets(db)).length;
    if (n >= expected || Date.now() > deadline || signal.aborted) return n;
    await systemClock.sleepUntil(Date.now() + 1000, signal).catch(() => undefined);
  }
}

/**
 * The demo's discovery for `atlas start`: once the simulated orchestrators are registered, poll the past
 * `historyDays`, then every `intervalSeconds` until the signal aborts.
 */
export async function runDemoDiscovery(db: Kysely<Database>, scenario: Scenario, signal: AbortSignal, opts: { intervalSeconds: number; log: (m: string) => void }): Promise<void> {
  await waitForServiceUris(db, scenario, signal);
  if (signal.aborted) return;
  const d = await DemoDiscovery.start(db, scenario);
  try {
    const history = await d.catchUp(undefined, signal);
    if (signal.aborted) return;
    const last = history[history.length - 1];
    opts.log(`discovery: ${d.nodes.serving} simulated orchestrator nodes (gRPC/TLS), ${history.length} polls of the last ${history.length} days; latest ${last?.answered ?? 0} of ${last?.targets ?? 0} answered`);
    await d.runLive(signal, opts.intervalSeconds, { onError: (e) => opts.log(`discovery: ${e.message}`) });
  } finally {
    await d.close();
  }
}
