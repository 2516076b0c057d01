import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** A BondingManager delegator record (delegator), with its open unbonding locks. */
export interface DelegatorRecord {
  address: string;
  /** null when the account has no delegate (the zero address on chain). */
  delegate: string | null;
  bondedAmount: bigint;
  fees: bigint;
  delegatedAmount: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
  unbondingLocks: { id: bigint; amount: bigint; withdrawRound: bigint }[];
}

/** An orchestrator's delegator as its list shows it. */
export interface DelegatorRow {
  address: string;
  bondedAmount: bigint;
  fees: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
}

const RECORD_COLUMNS = sql`address, bonded_amount::text, fees::text, delegate, delegated_amount::text, start_round::text, last_claim_round::text, unbonding_locks`;

function recordOf(row: Record<string, unknown>): DelegatorRecord {
  return {
    address: String(row.address),
    delegate: String(row.delegate) === ZERO_ADDRESS ? null : String(row.delegate),
    bondedAmount: big(String(row.bonded_amount)),
    fees: big(String(row.fees)),
    delegatedAmount: big(String(row.delegated_amount)),
    startRound: big(String(row.start_round)),
    lastClaimRound: big(String(row.last_claim_round)),
    unbondingLocks: locksOf(row.unbonding_locks).map((l) => ({ id: BigInt(l.id), amount: BigInt(l.amount), withdrawRound: BigInt(l.withdrawRound) })),
  };
}

/** unbonding_locks as the drivers return jsonb (an array, or its text on some paths). */
function locksOf(v: unknown): { id: string; amount: string; withdrawRound: string }[] {
  const parsed: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(parsed) ? (parsed as { id: string; amount: string; withdrawRound: string }[]) : [];
}

export async function allDelegators(db: Db): Promise<DelegatorRecord[]> {
  return (await rows(db, sql<Record<string, unknown>>`select ${RECORD_COLUMNS} from delegator`)).map(recordOf);
}

/** One account's delegator record, or null when it never bonded. */
export async function delegatorRecord(db: Db, address: string): Promise<DelegatorRecord | null> {
  const [row] = await rows(db, sql<Record<string, unknown>>`select ${RECORD_COLUMNS} from delegator where address = ${address}`);
  return row ? recordOf(row) : null;
}

/** An open unbonding lock: LPT-wei withdrawable from `withdrawRound` on. */
export interface UnbondingLock {
  amount: bigint;
  withdrawRound: bigint;
}

/** Every open unbonding lock of every delegator (the delegator table's current state). */
export async function openUnbondingLocks(db: Db): Promise<UnbondingLock[]> {
  const r = await rows(db, sql<{ locks: unknown }>`select unbonding_locks as locks from delegator where jsonb_array_length(unbonding_locks) > 0`);
  return r.flatMap((x) => locksOf(x.locks).map((l) => ({ amount: BigInt(l.amount), withdrawRound: BigInt(l.withdrawRound) })));
}

/** Bonded accounts (bonded amount > 0) in total and per delegate. */
export async function bondedCounts(db: Db): Promise<{ total: number; byDelegate: Map<string, number> }> {
  const counts = await rows(db, sql<{ delegate: Text; n: Text }>`select delegate, count(*)::text as n from delegator where bonded_amount > 0 group by delegate`);
  const byDelegate = new Map(counts.map((c) => [c.delegate, Number(c.n)]));
  return { total: [...byDelegate.values()].reduce((s, n) => s + n, 0), byDelegate };
}

/** One page of an orchestrator's bonded delegators, keyset-paginated, with their total count. */
export async function delegatorsOf(
  db: Db,
  address: string,
  opts: { limit: number; after: { key: bigint | string; address: string } | null; sort: 'bondedAmount' | 'address'; order: 'asc' | 'desc' },
): Promise<{ data: DelegatorRow[]; total: number }> {
  const dir = opts.order === 'asc' ? sql`asc` : sql`desc`;
  const cmp = opts.order === 'asc' ? sql`>` : sql`<`;
  let keyset = sql`true`;
  if (opts.after) {
    keyset =
      opts.sort === 'address'
        ? sql`d.address ${cmp} ${String(opts.after.address)}`
        : sql`(d.bonded_amount, d.address) ${cmp} (${opts.after.key.toString()}::numeric, ${opts.after.address})`;
  }
  const order = opts.sort === 'address' ? sql`d.address ${dir}` : sql`d.bonded_amount ${dir}, d.address ${dir}`;
  const data = await rows(
    db,
    sql<Record<string, Text>>`
      select d.address, d.bonded_amount::text, d.fees::text, d.start_round::text, d.last_claim_round::text from delegator d
      where d.delegate = ${address} and d.bonded_amount > 0 and ${keyset} order by ${order} limit ${opts.limit}`,
  );
  const total = await rows(db, sql<{ n: Text }>`select count(*)::text as n from delegator where delegate = ${address} and bonded_amount > 0`);
  return {
    data: data.map((d) => ({ address: d.address!, bondedAmount: big(d.bonded_amount!), fees: big(d.fees!), startRound: big(d.start_round!), lastClaimRound: big(d.last_claim_round!) })),
    total: Number(total[0]?.n ?? 0),
  };
}

/** A delegator's bond as stored (delegator): bonded LPT-wei, delegate (the zero address when unbonded) and rounds. */
export interface DelegatorBond {
  address: string;
  delegate: string;
  bondedAmount: bigint;
  lastClaimRound: bigint;
  startRound: bigint;
}

/** Delegator bonds: all, one account's, or those delegated to one orchestrator. */
export async function delegatorBonds(db: Db, f: { address?: string; delegate?: string } = {}): Promise<DelegatorBond[]> {
  const where = f.address ? sql`where address = ${f.address}` : f.delegate ? sql`where delegate = ${f.delegate}` : sql``;
  const r = await rows(
    db,
    sql<{ address: Text; delegate: Text; bonded_amount: Text; last_claim_round: Text; start_round: Text }>`
      select address, delegate, bonded_amount::text, last_claim_round::text, start_round::text from delegator ${where}`,
  );
  return r.map((x) => ({ address: x.address, delegate: x.delegate, bondedAmount: big(x.bonded_amount), lastClaimRound: big(x.last_claim_round), startRound: big(x.start_round) }));
}
