import { z } from 'zod';
import { RangeTooLargeError, RpcFatalError, toHexQuantity, type GetLogsLimit, type RpcClient } from '../chain/rpc.js';
import { AtlasError } from '../base/errors.js';
import { blockTransaction, type TxDetails } from '../chain/transactions.js';

/**
 * Historical eth_getLogs over a block range for a set of addresses (one call
 * with an address array), with block ranges that adapt to what the node
 * accepts, several ranges in flight, and delivery in block order.
 */

export type Hex = `0x${string}`;

export interface RawLog {
  /** Lowercase. */
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockNumber: number;
  blockHash: Hex;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
}

export interface BlockHeader {
  number: number;
  hash: Hex;
  parentHash: Hex;
  /** Seconds since epoch. */
  timestamp: number;
  /** Arbitrum headers carry the L1 block number the round clock runs on (docs/protocol.md §3); null elsewhere. */
  l1BlockNumber: number | null;
  /** The block's transactions, when it was fetched with them (blocks that hold logs, in backfill). */
  transactions?: TxDetails[];
}

// The answers of eth_getLogs and eth_getBlockByNumber are the bulk of a backfill's input (tens of megabytes
// for the history): they are checked field by field by hand, in one pass and one object per item. A schema
// object per field cost several times the JSON parse itself, on the thread that also decodes and writes.
const HEX = /^0x[0-9a-fA-F]*$/;
const QUANTITY = /^0x[0-9a-fA-F]+$/;

const quantity = z
  .string()
  .regex(QUANTITY)
  .transform((s, ctx) => {
    const n = Number.parseInt(s, 16);
    if (!Number.isSafeInteger(n)) {
      ctx.addIssue({ code: 'custom', message: `quantity ${s} exceeds 2^53` });
      return z.NEVER;
    }
    return n;
  });

/** A malformed field of a node's answer: `path` names it (`[3].topics[1]`). */
class ShapeError extends Error {}

