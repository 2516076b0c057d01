import { createApp, startServer, type AppOptions, type IndexerStatus } from '../api/index.js';
import { arbitrumOne, simulatorNetwork } from '../chain/networks.js';
import { ProtocolIndexer } from '../projections/indexer.js';
import { priceExtension } from '../prices/projection.js';
import { marketExtension } from '../market/projection.js';
import { marketPools } from '../market/pools.js';
import { priceSources } from '../prices/sources.js';
import { priceOverrides } from './indexCommand.js';
import path from 'node:path';
import { systemClock, type Clock } from '../base/clock.js';
import { EXAMPLE_BUDGET, writeDemoBudget } from '../demo/budget.js';
import { startLivingNetwork, type LivingNetwork } from '../demo/livingNetwork.js';
import { resolveScenario, type Scenario } from '../sim/scenario.js';
import type { AtlasDb } from '../store/db.js';
import { ConfigError, loadConfig, type AtlasConfig } from './config.js';
import { createLogger } from '../base/log.js';
import { apiLimits, claimNetwork, freshSimulatorDatabase, holdIndexerLock, openApiPool, openDatabase } from './database.js';
import { ProgressLine } from './progress.js';
import { importNeedsAtStart } from './needsAtStart.js';
import { headAgeReadiness } from '../api/readiness.js';
import { checkChain } from './indexCommand.js';
import { runDemoDiscovery } from '../demo/discovery.js';
import { seedDemoExtras } from '../demo/extras.js';
import { runDiscovery } from './discovery.js';

/**
 * `atlas start`: on the default configuration a simulated network is generated on a local node while the
 * indexer follows it and the API and dashboard serve what is indexed, live; the network keeps running.
 */
export async function startCommand(flags: { priceAggregators?: string; lptPool?: string; fresh?: boolean } = {}): Promise<void> {
  const cfg = loadConfig(process.env, priceOverrides(flags));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await runAtlas(cfg, { signal: controller.signal, clock: systemClock, fresh: flags.fresh });
}

/** What a running `atlas start` exposes once it listens (tests drive it through this). */
export interface RunningAtlas {
  url: string;
  db: AtlasDb;
  /** The living simulated network (null when indexing a real chain). */
  network: LivingNetwork | null;
}

export interface RunOptions {
  /** Stops everything; runAtlas returns once all is closed. */
  signal: AbortSignal;
  /** The one clock of the process: live rounds, telemetry, adverts and the API's time windows. */
  clock: Clock;
  /** Replace the database of an earlier simulator run (`atlas start --fresh`). */
  fresh?: boolean;
  /** The built dashboard to serve (default: the package's web/dist). */
  webDir?: string;
  onListening?: (a: RunningAtlas) => void;
}

