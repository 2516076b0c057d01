import { sql, type Kysely } from 'kysely';
import { toEventSelector, type Address, type Hex } from 'viem';
import { pollCreatorEvents } from '../chain/abis.js';
import { EventDecoder, type DecodedEvent } from '../chain/decode.js';
import { ParamReader, type ParamRequest } from '../chain/enrich.js';
import type { NetworkConfig } from '../chain/networks.js';
import { RpcClient, type RpcClientOptions } from '../chain/rpc.js';
import { readRoundReadings } from '../chain/roundReadings.js';
import { readTransactions, type TxDetails } from '../chain/transactions.js';
import { deferIndexes, restoreDeferredIndexes } from '../store/deferredIndexes.js';
import type { Database } from '../store/schema.js';
import { SyncEngine, type ReorgInfo, type SyncProgress } from '../sync/engine.js';
import { getBlockNumber, type BlockHeader, type RawLog } from '../sync/logFetcher.js';
import type { BlockContext, ProtocolProjector } from './protocolProjector.js';
import { HISTORY_TABLES, historyTable } from './history.js';
import type { UnknownLogRow } from './rows.js';
import type { SqlValue } from './sqlWriter.js';
import { checkState, type StateCheck, type StateRows } from './stateCheck.js';
import { loadProjector, planWrite, pruneUndo, rollbackProjections, writePlan, type WritePlan } from './protocolStore.js';
import { priceExtension } from '../prices/projection.js';
import { marketExtension } from '../market/projection.js';
import { marketPools } from '../market/pools.js';
import { priceSources } from '../prices/sources.js';

/**
 * A projection of non-protocol contracts (price feeds) that rides on the same sync engine, so its rows
 * commit, resume and roll back with the protocol's, batch for batch.
 */
export interface IndexerExtension {
  name: string;
  sources: { name: string; addresses: Address[]; fromBlock: number }[];
  /** Receives only the logs of its own sources, inside the batch transaction. */
  onLogs: (trx: Kysely<Database>, logs: RawLog[], headers: BlockHeader[]) => Promise<void>;
  rollback: (trx: Kysely<Database>, forkBlock: number) => Promise<void>;
}

export interface IndexerOptions {
  db: Kysely<Database>;
  rpcUrl: string;
  network: NetworkConfig;
  confirmations?: number;
  batchBlocks?: number;
  batchLogs?: number;
  pollIntervalMs?: number;
  rpcConcurrency?: number;
  /** Retry and timeout tuning of the JSON-RPC client. */
  rpcOptions?: Omit<RpcClientOptions, 'url'>;
  onProgress?: (p: SyncProgress) => void;
  /**
   * A backfill further behind than this many blocks (or into an empty database) drops the secondary
   * indexes of chain_event and winning_ticket and rebuilds them at the end; 0 never does. Default 10,000.
   */
  deferIndexesBlocks?: number;
  onReorg?: (r: ReorgInfo) => void;
  onError?: (e: Error) => void;
  /** Extra projections on the same engine; default: the network's price sources (src/prices). */
  extensions?: IndexerExtension[];
  /**
   * After each batch, read the BondingManager's views of every delegator, orchestrator and pool the batch changed
   * at its last block (one multicall per batch, MULTICALL_CHUNK views per eth_call; needs an archive node while
   * backfilling) and record each value that differs from Atlas's row in state_divergence.
   */
  verifyState?: boolean;
}

export interface IndexerStats {
  logs: number;
  events: number;
  predictionsChecked: number;
  divergences: number;
  unknownLogs: number;
  paramReadFailures: number;
  /** Time spent per stage (ms): decoding logs, replaying them, writing rows. */
  decodeMs: number;
  applyMs: number;
  writeMs: number;
  /** writeMs split by table (ms). */
  writeMsByTable: Record<string, number>;
  /** Every batch transaction, BEGIN to COMMIT (ms): writeMs plus the sync engine's checkpoint, header and COMMIT work. */
  transactionMs: number;
  /** Building the indexes a long backfill deferred and refreshing the tables' statistics (ms). */
  indexMs: number;
  /** With verifyState: values compared with the chain's views, eth_calls it took, and values that differed. */
  stateValuesChecked: number;
  stateRpcCalls: number;
  stateDivergences: number;
}

