import { z } from 'zod';
import { RangeTooLargeError, RpcFatalError, toHexQuantity, type RpcClient } from '../chain/rpc.js';
import { AtlasError } from '../base/errors.js';

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
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>;
const quantity = z
  .string()
  .regex(/^0x[0-9a-fA-F]+$/)
  .transform((s, ctx) => {
    const n = Number.parseInt(s, 16);
    if (!Number.isSafeInteger(n)) {
      ctx.addIssue({ code: 'custom', message: `quantity ${s} exceeds 2^53` });
      return z.NEVER;
    }
    return n;
  });

export const rawLogSchema = z
  .object({
    address: hex,
    topics: z.array(hex),
    data: hex,
    blockNumber: quantity,
    blockHash: hex,
    transactionHash: hex,
    transactionIndex: quantity,
    logIndex: quantity,
    removed: z.boolean().optional(),
  })
  .transform(
    (l): RawLog => ({
      address: l.address.toLowerCase() as Hex,
      topics: l.topics,
      data: l.data,
      blockNumber: l.blockNumber,
      blockHash: l.blockHash,
      transactionHash: l.transactionHash,
      transactionIndex: l.transactionIndex,
      logIndex: l.logIndex,
    }),
  );

export const blockHeaderSchema = z
  .object({
    number: quantity,
    hash: hex,
    parentHash: hex,
    timestamp: quantity,
    l1BlockNumber: quantity.optional().nullable(),
  })
  .transform(
    (b): BlockHeader => ({
      number: b.number,
      hash: b.hash,
      parentHash: b.parentHash,
      timestamp: b.timestamp,
      l1BlockNumber: b.l1BlockNumber ?? null,
    }),
  );

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

/** Headers for the given block numbers, batched; `null` where the node has no such block. */
export async function getHeaders(rpc: RpcClient, numbers: readonly number[]): Promise<Array<BlockHeader | null>> {
  if (numbers.length === 0) return [];
  return rpc.batch(
    numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHexQuantity(n), false] })),
    blockHeaderSchema.nullable(),
  );
}

/** Like getHeaders, but a missing block is an error (for blocks at or below a head we already saw). */
export async function getExistingHeaders(rpc: RpcClient, numbers: readonly number[]): Promise<BlockHeader[]> {
  const out = await getHeaders(rpc, numbers);
  return out.map((h, i) => {
    if (h === null) throw new ChainInconsistencyError(`node has no block ${numbers[i]} although its head is past it`);
    return h;
  });
}

export function compareLogs(a: RawLog, b: RawLog): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

export interface LogFetcherOptions {
  rpc: RpcClient;
  /** First eth_getLogs span tried, in blocks. Default 100 (it doubles quickly over sparse history). */
  initialRange?: number;
  /** Largest span the fetcher grows to. Default 100,000. */
  maxRange?: number;
  /** A range that returned fewer logs than this counts as sparse, so the span doubles. Default 1,000. */
  sparseLogs?: number;
  /**
   * A range that returned more logs than this is dense: the span shrinks toward this many logs per call,
   * so dense history arrives as several chunks the caller can work on while the next ones load. Default 5,000.
   */
  denseLogs?: number;
  /** Ranges in flight. Default 3. */
  concurrency?: number;
  /** Fetch headers of blocks that have logs. Default true. */
  headers?: boolean;
  /** Times a range is fetched again when logs and headers disagree. Default 3. */
  consistencyRetries?: number;
}

export interface LogChunk {
  fromBlock: number;
  toBlock: number;
  /** Sorted by (blockNumber, logIndex). */
  logs: RawLog[];
  /** Headers of the blocks that have logs, ascending. */
  headers: BlockHeader[];
}

export interface LogFetcherStats {
  /** eth_getLogs calls that succeeded. */
  ranges: number;
  /** Ranges split after a range-too-large answer. */
  splits: number;
  /** Times the span doubled. */
  grows: number;
  /** Times the span shrank after a dense range. */
  shrinks: number;
  /** Ranges fetched again because logs and headers disagreed. */
  refetches: number;
  /** The span the next range will use. */
  currentRange: number;
}

export class LogFetcher {
  private readonly rpc: RpcClient;
  private readonly maxRange: number;
  private readonly sparseLogs: number;
  private readonly denseLogs: number;
  private readonly concurrency: number;
  private readonly withHeaders: boolean;
  private readonly consistencyRetries: number;
  private span: number;
  // Width that last failed as too large; growth stays below it until enough
  // ranges succeed, so a span does not bounce between "fits" and "too big".
  private ceiling = Number.POSITIVE_INFINITY;
  private successesSinceSplit = 0;
  private readonly counters = { ranges: 0, splits: 0, grows: 0, shrinks: 0, refetches: 0 };

  constructor(opts: LogFetcherOptions) {
    this.rpc = opts.rpc;
    this.maxRange = opts.maxRange ?? 100_000;
    this.span = Math.min(opts.initialRange ?? 100, this.maxRange);
    this.sparseLogs = opts.sparseLogs ?? 1_000;
    this.denseLogs = Math.max(opts.denseLogs ?? 5_000, this.sparseLogs + 1);
    this.concurrency = opts.concurrency ?? 3;
    this.withHeaders = opts.headers ?? true;
    this.consistencyRetries = opts.consistencyRetries ?? 3;
    if (this.span < 1 || this.maxRange < 1 || this.concurrency < 1) throw new RangeError('LogFetcher: ranges and concurrency must be ≥ 1');
  }

