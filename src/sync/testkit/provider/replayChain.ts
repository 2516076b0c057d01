import { createHash } from 'node:crypto';
import { toEventSelector } from 'viem';
import { z } from 'zod';
import { bondingManagerEvents, bondingVotesEvents, ticketBrokerEvents } from '../../../chain/abis.js';
import { RpcClient, toHexQuantity } from '../../../chain/rpc.js';
import type { Hex } from '../../logFetcher.js';
import { blockAtTime, dailyLogShares, placeInTime, timeAtBlock, type ActivityMix, type ChainTimeline, type DayRow } from './timeline.js';

/**
 * A simulated history recorded from its node and re-timed onto another chain's block range: every
 * transaction that emitted logs becomes one block of the replayed chain (a few logs per block, as on
 * Arbitrum), placed where the real network's daily activity puts it. Blocks in between exist (headers
 * on demand) and hold nothing. State reads at a replayed block are answered by the recording node at
 * the simulated block the replayed one stands for.
 */

export interface RecordedLog {
  address: Hex;
  topics: Hex[];
  data: Hex;
}

export interface RecordedTx {
  simBlock: number;
  hash: Hex;
  /** The node's transaction object as returned by eth_getBlockByNumber(…, true). */
  tx: Record<string, unknown>;
  logs: RecordedLog[];
}

export interface RecordedHistory {
  chainId: number;
  simHead: number;
  /** Transactions that emitted logs, in chain order. */
  txs: RecordedTx[];
  /** The round clock's L1 block at every simulated block that holds a recorded transaction (the block itself: RoundsManager reads block.number). */
  l1BySimBlock: Record<string, number>;
}

const hexString = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>;
const logSchema = z.object({ address: hexString, topics: z.array(hexString), data: hexString, blockNumber: hexString, transactionHash: hexString, logIndex: hexString });
const blockSchema = z.object({ number: hexString, transactions: z.array(z.looseObject({ hash: hexString })) });

/**
 * Reads every log of a node's chain with the transactions that emitted them, so the history can be replayed
 * elsewhere without the node's logs. The round clock's L1 block at each is the simulated block itself: on the
 * simulator's node RoundsManager's block.number is the block.
 */
export async function recordHistory(rpcUrl: string, opts: { chunkBlocks?: number } = {}): Promise<RecordedHistory> {
  const rpc = new RpcClient({ url: rpcUrl, concurrency: 8 });
  const chainId = Number(await rpc.request('eth_chainId', [], hexString));
  const simHead = Number(await rpc.request('eth_blockNumber', [], hexString));
  const step = opts.chunkBlocks ?? 50;
  const ranges: [number, number][] = [];
  for (let a = 0; a <= simHead; a += step) ranges.push([a, Math.min(simHead, a + step - 1)]);
  const chunks = await Promise.all(
    ranges.map(([a, b]) => rpc.request('eth_getLogs', [{ fromBlock: toHexQuantity(a), toBlock: toHexQuantity(b) }], z.array(logSchema))),
  );
  const logs = chunks.flat().sort((x, y) => Number(x.blockNumber) - Number(y.blockNumber) || Number(x.logIndex) - Number(y.logIndex));
  const simBlocks = [...new Set(logs.map((l) => Number(l.blockNumber)))];
  const blocks = await rpc.batch(simBlocks.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHexQuantity(n), true] })), blockSchema);
  const txByHash = new Map<string, Record<string, unknown>>();
  for (const b of blocks) for (const t of b.transactions) txByHash.set(t.hash.toLowerCase(), t);
  const txs: RecordedTx[] = [];
  for (const l of logs) {
    const hash = l.transactionHash.toLowerCase() as Hex;
    let last = txs.at(-1);
    if (!last || last.hash !== hash) {
      const tx = txByHash.get(hash);
      if (!tx) throw new Error(`recordHistory: transaction ${hash} of a log is missing from its block`);
      last = { simBlock: Number(l.blockNumber), hash, tx, logs: [] };
      txs.push(last);
    }
    last.logs.push({ address: l.address.toLowerCase() as Hex, topics: l.topics, data: l.data });
  }
  return { chainId, simHead, txs, l1BySimBlock: Object.fromEntries(simBlocks.map((n) => [String(n), n])) };
}

