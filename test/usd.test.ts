import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/index.js';
import { importPriceCsv } from '../src/prices/csv.js';
import { cachedPriceBook, sumUsdE8, usdBatch } from '../src/prices/usd.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';
import { dbKinds, openTestDb } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

/**
 * Hand-built series: no price before T1; ETH/USD 2000 from T1, 3000 from T2; LPT/ETH 1/4 from T1 (so
 * LPT/USD 500 then 750). Expected values are computed here from these numbers, not through the price book.
 */
function series(t1: number, t2: number) {
  const ethUsd = (t: number): bigint | null => (t < t1 ? null : t < t2 ? 2000n : 3000n);
  /** Exact 1e-8 USD of `wei` at time t, floored: wei × USD-per-token × 1e8 / 1e18 (LPT at a quarter of ETH). */
  const e8 = (wei: bigint, unit: 'LPT' | 'ETH', t: number | null): bigint | null => {
    const p = t === null ? null : ethUsd(t);
    if (p === null) return null;
    return unit === 'ETH' ? (wei * p * 10n ** 8n) / E18 : (wei * p * 10n ** 8n) / (4n * E18);
  };
  return { e8, usd: (wei: bigint | string, unit: 'LPT' | 'ETH', t: number | null) => cents(e8(BigInt(wei), unit, t)) };
}

function cents(e8: bigint | null): string | null {
  if (e8 === null) return null;
  const c = e8 / 1_000_000n;
  return `${c / 100n}.${(c % 100n).toString().padStart(2, '0')}`;
}

