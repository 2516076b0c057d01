import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** A change of the treasury's LPT balance (treasury_balance) with its transaction, time and counterparty (Transfer from/to). */
export interface TreasuryBalanceRow {
  block: bigint;
  logIndex: number;
  /** Balance after the change (LPT-wei). */
  balance: bigint;
  /** Signed change (LPT-wei). */
  delta: bigint;
  /** 'treasury-reward', 'inflow' or 'outflow'. */
  kind: string;
  txHash: string | null;
  time: number | null;
  counterparty: string | null;
}

/** Every change of the treasury's balance, in chain order. */
export async function treasuryBalanceChanges(db: Db): Promise<TreasuryBalanceRow[]> {
  const r = await rows(
    db,
    sql<{ block: Text; log_index: number; balance: Text; delta: Text; kind: string; tx_hash: string | null; time: Text | null; from_addr: string | null; to_addr: string | null }>`
      select b.block_number::text as block, b.log_index, b.balance::text, b.delta::text, b.kind, e.tx_hash, e.block_time::text as time,
        e.args->>'from' as from_addr, e.args->>'to' as to_addr
      from treasury_balance b left join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
      order by b.block_number, b.log_index`,
  );
  return r.map((x) => {
    const delta = big(x.delta);
    const cp = delta < 0n ? x.to_addr : x.from_addr;
    return {
      block: big(x.block),
      logIndex: Number(x.log_index),
      balance: big(x.balance),
      delta,
      kind: String(x.kind),
      txHash: x.tx_hash === null || x.tx_hash === undefined ? null : String(x.tx_hash),
      time: x.time === null || x.time === undefined ? null : Number(x.time),
      counterparty: cp === null || cp === undefined ? null : String(cp).toLowerCase(),
    };
  });
}

/** LPT-wei the treasury paid to an address (outflows whose Transfer went to it), oldest first. */
export async function treasuryPaymentsTo(db: Db, address: string): Promise<{ block: bigint; txHash: string; time: number; amount: bigint }[]> {
  const r = await rows(
    db,
    sql<{ block: Text; tx: string; time: Text; amount: Text }>`
      select b.block_number::text as block, e.tx_hash as tx, e.block_time::text as time, (-b.delta)::text as amount
      from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
      where b.delta < 0 and lower(e.args->>'to') = ${address} order by b.block_number, b.log_index`,
  );
  return r.map((x) => ({ block: big(x.block), txHash: x.tx, time: Number(x.time), amount: big(x.amount) }));
}