/** Append-only tables written in bulk by every batch. */
const BULK_TABLES = ['chain_event', 'winning_ticket', 'chain_tx', ...HISTORY_TABLES.map(historyTable)];

interface PreparedBatch {
  plan: WritePlan;
  logs: number;
  events: number;
  predictionsChecked: number;
  divergences: number;
  state: StateCheck | null;
  /** Logs of extension sources (prices), written by their extension in the batch transaction. */
  extensionLogs?: { logs: [IndexerExtension, RawLog[]][]; headers: BlockHeader[] };
}

/** The chain indexer: sync engine → decoder → protocol projection → database, one transaction per batch. */
export class ProtocolIndexer {
  readonly engine: SyncEngine<Database>;
  readonly rpc: RpcClient;
  private readonly batchRpc: RpcClient;
  private readonly decoder: EventDecoder;
  private readonly params: ParamReader;
  private projector: ProtocolProjector | null = null;
  private indexesChecked = false;
  private readonly extensions: IndexerExtension[];
  /** Extensions listening to each address (the LPT/WETH pool feeds both prices and the LPT market). */
  private readonly extensionsOf = new Map<string, IndexerExtension[]>();
  /** The sync engine's last progress report (phase, block, head). */
  lastProgress: SyncProgress | null = null;
  readonly stats: IndexerStats = { logs: 0, events: 0, predictionsChecked: 0, divergences: 0, unknownLogs: 0, paramReadFailures: 0, decodeMs: 0, applyMs: 0, writeMs: 0, writeMsByTable: {}, transactionMs: 0, indexMs: 0, stateValuesChecked: 0, stateRpcCalls: 0, stateDivergences: 0 };

  constructor(private readonly opts: IndexerOptions) {
    // The HTTP answers (tens of megabytes of logs and blocks in a backfill) are parsed on another thread than the replay's.
    this.rpc = new RpcClient({ offThread: true, ...(opts.rpcConcurrency !== undefined ? { concurrency: opts.rpcConcurrency } : {}), ...opts.rpcOptions, url: opts.rpcUrl });
    this.decoder = new EventDecoder(opts.network);
    // The reads a batch's replay waits for (parameters, round settings, transactions, the state check) go before
    // the log and header fetches queued ahead of it.
    this.batchRpc = this.rpc.ahead();
    this.params = new ParamReader(this.batchRpc);
    this.extensions = opts.extensions ?? [priceExtension(priceSources(opts.network)), marketExtension(marketPools(opts.network))];
    for (const x of this.extensions)
      for (const src of x.sources)
        for (const a of src.addresses) {
          const list = this.extensionsOf.get(a.toLowerCase()) ?? [];
          if (!list.includes(x)) this.extensionsOf.set(a.toLowerCase(), [...list, x]);
        }
    const sources = [...groupSources(opts.network), ...this.extensions.flatMap((x) => x.sources)];
    this.engine = new SyncEngine<Database>({
      rpc: this.rpc,
      db: opts.db,
      sources,
      confirmations: opts.confirmations ?? opts.network.confirmations,
      batchBlocks: opts.batchBlocks,
      batchLogs: opts.batchLogs,
      pollIntervalMs: opts.pollIntervalMs,
      factories: pollFactories(opts.network),
      // One block per live transaction, so undo images are exact per block and a reorg can stop anywhere.
      liveBatchBlocks: 1,
      prepare: (logs, headers) => this.prepare(logs, headers),
      onLogs: (trx, _logs, _headers, info, prepared) => this.onLogs(trx, prepared as PreparedBatch, info.toBlock, info.mode),
      rollback: async (trx, forkBlock) => {
        await rollbackProjections(trx, forkBlock);
        for (const x of this.extensions) await x.rollback(trx, forkBlock);
        this.projector = null; // rebuilt from the restored tables on the next batch
      },
      onProgress: (p) => {
        this.lastProgress = p;
        opts.onProgress?.(p);
      },
      onReorg: opts.onReorg,
      onError: (e) => {
        // A failed batch rolled back in the database; the in-memory state must not stay ahead of it.
        this.projector = null;
        opts.onError?.(e);
      },
    });
  }

