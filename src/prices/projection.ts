import { sql, type Kysely } from 'kysely';
import { decodeEventLog, parseAbi, type Hex } from 'viem';
import type { Database } from '../store/schema.js';
import type { BlockHeader, RawLog } from '../sync/logFetcher.js';
import type { PricePair, PriceSourceConfig } from './sources.js';

const feedEvents = parseAbi([
  'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
]);

/** One price observation from a log: ETH/USD answers (1e8) or LPT/ETH sqrtPriceX96. */
export interface PriceTick {
  blockNumber: number;
  logIndex: number;
  blockTime: number;
  pair: PricePair;
  value: bigint;
}

/**
 * Turns price logs into ticks. Logs of other contracts, other events and non-positive answers are
 * skipped: a feed answering ≤ 0 is broken, not a price.
 */
export function decodePriceLogs(sources: readonly PriceSourceConfig[], logs: readonly RawLog[], headers: readonly BlockHeader[]): PriceTick[] {
  const pairOf = new Map<string, PriceSourceConfig>();
  for (const s of sources) for (const a of s.addresses) pairOf.set(a.toLowerCase(), s);
  const timeOf = new Map(headers.map((h) => [h.number, h.timestamp]));
  const out: PriceTick[] = [];
  for (const l of logs) {
    const src = pairOf.get(l.address.toLowerCase());
    if (!src) continue;
    let ev;
    try {
      ev = decodeEventLog({ abi: feedEvents, data: l.data, topics: l.topics as [Hex, ...Hex[]] });
    } catch {
      continue;
    }
    const blockTime = timeOf.get(l.blockNumber);
    if (blockTime === undefined) throw new Error(`internal: no header for block ${l.blockNumber} of a price log`);
    if (ev.eventName === 'AnswerUpdated' && src.kind === 'chainlink') {
      if (ev.args.current <= 0n) continue;
      out.push({ blockNumber: l.blockNumber, logIndex: l.logIndex, blockTime, pair: src.pair, value: ev.args.current });
    } else if (ev.eventName === 'Swap' && src.kind === 'uniswapV3') {
      if (ev.args.sqrtPriceX96 === 0n) continue;
      out.push({ blockNumber: l.blockNumber, logIndex: l.logIndex, blockTime, pair: src.pair, value: ev.args.sqrtPriceX96 });
    }
  }
  return out;
}

/** Appends ticks in the batch's transaction. */
export async function writePriceTicks(trx: Kysely<Database>, ticks: readonly PriceTick[]): Promise<void> {
  // A re-fetched batch after a crash replays ticks already stored: the key (block, log index) makes them no-ops.
  for (let i = 0; i < ticks.length; i += 5000) {
    const values = ticks.slice(i, i + 5000).map((t) => sql`(${t.blockNumber}, ${t.logIndex}, ${t.blockTime}, ${t.pair}, ${t.value.toString()}::numeric)`);
    await sql`insert into price_tick (block_number, log_index, block_time, pair, value) values ${sql.join(values)} on conflict (block_number, log_index) do nothing`.execute(trx);
  }
}

/** Ticks are append-only, so undoing a reorg is dropping those of the abandoned blocks. */
export async function rollbackPriceTicks(trx: Kysely<Database>, forkBlock: number): Promise<void> {
  await sql`delete from price_tick where block_number >= ${forkBlock}`.execute(trx);
}

/** The price projection as an extra set of sync sources riding on the protocol indexer's engine. */
export function priceExtension(sources: readonly PriceSourceConfig[]): {
  name: string;
  sources: { name: string; addresses: Hex[]; fromBlock: number }[];
  onLogs: (trx: Kysely<Database>, logs: RawLog[], headers: BlockHeader[]) => Promise<void>;
  rollback: (trx: Kysely<Database>, forkBlock: number) => Promise<void>;
} {
  return {
    name: 'prices',
    sources: sources.map((s) => ({ name: `price:${s.pair}`, addresses: s.addresses.map((a) => a.toLowerCase() as Hex), fromBlock: s.startBlock })),
    onLogs: (trx, logs, headers) => writePriceTicks(trx, decodePriceLogs(sources, logs, headers)),
    rollback: rollbackPriceTicks,
  };
}