describe('USD fields of the core endpoints against a hand-built price series (pglite)', () => {
  let fx: IndexedFixture;
  let app: ReturnType<typeof createApp>;
  let t1 = 0;
  let t2 = 0;
  let x: ReturnType<typeof series>;
  const get = async (p: string): Promise<J> => {
    const r = await app.request(p);
    expect(r.status, p).toBe(200);
    return (await r.json()) as J;
  };

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    const rounds = (await sql<{ t: string; b: string }>`select block_time::text as t, block_number::text as b from protocol_round order by round`.execute(fx.db.db)).rows;
    expect(rounds.length).toBeGreaterThan(6);
    const r1 = rounds[2]!;
    const r2 = rounds[Math.floor(rounds.length / 2)]!;
    [t1, t2] = [Number(r1.t), Number(r2.t)];
    x = series(t1, t2);
    await sql`delete from price_tick`.execute(fx.db.db);
    await sql`delete from price_series_point`.execute(fx.db.db);
    await sql`insert into price_tick (block_number, log_index, block_time, pair, value) values
      (${r1.b}, 1000000, ${t1}, 'ETH/USD', ${(2000n * 10n ** 8n).toString()}),
      (${r1.b}, 1000001, ${t1}, 'LPT/ETH', ${(Q96 / 2n).toString()}),
      (${r2.b}, 1000000, ${t2}, 'ETH/USD', ${(3000n * 10n ** 8n).toString()})`.execute(fx.db.db);
    app = createApp({ db: fx.db.db, dbKind: 'pglite', status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  }, 600_000);

  afterAll(async () => {
    await fx?.db.close();
  });

  it('values every round at its start block, null before the first price', async () => {
    const { data } = await get('/api/v1/rounds?limit=1000&order=asc');
    let priced = 0;
    for (const r of data as J[]) {
      const t = r.startTime as number;
      expect(r.usd).toEqual({
        mintable: x.usd(r.mintable.wei, 'LPT', t),
        rewards: x.usd(r.rewards.wei, 'LPT', t),
        treasuryRewards: x.usd(r.treasuryRewards.wei, 'LPT', t),
        fees: x.usd(r.fees.wei, 'ETH', t),
        totalActiveStake: x.usd(r.totalActiveStake.wei, 'LPT', t),
        treasuryBalance: x.usd(r.treasuryBalance.wei, 'LPT', t),
      });
      if (r.usd.mintable !== null) priced++;
    }
    expect(data[0].usd.mintable).toBeNull();
    expect(data[0].usd.fees).toBeNull();
    expect(priced).toBe(data.length - 2);
    // A round priced at 2000 USD/ETH: 1 LPT = 500 USD exactly, by hand.
    const at2000 = (data as J[]).find((r) => r.startTime >= t1 && r.startTime < t2 && r.mintable.wei !== '0')!;
    expect(at2000.usd.mintable).toBe(cents((BigInt(at2000.mintable.wei) * 500n) / 10n ** 10n));
  });

  it('values network stocks at the latest price and current-round flows at its start', async () => {
    const n = await get('/api/v1/network');
    expect(n.usd.ethUsd).toBe('3000');
    expect(n.usd.lptUsd).toBe('750.00');
    expect(n.usd.treasuryBalance).toBe(x.usd(n.treasury.balance.wei, 'LPT', Number.MAX_SAFE_INTEGER));
    expect(n.usd.totalActiveStake).toBe(x.usd(n.participation.totalActiveStake.wei, 'LPT', Number.MAX_SAFE_INTEGER));
    expect(n.usd.currentRoundFees).toBe(x.usd(n.currentRound.fees.wei, 'ETH', n.currentRound.startTime));
    expect(n.usd.currentRoundMintable).toBe(x.usd(n.currentRound.mintable.wei, 'LPT', n.currentRound.startTime));
  });

  it('values the directory: stake now, trailing fees as each round at its start', async () => {
    const list = (await get('/api/v1/orchestrators?limit=500')).data as J[];
    const net = await get('/api/v1/network');
    let nonNullFees = 0;
    let nullFees = 0;
    for (const o of list.slice(0, 12)) {
      expect(o.usd.totalStake).toBe(x.usd(o.totalStake.wei, 'LPT', Number.MAX_SAFE_INTEGER));
      const d = await get(`/api/v1/orchestrators/${o.address}?historyRounds=10000`);
      const pools = (d.history as J[]).filter((p) => p.fees.wei !== '0');
      const sum = (ps: J[]) => cents(sumUsdE8(ps.map((p) => x.e8(BigInt(p.fees.wei), 'ETH', p.time))));
      expect(o.usd.feesTotal, o.address).toBe(sum(pools));
      expect(o.usd.fees30d, o.address).toBe(sum(pools.filter((p) => p.time > net.chainTime - 30 * 86_400)));
      expect(d.orchestrator.usd).toEqual(o.usd);
      for (const p of d.history as J[]) {
        expect(p.usd).toEqual({ totalStake: x.usd(p.totalStake.wei, 'LPT', p.time), rewards: x.usd(p.rewards.wei, 'LPT', p.time), treasuryRewards: x.usd(p.treasuryRewards.wei, 'LPT', p.time), fees: x.usd(p.fees.wei, 'ETH', p.time) });
      }
      if (o.usd.feesTotal === null) nullFees++;
      else nonNullFees++;
    }
    expect(nonNullFees + nullFees).toBe(Math.min(12, list.length));
  });

  it('values account balances now and history events at their block', async () => {
    const top = (await get('/api/v1/orchestrators?limit=1')).data[0];
    const d = await get(`/api/v1/orchestrators/${top.address}`);
    const who = (d.delegators.top as J[]).find((t) => t.address !== top.address) ?? d.delegators.top[0];
    const a = await get(`/api/v1/delegators/${who.address}?limit=500`);
    const now = Number.MAX_SAFE_INTEGER;
    expect(a.usd).toEqual({
      bondedAmount: x.usd(a.bondedAmount.wei, 'LPT', now),
      pendingStake: x.usd(a.pendingStake.wei, 'LPT', now),
      unclaimedRewards: x.usd(a.unclaimedRewards.wei, 'LPT', now),
      pendingFees: x.usd(a.pendingFees.wei, 'ETH', now),
      withdrawableFees: x.usd(a.withdrawableFees.wei, 'ETH', now),
      delegatedAmount: x.usd(a.delegatedAmount.wei, 'LPT', now),
      unbonding: x.usd(a.unbonding.wei, 'LPT', now),
    });
    expect(a.history.data.length).toBeGreaterThan(0);
    for (const e of a.history.data as J[]) {
      expect(e.amountUsd, e.name).toBe(e.amountUnit === null || e.amount === null ? null : x.usd(e.amount, e.amountUnit, e.time));
    }
    expect((a.history.data as J[]).some((e) => e.name === 'Bond' && e.amountUnit === 'LPT')).toBe(true);
  });

  it('values event lists and the treasury at their blocks', async () => {
    const ev = (await get('/api/v1/events?name=WinningTicketTransfer,Reward,DelegatorBondedAmountChanged&limit=1000&order=asc')).data as J[];
    const units = new Set(ev.map((e) => `${e.name}:${e.amountUnit}`));
    expect(units).toEqual(new Set(['WinningTicketTransfer:ETH', 'Reward:LPT', 'DelegatorBondedAmountChanged:null']));
    for (const e of ev) expect(e.amountUsd).toBe(e.amountUnit === null ? null : x.usd(e.amount, e.amountUnit, e.time));
    expect(ev.some((e) => e.amountUsd === null && e.amountUnit !== null)).toBe(ev.some((e) => e.time < t1 && e.amountUnit !== null));
    const staking = (await get('/api/v1/staking/events?limit=500')).data as J[];
    expect(staking.some((e) => e.amountUsd !== null)).toBe(true);
    for (const e of staking) expect(e.amountUsd, e.name).toBe(e.amountUnit === null || e.amount === null ? null : x.usd(e.amount, e.amountUnit, e.time));
    const top = ((await get('/api/v1/orchestrators?limit=1')).data as J[])[0]!.address as string;
    const delegate = (await get(`/api/v1/staking/delegates/${top}`)).events.data as J[];
    expect(delegate.some((e) => e.amountUsd !== null)).toBe(true);
    for (const e of delegate) expect(e.amountUsd, e.name).toBe(e.amountUnit === null || e.amount === null ? null : x.usd(e.amount, e.amountUnit, e.time));
    const t = await get('/api/v1/treasury');
    expect(t.balanceUsd).toBe(x.usd(t.balance.wei, 'LPT', Number.MAX_SAFE_INTEGER));
    for (const r of t.rounds as J[]) expect(r.usd.treasuryRewards).toBe(x.usd(r.treasuryRewards.wei, 'LPT', r.startTime));
    const ledger = (await get('/api/v1/treasury/ledger')).data as J[];
    expect(ledger.length).toBeGreaterThan(0);
    for (const l of ledger) expect(l.deltaUsd).toBe(x.usd(l.delta.wei, 'LPT', l.time));
  });

  it('declares the USD fields in the OpenAPI document', async () => {
    const doc = await get('/openapi.json');
    const s = doc.components.schemas;
    expect(Object.keys(s.Round.properties.usd.properties)).toEqual(['mintable', 'rewards', 'treasuryRewards', 'fees', 'totalActiveStake', 'treasuryBalance']);
    expect(s.Orchestrator.properties.usd.properties.fees30d).toBeDefined();
    expect(s.Event.properties.amountUsd).toBeDefined();
    expect(s.Account.properties.usd.properties.pendingFees).toBeDefined();
    expect(s.TreasurySummary.properties.balanceUsd).toBeDefined();
  });
});

