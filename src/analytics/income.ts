import type { PriceBook } from '../prices/lookup.js';
import { splitFees, splitReward } from '../protocol/earnings.js';
import { rewardCalls, type RewardCallRow } from '../read/bondingEvents.js';
import type { Db } from '../read/db.js';
import { poolCuts, type PoolCutRow } from '../read/pools.js';
import { ticketPayments, type TicketPaymentRow } from '../read/tickets.js';

/**
 * Orchestrator income as the earnings pools book it. Every reward call and every fee payment is one
 * item, split the way the contract splits it at that moment:
 * - rewards (LPT-wei): the orchestrator keeps floor(R × rewardCut / 1e6) (commission); the rest is shared
 *   with the pool's stake through the cumulative reward factor;
 * - fees (ETH-wei): delegators get floor(F × feeShare / 1e6) per payment; the orchestrator keeps the rest.
 * The orchestrator's own bonded stake also earns from the shared part, as any delegator does; "kept" is
 * the commission alone. Each item is valued in USD at its own block time, so a sum in USD is the sum of
 * what each payment was worth when it happened.
 */
export interface IncomeItem {
  orchestrator: string;
  round: number;
  time: number;
  kind: 'reward' | 'fee';
  /** LPT-wei for rewards, ETH-wei for fees. */
  amount: bigint;
  kept: bigint;
  shared: bigint;
  /** USD in 1e-8 units at `time`; null when no price was known then. */
  usdE8: bigint | null;
  keptUsdE8: bigint | null;
  sharedUsdE8: bigint | null;
}

export type IncomePeriod = 'round' | 'day' | 'quarter';

/** Sums of one (orchestrator or network, period) cell; USD sums skip items without a price (counted in `unpriced`). */
export interface IncomeCell {
  period: string;
  /** Rounds covered by the cell's items. */
  firstRound: number;
  lastRound: number;
  rewards: bigint;
  rewardsKept: bigint;
  rewardsShared: bigint;
  fees: bigint;
  feesKept: bigint;
  feesShared: bigint;
  rewardsUsdE8: bigint;
  rewardsKeptUsdE8: bigint;
  rewardsSharedUsdE8: bigint;
  feesUsdE8: bigint;
  feesKeptUsdE8: bigint;
  feesSharedUsdE8: bigint;
  rewardCalls: number;
  feePayments: number;
  unpriced: number;
}

/** Reads the reward calls and fee payments of rounds [fromRound, toRound] (optionally one orchestrator) as split items. */
export async function incomeItems(db: Db, book: PriceBook, opts: { fromRound: number; toRound: number; orchestrator?: string }): Promise<IncomeItem[]> {
  const orchestrator = opts.orchestrator?.toLowerCase();
  const range = { fromRound: BigInt(opts.fromRound), toRound: BigInt(opts.toRound) };
  const [cuts, rewards, fees] = await Promise.all([
    poolCuts(db, { ...range, transcoder: orchestrator }),
    rewardCalls(db, { ...range, orchestrator }),
    ticketPayments(db, { ...range, recipient: orchestrator }),
  ]);
  return splitIncome(cuts, rewards, fees, book);
}

/**
 * Each reward call (LPT-wei) and fee payment (ETH-wei) split by the cuts of its orchestrator's pool in its round
 * (BondingManager.updateTranscoderWithRewards / updateTranscoderWithFees), rewards first, each in chain order.
 */
export function splitIncome(cuts: readonly PoolCutRow[], rewards: readonly RewardCallRow[], fees: readonly TicketPaymentRow[], book: PriceBook): IncomeItem[] {
  const cutOf = new Map(cuts.map((p) => [`${p.transcoder}|${p.round}`, p]));
  const out: IncomeItem[] = [];
  for (const e of rewards) {
    const cut = cutOf.get(`${e.orchestrator}|${e.round}`)?.rewardCut ?? 0n;
    const { commission, delegatorsRewards } = splitReward(e.amount, 0n, cut);
    out.push(item(e.orchestrator, Number(e.round), e.time, 'reward', e.amount, commission, delegatorsRewards, book.valuer('LPT', e.time)));
  }
  for (const f of fees) {
    // Fees always land in a pool on chain; a missing pool row means a partial index, and the payment counts as kept.
    const share = cutOf.get(`${f.recipient}|${f.round}`)?.feeShare ?? 0n;
    const { delegatorsFees, transcoderCommissionFees } = splitFees(f.paid, share);
    out.push(item(f.recipient, Number(f.round), f.time, 'fee', f.paid, transcoderCommissionFees, delegatorsFees, book.valuer('ETH', f.time)));
  }
  return out;
}

