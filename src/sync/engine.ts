import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { RpcTransientError, type RpcClient } from '../chain/rpc.js';
import {
  dropChildrenFrom,
  lockCheckpoints,
  pruneBlocks,
  readCheckpoints,
  readChildren,
  readProviderLimits,
  readRecentBlocks,
  rewindTo,
  writeBlocks,
  writeCheckpoints,
  writeChildren,
  writeProviderLimits,
  type Checkpoint,
  type ProviderLimits,
  type ChildContract,
  type SyncTables,
} from './checkpoint.js';
import {
  ChainInconsistencyError,
  GetLogsCaps,
  LogFetcher,
  getBlockNumber,
  getExistingHeaders,
  getHeaders,
  type BlockHeader,
  type Hex,
  type LogChunk,
  type LogFetcherOptions,
  type RawLog,
} from './logFetcher.js';
import { findForkPoint } from './reorg.js';
import { AtlasError } from '../base/errors.js';

/**
 * The sync engine moves raw logs from the chain into the database in block
 * order. It owns the cursor, finality and reorgs; it knows nothing about what
 * the logs mean. Each batch is handed to `onLogs` inside a database
 * transaction that also advances the checkpoints, so the projections and the
 * checkpoint can never disagree, whatever moment the process dies at.
 */

/** Tip reads of at most this many blocks fetch each block with its transactions. */
const LIVE_HYDRATED_BLOCKS = 16;

export interface SyncSource {
  /** Checkpoint key; keep it stable across releases. */
  name: string;
  addresses: readonly Hex[];
  /** First block that can hold this source's logs (the contract's deployment block). */
  fromBlock: number;
}

/**
 * A factory contract of a source: every log of `event` (topic0) from `address` creates a child
 * contract whose logs belong to the same source (and checkpoint) from the creation block on.
 */
export interface SyncFactory {
  source: string;
  address: Hex;
  event: Hex;
  /** The created contract's address, read from the creation log; null when it names none. */
  child: (log: RawLog) => Hex | null;
}

export interface SyncBatchInfo {
  fromBlock: number;
  toBlock: number;
  /** Names of the sources whose logs this batch carries. */
  sources: string[];
  /** 'backfill': blocks at least `confirmations` deep; 'live': the unconfirmed tip. */
  mode: 'backfill' | 'live';
}

/**
 * Receives one batch inside the transaction that commits it. `logs` are sorted
 * by (blockNumber, logIndex); `headers` hold at least every block that has a
 * log plus the batch's last block (in live mode, every block of the batch).
 * Write with `trx` only.
 */
export type OnLogs<DB> = (trx: Transaction<DB>, logs: RawLog[], headers: BlockHeader[], info: SyncBatchInfo, prepared: unknown) => Promise<void>;

/**
 * Optional work on a batch before its transaction, in batch order. In backfill the engine runs it for
 * batch N+1 while batch N's transaction is still being written, so CPU work (decoding, replay) overlaps
 * the database's. Its result reaches `onLogs` as `prepared`. If a commit fails, later prepared batches
 * are dropped: whoever keeps state across prepare calls must reset it in `onError`/on the thrown error.
 */
export type PrepareBatch = (logs: RawLog[], headers: BlockHeader[], info: SyncBatchInfo) => Promise<unknown>;

/** Undo every projection row derived from blocks ≥ forkBlock. Runs in the transaction that rewinds the checkpoints. */
export type RollbackHook<DB> = (trx: Transaction<DB>, forkBlock: number) => Promise<void>;

export interface SyncProgress {
  phase: 'backfill' | 'live';
  /** Last block committed. */
  block: number;
  /** Block this run is heading for (head − confirmations in backfill, head in live). */
  target: number;
  head: number;
  blocksDone: number;
  logsDone: number;
  elapsedMs: number;
  blocksPerSecond: number;
  logsPerSecond: number;
  /** null when the rate is not known yet or the target is reached. */
  etaSeconds: number | null;
}

export interface ReorgInfo {
  /** First block of the abandoned branch that was rolled back. */
  forkBlock: number;
  /** Newest block still shared with the node's chain. */
  ancestor: number;
  /** Stored blocks above the ancestor that were undone. */
  depth: number;
  head: number;
}

