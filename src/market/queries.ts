import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { PoolEvent, PoolEventKind } from './projection.js';

type Db = Kysely<Database>;

interface Row {
  pool: string;
  block_number: string;
  log_index: number;
  block_time: string;
  tx_hash: string;
  kind: PoolEventKind;
  owner: string | null;
  sender: string | null;
  tick_lower: number | null;
  tick_upper: number | null;
  liquidity: string | null;
  amount0: string | null;
  amount1: string | null;
  sqrt_price: string | null;
  tick: number | null;
}

const big = (x: string | null) => (x === null ? null : BigInt(x));

/** Every stored event of a pool (or of the given kinds), in chain order. */
export async function poolEvents(db: Db, pool: string, kinds?: PoolEventKind[], since = 0): Promise<PoolEvent[]> {
  const r = await sql<Row>`
    select pool, block_number::text, log_index, block_time::text, tx_hash, kind, owner, sender, tick_lower, tick_upper,
      liquidity::text, amount0::text, amount1::text, sqrt_price::text, tick
    from market_pool_event where pool = ${pool.toLowerCase()} and block_time >= ${since}
    ${kinds ? sql`and kind in (${sql.join(kinds)})` : sql``}
    order by block_number, log_index`.execute(db);
  return r.rows.map((x) => ({
    pool: x.pool,
    blockNumber: Number(x.block_number),
    logIndex: x.log_index,
    blockTime: Number(x.block_time),
    txHash: x.tx_hash,
    kind: x.kind,
    owner: x.owner,
    sender: x.sender,
    tickLower: x.tick_lower,
    tickUpper: x.tick_upper,
    liquidity: big(x.liquidity),
    amount0: big(x.amount0),
    amount1: big(x.amount1),
    sqrtPrice: big(x.sqrt_price),
    tick: x.tick,
  }));
}

/** The newest block time of any market event (the market's clock); null when none is stored. */
export async function newestMarketTime(db: Db): Promise<number | null> {
  const r = await sql<{ t: string | null }>`select max(block_time)::text as t from market_pool_event`.execute(db);
  return r.rows[0]?.t ? Number(r.rows[0].t) : null;
}

export interface BridgeEvent {
  kind: 'deposit' | 'withdrawal';
  blockNumber: number;
  blockTime: number;
  round: number | null;
  /** Deposit: the L2 recipient; withdrawal: the L2 sender. */
  account: string;
  /** Deposit: the L1 sender; withdrawal: the L1 recipient. */
  counterparty: string;
  amount: bigint;
}

/** Every L1↔L2 LPT bridge event indexed (the L2 gateway's DepositFinalized and WithdrawalInitiated). */
export async function bridgeEvents(db: Db): Promise<BridgeEvent[]> {
  const r = await sql<{ name: string; block_number: string; block_time: string; round: string | null; a1: string; a2: string; amount: string }>`
    select name, block_number::text, block_time::text, round::text, a1, a2, amount::text from chain_event
    where contract = 'L2LPTGateway' and name in ('DepositFinalized', 'WithdrawalInitiated') order by block_number, log_index`.execute(db);
  return r.rows.map((x) => ({
    kind: x.name === 'DepositFinalized' ? 'deposit' : 'withdrawal',
    blockNumber: Number(x.block_number),
    blockTime: Number(x.block_time),
    round: x.round === null ? null : Number(x.round),
    account: x.a1,
    counterparty: x.a2,
    amount: BigInt(x.amount),
  }));
}