const TICKET = new Set(ticketBrokerEvents.map((e) => toEventSelector(e)));
const REWARD = new Set(bondingManagerEvents.filter((e) => e.name === 'Reward' || e.name === 'TreasuryReward').map((e) => toEventSelector(e)));
const BONDING = new Set([...bondingManagerEvents, ...bondingVotesEvents].map((e) => toEventSelector(e)).filter((s) => !REWARD.has(s)));

/** How the history's logs split into tickets, rewards, bonding and the rest (by event). */
export function activityMix(history: RecordedHistory): ActivityMix {
  const mix: ActivityMix = { tickets: 0, rewards: 0, bonding: 0, other: 0 };
  for (const t of history.txs) {
    for (const l of t.logs) {
      const s = l.topics[0]?.toLowerCase() ?? '';
      if (TICKET.has(s as Hex)) mix.tickets++;
      else if (REWARD.has(s as Hex)) mix.rewards++;
      else if (BONDING.has(s as Hex)) mix.bonding++;
      else mix.other++;
    }
  }
  return mix;
}

/** One block of the replayed chain that holds a transaction. */
export interface ReplayBlock {
  number: number;
  simBlock: number;
  l1: number;
  tx: RecordedTx;
}

export interface ReplayPlan {
  chainId: number;
  /** First block of the replayed range (the first Livepeer block of the timeline). */
  genesis: number;
  /** Head of the replayed chain once the backfill history is out; live blocks follow it. */
  head: number;
  timeline: ChainTimeline;
  blocks: ReplayBlock[];
  /** Transactions kept back for the live phase (appended above `head` as time goes on). */
  live: Omit<ReplayBlock, 'number'>[];
  /** L1 block of the last simulated block before the first recorded transaction. */
  l1AtStart: number;
}

export interface ReplayOptions {
  days: readonly DayRow[];
  timeline: ChainTimeline;
  chainId: number;
  /** The last this many transactions are kept for the live phase. Default 0. */
  liveTxs?: number;
}

/**
 * Places every recorded transaction on the timeline: the logs follow the days' expected activity,
 * each transaction gets a block of its own (the next free one when two would share), and the chain's
 * head is the last day's end.
 */
export function planReplay(history: RecordedHistory, opts: ReplayOptions): ReplayPlan {
  const liveCount = Math.min(opts.liveTxs ?? 0, history.txs.length);
  const backfill = history.txs.slice(0, history.txs.length - liveCount);
  const shares = dailyLogShares(opts.days, activityMix({ ...history, txs: backfill }));
  const times = placeInTime(backfill.map((t) => t.logs.length), opts.days, shares);
  const genesis = opts.timeline.anchors[0]!.block;
  const head = blockAtTime(opts.timeline, opts.days.at(-1)!.dateS + 86_400);
  const blocks: ReplayBlock[] = [];
  let prev = genesis - 1;
  backfill.forEach((tx, i) => {
    const number = Math.max(prev + 1, blockAtTime(opts.timeline, times[i]!));
    if (number > head) throw new RangeError(`planReplay: transaction ${i} lands past the head ${head}`);
    prev = number;
    blocks.push({ number, simBlock: tx.simBlock, l1: l1Of(history, tx.simBlock), tx });
  });
  const firstSim = history.txs[0]?.simBlock ?? 0;
  return { chainId: opts.chainId, genesis, head, timeline: opts.timeline, blocks, live: history.txs.slice(history.txs.length - liveCount).map((tx) => ({ simBlock: tx.simBlock, l1: l1Of(history, tx.simBlock), tx })),
    l1AtStart: l1Of(history, firstSim) };
}

function l1Of(history: RecordedHistory, simBlock: number): number {
  const v = history.l1BySimBlock[String(simBlock)];
  if (v === undefined) throw new Error(`no L1 block recorded for simulated block ${simBlock}`);
  return v;
}

/** A log as the replayed chain serves it, with its JSON ready to send. */
interface ServedLog {
  address: string;
  topics: string[];
  json: string;
}

interface ChainBlock {
  number: number;
  hash: Hex;
  simBlock: number;
  l1: number;
  /** Wall-clock ms the block appeared at (live blocks only). */
  producedAt: number | null;
  txHash: Hex;
  txJson: string;
  logs: ServedLog[];
}