function record(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${path || 'result'}: expected an object`);
  return v as Record<string, unknown>;
}

function hexAt(o: Record<string, unknown>, key: string, path: string): Hex {
  const v = o[key];
  if (typeof v !== 'string' || !HEX.test(v)) throw new ShapeError(`${path}.${key}: expected 0x-prefixed hex, got ${describeValue(v)}`);
  return v as Hex;
}

function quantityAt(o: Record<string, unknown>, key: string, path: string): number {
  const v = o[key];
  if (typeof v !== 'string' || !QUANTITY.test(v)) throw new ShapeError(`${path}.${key}: expected a hex quantity, got ${describeValue(v)}`);
  const n = Number.parseInt(v, 16);
  if (!Number.isSafeInteger(n)) throw new ShapeError(`${path}.${key}: quantity ${v} exceeds 2^53`);
  return n;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function rawLogAt(v: unknown, path: string): RawLog {
  const o = record(v, path);
  const topics = o.topics;
  if (!Array.isArray(topics)) throw new ShapeError(`${path}.topics: expected an array, got ${describeValue(topics)}`);
  for (let i = 0; i < topics.length; i++) {
    const t: unknown = topics[i];
    if (typeof t !== 'string' || !HEX.test(t)) throw new ShapeError(`${path}.topics[${i}]: expected 0x-prefixed hex, got ${describeValue(t)}`);
  }
  if (o.removed !== undefined && typeof o.removed !== 'boolean') throw new ShapeError(`${path}.removed: expected a boolean, got ${describeValue(o.removed)}`);
  return {
    address: hexAt(o, 'address', path).toLowerCase() as Hex,
    topics: topics as Hex[],
    data: hexAt(o, 'data', path),
    blockNumber: quantityAt(o, 'blockNumber', path),
    blockHash: hexAt(o, 'blockHash', path),
    transactionHash: hexAt(o, 'transactionHash', path),
    transactionIndex: quantityAt(o, 'transactionIndex', path),
    logIndex: quantityAt(o, 'logIndex', path),
  };
}

function headerAt(o: Record<string, unknown>, path: string): BlockHeader {
  const l1 = o.l1BlockNumber;
  return {
    number: quantityAt(o, 'number', path),
    hash: hexAt(o, 'hash', path),
    parentHash: hexAt(o, 'parentHash', path),
    timestamp: quantityAt(o, 'timestamp', path),
    l1BlockNumber: l1 === undefined || l1 === null ? null : quantityAt(o, 'l1BlockNumber', path),
  };
}

/** A zod schema whose whole check is `check` (a ShapeError becomes the schema's issue). */
function checked<T>(check: (v: unknown) => T): z.ZodType<T> {
  return z.unknown().transform((v, ctx) => {
    try {
      return check(v);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
      return z.NEVER;
    }
  }) as unknown as z.ZodType<T>;
}

/** An eth_getLogs result: every log with its hex fields and quantities checked, addresses lowercased. */
export const rawLogsSchema = checked((v): RawLog[] => {
  if (!Array.isArray(v)) throw new ShapeError(`result: expected an array of logs, got ${describeValue(v)}`);
  const out = new Array<RawLog>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = rawLogAt(v[i], `[${i}]`);
  return out;
});

export const blockHeaderSchema = checked((v) => headerAt(record(v, ''), ''));

/** A block fetched with its transactions: the header and each transaction's sender, recipient, gas and price. */
export const blockWithTransactionsSchema = checked((v): BlockHeader => {
  const o = record(v, '');
  const txs = o.transactions;
  if (!Array.isArray(txs)) throw new ShapeError(`.transactions: expected an array, got ${describeValue(txs)}`);
  // A transaction this reader does not understand (a chain's own system types) is left out, not fatal: the
  // indexer reads any it needs and lacks by hash.
  const transactions: TxDetails[] = [];
  for (const t of txs) {
    const tx = blockTransaction(t);
    if (tx) transactions.push(tx);
  }
  return { ...headerAt(o, ''), transactions };
});

/** The node's answer for one block fetched across calls differs: a reorg or an inconsistent backend. */
export class ChainInconsistencyError extends AtlasError {
  override name = 'ChainInconsistencyError';
  constructor(message: string) {
    super('unavailable', message, { reason: 'chain_inconsistent' });
  }
}

export async function getBlockNumber(rpc: RpcClient): Promise<number> {
  return rpc.request('eth_blockNumber', [], quantity);
}

/**
 * Headers for the given block numbers, batched; `null` where the node has no such block. With `withTransactions`
 * the same call (and the same price at every provider) also brings each block's transactions, which the indexer
 * stores for the blocks that hold protocol events: no call per transaction.
 */
export async function getHeaders(rpc: RpcClient, numbers: readonly number[], withTransactions = false): Promise<Array<BlockHeader | null>> {
  if (numbers.length === 0) return [];
  return rpc.batch(
    numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHexQuantity(n), withTransactions] })),
    (withTransactions ? blockWithTransactionsSchema : blockHeaderSchema).nullable(),
  );
}

/** Like getHeaders, but a missing block is an error (for blocks at or below a head we already saw). */
export async function getExistingHeaders(rpc: RpcClient, numbers: readonly number[], withTransactions = false): Promise<BlockHeader[]> {
  const out = await getHeaders(rpc, numbers, withTransactions);
  return out.map((h, i) => {
    if (h === null) throw new ChainInconsistencyError(`node has no block ${numbers[i]} although its head is past it`);
    return h;
  });
}

export function compareLogs(a: RawLog, b: RawLog): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/**
 * What the fetchers of one provider know about its eth_getLogs: the caps it named in its errors (widest
 * span, most logs per answer). Shared by every fetcher on the same node and remembered with the
 * checkpoints, so a restart does not run into the same refusals again.
 */
export class GetLogsCaps {
  private value: GetLogsLimit;
  private changed = false;

  constructor(initial: GetLogsLimit = {}) {
    this.value = { ...initial };
  }

  get limit(): Readonly<GetLogsLimit> {
    return this.value;
  }

  /** Takes a cap the provider named; a cap only ever tightens. */
  learn(l: GetLogsLimit): void {
    const next = { ...this.value };
    if (l.maxRange !== undefined && l.maxRange >= 1 && l.maxRange < (next.maxRange ?? Infinity)) next.maxRange = l.maxRange;
    if (l.maxResults !== undefined && l.maxResults >= 1 && l.maxResults < (next.maxResults ?? Infinity)) next.maxResults = l.maxResults;
    if (next.maxRange !== this.value.maxRange || next.maxResults !== this.value.maxResults) {
      this.value = next;
      this.changed = true;
    }
  }

  /** True once after each change: the caller then stores the caps. */
  takeChange(): boolean {
    const c = this.changed;
    this.changed = false;
    return c;
  }
}

export interface LogFetcherOptions {
  rpc: RpcClient;
  /** First eth_getLogs span tried, in blocks. Default 1,000 (it widens quickly over sparse history). */
  initialRange?: number;
  /** Widest span ever asked for, whatever the provider allows. Default: no bound but the provider's. */
  maxRange?: number;
  /**
   * Logs per call that ranges are sized for while the provider names no result cap (under a cap, 80% of
   * it). Dense history thus arrives as several chunks the caller can work on while the next ones load.
   * Default 5,000.
   */
  targetLogs?: number;
  /** Ranges in flight at most (the RPC client's rate governor paces them further). Default 32. */
  concurrency?: number;
  /** Logs fetched ahead of what the consumer took, at most, before no further range starts. Default 50,000. */
  maxBufferedLogs?: number;
  /** Fetch headers of blocks that have logs. Default true. */
  headers?: boolean;
  /** Times a range is fetched again when logs and headers disagree. Default 3. */
  consistencyRetries?: number;
  /** The provider's caps, shared with the engine's other fetchers. */
  caps?: GetLogsCaps;
}

export interface LogChunk {
  fromBlock: number;
  toBlock: number;
  /** Sorted by (blockNumber, logIndex). */
  logs: RawLog[];
  /** Headers of the blocks that have logs, ascending. */
  headers: BlockHeader[];
  /** The addresses the range was fetched for. */
  addresses: readonly Hex[];
}

export interface LogFetcherStats {
  /** eth_getLogs calls that succeeded. */
  ranges: number;
  /** Ranges split after a range-too-large answer. */
  splits: number;
  /** Times the span widened / narrowed. */
  grows: number;
  shrinks: number;
  /** Ranges fetched again because logs and headers disagreed. */
  refetches: number;
  /** The span the next range will use. */
  currentRange: number;
  /** The provider's caps as known now. */
  caps: GetLogsLimit;
}

/** Recent completed ranges, for the log density the next spans are sized from. */
const DENSITY_SAMPLES = 6;
/** Chunks fetched ahead of the consumer at most, whatever their size. */
const MAX_AHEAD_CHUNKS = 1_000;
/** A span widens at most this much per completed range, so a dense stretch after a sparse one costs few refusals. */
const MAX_GROWTH = 8;

/** A chunk's fetch given up because the consumer stopped iterating (never seen by callers). */
class FetchStoppedError extends Error {}

export class LogFetcher {
  private readonly rpc: RpcClient;
  private readonly maxRange: number;
  private readonly targetLogs: number;
  private readonly concurrency: number;
  private readonly maxBufferedLogs: number;
  private readonly withHeaders: boolean;
  private readonly consistencyRetries: number;
  readonly caps: GetLogsCaps;
  private span: number;
  private readonly samples: { logs: number; blocks: number }[] = [];
  private readonly counters = { ranges: 0, splits: 0, grows: 0, shrinks: 0, refetches: 0 };

  constructor(opts: LogFetcherOptions) {
    this.rpc = opts.rpc;
    this.maxRange = opts.maxRange ?? Number.MAX_SAFE_INTEGER;
    this.targetLogs = opts.targetLogs ?? 5_000;
    this.concurrency = opts.concurrency ?? 32;
    this.maxBufferedLogs = opts.maxBufferedLogs ?? 50_000;
    this.withHeaders = opts.headers ?? true;
    this.consistencyRetries = opts.consistencyRetries ?? 3;
    this.caps = opts.caps ?? new GetLogsCaps();
    this.span = Math.min(opts.initialRange ?? 1_000, this.maxRange);
    if (this.span < 1 || this.maxRange < 1 || this.concurrency < 1 || this.targetLogs < 1) throw new RangeError('LogFetcher: ranges, target and concurrency must be ≥ 1');
  }

  stats(): LogFetcherStats {
    return { ...this.counters, currentRange: this.plannedSpan(), caps: { ...this.caps.limit } };
  }

  /** The widest span allowed: ours and the provider's. */
  private spanCap(): number {
    return Math.min(this.maxRange, this.caps.limit.maxRange ?? Number.MAX_SAFE_INTEGER);
  }

  private plannedSpan(): number {
    return Math.max(1, Math.min(this.span, this.spanCap()));
  }

  /** Sizes the next spans from the density of the ranges that came back, toward the target logs per call. */
  private observe(logs: number, blocks: number): void {
    this.samples.push({ logs, blocks });
    if (this.samples.length > DENSITY_SAMPLES) this.samples.shift();
    const seen = this.samples.reduce((a, s) => ({ logs: a.logs + s.logs, blocks: a.blocks + s.blocks }), { logs: 0, blocks: 0 });
    const cap = this.caps.limit.maxResults;
    const target = cap !== undefined ? Math.max(1, Math.floor(cap * 0.8)) : this.targetLogs;
    const want = seen.logs > 0 ? (target * seen.blocks) / seen.logs : Number.POSITIVE_INFINITY;
    const next = Math.max(1, Math.floor(Math.min(want, this.span * MAX_GROWTH, this.spanCap())));
    if (next > this.span) this.counters.grows++;
    else if (next < this.span) this.counters.shrinks++;
    this.span = next;
  }

  /**
   * Chunks covering [fromBlock, toBlock] exactly, contiguous and in block order, while later ranges are
   * already being fetched (starting slowly: one more in flight per range that came back). `addresses`
   * may be a function: each range asks for the addresses it returns when the range starts (a factory's
   * new children join the ranges after their discovery, which `onFetched` can make as early as the
   * creation log arrives). Stop iterating to cancel.
   */
  async *chunks(
    addresses: readonly Hex[] | (() => readonly Hex[]),
    fromBlock: number,
    toBlock: number,
    /** Sees each chunk as soon as it arrives, before it is its turn (to widen the addresses early). */
    onFetched?: (c: LogChunk) => void,
  ): AsyncGenerator<LogChunk> {
    const current = typeof addresses === 'function' ? addresses : () => addresses;
    const norm = (): Hex[] => [...new Set(current().map((a) => a.toLowerCase() as Hex))];
    if (norm().length === 0 || toBlock < fromBlock) return;
    let next = fromBlock;
    let completed = 0;
    let fetching = 0;
    let bufferedLogs = 0;
    let stopped = false;
    // Chunks started and not yet taken by the consumer, in block order.
    const inflight: Array<Promise<LogChunk>> = [];
    const launch = (): void => {
      while (
        !stopped &&
        next <= toBlock &&
        fetching < Math.min(this.concurrency, 1 + completed) &&
        bufferedLogs < this.maxBufferedLogs &&
        inflight.length < MAX_AHEAD_CHUNKS
      ) {
        const a = next;
        const b = Math.min(toBlock, a + this.plannedSpan() - 1);
        next = b + 1;
        const addrs = norm();
        fetching++;
        const p = this.fetchChunk(addrs, a, b, () => stopped).then(
          (c) => {
            fetching--;
            completed++;
            bufferedLogs += c.logs.length;
            onFetched?.(c);
            launch();
            return c;
          },
          (e: unknown) => {
            fetching--;
            throw e;
          },
        );
        // Rejections are observed when the chunk reaches the head of the queue.
        p.catch(() => undefined);
        inflight.push(p);
      }
    };
    try {
      launch();
      while (inflight.length > 0) {
        const chunk = await inflight.shift()!;
        bufferedLogs -= chunk.logs.length;
        launch();
        yield chunk;
      }
    } finally {
      stopped = true;
    }
  }

  /** Everything in [fromBlock, toBlock] at once (tests, small ranges). */
  async fetchAll(addresses: readonly Hex[], fromBlock: number, toBlock: number): Promise<{ logs: RawLog[]; headers: BlockHeader[] }> {
    const logs: RawLog[] = [];
    const headers: BlockHeader[] = [];
    for await (const c of this.chunks(addresses, fromBlock, toBlock)) {
      logs.push(...c.logs);
      headers.push(...c.headers);
    }
    return { logs, headers };
  }

  private async fetchChunk(addresses: Hex[], a: number, b: number, stopped: () => boolean): Promise<LogChunk> {
    for (let attempt = 0; ; attempt++) {
      const logs = await this.getLogsAdaptive(addresses, a, b, stopped);
      if (!this.withHeaders) return { fromBlock: a, toBlock: b, logs, headers: [], addresses };
      // The consumer is gone: no further calls for a chunk nobody takes (they would count against the provider's rate).
      if (stopped()) throw new FetchStoppedError();
      const numbers = [...new Set(logs.map((l) => l.blockNumber))];
      const headers = await getExistingHeaders(this.rpc, numbers, true);
      const byNumber = new Map(headers.map((h) => [h.number, h]));
      const mismatch = logs.find((l) => byNumber.get(l.blockNumber)?.hash !== l.blockHash);
      if (!mismatch) return { fromBlock: a, toBlock: b, logs, headers, addresses };
      if (attempt >= this.consistencyRetries) {
        throw new ChainInconsistencyError(
          `log ${mismatch.transactionHash}#${mismatch.logIndex} names block ${mismatch.blockNumber} hash ${mismatch.blockHash}, ` +
            `but the node's header has ${byNumber.get(mismatch.blockNumber)?.hash ?? 'none'} (after ${attempt + 1} tries)`,
        );
      }
      this.counters.refetches++;
    }
  }

  /**
   * [a, b] in as few calls as the provider allows: a refusal teaches its cap (and, under a result cap,
   * that this stretch is dense), and the range is cut where the provider says a range fits, into
   * cap-wide pieces, or in half, the pieces fetched together.
   */
  private async getLogsAdaptive(addresses: Hex[], a: number, b: number, stopped: () => boolean = () => false): Promise<RawLog[]> {
    if (stopped()) throw new FetchStoppedError();
    let logs: RawLog[];
    try {
      logs = await this.getLogs(addresses, a, b);
    } catch (e) {
      if (!(e instanceof RangeTooLargeError)) throw e;
      if (a === b) {
        throw new RpcFatalError(
          `eth_getLogs for the single block ${a} (addresses ${addresses.join(',')}) is still refused as too large ` +
            `("${e.message}"); a range cannot be split below one block, so this node cannot serve it`,
          { method: 'eth_getLogs', rpcCode: e.rpcCode, httpStatus: e.httpStatus, cause: e },
        );
      }
      this.counters.splits++;
      this.caps.learn(e.limit);
      const span = b - a + 1;
      // More logs than the cap in this span: the next spans start from that density, not from a sparse past.
      if (e.limit.maxResults !== undefined && (e.limit.maxRange === undefined || span <= e.limit.maxRange)) this.observe(e.limit.maxResults + 1, span);
      else this.span = Math.min(this.span, Math.max(1, Math.floor(span / 2)));
      const pieces = this.splitRange(a, b, e);
      const parts = await Promise.all(pieces.map(([x, y]) => this.getLogsAdaptive(addresses, x, y, stopped)));
      return parts.flat();
    }
    this.counters.ranges++;
    // A short tail range says little about the span the history allows: only full-width ones are sampled.
    if (b - a + 1 >= this.plannedSpan() || logs.length > 0) this.observe(logs.length, b - a + 1);
    return logs;
  }

  private splitRange(a: number, b: number, e: RangeTooLargeError): [number, number][] {
    const hint = e.suggestedRange;
    if (hint && hint.from === a && hint.to >= a && hint.to < b) return [[a, hint.to], [hint.to + 1, b]];
    const cap = this.caps.limit.maxRange;
    if (cap !== undefined && b - a + 1 > cap) {
      const out: [number, number][] = [];
      for (let x = a; x <= b; x += cap) out.push([x, Math.min(b, x + cap - 1)]);
      return out;
    }
    const mid = a + Math.floor((b - a + 1) / 2) - 1;
    return [[a, mid], [mid + 1, b]];
  }

  private async getLogs(addresses: Hex[], a: number, b: number): Promise<RawLog[]> {
    const logs = await this.rpc.request(
      'eth_getLogs',
      [{ address: addresses, fromBlock: toHexQuantity(a), toBlock: toHexQuantity(b) }],
      rawLogsSchema,
    );
    const wanted = new Set<string>(addresses);
    for (const l of logs) {
      if (l.blockNumber < a || l.blockNumber > b || !wanted.has(l.address)) {
        throw new RpcFatalError(`eth_getLogs [${a}, ${b}] returned a log outside the filter (block ${l.blockNumber}, ${l.address})`, {
          method: 'eth_getLogs',
        });
      }
    }
    logs.sort(compareLogs);
    for (let i = 1; i < logs.length; i++) {
      if (compareLogs(logs[i - 1], logs[i]) === 0) {
        throw new RpcFatalError(`eth_getLogs [${a}, ${b}] returned log ${logs[i].blockNumber}/${logs[i].logIndex} twice`, {
          method: 'eth_getLogs',
        });
      }
    }
    return logs;
  }
}