  private async projectorFor(db: Kysely<Database>): Promise<ProtocolProjector> {
    if (!this.projector) {
      this.projector = await loadProjector(db, this.opts.network.contracts.Treasury.address, this.params.lookup, this.opts.network.targetVersions);
      // Polls created in earlier runs: their votes decode as soon as the first batch arrives.
      const polls = await sql<{ address: string }>`select address from sync_child where source = ${POLL_SOURCE}`.execute(db);
      for (const p of polls.rows) this.decoder.registerPoll(p.address);
    }
    return this.projector;
  }

  /**
   * Decode and replay one batch and capture its rows, outside the database transaction. In backfill the
   * sync engine runs this for the next batch while the previous one is being written.
   */
  private async prepare(allLogs: RawLog[], headers: BlockHeader[]): Promise<PreparedBatch> {
    const { protocol: logs, extensionLogs } = this.splitExtensionLogs(allLogs, headers);
    const projector = await this.projectorFor(this.opts.db);
    const t0 = performance.now();
    const events: DecodedEvent[] = [];
    const unknown: UnknownLogRow[] = [];
    const paramReqs: ParamRequest[] = [];
    for (const l of logs) {
      const e = this.decoder.decode(l);
      if (!e) {
        unknown.push({ block_number: l.blockNumber, log_index: l.logIndex, tx_hash: l.transactionHash, address: l.address.toLowerCase(), topic0: l.topics[0] ?? null });
        continue;
      }
      events.push(e);
      // The sync engine fetches a new poll's logs from its creation on; they decode from here.
      if (e.contract === 'PollCreator' && e.name === 'PollCreated') this.decoder.registerPoll(String(e.args.poll));
      if (e.name === 'ParameterUpdate') paramReqs.push({ blockNumber: e.blockNumber, contract: e.contract, address: e.address as Address, param: String(e.args.param), txHash: e.txHash });
    }
    const t1 = performance.now();
    // Backfilled blocks come with their transactions; the rest (live blocks) are read by hash.
    const inBlocks = new Map<string, TxDetails>();
    for (const h of headers) for (const t of h.transactions ?? []) inBlocks.set(t.hash, t);
    const txWanted = new Map<string, { hash: string; blockNumber: number; index: number }>();
    for (const e of events) {
      const hash = e.txHash.toLowerCase();
      if (!txWanted.has(hash)) txWanted.set(hash, { hash: e.txHash, blockNumber: e.blockNumber, index: e.txIndex });
    }
    const toRead = [...txWanted.values()].filter((w) => !inBlocks.has(w.hash.toLowerCase()));
    const newRoundBlocks = [...new Set(events.filter((e) => e.contract === 'RoundsManager' && e.name === 'NewRound').map((e) => e.blockNumber))];
    const c = this.opts.network.contracts;
    // The batch's state reads go out together: each is a round trip to a node that is also serving the fetches ahead.
    const [read, , roundReadings] = await Promise.all([
      readTransactions(this.batchRpc, toRead),
      this.params.prefetch(paramReqs),
      readRoundReadings(this.batchRpc, { RoundsManager: c.RoundsManager.address, Minter: c.Minter.address }, newRoundBlocks),
    ]);
    for (const t of read) inBlocks.set(t.hash, t);
    const txs = [...txWanted.keys()].map((hash) => inBlocks.get(hash)!);
    // The round clock (RoundsManager.blockNum) is block.number: the L1 block in Arbitrum's headers, else the block itself.
    const clockOf = (h: BlockHeader) => (this.opts.network.l1BlockSource === 'header' ? h.l1BlockNumber : h.number);
    const blocks = new Map<number, BlockContext>(headers.map((h) => [h.number, { number: h.number, timestamp: h.timestamp, l1Block: clockOf(h) }]));
    for (const [b, r] of roundReadings) {
      const ctx = blocks.get(b);
      if (ctx) ctx.roundReadings = r;
    }
    try {
      const t2 = performance.now();
      projector.apply(events, blocks);
      const changes = projector.takeChanges();
      changes.unknownLogs = unknown;
      const plan = planWrite(projector, changes);
      plan.transactions = txs.map((t) => ({ hash: t.hash, block_number: t.blockNumber, tx_index: t.index, block_time: blocks.get(t.blockNumber)?.timestamp ?? 0, from_address: t.from, to_address: t.to, gas: t.gas, gas_price: t.gasPrice }));
      plan.blocks = headers.map((h) => ({ block_number: h.number, hash: h.hash.toLowerCase(), parent_hash: h.parentHash.toLowerCase(), block_time: h.timestamp, l1_block: h.l1BlockNumber }));
      this.stats.decodeMs += t1 - t0;
      this.stats.applyMs += performance.now() - t2;
      const state = this.opts.verifyState && events.length > 0 ? await this.verifyBatch(plan, events[events.length - 1]!.blockNumber) : null;
      return { extensionLogs, plan, logs: logs.length, events: events.length, predictionsChecked: changes.predictionsChecked, divergences: changes.divergences.length, state };
    } catch (e) {
      // Half-applied state must not survive: the next batch reloads it from the database.
      this.projector = null;
      throw e;
    }
  }