export interface LogQuery {
  from: number;
  to: number;
  /** Lowercase addresses; empty: any. */
  addresses: ReadonlySet<string>;
  /** Per position: null (any) or the accepted topics, lowercase. */
  topics: ReadonlyArray<ReadonlySet<string> | null>;
}

/**
 * The replayed chain as a node sees it: block hashes, headers for any number up to the head, logs by
 * filter. After `startLive`, the head grows in real time and the kept-back transactions appear in it.
 */
export class ReplayChain {
  readonly chainId: number;
  readonly genesis: number;
  private readonly timeline: ChainTimeline;
  private readonly blocks: ChainBlock[] = [];
  private readonly backfillHead: number;
  private liveClock: { startMs: number; blocksPerSecond: number } | null = null;
  private pendingLive: Omit<ReplayBlock, 'number'>[];
  private readonly l1AtStart: number;
  private readonly firstSimBlock: number;

  constructor(plan: ReplayPlan) {
    this.chainId = plan.chainId;
    this.genesis = plan.genesis;
    this.timeline = plan.timeline;
    this.backfillHead = plan.head;
    this.l1AtStart = plan.l1AtStart;
    this.firstSimBlock = plan.blocks[0]?.simBlock ?? 0;
    for (const b of plan.blocks) this.blocks.push(this.materialize(b, null));
    this.pendingLive = plan.live;
  }

  /** The head right now. */
  head(now = Date.now()): number {
    if (!this.liveClock) return this.backfillHead;
    return this.backfillHead + Math.max(0, Math.floor(((now - this.liveClock.startMs) * this.liveClock.blocksPerSecond) / 1000));
  }

  /** The head the backfill phase ends at. */
  get historyHead(): number {
    return this.backfillHead;
  }

  /**
   * From now on a new block every 1/blocksPerSecond s; the kept-back transactions go into every
   * `everyBlocks`-th of them. Returns the live blocks that carry transactions, with the time each appears.
   */
  startLive(opts: { blocksPerSecond: number; everyBlocks: number; startMs?: number }): { number: number; producedAt: number; logs: number }[] {
    const startMs = opts.startMs ?? Date.now();
    this.liveClock = { startMs, blocksPerSecond: opts.blocksPerSecond };
    const out: { number: number; producedAt: number; logs: number }[] = [];
    this.pendingLive.forEach((b, i) => {
      const number = this.backfillHead + (i + 1) * opts.everyBlocks;
      const producedAt = startMs + ((number - this.backfillHead) * 1000) / opts.blocksPerSecond;
      this.blocks.push(this.materialize({ ...b, number }, producedAt));
      out.push({ number, producedAt, logs: b.tx.logs.length });
    });
    this.pendingLive = [];
    return out;
  }

  private materialize(b: ReplayBlock, producedAt: number | null): ChainBlock {
    const hash = blockHash(this.chainId, b.number);
    const txHash = b.tx.hash;
    const txJson = JSON.stringify({ ...b.tx.tx, blockHash: hash, blockNumber: toHexQuantity(b.number), transactionIndex: '0x0', chainId: toHexQuantity(this.chainId) });
    const logs = b.tx.logs.map((l, i) => ({
      address: l.address.toLowerCase(),
      topics: l.topics.map((t) => t.toLowerCase()),
      json: JSON.stringify({
        address: l.address,
        topics: l.topics,
        data: l.data,
        blockNumber: toHexQuantity(b.number),
        blockHash: hash,
        transactionHash: txHash,
        transactionIndex: '0x0',
        logIndex: toHexQuantity(i),
        removed: false,
      }),
    }));
    return { number: b.number, hash, simBlock: b.simBlock, l1: b.l1, producedAt, txHash, txJson, logs };
  }