  stats(): LogFetcherStats {
    return { ...this.counters, currentRange: this.span };
  }

  /**
   * Chunks covering [fromBlock, toBlock] exactly, contiguous and in block order,
   * while up to `concurrency` later ranges are already being fetched. Stop
   * iterating to cancel (fetches in flight finish and are dropped).
   */
  async *chunks(addresses: readonly Hex[], fromBlock: number, toBlock: number): AsyncGenerator<LogChunk> {
    const addrs = [...new Set(addresses.map((a) => a.toLowerCase() as Hex))];
    if (addrs.length === 0 || toBlock < fromBlock) return;
    let next = fromBlock;
    const inflight: Array<Promise<LogChunk>> = [];
    const launch = (): void => {
      while (inflight.length < this.concurrency && next <= toBlock) {
        const a = next;
        const b = Math.min(toBlock, a + this.span - 1);
        next = b + 1;
        const p = this.fetchChunk(addrs, a, b);
        // Rejections are observed when the chunk reaches the head of the queue.
        p.catch(() => undefined);
        inflight.push(p);
      }
    };
    launch();
    while (inflight.length > 0) {
      const chunk = await inflight.shift()!;
      launch();
      yield chunk;
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

  private async fetchChunk(addresses: Hex[], a: number, b: number): Promise<LogChunk> {
    for (let attempt = 0; ; attempt++) {
      const logs = await this.getLogsAdaptive(addresses, a, b);
      if (!this.withHeaders) return { fromBlock: a, toBlock: b, logs, headers: [] };
      const numbers = [...new Set(logs.map((l) => l.blockNumber))];
      const headers = await getExistingHeaders(this.rpc, numbers);
      const byNumber = new Map(headers.map((h) => [h.number, h]));
      const mismatch = logs.find((l) => byNumber.get(l.blockNumber)?.hash !== l.blockHash);
      if (!mismatch) return { fromBlock: a, toBlock: b, logs, headers };
      if (attempt >= this.consistencyRetries) {
        throw new ChainInconsistencyError(
          `log ${mismatch.transactionHash}#${mismatch.logIndex} names block ${mismatch.blockNumber} hash ${mismatch.blockHash}, ` +
            `but the node's header has ${byNumber.get(mismatch.blockNumber)?.hash ?? 'none'} (after ${attempt + 1} tries)`,
        );
      }
      this.counters.refetches++;
    }
  }

  private async getLogsAdaptive(addresses: Hex[], a: number, b: number): Promise<RawLog[]> {
    let logs: RawLog[];
    try {
      logs = await this.getLogs(addresses, a, b);
    } catch (e) {
      if (!(e instanceof RangeTooLargeError)) throw e;
      if (a === b) {
        throw new RpcFatalError(
          `eth_getLogs for the single block ${a} (addresses ${addresses.join(',')}) is still refused as too large ` +
            `("${e.message}"); a range cannot be split below one block, so this node cannot serve it`,
          { method: 'eth_getLogs', code: e.code, status: e.status, cause: e },
        );
      }
      this.counters.splits++;
      this.ceiling = Math.min(this.ceiling, b - a + 1);
      this.successesSinceSplit = 0;
      const hint = e.suggestedRange;
      const mid = hint && hint.from === a && hint.to >= a && hint.to < b ? hint.to : a + Math.floor((b - a + 1) / 2) - 1;
      this.span = Math.max(1, Math.min(this.span, mid - a + 1));
      const left = await this.getLogsAdaptive(addresses, a, mid);
      const right = await this.getLogsAdaptive(addresses, mid + 1, b);
      return left.concat(right);
    }
    this.counters.ranges++;
    if (++this.successesSinceSplit >= 16 && Number.isFinite(this.ceiling)) {
      // Log density changes over history: let the ceiling relax again.
      this.ceiling *= 2;
      this.successesSinceSplit = 0;
    }
    // Only a full-width range says anything about the span; a short tail range does not.
    const limit = Math.min(this.maxRange, this.ceiling - 1);
    if (logs.length < this.sparseLogs && b - a + 1 >= this.span && this.span < limit) {
      this.span = Math.max(this.span, Math.min(limit, this.span * 2));
      this.counters.grows++;
    } else if (logs.length > this.denseLogs && b - a + 1 >= this.span && this.span > 1) {
      this.span = Math.max(1, Math.floor((this.span * this.denseLogs) / logs.length));
      this.counters.shrinks++;
    }
    return logs;
  }

  private async getLogs(addresses: Hex[], a: number, b: number): Promise<RawLog[]> {
    const logs = await this.rpc.request(
      'eth_getLogs',
      [{ address: addresses, fromBlock: toHexQuantity(a), toBlock: toHexQuantity(b) }],
      z.array(rawLogSchema),
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