export interface SyncEngineOptions<DB> {
  rpc: RpcClient;
  db: Kysely<DB>;
  sources: readonly SyncSource[];
  /** Blocks behind the head treated as final. Default 20. */
  confirmations?: number;
  /**
   * Most blocks per transaction in backfill (also the widest eth_getLogs span). Default: no bound, the
   * spans follow the provider's caps and the log density, and batches end by logs or time.
   */
  batchBlocks?: number;
  /** A backfill batch commits once it holds this many logs (a segment's first at 1,000, each next at twice as many up to this). Default 10,000. */
  batchLogs?: number;
  /** A backfill batch commits once its first chunk is this old, so sparse history still checkpoints often. Default 2,000 ms. */
  batchMs?: number;
  /** Live mode: blocks per transaction (each needs its header fetched). Default 500. */
  liveBatchBlocks?: number;
  /** Delay between live polls. Default 2,000 ms. */
  pollIntervalMs?: number;
  /** Stored block hashes are kept this far behind the newest; also the deepest reorg that can be undone. Default max(4 × confirmations, 256). */
  keepBlocks?: number;
  fetcher?: Omit<LogFetcherOptions, 'rpc' | 'headers'>;
  /** Contracts created at run time (legacy polls) whose logs join their factory's source. */
  factories?: readonly SyncFactory[];
  onLogs: OnLogs<DB>;
  prepare?: PrepareBatch;
  rollback: RollbackHook<DB>;
  onProgress?: (p: SyncProgress) => void;
  onReorg?: (r: ReorgInfo) => void;
  /** Live mode reports recoverable errors here and polls again. */
  onError?: (e: Error) => void;
}

export interface SyncResult {
  head: number;
  /** Lowest checkpoint over all sources after the call. */
  block: number;
  reorgs: ReorgInfo[];
}

/** Another writer moved a checkpoint under us: two indexers on one database. */
export class CheckpointConflictError extends AtlasError {
  override name = 'CheckpointConflictError';
  constructor(message: string) {
    super('conflict', message, { reason: 'checkpoint_moved' });
  }
}

const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address is 0x followed by 40 hex digits');
const sourcesSchema = z
  .array(
    z.object({
      name: z.string().min(1),
      addresses: z.array(addressSchema).min(1),
      fromBlock: z.number().int().min(0),
    }),
  )
  .min(1)
  .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'source names must be unique');
const optionsSchema = z.object({
  confirmations: z.number().int().min(0),
  batchBlocks: z.number().int().min(1),
  batchLogs: z.number().int().min(1),
  batchMs: z.number().min(0),
  liveBatchBlocks: z.number().int().min(1),
  pollIntervalMs: z.number().min(0),
  keepBlocks: z.number().int().min(1),
});

interface Batch {
  from: number;
  to: number;
  logs: RawLog[];
  headers: BlockHeader[];
  /** The ranges the batch was fetched as, each with the addresses it asked for. */
  ranges: { from: number; to: number; addresses: readonly Hex[] }[];
  /** Children first seen in this batch, stored with its checkpoint. */
  children?: ChildContract[];
}

interface Run {
  phase: 'backfill' | 'live';
  startedAt: number;
  blocks: number;
  logs: number;
  target: number;
  head: number;
}

