import { createApp, startServer, type AppOptions, type IndexerStatus } from '../api/index.js';
import { arbitrumOne, simulatorNetwork } from '../chain/networks.js';
import { ProtocolIndexer } from '../projections/indexer.js';
import { priceExtension } from '../prices/projection.js';
import { priceSources } from '../prices/sources.js';
import { priceOverrides } from './indexCommand.js';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { resolveScenario } from '../sim/scenario.js';
import { runSimulation, simulatorNodeOptions } from '../sim/simulator.js';
import type { AtlasDb } from '../store/db.js';
import { ConfigError, loadConfig, type AtlasConfig } from './config.js';
import { createLogger } from '../base/log.js';
import { apiLimits, claimNetwork, freshSimulatorDatabase, holdIndexerLock, openApiPool, openDatabase } from './database.js';
import { ProgressLine } from './progress.js';
import { seedDemoTelemetry } from '../telemetry/demo.js';
import { importNeedsAtStart } from './needsAtStart.js';
import { headAgeReadiness } from '../api/readiness.js';
import { checkChain } from './indexCommand.js';

/**
 * `atlas start`: on the default configuration a simulated network is generated on a local node
 * while the indexer follows it and the API and dashboard serve what is indexed, live.
 */
export async function startCommand(flags: { priceAggregators?: string; lptPool?: string; fresh?: boolean } = {}): Promise<void> {
  const cfg = loadConfig(process.env, priceOverrides(flags));
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const logger = createLogger(cfg.log);
  const log = (m: string) => logger.info(m);

  let node: AnvilNode | null = null;
  let db: AtlasDb | null = null;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let releaseWriter: (() => Promise<void>) | null = null;
  let apiPool: AtlasDb | null = null;
  try {
    let rpcUrl: string;
    let simulation: Promise<unknown> | null = null;
    const simulated = cfg.network.kind === 'simulator';
    if (cfg.network.kind === 'simulator') {
      db = await freshSimulatorDatabase(cfg.database, { fresh: flags.fresh });
      const scenario = resolveScenario({
        preset: cfg.network.preset,
        seed: cfg.network.seed,
        ...(cfg.network.rounds !== undefined ? { rounds: cfg.network.rounds } : {}),
      });
      node = await startAnvil(simulatorNodeOptions(scenario));
      rpcUrl = node.url;
      log(`simulated Livepeer network (${cfg.network.preset}, seed ${cfg.network.seed}) on ${rpcUrl}`);
      const progress = new ProgressLine('simulating');
      simulation = runSimulation({
        scenario,
        rpcUrl,
        hooks: { onProgress: (p) => progress.update(p.roundsDone, p.roundsTotal, { txs: p.txs, logs: p.logs }) },
      }).then(
        (res) => progress.done(`simulation finished: ${res.groundTruth.stats.logs.toLocaleString('en-US')} logs in ${(res.elapsedMs / 1000).toFixed(0)}s`),
        (e: unknown) => logger.error({ err: (e as Error).message }, 'simulation stopped'),
      );
    } else {
      rpcUrl = cfg.network.url;
      // The endpoint answers before anything is created on disk.
      await checkChain(rpcUrl, arbitrumOne, cfg.sync.rpcTimeoutMs);
      db = await openDatabase(cfg.database);
    }
    releaseWriter = await holdIndexerLock(cfg.database, (e) => {
      logger.error({ err: e.message }, 'lost the indexer lock; stopping');
      controller.abort();
    });
    const network = simulated ? simulatorNetwork() : arbitrumOne;
    const indexer = new ProtocolIndexer({
      db: db.db,
      rpcUrl,
      network,
      extensions: [priceExtension(priceSources(network, cfg.prices))],
      confirmations: cfg.sync.confirmations ?? network.confirmations,
      pollIntervalMs: simulated ? 500 : cfg.sync.pollMs,
      rpcConcurrency: cfg.sync.rpcConcurrency,
      rpcOptions: { timeoutMs: cfg.sync.rpcTimeoutMs },
      onReorg: (r) => logger.warn({ depth: r.depth, forkBlock: r.forkBlock }, 'reorg: rolled back'),
      onError: (e) => logger.warn({ err: e.message }, 'indexer failed a step; retrying'),
    });
    const genesis = await indexer.rpc.request<{ hash: string } | null>('eth_getBlockByNumber', ['earliest', false]);
    // 'earliest', not block 0: a node may start at a later block number (the simulator's node does).
    if (!genesis) throw new ConfigError('the node answers no earliest block');
    if ((await claimNetwork(db, { name: network.name, genesisHash: genesis.hash })) === 'other') {
      throw new ConfigError('this database already holds another chain; use an empty database');
    }
    const status = (): IndexerStatus => indexer.status();
    apiPool = await openApiPool(cfg.database, cfg.api);
    server = await startServer({ app: createApp({ db: (apiPool ?? db).db, dbKind: db.kind, status, telemetry: cfg.telemetry, logger, ...instanceOptions(cfg), ...apiLimits(cfg, apiPool) }), host: cfg.http.host, port: cfg.http.port });
    log(`dashboard and API on http://${cfg.http.host === '0.0.0.0' ? 'localhost' : cfg.http.host}:${server.port} (OpenAPI at /openapi.json, GraphQL at /graphql)`);
    const needs = await importNeedsAtStart(db.db, cfg.needs.dir);
    if (needs) log(needs);
    if (cfg.network.kind === 'simulator') {
      // Demo gateway telemetry from the simulated population (the leaderboard, capacity and demand pages).
      const demoScenario = resolveScenario({ preset: cfg.network.preset, seed: cfg.network.seed, ...(cfg.network.rounds !== undefined ? { rounds: cfg.network.rounds } : {}) });
      void seedDemoTelemetry(db.db, demoScenario).then(
        (r) => log(`demo telemetry: ${r.reports.toLocaleString('en-US')} job reports and ${r.events.toLocaleString('en-US')} gateway events from the simulated gateways`),
        (e: unknown) => logger.error({ err: (e as Error).message }, 'demo telemetry stopped'),
      );
    }
    await indexer.follow(controller.signal);
    await simulation;
  } finally {
    await server?.close();
    await apiPool?.close();
    await releaseWriter?.();
    await db?.close();
    await node?.stop();
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

/** The API's settings from the configuration: the needs report served before any import, budget file, survey k. */
function instanceOptions(cfg: AtlasConfig): Pick<AppOptions, 'needsDir' | 'budgetFile' | 'costSurveyK' | 'labelAuthorities'> {
  return { needsDir: cfg.needs.dir, budgetFile: cfg.treasury.budgetFile, costSurveyK: cfg.costSurvey.k, labelAuthorities: cfg.labels.authorities };
}