  private async onLogs(trx: Kysely<Database>, prepared: PreparedBatch, toBlock: number, mode: 'backfill' | 'live'): Promise<void> {
    try {
      const t = performance.now();
      await writePlan(trx, prepared.plan, mode === 'live' ? toBlock : null, this.stats.writeMsByTable);
      for (const [x, xl] of prepared.extensionLogs?.logs ?? []) await x.onLogs(trx, xl, prepared.extensionLogs!.headers);
      this.stats.writeMs += performance.now() - t;
      if (mode === 'live') await pruneUndo(trx, Math.max(0, toBlock - 4096));
    } catch (e) {
      // The transaction rolls back; the in-memory state must follow it.
      this.projector = null;
      throw e;
    }
    // Counted only for batches that commit with their transaction (the engine awaits this before COMMIT).
    this.stats.logs += prepared.logs;
    this.stats.events += prepared.events;
    this.stats.predictionsChecked += prepared.predictionsChecked;
    this.stats.divergences += prepared.divergences;
    if (prepared.state) {
      this.stats.stateValuesChecked += prepared.state.compared;
      this.stats.stateRpcCalls += prepared.state.rpcCalls;
      this.stats.stateDivergences += prepared.state.divergences.length;
    }
    this.stats.unknownLogs = [...this.decoder.unknown.values()].reduce((a, b) => a + b, 0);
    this.stats.paramReadFailures = this.params.failures;
  }

  /** Reads the chain's views of the rows a batch writes, at its last block with events; differences join the batch. */
  private async verifyBatch(plan: WritePlan, block: number): Promise<StateCheck> {
    const rowsOf = (table: string) => plan.mutable.find(([t]) => t === table)?.[1] ?? [];
    const check = await checkState(this.batchRpc, this.opts.network.contracts.BondingManager.address, block, {
      delegators: rowsOf('delegator') as unknown as StateRows['delegators'],
      transcoders: rowsOf('transcoder') as unknown as StateRows['transcoders'],
      pools: rowsOf('earnings_pool') as unknown as StateRows['pools'],
    });
    plan.append.push(['state_divergence', ['block_number', 'account', 'view', 'field'], check.divergences as unknown as Record<string, SqlValue>[]]);
    return check;
  }

  /** Separates the logs of extension sources from the protocol's, which alone go to the decoder. */
  private splitExtensionLogs(logs: RawLog[], headers: BlockHeader[]): { protocol: RawLog[]; extensionLogs?: PreparedBatch['extensionLogs'] } {
    if (this.extensionsOf.size === 0) return { protocol: logs };
    const own = new Map<IndexerExtension, RawLog[]>();
    const protocol: RawLog[] = [];
    for (const l of logs) {
      const xs = this.extensionsOf.get(l.address.toLowerCase());
      if (!xs) protocol.push(l);
      else
        for (const x of xs) {
          const mine = own.get(x);
          if (mine) mine.push(l);
          else own.set(x, [l]);
        }
    }
    return own.size === 0 ? { protocol } : { protocol, extensionLogs: { logs: [...own], headers } };
  }

