import { arbitrumOne, simulatorNetwork, type NetworkConfig } from '../chain/networks.js';
import { ProtocolIndexer } from '../projections/indexer.js';
import { priceExtension } from '../prices/projection.js';
import { marketExtension } from '../market/projection.js';
import { marketPools } from '../market/pools.js';
import { priceSources } from '../prices/sources.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from '../base/log.js';
import { claimNetwork, holdIndexerLock, openDatabase } from './database.js';
import { ProgressLine, formatSeconds } from './progress.js';
import { endpointName, probeRpc } from './rpcProbe.js';

export interface IndexFlags {
  rpcUrl?: string;
  network?: string;
  follow?: boolean;
  priceAggregators?: string;
  lptPool?: string;
  verifyState?: boolean;
}

/** The network a `--network` flag names (default Arbitrum One); a one-line error for any other name. */
export function networkFlag(name: string | undefined): NetworkConfig {
  if (name !== undefined && name !== 'simulator' && name !== 'arbitrum-one') throw new ConfigError('--network must be arbitrum-one or simulator');
  return name === 'simulator' ? simulatorNetwork() : arbitrumOne;
}

/** `atlas index`: backfill (and optionally follow) a chain into the configured database. */
export async function indexCommand(flags: IndexFlags): Promise<void> {
  const cfg = loadConfig(process.env, { ...(flags.rpcUrl ? { ATLAS_RPC_URL: flags.rpcUrl } : {}), ...(flags.verifyState ? { ATLAS_VERIFY_STATE: '1' } : {}), ...priceOverrides(flags) });
  if (cfg.network.kind !== 'rpc') {
    throw new ConfigError('nothing to index: set ATLAS_RPC_URL (Arbitrum One) or pass --rpc-url of a simulator node (atlas sim --keep)');
  }
  const rpcUrl = cfg.network.url;
  const network = networkFlag(flags.network);
  const logger = createLogger(cfg.log);
  // The endpoint answers before anything is created on disk.
  await checkChain(rpcUrl, network, cfg.sync.rpcTimeoutMs);
  const db = await openDatabase(cfg.database);
  const controller = new AbortController();
  let releaseWriter: () => Promise<void>;
  try {
    releaseWriter = await holdIndexerLock(cfg.database, (e) => {
      logger.error({ err: e.message }, 'lost the indexer lock; stopping');
      controller.abort();
    });
  } catch (e) {
    await db.close();
    throw e;
  }
  const progress = new ProgressLine('indexing');
  const indexer = new ProtocolIndexer({
    db: db.db,
    rpcUrl,
    network,
    extensions: [priceExtension(priceSources(network, cfg.prices)), marketExtension(marketPools(network))],
    confirmations: cfg.sync.confirmations,
    pollIntervalMs: cfg.sync.pollMs,
    rpcConcurrency: cfg.sync.rpcConcurrency,
    rpcOptions: { timeoutMs: cfg.sync.rpcTimeoutMs },
    verifyState: cfg.sync.verifyState,
    onProgress: (p) =>
      progress.update(p.blocksDone, p.blocksDone + Math.max(0, p.target - p.block), {
        block: p.block,
        'blocks/s': p.blocksPerSecond,
        'logs/s': p.logsPerSecond,
      }),
    onReorg: (r) => logger.warn({ depth: r.depth, forkBlock: r.forkBlock }, 'reorg: rolled back'),
    onError: (e) => logger.warn({ err: e.message }, 'indexer failed a step; retrying'),
  });
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const genesis = await indexer.rpc.request<{ hash: string } | null>('eth_getBlockByNumber', ['earliest', false]);
    // 'earliest', not block 0: a node may start at a later block number (the simulator's node does).
    if (!genesis) throw new ConfigError('the node answers no earliest block');
    if ((await claimNetwork(db, { name: network.name, genesisHash: genesis.hash })) === 'other') {
      throw new ConfigError('this database already holds another chain; use an empty database');
    }
    const t0 = Date.now();
    await indexer.backfill(controller.signal);
    const s = indexer.stats;
    const verified = cfg.sync.verifyState ? `, ${s.stateDivergences} state differences in ${s.stateValuesChecked.toLocaleString('en-US')} values read back with ${s.stateRpcCalls} eth_calls` : '';
    progress.done(`indexed ${s.logs.toLocaleString('en-US')} logs in ${formatSeconds((Date.now() - t0) / 1000)} (${s.divergences} divergences${verified})`);
    if (flags.follow && !controller.signal.aborted) {
      logger.info('following the chain head; Ctrl-C to stop');
      await indexer.follow(controller.signal);
    }
  } finally {
    await releaseWriter();
    await db.close();
  }
}

/** The endpoint's first call (one clear line when it fails) and, for a named network, that it serves that chain. */
export async function checkChain(rpcUrl: string, network: NetworkConfig, timeoutMs: number): Promise<void> {
  const chainId = await probeRpc(rpcUrl, timeoutMs);
  if (network.name !== 'simulator' && chainId !== network.chainId) {
    throw new ConfigError(`the JSON-RPC endpoint ${endpointName(rpcUrl)} serves chain ${chainId}, not ${network.name} (${network.chainId})`);
  }
}

/** CLI flags that override the price-source environment variables (validated by loadConfig). */
export function priceOverrides(flags: { priceAggregators?: string; lptPool?: string }): { ATLAS_PRICE_AGGREGATORS?: string; ATLAS_LPT_POOL?: string } {
  return { ...(flags.priceAggregators !== undefined ? { ATLAS_PRICE_AGGREGATORS: flags.priceAggregators } : {}), ...(flags.lptPool !== undefined ? { ATLAS_LPT_POOL: flags.lptPool } : {}) };
}