  /** Index of the last block with a transaction at or below n (−1 if none). */
  private indexAtOrBelow(n: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid]!.number <= n) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  /** The simulated block whose state block n of the replay stands for. */
  simBlockAt(n: number): number {
    const i = this.indexAtOrBelow(n);
    return i < 0 ? this.firstSimBlock : this.blocks[i]!.simBlock;
  }

  /** Wall-clock ms a live block appeared (null for history blocks). */
  producedAt(n: number): number | null {
    const i = this.indexAtOrBelow(n);
    return i >= 0 && this.blocks[i]!.number === n ? this.blocks[i]!.producedAt : null;
  }

  timestampOf(n: number): number {
    if (n > this.backfillHead && this.liveClock) {
      return Math.floor((this.liveClock.startMs + ((n - this.backfillHead) * 1000) / this.liveClock.blocksPerSecond) / 1000);
    }
    return timeAtBlock(this.timeline, n);
  }

  /** JSON of block n as eth_getBlockByNumber returns it, or null past the head or before the genesis. */
  blockJson(n: number, fullTransactions: boolean, now = Date.now()): string | null {
    if (n > this.head(now) || n < 0) return null;
    const i = this.indexAtOrBelow(n);
    const own = i >= 0 && this.blocks[i]!.number === n ? this.blocks[i]! : null;
    const l1 = i >= 0 ? this.blocks[i]!.l1 : this.l1AtStart;
    const header = {
      hash: blockHash(this.chainId, n),
      parentHash: n === 0 ? ZERO_HASH : blockHash(this.chainId, n - 1),
      sha3Uncles: EMPTY_UNCLES,
      miner: '0xa4b000000000000000000073657175656e636572',
      stateRoot: blockHash(this.chainId + 1, n),
      transactionsRoot: own ? blockHash(this.chainId + 2, n) : EMPTY_TRIE,
      receiptsRoot: own ? blockHash(this.chainId + 3, n) : EMPTY_TRIE,
      logsBloom: ZERO_BLOOM,
      difficulty: '0x1',
      number: toHexQuantity(n),
      gasLimit: '0x4000000000000',
      gasUsed: own ? '0x30d40' : '0x0',
      timestamp: toHexQuantity(this.timestampOf(n)),
      extraData: ZERO_HASH,
      mixHash: ZERO_HASH,
      nonce: '0x0000000000000001',
      baseFeePerGas: '0x989680',
      l1BlockNumber: toHexQuantity(l1),
      size: '0x300',
      uncles: [],
    };
    const txs = own ? (fullTransactions ? own.txJson : JSON.stringify(own.txHash)) : '';
    return `${JSON.stringify(header).slice(0, -1)},"transactions":[${txs}]}`;
  }

  /** Logs matching q, in block order, clipped to the head. */
  logs(q: LogQuery, now = Date.now()): ServedLog[] {
    const to = Math.min(q.to, this.head(now));
    const out: ServedLog[] = [];
    if (to < q.from) return out;
    for (let i = this.indexAtOrBelow(q.from - 1) + 1; i < this.blocks.length; i++) {
      const b = this.blocks[i]!;
      if (b.number > to) break;
      for (const l of b.logs) if (matches(l, q)) out.push(l);
    }
    return out;
  }

  /** Highest block b ≥ from such that [from, b] holds at most `max` matching logs (from itself if it alone holds more). */
  widestRangeWithin(q: LogQuery, max: number): number {
    let seen = 0;
    for (let i = this.indexAtOrBelow(q.from - 1) + 1; i < this.blocks.length; i++) {
      const b = this.blocks[i]!;
      if (b.number > q.to) break;
      let here = 0;
      for (const l of b.logs) if (matches(l, q)) here++;
      if (seen + here > max) return Math.max(q.from, b.number - 1);
      seen += here;
    }
    return q.to;
  }

  /** Every block that holds a transaction, in order (for floors and checks). */
  logBlocks(): { number: number; logs: number; addresses: string[] }[] {
    return this.blocks.map((b) => ({ number: b.number, logs: b.logs.length, addresses: b.logs.map((l) => l.address) }));
  }
}

function matches(l: ServedLog, q: LogQuery): boolean {
  if (q.addresses.size > 0 && !q.addresses.has(l.address)) return false;
  for (let i = 0; i < q.topics.length; i++) {
    const want = q.topics[i];
    if (want && !want.has(l.topics[i] ?? '')) return false;
  }
  return true;
}

const ZERO_HASH = `0x${'0'.repeat(64)}`;
const ZERO_BLOOM = `0x${'0'.repeat(512)}`;
const EMPTY_UNCLES = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';
const EMPTY_TRIE = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';

/** Deterministic, distinct per (chain, number): the replayed chain's block hashes. */
export function blockHash(chainId: number, n: number): Hex {
  return `0x${createHash('sha256').update(`atlas-replay/${chainId}/${n}`).digest('hex')}` as Hex;
}