/** `atlas start` with a given configuration and clock: returns when the signal aborts (or a part fails). */
export async function runAtlas(cfg: AtlasConfig, o: RunOptions): Promise<void> {
  const logger = createLogger(cfg.log);
  const log = (m: string) => logger.info(m);
  const stopped = new AbortController();
  const abort = () => stopped.abort();
  if (o.signal.aborted) abort();
  o.signal.addEventListener('abort', abort, { once: true });

  let living: LivingNetwork | null = null;
  let db: AtlasDb | null = null;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let releaseWriter: (() => Promise<void>) | null = null;
  let apiPool: AtlasDb | null = null;
  try {
    let rpcUrl: string;
    let simulation: Promise<unknown> | null = null;
    let discovery: Promise<void> | null = null;
    let demoScenario: Scenario | null = null;
    let budgetFile = cfg.treasury.budgetFile;
    const simulated = cfg.network.kind === 'simulator';
    if (cfg.network.kind === 'simulator') {
      db = await freshSimulatorDatabase(cfg.database, { fresh: o.fresh });
      const scenario = resolveScenario({
        preset: cfg.network.preset,
        seed: cfg.network.seed,
        ...(cfg.network.rounds !== undefined ? { rounds: cfg.network.rounds } : {}),
      });
      const progress = new ProgressLine('simulating history');
      const started = Date.now();
      const roundSeconds = cfg.network.roundSeconds;
      living = await startLivingNetwork({
        db: db.db,
        scenario,
        clock: o.clock,
        liveRoundSeconds: roundSeconds > 0 ? roundSeconds : null,
        signal: stopped.signal,
        onHistoryProgress: (p) => {
          progress.update(p.roundsDone, p.roundsTotal, { txs: p.txs, logs: p.logs });
          if (p.roundsDone === p.roundsTotal) {
            progress.done(`history mined: ${p.roundsTotal} rounds, ${p.logs.toLocaleString('en-US')} logs in ${((Date.now() - started) / 1000).toFixed(0)}s; ${roundSeconds > 0 ? `a new round every ${roundSeconds}s from now on` : 'the network stops here (ATLAS_SIM_ROUND_SECONDS=0)'}`);
          }
        },
        onRound: (r, live) => {
          if (live) log(`round ${r.round} opened`);
        },
        onError: (what, e) => logger.warn({ err: e.message }, `demo ${what} failed; going on`),
      });
      demoScenario = scenario;
      void seedDemoExtras(db.db, scenario, Math.floor(o.clock.now() / 1000)).then(
        (r) => log(`demo statements: ${r.labels} gateway labels, ${r.profiles} signed job classes, ${r.comparatorPoints} example comparator points`),
        (e: unknown) => logger.error({ err: (e as Error).message }, 'demo statements stopped'),
      );
      rpcUrl = living.rpcUrl;
      log(`simulated Livepeer network (${cfg.network.preset}, seed ${cfg.network.seed}) on ${rpcUrl}, history ending ${new Date(living.endTime * 1000).toISOString()}`);
      simulation = living.done.catch((e: unknown) => logger.error({ err: (e as Error).message }, 'simulation stopped'));
      if (budgetFile === null) {
        const dir = cfg.database.kind === 'pglite' ? path.dirname(cfg.database.dataDir) : path.resolve('.atlas');
        budgetFile = writeDemoBudget(path.join(dir, 'demo-budget.json'), living.endTime);
        log(`treasury budget: ${shortPath(EXAMPLE_BUDGET)} moved onto the simulated months (${shortPath(budgetFile)})`);
      }
    } else {
      rpcUrl = cfg.network.url;
      // The endpoint answers before anything is created on disk.
      await checkChain(rpcUrl, arbitrumOne, cfg.sync.rpcTimeoutMs);
      db = await openDatabase(cfg.database);
    }
    releaseWriter = await holdIndexerLock(cfg.database, (e) => {
      logger.error({ err: e.message }, 'lost the indexer lock; stopping');
      stopped.abort();
    });
    const network = simulated ? simulatorNetwork() : arbitrumOne;
    const indexer = new ProtocolIndexer({
      db: db.db,
      rpcUrl,
      network,
      extensions: [priceExtension(priceSources(network, cfg.prices)), marketExtension(marketPools(network))],
      confirmations: cfg.sync.confirmations ?? network.confirmations,
      pollIntervalMs: simulated ? 500 : cfg.sync.pollMs,
      rpcConcurrency: cfg.sync.rpcConcurrency,
      rpcOptions: { timeoutMs: cfg.sync.rpcTimeoutMs },
      verifyState: cfg.sync.verifyState,
      onReorg: (r) => logger.warn({ depth: r.depth, forkBlock: r.forkBlock }, 'reorg: rolled back'),
      onError: (e) => logger.warn({ err: e.message }, 'indexer failed a step; retrying'),
    });
    const genesis = await indexer.rpc.request<{ hash: string } | null>('eth_getBlockByNumber', ['earliest', false]);
    // 'earliest', not block 0: a node may start at a later block number (the simulator's node does).
    if (!genesis) throw new ConfigError('the node answers no earliest block');
    if ((await claimNetwork(db, { name: network.name, genesisHash: genesis.hash })) === 'other') {
      throw new ConfigError('this database already holds another chain; use an empty database');
    }
    // While the simulator mines its history the chain is still being made: the indexer is not at a live head yet.
    const status = (): IndexerStatus => (living && !living.stats.historyDone ? { ...indexer.status(), phase: 'history' } : indexer.status());
    const now = () => o.clock.now();
    apiPool = await openApiPool(cfg.database, cfg.api);
    server = await startServer({
      app: createApp({
        db: (apiPool ?? db).db,
        dbKind: db.kind,
        status,
        now,
        webDir: o.webDir,
        freshness: living ? livingFreshness(cfg) : undefined,
        telemetry: { ...cfg.telemetry, now },
        logger,
        ...instanceOptions(cfg),
        budgetFile,
        ...apiLimits(cfg, apiPool),
      }),
      host: cfg.http.host,
      port: cfg.http.port,
    });
    const url = `http://${cfg.http.host === '0.0.0.0' ? 'localhost' : cfg.http.host}:${server.port}`;
    log(`dashboard and API on ${url} (OpenAPI at /openapi.json, GraphQL at /graphql)`);
    o.onListening?.({ url, db, network: living });
    const needs = await importNeedsAtStart(db.db, cfg.needs.dir);
    if (needs) log(needs);
    // Discovery: every registered orchestrator asked for its offer (in the demo, the simulated nodes answer).
    if (cfg.discovery.intervalSeconds > 0) {
      discovery = demoScenario
        ? runDemoDiscovery(db.db, demoScenario, stopped.signal, { intervalSeconds: cfg.discovery.intervalSeconds, log })
        : runDiscovery(db.db, cfg.discovery, stopped.signal, log);
    }
    await indexer.follow(stopped.signal);
    stopped.abort();
    await simulation;
    await discovery?.catch((e: unknown) => log(`discovery stopped: ${(e as Error).message}`));
  } finally {
    o.signal.removeEventListener('abort', abort);
    stopped.abort();
    await server?.close();
    await apiPool?.close();
    await releaseWriter?.();
    await living?.stop();
    await db?.close();
  }
}

