import { sql, type Kysely } from 'kysely';
import { decodeEventLog, parseAbi, type Address, type Hex } from 'viem';
import { upsertRows } from '../projections/sqlWriter.js';
import type { Database } from '../store/schema.js';
import type { BlockHeader, RawLog } from '../sync/logFetcher.js';
import type { LptPool } from './pools.js';

/** UniswapV3Pool's events (IUniswapV3PoolEvents). */
export const poolEvents = parseAbi([
  'event Initialize(uint160 sqrtPriceX96, int24 tick)',
  'event Mint(address sender, address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)',
  'event Collect(address indexed owner, address recipient, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount0, uint128 amount1)',
  'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
  'event Flash(address indexed sender, address indexed recipient, uint256 amount0, uint256 amount1, uint256 paid0, uint256 paid1)',
]);

export type PoolEventKind = 'initialize' | 'swap' | 'mint' | 'burn' | 'collect' | 'flash';

/** One pool event as stored (amounts exact; Swap amounts signed from the pool's side). */
export interface PoolEvent {
  pool: string;
  blockNumber: number;
  logIndex: number;
  blockTime: number;
  txHash: string;
  kind: PoolEventKind;
  owner: string | null;
  sender: string | null;
  tickLower: number | null;
  tickUpper: number | null;
  liquidity: bigint | null;
  amount0: bigint | null;
  amount1: bigint | null;
  sqrtPrice: bigint | null;
  tick: number | null;
}

const lower = (a: unknown) => String(a).toLowerCase();

/** Pool logs → events; other contracts' logs and other events are skipped. */
export function decodePoolLogs(pools: readonly LptPool[], logs: readonly RawLog[], headers: readonly BlockHeader[]): PoolEvent[] {
  const known = new Set(pools.map((p) => p.address.toLowerCase()));
  const timeOf = new Map(headers.map((h) => [h.number, h.timestamp]));
  const out: PoolEvent[] = [];
  for (const l of logs) {
    const pool = l.address.toLowerCase();
    if (!known.has(pool)) continue;
    let ev;
    try {
      ev = decodeEventLog({ abi: poolEvents, data: l.data, topics: l.topics as [Hex, ...Hex[]] });
    } catch {
      continue;
    }
    const blockTime = timeOf.get(l.blockNumber);
    if (blockTime === undefined) throw new Error(`internal: no header for block ${l.blockNumber} of a pool log`);
    const base = { pool, blockNumber: l.blockNumber, logIndex: l.logIndex, blockTime, txHash: l.transactionHash, owner: null, sender: null, tickLower: null, tickUpper: null, liquidity: null, amount0: null, amount1: null, sqrtPrice: null, tick: null };
    const a = ev.args as Record<string, unknown>;
    switch (ev.eventName) {
      case 'Initialize':
        out.push({ ...base, kind: 'initialize', sqrtPrice: a.sqrtPriceX96 as bigint, tick: Number(a.tick) });
        break;
      case 'Swap':
        out.push({ ...base, kind: 'swap', sender: lower(a.sender), owner: lower(a.recipient), amount0: a.amount0 as bigint, amount1: a.amount1 as bigint, sqrtPrice: a.sqrtPriceX96 as bigint, liquidity: a.liquidity as bigint, tick: Number(a.tick) });
        break;
      case 'Mint':
        out.push({ ...base, kind: 'mint', sender: lower(a.sender), owner: lower(a.owner), tickLower: Number(a.tickLower), tickUpper: Number(a.tickUpper), liquidity: a.amount as bigint, amount0: a.amount0 as bigint, amount1: a.amount1 as bigint });
        break;
      case 'Burn':
        out.push({ ...base, kind: 'burn', owner: lower(a.owner), tickLower: Number(a.tickLower), tickUpper: Number(a.tickUpper), liquidity: a.amount as bigint, amount0: a.amount0 as bigint, amount1: a.amount1 as bigint });
        break;
      case 'Collect':
        out.push({ ...base, kind: 'collect', owner: lower(a.owner), tickLower: Number(a.tickLower), tickUpper: Number(a.tickUpper), amount0: a.amount0 as bigint, amount1: a.amount1 as bigint });
        break;
      case 'Flash':
        out.push({ ...base, kind: 'flash', sender: lower(a.sender), owner: lower(a.recipient), amount0: a.paid0 as bigint, amount1: a.paid1 as bigint });
        break;
    }
  }
  return out;
}

export async function writePoolEvents(trx: Kysely<Database>, events: readonly PoolEvent[]): Promise<void> {
  const rows = events.map((e) => ({
    pool: e.pool,
    block_number: e.blockNumber,
    log_index: e.logIndex,
    block_time: e.blockTime,
    tx_hash: e.txHash,
    kind: e.kind,
    owner: e.owner,
    sender: e.sender,
    tick_lower: e.tickLower,
    tick_upper: e.tickUpper,
    liquidity: e.liquidity,
    amount0: e.amount0,
    amount1: e.amount1,
    sqrt_price: e.sqrtPrice,
    tick: e.tick,
  }));
  await upsertRows(trx, 'market_pool_event', ['block_number', 'log_index'], rows, { ignore: true });
}

/** Events are append-only: undoing a reorg drops those of the abandoned blocks. */
export async function rollbackPoolEvents(trx: Kysely<Database>, forkBlock: number): Promise<void> {
  await sql`delete from market_pool_event where block_number >= ${forkBlock}`.execute(trx);
}

/** The LPT market as an extension of the protocol indexer (same engine, same transactions, same reorgs). */
export function marketExtension(pools: readonly LptPool[]): {
  name: string;
  sources: { name: string; addresses: Address[]; fromBlock: number }[];
  onLogs: (trx: Kysely<Database>, logs: RawLog[], headers: BlockHeader[]) => Promise<void>;
  rollback: (trx: Kysely<Database>, forkBlock: number) => Promise<void>;
} {
  return {
    name: 'market',
    sources: pools.map((p) => ({ name: `market:${p.address.toLowerCase()}`, addresses: [p.address.toLowerCase() as Address], fromBlock: p.startBlock })),
    onLogs: (trx, logs, headers) => writePoolEvents(trx, decodePoolLogs(pools, logs, headers)),
    rollback: rollbackPoolEvents,
  };
}
