// USD fields of the core endpoints: one price book per request (cached across requests by price-table
// version), flows valued at their own block time, stocks at the latest price.
import type { PriceBook } from '../prices/lookup.js';
import { formatUsd } from '../prices/lookup.js';
import { LATEST, sumUsdE8, usdBatch, usdE8Batch, type UsdRow } from '../prices/usd.js';
import { poolFees } from '../read/pools.js';
import type { ApiData, EventData, Snapshot } from './data.js';

const DAY = 86_400;

/**
 * Unit of an event's principal amount (protocolProjector's `principal` table), for the events that move
 * value. Balances, vote weights and allowances are left unvalued: they are not payments.
 */
const EVENT_UNIT: Record<string, 'LPT' | 'ETH'> = {
  TranscoderSlashed: 'LPT', Reward: 'LPT', TreasuryReward: 'LPT', Bond: 'LPT', Unbond: 'LPT', Rebond: 'LPT', TransferBond: 'LPT',
  WithdrawStake: 'LPT', EarningsClaimed: 'LPT', Transfer: 'LPT', Mint: 'LPT', Burn: 'LPT', SetCurrentRewardTokens: 'LPT', StakeClaimed: 'LPT',
  WithdrawFees: 'ETH', DepositFunded: 'ETH', WinningTicketRedeemed: 'ETH', WinningTicketTransfer: 'ETH', Withdrawal: 'ETH',
  ReserveFunded: 'ETH', ReserveClaimed: 'ETH', CallScheduled: 'ETH', CallExecuted: 'ETH',
};

/** Unit of an event's `amount`, null when the event's amount is not a value transfer. */
export function eventUnit(name: string): 'LPT' | 'ETH' | null {
  return EVENT_UNIT[name] ?? null;
}

export type PricedEvent = EventData & { amountUsd?: string | null };

/** Events with `amountUsd` at their own block time (null when unvalued or unpriced). */
export function priceEvents(book: PriceBook, events: EventData[]): PricedEvent[] {
  const idx: number[] = [];
  const rows: UsdRow[] = [];
  events.forEach((e, i) => {
    const unit = eventUnit(e.name);
    if (unit && e.amount !== null) {
      idx.push(i);
      rows.push({ amount: e.amount, unit, time: e.time });
    }
  });
  const usd = usdBatch(book, rows);
  const out: PricedEvent[] = events.map((e) => ({ ...e, amountUsd: null }));
  idx.forEach((i, k) => (out[i]!.amountUsd = usd[k] ?? null));
  return out;
}

export interface OrchestratorUsd {
  totalStake: string | null;
  fees30d: string | null;
  fees90d: string | null;
  feesTotal: string | null;
}

const orchCache = new WeakMap<ApiData, { key: string; map: Promise<Map<string, OrchestratorUsd>> }>();

/**
 * Directory USD per orchestrator: stake at the latest price; trailing fees as the sum of each round's pool
 * fees valued at that round's start time (null when any of those rounds precedes every ETH/USD price).
 * Computed once per (snapshot, price book) and kept, so directory pages stay free of per-row SQL.
 */
export function orchestratorUsd(data: ApiData, snap: Snapshot, book: PriceBook, bookVersion: string): Promise<Map<string, OrchestratorUsd>> {
  const key = `${snap.version}|${bookVersion}`;
  const hit = orchCache.get(data);
  if (hit && hit.key === key) return hit.map;
  const map = (async () => {
    const timeOf = new Map(snap.rounds.map((r) => [r.round.toString(), r.blockTime]));
    const current = snap.current?.round ?? 0n;
    const pools = await poolFees(data.db, current);
    const rows: UsdRow[] = pools.map((p) => ({ amount: p.fees, unit: 'ETH', time: timeOf.get(p.round.toString()) ?? null }));
    const usd = usdE8Batch(book, rows);
    const per = new Map<string, { t: number | null; usd: bigint | null }[]>();
    pools.forEach((p, i) => {
      const l = per.get(p.transcoder) ?? [];
      l.push({ t: rows[i]!.time, usd: usd[i] ?? null });
      per.set(p.transcoder, l);
    });
    // Same windows as the directory's fees30d/fees90d: rounds initialized within the last 30/90 days of chain time.
    const since = (secs: number) => (t: number | null) => t !== null && t > snap.chainTime - secs;
    const in30 = since(30 * DAY);
    const in90 = since(90 * DAY);
    const fmt = (x: bigint | null) => (x === null ? null : formatUsd(x));
    const stakeUsd = usdBatch(book, snap.orchestrators.map((o) => ({ amount: o.totalStake, unit: 'LPT' as const, time: LATEST })));
    const out = new Map<string, OrchestratorUsd>();
    snap.orchestrators.forEach((o, i) => {
      const mine = per.get(o.address) ?? [];
      out.set(o.address, {
        totalStake: stakeUsd[i] ?? null,
        fees30d: fmt(sumUsdE8(mine.filter((p) => in30(p.t)).map((p) => p.usd))),
        fees90d: fmt(sumUsdE8(mine.filter((p) => in90(p.t)).map((p) => p.usd))),
        feesTotal: fmt(sumUsdE8(mine.map((p) => p.usd))),
      });
    });
    return out;
  })();
  orchCache.set(data, { key, map });
  map.catch(() => orchCache.delete(data));
  return map;
}
