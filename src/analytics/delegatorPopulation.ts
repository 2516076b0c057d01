// Delegator population: how many, who joined and left per day, how stake is spread, and stake flowing in and
// out of each orchestrator.
import type { StakeMove } from '../read/bondingEvents.js';

/** Gini coefficient of non-negative amounts (0 = equal, → 1 = one holder has all); 0 for fewer than two. */
export function gini(values: readonly bigint[]): number {
  const v = values.filter((x) => x > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = BigInt(v.length);
  if (n < 2n) return 0;
  let total = 0n;
  let weighted = 0n;
  v.forEach((x, i) => {
    total += x;
    weighted += BigInt(2 * (i + 1)) * x;
  });
  // G = Σ(2i − n − 1)·x_i / (n·Σx) with i from 1, exact in integers, one division at 1e9.
  const num = weighted - (n + 1n) * total;
  return Number((num * 1_000_000_000n) / (n * total)) / 1e9;
}

/** Stake buckets in LPT (lower bounds); the last bucket is open-ended. */
export const STAKE_BUCKETS_LPT = [0, 10, 100, 1_000, 10_000, 100_000] as const;

export interface StakeBucket {
  /** Lower bound, LPT (inclusive). */
  fromLpt: number;
  /** Upper bound, LPT (exclusive); null = no bound. */
  toLpt: number | null;
  delegators: number;
  /** LPT-wei bonded by delegators in the bucket. */
  stake: bigint;
}

/** Counts and stake (LPT-wei) of delegators per bucket of bonded LPT. */
export function stakeDistribution(values: readonly bigint[]): StakeBucket[] {
  const WEI = 10n ** 18n;
  const buckets: StakeBucket[] = STAKE_BUCKETS_LPT.map((from, i) => ({ fromLpt: from, toLpt: STAKE_BUCKETS_LPT[i + 1] ?? null, delegators: 0, stake: 0n }));
  for (const v of values) {
    if (v <= 0n) continue;
    let k = 0;
    for (let i = 0; i < STAKE_BUCKETS_LPT.length; i++) if (v >= BigInt(STAKE_BUCKETS_LPT[i]!) * WEI) k = i;
    buckets[k]!.delegators++;
    buckets[k]!.stake += v;
  }
  return buckets;
}

/** A change of one account's bonded amount (BondingVotes DelegatorBondedAmountChanged), LPT-wei. */
export interface BondedChange {
  account: string;
  time: number;
  previous: bigint;
  next: bigint;
}

export interface DailyChurn {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Accounts whose bonded amount went from 0 to more. */
  joined: number;
  /** Accounts whose bonded amount went to 0. */
  left: number;
  /** Accounts with bonded stake > 0 at the end of the day. */
  delegators: number;
}

/** Joins and exits per UTC day from bonded-amount changes (sorted by time), with the running delegator count. */
export function dailyChurn(changes: readonly BondedChange[]): DailyChurn[] {
  const bonded = new Map<string, bigint>();
  const days = new Map<string, DailyChurn>();
  for (const c of changes) {
    const day = new Date(c.time * 1000).toISOString().slice(0, 10);
    let d = days.get(day);
    if (!d) days.set(day, (d = { day, joined: 0, left: 0, delegators: 0 }));
    const before = bonded.get(c.account) ?? c.previous;
    if (before === 0n && c.next > 0n) d.joined++;
    if (before > 0n && c.next === 0n) d.left++;
    bonded.set(c.account, c.next);
    d.delegators = [...bonded.values()].filter((x) => x > 0n).length;
  }
  return [...days.values()];
}

export type { StakeMove };

export interface Flow {
  orchestrator: string;
  /** LPT-wei bonded, moved or rebonded in. */
  inflow: bigint;
  /** LPT-wei unbonded or moved out. */
  outflow: bigint;
  net: bigint;
}

const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * Stake flows per orchestrator: Bond adds additionalAmount, or the whole bondedAmount when it moves the bond from
 * another orchestrator (which loses bondedAmount − additionalAmount); Unbond is an outflow; Rebond an inflow.
 */
export function stakeFlows(moves: readonly StakeMove[]): Flow[] {
  const m = new Map<string, Flow>();
  const at = (o: string) => {
    let f = m.get(o);
    if (!f) m.set(o, (f = { orchestrator: o, inflow: 0n, outflow: 0n, net: 0n }));
    return f;
  };
  for (const e of moves) {
    if (e.kind === 'Bond') {
      const moved = e.oldDelegate !== ZERO && e.oldDelegate !== e.newDelegate;
      if (moved) at(e.oldDelegate).outflow += e.bondedAmount - e.additionalAmount;
      at(e.newDelegate).inflow += moved ? e.bondedAmount : e.additionalAmount;
    } else if (e.kind === 'Unbond') at(e.delegate).outflow += e.amount;
    else at(e.delegate).inflow += e.amount;
  }
  for (const f of m.values()) f.net = f.inflow - f.outflow;
  return [...m.values()].sort((a, b) => (b.inflow + b.outflow > a.inflow + a.outflow ? 1 : b.inflow + b.outflow < a.inflow + a.outflow ? -1 : a.orchestrator < b.orchestrator ? -1 : 1));
}