describe.each(dbKinds)('price book cache on %s', (kind) => {
  it('reloads when ticks or imported series change and batches by time', async () => {
    const db = await openTestDb(kind, { migrate: true });
    try {
      const empty = await cachedPriceBook(db.db, 0);
      expect(usdBatch(empty, [{ amount: E18, unit: 'ETH', time: 1_000_000_100 }])).toEqual([null]);
      await importPriceCsv(db.db, 'series,time,value,unit\nETH/USD,1000001000,1234.5,USD\nLPT/ETH,1000001000,0.002,ETH\n');
      const b1 = await cachedPriceBook(db.db, 0);
      expect(usdBatch(b1, [
        { amount: 2n * E18, unit: 'ETH', time: 1_000_001_000 },
        { amount: 3n * E18, unit: 'LPT', time: 1_000_005_000 },
        { amount: E18, unit: 'ETH', time: 1_000_000_999 },
        { amount: E18, unit: 'ETH', time: null },
      ])).toEqual(['2469.00', '7.40', null, null]); // 3 LPT × 0.002 × 1234.5 = 7.407
      await sql`insert into price_tick (block_number, log_index, block_time, pair, value) values (10, 0, 1000002000, 'ETH/USD', ${(1000n * 10n ** 8n).toString()})`.execute(db.db);
      const b2 = await cachedPriceBook(db.db, 0);
      expect(b2).not.toBe(b1);
      expect(usdBatch(b2, [{ amount: E18, unit: 'ETH', time: 1_000_002_000 }])).toEqual(['1000.00']);
      expect(await cachedPriceBook(db.db, 60_000)).toBe(b2);
    } finally {
      await db.close();
    }
  });
});