function item(o: string, round: number, time: number, kind: 'reward' | 'fee', amount: bigint, kept: bigint, shared: bigint, usd: ((x: bigint) => bigint) | null): IncomeItem {
  return { orchestrator: o, round, time, kind, amount, kept, shared, usdE8: usd ? usd(amount) : null, keptUsdE8: usd ? usd(kept) : null, sharedUsdE8: usd ? usd(shared) : null };
}

/** Period key of a time (unix s) or round: "2025-06-01" (UTC day), "2025-Q2", or the round number. */
export function periodKey(period: IncomePeriod, round: number, time: number): string {
  if (period === 'round') return String(round);
  const d = new Date(time * 1000);
  if (period === 'day') return d.toISOString().slice(0, 10);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

function emptyCell(period: string, round: number): IncomeCell {
  return {
    period, firstRound: round, lastRound: round,
    rewards: 0n, rewardsKept: 0n, rewardsShared: 0n, fees: 0n, feesKept: 0n, feesShared: 0n,
    rewardsUsdE8: 0n, rewardsKeptUsdE8: 0n, rewardsSharedUsdE8: 0n, feesUsdE8: 0n, feesKeptUsdE8: 0n, feesSharedUsdE8: 0n,
    rewardCalls: 0, feePayments: 0, unpriced: 0,
  };
}

/** Adds items into cells keyed by `key(item)`, in first-seen order of the period. */
export function sumIncome(items: readonly IncomeItem[], period: IncomePeriod, key: (i: IncomeItem) => string = () => ''): Map<string, Map<string, IncomeCell>> {
  const out = new Map<string, Map<string, IncomeCell>>();
  for (const i of items) {
    const k = key(i);
    let cells = out.get(k);
    if (!cells) out.set(k, (cells = new Map()));
    const p = periodKey(period, i.round, i.time);
    let c = cells.get(p);
    if (!c) cells.set(p, (c = emptyCell(p, i.round)));
    c.firstRound = Math.min(c.firstRound, i.round);
    c.lastRound = Math.max(c.lastRound, i.round);
    if (i.usdE8 === null) c.unpriced++;
    const u = (x: bigint | null) => x ?? 0n;
    if (i.kind === 'reward') {
      c.rewardCalls++;
      c.rewards += i.amount;
      c.rewardsKept += i.kept;
      c.rewardsShared += i.shared;
      c.rewardsUsdE8 += u(i.usdE8);
      c.rewardsKeptUsdE8 += u(i.keptUsdE8);
      c.rewardsSharedUsdE8 += u(i.sharedUsdE8);
    } else {
      c.feePayments++;
      c.fees += i.amount;
      c.feesKept += i.kept;
      c.feesShared += i.shared;
      c.feesUsdE8 += u(i.usdE8);
      c.feesKeptUsdE8 += u(i.keptUsdE8);
      c.feesSharedUsdE8 += u(i.sharedUsdE8);
    }
  }
  for (const [k, cells] of out) out.set(k, new Map([...cells].sort((a, b) => a[1].firstRound - b[1].firstRound || (a[0] < b[0] ? -1 : 1))));
  return out;
}

/** Orchestrators ranked by kept income in USD (fees kept + rewards kept) over the items, highest first. */
export function rankByKeptUsd(items: readonly IncomeItem[]): { orchestrator: string; keptUsdE8: bigint; totalUsdE8: bigint; feesKept: bigint; rewardsKept: bigint }[] {
  const by = new Map<string, { orchestrator: string; keptUsdE8: bigint; totalUsdE8: bigint; feesKept: bigint; rewardsKept: bigint }>();
  for (const i of items) {
    let r = by.get(i.orchestrator);
    if (!r) by.set(i.orchestrator, (r = { orchestrator: i.orchestrator, keptUsdE8: 0n, totalUsdE8: 0n, feesKept: 0n, rewardsKept: 0n }));
    r.keptUsdE8 += i.keptUsdE8 ?? 0n;
    r.totalUsdE8 += i.usdE8 ?? 0n;
    if (i.kind === 'fee') r.feesKept += i.kept;
    else r.rewardsKept += i.kept;
  }
  return [...by.values()].sort((a, b) => (b.keptUsdE8 > a.keptUsdE8 ? 1 : b.keptUsdE8 < a.keptUsdE8 ? -1 : a.orchestrator < b.orchestrator ? -1 : 1));
}