/** A backfill commit waits for its WAL flush at least this often (ms): what a crash of the database may lose at most. */
const DURABLE_EVERY_MS = 1_000;
/** Logs of a backfill segment's first batch (the batches double from there up to batchLogs). */
const FIRST_BATCH_LOGS = 1_000;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export class SyncEngine<DB> {
  private readonly rpc: RpcClient;
  private readonly db: Kysely<DB>;
  private readonly sdb: Kysely<SyncTables>;
  private readonly sources: readonly SyncSource[];
  private readonly cfg: z.infer<typeof optionsSchema>;
  private readonly fetcher: LogFetcher;
  private readonly liveFetcher: LogFetcher;
  /** Fetches children's logs for a batch whose main fetch did not include them. */
  private readonly childFetcher: LogFetcher;
  /** The calls a batch waits for: ahead of the fetches queued for later batches. */
  private readonly batchRpc: RpcClient;
  private readonly factories: readonly SyncFactory[];
  /** Known children per source: address → creation block. Reloaded from the database at every segment. */
  private children = new Map<string, Map<Hex, number>>();
  private readonly hooks: Pick<SyncEngineOptions<DB>, 'onLogs' | 'prepare' | 'rollback' | 'onProgress' | 'onReorg' | 'onError'>;
  /** The provider's eth_getLogs caps, shared by the fetchers and stored with the checkpoints. */
  private readonly caps: GetLogsCaps;
  /** What was last stored of the provider's limits, to store again only on change. */
  private storedLimits = '';
  private readonly endpointKey: string;
  /** When a backfill commit last waited for its WAL flush (ms since the epoch). */
  private durableAt = 0;
  private initialized = false;
  private busy = false;

  constructor(opts: SyncEngineOptions<DB>) {
    const sources = sourcesSchema.parse(opts.sources);
    const confirmations = opts.confirmations ?? 20;
    this.cfg = optionsSchema.parse({
      confirmations,
      batchBlocks: opts.batchBlocks ?? Number.MAX_SAFE_INTEGER,
      batchLogs: opts.batchLogs ?? 10_000,
      batchMs: opts.batchMs ?? 2_000,
      liveBatchBlocks: opts.liveBatchBlocks ?? 500,
      pollIntervalMs: opts.pollIntervalMs ?? 2_000,
      keepBlocks: opts.keepBlocks ?? Math.max(4 * confirmations, 256),
    });
    this.rpc = opts.rpc;
    this.db = opts.db;
    // The engine's own tables are a slice of whatever schema the caller's DB type describes.
    this.sdb = opts.db as unknown as Kysely<SyncTables>;
    this.sources = sources.map((s) => ({ ...s, addresses: s.addresses.map((a) => a.toLowerCase() as Hex) }));
    // A chunk never spans more than a batch, so a transaction's size stays bounded by batchBlocks.
    const maxRange = Math.min(opts.fetcher?.maxRange ?? this.cfg.batchBlocks, this.cfg.batchBlocks);
    this.caps = opts.fetcher?.caps ?? new GetLogsCaps();
    this.endpointKey = createHash('sha256').update(opts.rpc.url).digest('hex').slice(0, 16);
    const fetcherOpts = { ...opts.fetcher, rpc: opts.rpc, maxRange, caps: this.caps, initialRange: Math.min(opts.fetcher?.initialRange ?? 1_000, maxRange) };
    // Fetched ahead of the batches: two batches' worth. Receiving and checking the answers takes the thread that
    // prepares and writes the batches (the HTTP worker only parses them); fetched further ahead, a fast node's
    // answers would hold up the first commits for logs that are not needed for seconds.
    this.fetcher = new LogFetcher({ maxBufferedLogs: 2 * this.cfg.batchLogs, ...fetcherOpts, headers: true });
    this.liveFetcher = new LogFetcher({ ...fetcherOpts, headers: false });
    // A batch waits for its children's logs: their calls go before the fetches ahead, and a child (a poll and
    // its votes) is sparse, so its span is asked for whole at once and cut only where the provider refuses.
    this.batchRpc = opts.rpc.ahead();
    this.childFetcher = new LogFetcher({ ...fetcherOpts, rpc: this.batchRpc, headers: true, initialRange: maxRange });
    const names = new Set(this.sources.map((s) => s.name));
    this.factories = (opts.factories ?? []).map((f) => {
      if (!names.has(f.source)) throw new Error(`factory of unknown source "${f.source}"`);
      return { ...f, address: f.address.toLowerCase() as Hex, event: f.event.toLowerCase() as Hex };
    });
    this.hooks = { onLogs: opts.onLogs, prepare: opts.prepare, rollback: opts.rollback, onProgress: opts.onProgress, onReorg: opts.onReorg, onError: opts.onError };
  }

  /** Time the database spent on this engine's batches (ms): every batch transaction, BEGIN to COMMIT. */
  readonly timing = { transactionMs: 0 };

  /** The log fetcher's counters (adaptive span, splits). */
  fetcherStats(): ReturnType<LogFetcher['stats']> {
    return this.fetcher.stats();
  }

  /** Checkpoints as stored (sources never synced show fromBlock − 1). */
  async checkpoints(): Promise<Checkpoint[]> {
    await this.init();
    const stored = await readCheckpoints(this.sdb);
    return this.sources.map((s) => stored.get(s.name) ?? { source: s.name, block: s.fromBlock - 1, blockHash: null });
  }

  /**
   * Backfill to head − confirmations, committing every `batchBlocks`. Goes
   * round again while the head moved by more than a batch meanwhile. Stops
   * between batches when `signal` aborts.
   */
  async runBackfill(opts: { signal?: AbortSignal } = {}): Promise<SyncResult> {
    return this.exclusive(async () => {
      await this.init();
      const reorgs: ReorgInfo[] = [];
      const run = this.newRun('backfill');
      let head = await getBlockNumber(this.rpc);
      for (;;) {
        const reorg = await this.checkReorg(head);
        if (reorg !== 'behind' && reorg !== 'ok') reorgs.push(reorg);
        const target = head - this.cfg.confirmations;
        run.target = target;
        run.head = head;
        await this.advance(target, 'backfill', run, opts.signal);
        if (opts.signal?.aborted) break;
        const next = await getBlockNumber(this.rpc);
        if (next - target < this.cfg.batchBlocks) {
          head = next;
          break;
        }
        head = next;
      }
      return { head, block: await this.minCursor(), reorgs };
    });
  }

  /**
   * One live step: check the stored tip against the node (rolling back a
   * reorg), backfill any confirmed blocks, then take the unconfirmed tip with
   * every header stored for the next reorg check.
   */
  async syncOnce(): Promise<SyncResult> {
    return this.exclusive(() => this.step());
  }

  /** Poll until `signal` aborts. Transient RPC trouble and mid-step reorgs go to onError and the loop goes on. */
  async runLive(opts: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = opts;
    while (!signal?.aborted) {
      try {
        await this.exclusive(() => this.step(signal));
      } catch (e) {
        if (!(e instanceof RpcTransientError || e instanceof ChainInconsistencyError)) throw e;
        this.hooks.onError?.(e);
      }
      await sleep(this.cfg.pollIntervalMs, signal);
    }
  }

  private async step(signal?: AbortSignal): Promise<SyncResult> {
    await this.init();
    const reorgs: ReorgInfo[] = [];
    for (let attempt = 0; ; attempt++) {
      const head = await getBlockNumber(this.rpc);
      const check = await this.checkReorg(head);
      if (check === 'behind') return { head, block: await this.minCursor(), reorgs };
      if (check !== 'ok') reorgs.push(check);
      try {
        const run = this.newRun('live');
        run.head = head;
        run.target = head - this.cfg.confirmations;
        await this.advance(head - this.cfg.confirmations, 'backfill', run, signal);
        run.target = head;
        await this.advance(head, 'live', run, signal);
        return { head, block: await this.minCursor(), reorgs };
      } catch (e) {
        // The chain moved under this step (a reorg between our reads): check again from the top.
        if (e instanceof ChainInconsistencyError && attempt < 2) continue;
        throw e;
      }
    }
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('SyncEngine: runBackfill/syncOnce/runLive must not overlap on one engine');
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private async init(): Promise<void> {
    if (this.initialized) return;
    // Rows exist before the first batch so every batch can lock them (FOR UPDATE locks rows, not gaps).
    await this.sdb
      .insertInto('sync_checkpoint')
      .values(this.sources.map((s) => ({ source: s.name, block: s.fromBlock - 1, block_hash: null })))
      .onConflict((oc) => oc.column('source').doNothing())
      .execute();
    // What an earlier run learned about this endpoint's caps and rate: no need to run into them again.
    const known = (await readProviderLimits(this.sdb))[this.endpointKey];
    if (known) {
      this.caps.learn({ maxRange: known.maxRange ?? undefined, maxResults: known.maxResults ?? undefined });
      this.caps.takeChange();
      if (known.rate !== null && known.rate !== undefined) this.rpc.startRateAt(known.rate);
      this.storedLimits = JSON.stringify(known);
    }
    this.initialized = true;
  }

  /** The provider's limits as learned now, if they differ from what is stored. */
  private changedLimits(): ProviderLimits | null {
    this.caps.takeChange();
    const rate = this.rpc.learnedRate;
    const now: ProviderLimits = { maxRange: this.caps.limit.maxRange ?? null, maxResults: this.caps.limit.maxResults ?? null, rate: rate === null ? null : Math.round(rate * 100) / 100 };
    const text = JSON.stringify(now);
    const before = this.storedLimits ? (JSON.parse(this.storedLimits) as ProviderLimits) : null;
    // A rate that moved by less than a tenth is not worth a write.
    const sameRate = before !== null && (before.rate === now.rate || (before.rate !== null && now.rate !== null && Math.abs(before.rate - now.rate) < before.rate * 0.1));
    if (before !== null && before.maxRange === now.maxRange && before.maxResults === now.maxResults && sameRate) return null;
    if (before === null && now.maxRange === null && now.maxResults === null && now.rate === null) return null;
    this.storedLimits = text;
    return now;
  }

  private cursorOf(cps: Map<string, Checkpoint>, s: SyncSource): number {
    return cps.get(s.name)?.block ?? s.fromBlock - 1;
  }

  private async minCursor(): Promise<number> {
    const cps = await readCheckpoints(this.sdb);
    return Math.min(...this.sources.map((s) => this.cursorOf(cps, s)));
  }

  private newRun(phase: Run['phase']): Run {
    return { phase, startedAt: Date.now(), blocks: 0, logs: 0, target: 0, head: 0 };
  }

  /**
   * Move every source up to `target`. Sources whose checkpoints differ (one
   * added later, say) advance in segments: the laggards alone until they reach
   * the next checkpoint, then together, so one eth_getLogs serves all sources
   * that share a cursor and logs across them arrive in one block order.
   */
  private async advance(target: number, mode: 'backfill' | 'live', run: Run, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      const cps = await readCheckpoints(this.sdb);
      const behind = this.sources.filter((s) => this.cursorOf(cps, s) < target);
      if (behind.length === 0) return;
      const min = Math.min(...behind.map((s) => this.cursorOf(cps, s)));
      const active = behind.filter((s) => this.cursorOf(cps, s) === min);
      const higher = this.sources.map((s) => this.cursorOf(cps, s)).filter((c) => c > min);
      const segEnd = Math.min(target, ...higher);
      const prevHash = active.map((s) => cps.get(s.name)?.blockHash ?? null).find((h) => h !== null) ?? null;
      if (mode === 'backfill') await this.backfillSegment(active, min + 1, segEnd, run, signal);
      else await this.liveSegment(active, min + 1, segEnd, prevHash, run, signal);
    }
  }

  private async backfillSegment(active: SyncSource[], lo: number, hi: number, run: Run, signal?: AbortSignal): Promise<void> {
    const addresses = await this.segmentAddresses(active);
    let batch: Batch | null = null;
    let batchStarted = 0;
    // The first batch is small and each next one twice as big (up to batchLogs), so the database starts writing
    // while the rest of the history is still being fetched instead of after the first batchLogs logs.
    let batchLogs = Math.min(this.cfg.batchLogs, FIRST_BATCH_LOGS);
    // The commit in flight: the loop prepares (and fetches) the next batch while it is written.
    let writing: Promise<void> | null = null;
    try {
      // Ranges started after a factory's child turned up ask for its logs too.
      const factories = this.factories.filter((f) => active.some((s) => s.name === f.source));
      const early = new Set<Hex>();
      const spot = (c: LogChunk): void => {
        for (const l of c.logs) {
          for (const f of factories) {
            if (l.address !== f.address || l.topics[0]?.toLowerCase() !== f.event) continue;
            const child = f.child(l)?.toLowerCase() as Hex | undefined;
            if (child) early.add(child);
          }
        }
      };
      // A child joins the ranges started after its creation log arrived, whichever chunk that came in;
      // the batches record it (and fetch what earlier ranges missed) in block order.
      for await (const chunk of this.fetcher.chunks(() => [...this.withChildren(active, addresses), ...early], lo, hi, factories.length > 0 ? spot : undefined)) {
        if (!batch) {
          batch = { from: chunk.fromBlock, to: chunk.toBlock, logs: [...chunk.logs], headers: [...chunk.headers], ranges: [] };
          batchStarted = Date.now();
        } else {
          batch.to = chunk.toBlock;
          batch.logs.push(...chunk.logs);
          batch.headers.push(...chunk.headers);
        }
        batch.ranges.push({ from: chunk.fromBlock, to: chunk.toBlock, addresses: chunk.addresses });
        const full =
          batch.to - batch.from + 1 >= this.cfg.batchBlocks || batch.logs.length >= batchLogs || Date.now() - batchStarted >= this.cfg.batchMs;
        if (full || batch.to === hi) {
          // The segment's last block is where live mode (or the next run) continues: its hash is kept.
          // Other batch ends need no header of their own: the checkpoint names the block, and the newest
          // header the batch holds serves the reorg check.
          if (batch.to === hi && batch.headers.at(-1)?.number !== batch.to) batch.headers.push(...(await getExistingHeaders(this.batchRpc, [batch.to])));
          const ready = batch;
          batch = null;
          batchLogs = Math.min(this.cfg.batchLogs, 2 * batchLogs);
          // In batch order, before prepare: children created here (or since this chunk was fetched) join now.
          await this.addChildLogs(ready, active, true);
          const headers = dedupeHeaders(ready.headers);
          const prepared = this.hooks.prepare ? await this.hooks.prepare(ready.logs, headers, this.batchInfo(ready, active, 'backfill')) : undefined;
          if (writing) await writing;
          // A prepared batch is always committed, even after an abort: its effects are already in the caller's state.
          writing = this.commit(ready, active, 'backfill', headers.slice(-1), run, prepared);
          // Settled here too, so a failure surfaces at the next await without an unhandled rejection meanwhile.
          writing.catch(() => undefined);
          if (signal?.aborted) break;
        }
      }
      if (writing) await writing;
    } finally {
      // Whatever stopped the loop (abort, error), no commit may still run when this returns.
      if (writing) await writing.catch(() => undefined);
    }
  }

  /** The segment's addresses and every child known by now. */
  private withChildren(active: SyncSource[], base: readonly Hex[]): Hex[] {
    const out = new Set<Hex>(base);
    for (const s of active) for (const a of this.children.get(s.name)?.keys() ?? []) out.add(a);
    return [...out];
  }

  /** The sources' own addresses plus every child already known (read afresh, so a failed batch leaves nothing behind). */
  private async segmentAddresses(active: SyncSource[]): Promise<Hex[]> {
    this.children = new Map();
    if (this.factories.length > 0) {
      for (const c of await readChildren(this.sdb)) {
        const m = this.children.get(c.source) ?? new Map<Hex, number>();
        m.set(c.address.toLowerCase() as Hex, c.fromBlock);
        this.children.set(c.source, m);
      }
    }
    return active.flatMap((s) => [...s.addresses, ...(this.children.get(s.name)?.keys() ?? [])]);
  }

  /**
   * Finds factory creation logs in the batch, records the new children, and fetches the logs of every
   * known child that a range of the batch did not ask for (created in this batch, or after that range
   * started), from its creation block to the range's end. Repeats for children of children.
   */
  private async addChildLogs(batch: Batch, active: SyncSource[], needHeaders: boolean): Promise<void> {
    const names = new Set(active.map((s) => s.name));
    const factories = this.factories.filter((f) => names.has(f.source));
    if (factories.length === 0) return;
    const ranges = batch.ranges.map((r) => ({ ...r, covered: new Set<string>(r.addresses) }));
    let scan = batch.logs;
    let added = false;
    for (;;) {
      for (const l of scan) {
        for (const f of factories) {
          if (l.address.toLowerCase() !== f.address || l.topics[0]?.toLowerCase() !== f.event) continue;
          const child = f.child(l)?.toLowerCase() as Hex | undefined;
          if (!child) continue;
          const known = this.children.get(f.source) ?? new Map<Hex, number>();
          this.children.set(f.source, known);
          if (known.has(child)) continue;
          known.set(child, l.blockNumber);
          (batch.children ??= []).push({ source: f.source, address: child, fromBlock: l.blockNumber });
        }
      }
      // Ranges that lack the same children are fetched for them as one span, the spans side by side.
      const spans: { from: number; to: number; missing: [Hex, number][] }[] = [];
      for (const r of ranges) {
        const missing: [Hex, number][] = [];
        for (const s of active) for (const [a, from] of this.children.get(s.name) ?? []) if (!r.covered.has(a) && from <= r.to) missing.push([a, from]);
        if (missing.length === 0) continue;
        for (const [a] of missing) r.covered.add(a);
        const key = missing.map(([a]) => a).join();
        const last = spans.at(-1);
        if (last && last.to + 1 === r.from && last.missing.map(([a]) => a).join() === key) last.to = r.to;
        else spans.push({ from: r.from, to: r.to, missing });
      }
      const fetched = await Promise.all(
        spans.map(async ({ from, to, missing }) => {
          const fromOf = new Map(missing);
          const got = await this.childFetcher.fetchAll(missing.map(([a]) => a), Math.max(from, Math.min(...missing.map(([, f]) => f))), to);
          return { headers: got.headers, logs: got.logs.filter((l) => l.blockNumber >= (fromOf.get(l.address.toLowerCase() as Hex) ?? Infinity)) };
        }),
      );
      const extra: RawLog[] = [];
      for (const f of fetched) {
        if (needHeaders) batch.headers.push(...f.headers);
        extra.push(...f.logs);
      }
      if (extra.length === 0) break;
      batch.logs.push(...extra);
      scan = extra;
      added = true;
    }
    if (!added) return;
    batch.logs.sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
    if (needHeaders) {
      const have = new Set(batch.headers.map((h) => h.number));
      const lacking = [...new Set(batch.logs.map((l) => l.blockNumber))].filter((n) => !have.has(n));
      if (lacking.length > 0) batch.headers.push(...(await getExistingHeaders(this.batchRpc, lacking, true)));
      const byNumber = new Map(batch.headers.map((h) => [h.number, h.hash]));
      for (const l of batch.logs) {
        if (byNumber.get(l.blockNumber) !== l.blockHash) {
          throw new ChainInconsistencyError(`log in block ${l.blockNumber} has hash ${l.blockHash}, header says ${byNumber.get(l.blockNumber)}`);
        }
      }
      batch.headers.sort((x, y) => x.number - y.number);
    }
  }

  private batchInfo(batch: Batch, active: SyncSource[], mode: 'backfill' | 'live'): SyncBatchInfo {
    return { fromBlock: batch.from, toBlock: batch.to, sources: active.map((s) => s.name), mode };
  }

  /**
   * The unconfirmed tip: every header is read and chained to the stored parent before logs are
   * accepted, and the last header is read again after the logs, so logs and headers come from one
   * branch. Any disagreement throws ChainInconsistencyError and nothing of the step is written. The
   * whole range is read at once (headers and logs together), then committed `liveBatchBlocks` at a time.
   */
  private async liveSegment(
    active: SyncSource[],
    lo: number,
    hi: number,
    prevHash: Hex | null,
    run: Run,
    signal?: AbortSignal,
  ): Promise<void> {
    const addresses = await this.segmentAddresses(active);
    // Far behind, the tip is read in pieces; each piece is checked and committed before the next.
    const readSpan = Math.max(this.cfg.liveBatchBlocks, 500);
    let parent = prevHash;
    for (let a = lo; a <= hi; ) {
      if (signal?.aborted) return;
      const b = Math.min(hi, a + readSpan - 1);
      const numbers = Array.from({ length: b - a + 1 }, (_, i) => a + i);
      // At the tip (a few blocks behind) each block comes with its transactions: the indexer needs no further
      // round trip for the ones that emitted events. Catching up over many blocks, it reads only those by hash.
      const withTransactions = numbers.length <= LIVE_HYDRATED_BLOCKS;
      const [headers, { logs }] = await Promise.all([getExistingHeaders(this.rpc, numbers, withTransactions), this.liveFetcher.fetchAll(addresses, a, b)]);
      headers.forEach((h, i) => {
        const expected = i === 0 ? parent : headers[i - 1].hash;
        if (expected !== null && h.parentHash !== expected) {
          throw new ChainInconsistencyError(`block ${h.number} has parent ${h.parentHash}, expected ${expected}: the chain changed during sync`);
        }
      });
      const read: Batch = { from: a, to: b, logs, headers, ranges: [{ from: a, to: b, addresses }] };
      await this.addChildLogs(read, active, false);
      for (const l of read.logs) {
        if (headers[l.blockNumber - a].hash !== l.blockHash) {
          throw new ChainInconsistencyError(`log in block ${l.blockNumber} has hash ${l.blockHash}, header says ${headers[l.blockNumber - a].hash}`);
        }
      }
      const [tip] = await getHeaders(this.rpc, [b]);
      if (tip?.hash !== headers[headers.length - 1].hash) {
        throw new ChainInconsistencyError(`block ${b} changed while its logs were read`);
      }
      // Children found in this read are stored with the first commit, so a crash cannot lose them.
      let children = read.children;
      for (let x = a; x <= b; x += this.cfg.liveBatchBlocks) {
        const y = Math.min(b, x + this.cfg.liveBatchBlocks - 1);
        const part: Batch = {
          from: x,
          to: y,
          logs: read.logs.filter((l) => l.blockNumber >= x && l.blockNumber <= y),
          headers: headers.slice(x - a, y - a + 1),
          ranges: [],
          children,
        };
        children = undefined;
        const prepared = this.hooks.prepare ? await this.hooks.prepare(part.logs, part.headers, this.batchInfo(part, active, 'live')) : undefined;
        await this.commit(part, active, 'live', part.headers, run, prepared);
      }
      parent = headers[headers.length - 1].hash;
      a = b + 1;
    }
  }

  private async commit(batch: Batch, active: SyncSource[], mode: 'backfill' | 'live', storeHeaders: BlockHeader[], run: Run, prepared: unknown): Promise<void> {
    const names = active.map((s) => s.name);
    // Backfill batches that end inside a segment carry no header of their last block (none was needed).
    const end = batch.headers.find((h) => h.number === batch.to) ?? null;
    if (!end && mode === 'live') throw new Error(`internal: live batch ${batch.from}-${batch.to} lacks its last header`);
    const headers = dedupeHeaders(batch.headers);
    const limits = this.changedLimits();
    const begun = performance.now();
    await this.db.transaction().execute(async (trx) => {
      const st = trx as unknown as Transaction<SyncTables>;
      // Backfill commits need not wait for the WAL flush: a server crash can only lose whole recent
      // batches, checkpoint included, which the next run fetches again. One commit a second still waits: the
      // embedded database has no WAL writer of its own, so without it a kill -9 of the process would lose
      // every batch since the start of the run.
      if (mode === 'backfill') {
        if (Date.now() - this.durableAt < DURABLE_EVERY_MS) await sql`set local synchronous_commit = off`.execute(trx);
        else this.durableAt = Date.now();
      }
      const locked = await lockCheckpoints(st, names);
      for (const s of active) {
        const cur = locked.get(s.name)?.block ?? s.fromBlock - 1;
        if (cur !== batch.from - 1) {
          throw new CheckpointConflictError(
            `checkpoint of source "${s.name}" is at ${cur}, expected ${batch.from - 1}: is another indexer writing to this database?`,
          );
        }
      }
      await this.hooks.onLogs(trx, batch.logs, headers, { fromBlock: batch.from, toBlock: batch.to, sources: names, mode }, prepared);
      await writeChildren(st, batch.children ?? []);
      await writeCheckpoints(st, names, batch.to, end?.hash ?? null);
      if (limits) await writeProviderLimits(st, this.endpointKey, limits);
      await writeBlocks(st, storeHeaders);
      await pruneBlocks(st, batch.to, this.cfg.keepBlocks);
    });
    this.timing.transactionMs += performance.now() - begun;
    run.blocks += batch.to - batch.from + 1;
    run.logs += batch.logs.length;
    this.report(run, batch.to);
  }

  private report(run: Run, block: number): void {
    if (!this.hooks.onProgress) return;
    const elapsedMs = Math.max(1, Date.now() - run.startedAt);
    const blocksPerSecond = (run.blocks * 1000) / elapsedMs;
    const logsPerSecond = (run.logs * 1000) / elapsedMs;
    const remaining = Math.max(0, run.target - block);
    this.hooks.onProgress({
      phase: run.phase,
      block,
      target: run.target,
      head: run.head,
      blocksDone: run.blocks,
      logsDone: run.logs,
      elapsedMs,
      blocksPerSecond,
      logsPerSecond,
      etaSeconds: remaining === 0 ? 0 : blocksPerSecond > 0 ? remaining / blocksPerSecond : null,
    });
  }

  /** Compare stored hashes with the node; on a fork, roll back projections and checkpoints in one transaction. */
  private async checkReorg(head: number): Promise<'ok' | 'behind' | ReorgInfo> {
    const stored = await readRecentBlocks(this.sdb, this.cfg.keepBlocks + this.cfg.liveBatchBlocks + 1);
    const check = await findForkPoint(stored, head, (numbers) => getHeaders(this.rpc, numbers));
    if (check.kind !== 'reorg') return check.kind;
    const { ancestor } = check;
    const forkBlock = ancestor.number + 1;
    const firstBlockOf = new Map(this.sources.map((s) => [s.name, s.fromBlock]));
    await this.db.transaction().execute(async (trx) => {
      const st = trx as unknown as Transaction<SyncTables>;
      await lockCheckpoints(st, this.sources.map((s) => s.name));
      await this.hooks.rollback(trx, forkBlock);
      await dropChildrenFrom(st, forkBlock);
      await rewindTo(st, ancestor, firstBlockOf);
    });
    const info: ReorgInfo = { forkBlock, ancestor: ancestor.number, depth: check.depth, head };
    this.hooks.onReorg?.(info);
    return info;
  }
}

function dedupeHeaders(headers: BlockHeader[]): BlockHeader[] {
  const byNumber = new Map(headers.map((h) => [h.number, h]));
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}