  /** Where the indexer stands, for readiness checks. */
  status(): { phase: string; indexedBlock: number | null; headBlock: number | null; lagBlocks: number | null } {
    const p = this.lastProgress;
    if (!p) return { phase: 'starting', indexedBlock: null, headBlock: null, lagBlocks: null };
    return { phase: p.phase, indexedBlock: p.block, headBlock: p.head, lagBlocks: Math.max(0, p.head - p.block) };
  }

  /**
   * Backfill to head − confirmations. A long one (nothing stored yet, or more than `deferIndexesBlocks`
   * behind) runs without the secondary indexes of the append-only tables and builds them once at the end.
   */
  async backfill(signal?: AbortSignal): Promise<void> {
    await this.guard(async () => {
      const deferred = (this.opts.deferIndexesBlocks ?? 10_000) > 0 && (await this.longBackfillAhead()) ? await deferIndexes(this.opts.db, BULK_TABLES) : 0;
      try {
        await this.engine.runBackfill({ signal });
      } catch (e) {
        // A failed backfill still leaves its indexes built (a killed one: ensureIndexes before live work).
        await this.ensureIndexes({ deferred: deferred > 0 });
        throw e;
      }
      // A long backfill leaves the planner without statistics on tables that grew from nothing; PostgreSQL's
      // autovacuum would catch up a minute or more later and PGlite has none, so the first reads (the API
      // right after a fresh sync) could run on blind plans. The ANALYZEs run alongside the index builds.
      await this.ensureIndexes({ deferred: deferred > 0, analyze: deferred > 0 });
    });
  }

  /** One live step: reorg check, confirmed blocks, then the unconfirmed tip. */
  async syncOnce(): Promise<void> {
    await this.guard(async () => {
      await this.ensureIndexes();
      await this.engine.syncOnce();
    });
  }

  /** Follow the head until `signal` aborts. */
  async follow(signal: AbortSignal): Promise<void> {
    await this.guard(async () => {
      await this.ensureIndexes();
      await this.engine.runLive({ signal });
    });
  }

  /**
   * Builds the indexes this process `deferred`, and (once per process) any a killed backfill left dropped, before
   * live work (and queries) rely on them; with `analyze`, the tables' statistics are refreshed alongside.
   */
  private async ensureIndexes(opts: { deferred?: boolean; analyze?: boolean } = {}): Promise<void> {
    if (this.indexesChecked && !opts.deferred) return;
    const t = performance.now();
    await restoreDeferredIndexes(this.opts.db, { analyze: opts.analyze === true });
    this.stats.indexMs += performance.now() - t;
    this.indexesChecked = true;
  }

  private async longBackfillAhead(): Promise<boolean> {
    const any = await sql<{ one: number }>`select 1 as one from chain_event limit 1`.execute(this.opts.db);
    if (any.rows.length === 0) return true;
    const cps = await this.engine.checkpoints();
    const head = await getBlockNumber(this.rpc);
    return head - Math.min(...cps.map((c) => c.block)) > (this.opts.deferIndexesBlocks ?? 10_000);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.projector = null;
      throw e;
    } finally {
      this.stats.transactionMs = this.engine.timing.transactionMs;
    }
  }
}

const POLL_SOURCE = 'PollCreator';
const POLL_CREATED = toEventSelector(pollCreatorEvents[0]);

/** Each legacy poll is a contract of its own, announced by the PollCreator: its votes join that source. */
function pollFactories(network: NetworkConfig) {
  const creator = network.contracts.PollCreator;
  if (!creator) return [];
  return [{ source: POLL_SOURCE, address: creator.address as Hex, event: POLL_CREATED, child: (l: RawLog) => (l.topics[1] ? (`0x${l.topics[1].slice(26)}` as Hex) : null) }];
}

/** One sync source per contract, all starting at their deployment blocks. */
function groupSources(network: NetworkConfig): { name: string; addresses: Address[]; fromBlock: number }[] {
  return Object.entries(network.contracts).map(([name, d]) => ({ name, addresses: [d.address], fromBlock: d.startBlock }));
}