/**
 * `atlas serve`: the API and dashboard over an existing database (an indexer writes elsewhere). /ready follows the
 * age of the newest indexed block (ATLAS_READY_MAX_AGE_S).
 */
export async function serveCommand(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger(cfg.log);
  const db = await openDatabase(cfg.database);
  const apiPool = await openApiPool(cfg.database, cfg.api);
  const status = (): IndexerStatus => ({ phase: 'external', indexedBlock: null, headBlock: null, lagBlocks: null });
  const reads = (apiPool ?? db).db;
  const readiness = headAgeReadiness(reads, cfg.ready.maxHeadAgeS);
  const server = await startServer({ app: createApp({ db: reads, dbKind: db.kind, status, readiness, telemetry: cfg.telemetry, logger, ...instanceOptions(cfg), ...apiLimits(cfg, apiPool) }), host: cfg.http.host, port: cfg.http.port });
  logger.info(`API and dashboard on http://${cfg.http.host}:${server.port}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await apiPool?.close();
  await db.close();
}

/**
 * How old the simulator's head may get before it reads as stale, then stopped: a live round spreads its blocks over
 * its length, but the first live round opens a whole round after the history's last block, so a head up to one
 * round old is live (half a round showed the demo stale for its first minutes). Without live rounds the network
 * stops at start-up.
 */
function livingFreshness(cfg: AtlasConfig): AppOptions['freshness'] {
  const r = cfg.network.kind === 'simulator' ? cfg.network.roundSeconds : 0;
  return r > 0 ? { staleAfterSeconds: Math.max(60, r + 30), stoppedAfterSeconds: Math.max(300, 3 * r) } : undefined;
}

/** The API's settings from the configuration: the needs report served before any import, budget file, survey k. */
function instanceOptions(cfg: AtlasConfig): Pick<AppOptions, 'needsDir' | 'budgetFile' | 'costSurveyK' | 'labelAuthorities'> {
  return { needsDir: cfg.needs.dir, budgetFile: cfg.treasury.budgetFile, costSurveyK: cfg.costSurvey.k, labelAuthorities: cfg.labels.authorities };
}

/** A path as a user reads it: relative when it lies under the working directory, absolute otherwise. */
function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
