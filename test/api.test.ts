import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pendingEarnings } from '../src/analytics/pendingEarnings.js';
import { createApp, startServer, type IndexerStatus } from '../src/api/index.js';
import { routes } from '../src/api/routeTable.js';
import {
  accountSchema,
  listOf,
  networkSchema,
  orchestratorDetailSchema,
  orchestratorSchema,
  proposalDetailSchema,
  proposalSchema,
  roundSchema,
  eventSchema,
} from '../src/api/schemas.js';
import { dbKinds, openTestDb } from './helpers/db.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const UINT256_MAX = 2n ** 256n - 1n;

describe.each(dbKinds)('API over an indexed simulator network on %s', (kind) => {
  let fx: IndexedFixture;
  let app: ReturnType<typeof createApp>;
  let status: IndexerStatus;
  const q = async <T = J>(db: IndexedFixture['db'], text: ReturnType<typeof sql<T>>) => (await text.execute(db.db)).rows;

  const get = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    const text = await res.text();
    let body: J = {};
    try {
      body = JSON.parse(text) as J;
    } catch {
      body = { text };
    }
    return { res, body, text };
  };

  beforeAll(async () => {
    fx = await indexedFixture(kind);
    status = { headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' };
    app = createApp({ db: fx.db.db, dbKind: kind, status: () => status, rateLimit: false, webDir: null });
  });
  afterAll(async () => {
    await fx?.db.close();
  });

  // ------------------------------------------------------------------ values

  it('network overview equals the SQL tables and the contracts', async () => {
    const { res, body } = await get('/api/v1/network');
    expect(res.status).toBe(200);
    networkSchema.parse(body);
    const [cur] = await q(fx.db, sql<J>`select * from protocol_round order by round desc limit 1`);
    expect(body.currentRound.round).toBe(Number(cur.round));
    expect(body.currentRound.mintable.wei).toBe(cur.mintable);
    expect(body.inflation.ppb).toBe(cur.inflation);
    const supply = BigInt(cur.l2_supply) + BigInt(cur.l1_supply ?? 0);
    expect(body.participation.totalSupply.wei).toBe(supply.toString());
    expect(body.participation.ratio).toBeCloseTo(Number((BigInt(cur.total_active_stake) * 10n ** 9n) / supply) / 1e9, 9);
    expect(body.currentRound.rewardsCalled.wei).toBe((BigInt(cur.rewards) + BigInt(cur.treasury_rewards)).toString());
    const [dels] = await q(fx.db, sql<J>`select count(*)::int as n from delegator where bonded_amount > 0`);
    expect(body.delegators).toBe(dels.n);
    // The contracts' own view of the last round.
    const truth = fx.groundTruth.rounds.find((r) => r.round === body.currentRound.round)!;
    expect(body.currentRound.mintable.wei).toBe(truth.mintable.toString());
    expect(body.participation.totalActiveStake.wei).toBe(truth.totalActiveStake.toString());
    expect(body.participation.totalSupply.wei).toBe(truth.globalSupply.toString());
    expect(body.activeOrchestrators).toBe(truth.activeOrchestrators);
    expect(body.currentRound.progress.fraction).toBeGreaterThanOrEqual(0);
    expect(body.currentRound.progress.fraction).toBeLessThanOrEqual(1);
  });

  it('rounds match the per-round contract readings; range filter, sort and cursor pagination', async () => {
    const all = (await get('/api/v1/rounds?limit=1000&order=asc')).body;
    listOf(roundSchema, 'x').parse(all);
    const [count] = await q(fx.db, sql<J>`select count(*)::int as n from protocol_round`);
    expect(all.data.length).toBe(count!.n);
    expect(fx.groundTruth.rounds.length).toBeGreaterThan(10);
    for (const t of fx.groundTruth.rounds) {
      const r = all.data.find((x: J) => x.round === t.round);
      expect(r.mintable.wei).toBe(t.mintable.toString());
      expect(r.inflation.ppb).toBe(t.inflation.toString());
      expect(r.totalActiveStake.wei).toBe(t.totalActiveStake.toString());
      expect(r.totalSupply.wei).toBe(t.globalSupply.toString());
      expect(r.activeOrchestrators).toBe(t.activeOrchestrators);
    }
    const last = all.data[all.data.length - 1];
    const [dels] = await q(fx.db, sql<J>`select count(*)::int as n from delegator where bonded_amount > 0`);
    expect(last.delegators).toBe(dels.n);

    const first = all.data[0].round;
    const ranged = (await get(`/api/v1/rounds?from=${first + 2}&to=${first + 5}`)).body;
    expect(ranged.data.map((r: J) => r.round)).toEqual([first + 5, first + 4, first + 3, first + 2]);

    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const p: J = (await get(`/api/v1/rounds?sort=fees&order=desc&limit=4${cursor ? `&cursor=${cursor}` : ''}`)).body;
      pages.push(...p.data.map((r: J) => r.round));
      cursor = p.page.nextCursor;
    } while (cursor);
    const byFees = [...all.data].sort((a: J, b: J) => (BigInt(b.fees.wei) > BigInt(a.fees.wei) ? 1 : BigInt(b.fees.wei) < BigInt(a.fees.wei) ? -1 : a.round - b.round)).map((r: J) => r.round);
    expect(pages).toEqual(byFees);
  });

  it('orchestrator directory equals the transcoder table and the SQL windows', async () => {
    const { body } = await get('/api/v1/orchestrators?limit=500');
    listOf(orchestratorSchema, 'x').parse(body);
    const trs = await q(fx.db, sql<J>`select * from transcoder`);
    expect(body.data.length).toBe(trs.length);
    const [cur] = await q(fx.db, sql<J>`select max(round)::int as r from protocol_round`);
    const [now] = await q(fx.db, sql<J>`select block_time::int as t from chain_event order by block_number desc, log_index desc limit 1`);
    const fees30 = new Map(
      (await q(fx.db, sql<J>`select ep.transcoder, sum(ep.fees)::text as f from earnings_pool ep join protocol_round pr on pr.round = ep.round where pr.block_time > ${now.t - 30 * 86400} and ep.round <= ${cur.r} group by 1`)).map((r) => [r.transcoder, r.f]),
    );
    const calls = new Map(
      (await q(fx.db, sql<J>`select transcoder, count(*)::int as n from earnings_pool where rewards > 0 and round > ${cur.r - 30} and round <= ${cur.r} group by 1`)).map((r) => [r.transcoder, r.n]),
    );
    const snap = fx.groundTruth.snapshots[fx.groundTruth.snapshots.length - 1]!;
    const truthBy = new Map(Object.entries(snap.transcoders).map(([a, t]) => [a.toLowerCase(), t]));
    for (const t of trs) {
      const o = body.data.find((x: J) => x.address === t.address);
      expect(o.totalStake.wei).toBe(t.total_stake);
      expect(o.rewardCut.ppm).toBe(Number(t.reward_cut));
      expect(o.feeShare.ppm).toBe(Number(t.fee_share));
      expect(o.feeCut.ppm).toBe(1_000_000 - Number(t.fee_share));
      expect(o.fees30d.wei).toBe(fees30.get(t.address) ?? '0');
      expect(o.rewardCalls30.called).toBe(calls.get(t.address) ?? 0);
      const truth = truthBy.get(t.address);
      if (truth) {
        expect(o.totalStake.wei).toBe(truth.totalStake.toString());
        expect(o.active).toBe(truth.active);
        expect(o.deactivationRound).toBe(truth.deactivationRound === UINT256_MAX ? null : Number(truth.deactivationRound));
      }
    }
  });

  it('directory sorts, filters, searches and pages without gaps or repeats', async () => {
    const full = (await get('/api/v1/orchestrators?limit=500&sort=fees30d&order=desc')).body.data as J[];
    for (let i = 1; i < full.length; i++) expect(BigInt(full[i - 1]!.fees30d.wei) >= BigInt(full[i]!.fees30d.wei)).toBe(true);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const p: J = (await get(`/api/v1/orchestrators?limit=7&sort=fees30d&order=desc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
      walked.push(...p.data.map((o: J) => o.address));
      cursor = p.page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(full.map((o) => o.address));

    const asc = (await get('/api/v1/orchestrators?limit=500&sort=rewardCut&order=asc')).body.data as J[];
    for (let i = 1; i < asc.length; i++) expect(asc[i - 1]!.rewardCut.ppm).toBeLessThanOrEqual(asc[i]!.rewardCut.ppm);

    const active = (await get('/api/v1/orchestrators?limit=500&active=true')).body.data as J[];
    expect(active.length).toBe(full.filter((o) => o.active).length);
    expect(active.every((o) => o.active)).toBe(true);

    const target = full[3]!;
    const search = (await get(`/api/v1/orchestrators?q=${target.address.slice(2, 12).toUpperCase()}`)).body.data as J[];
    expect(search.map((o) => o.address)).toContain(target.address);
    const host = new URL(target.serviceUri).hostname;
    expect(((await get(`/api/v1/orchestrators?q=${host}`)).body.data as J[]).map((o) => o.address)).toContain(target.address);

    const minStake = (await get('/api/v1/orchestrators?limit=500&minStake=100000')).body.data as J[];
    expect(minStake.length).toBe(full.filter((o) => BigInt(o.totalStake.wei) >= 100_000n * 10n ** 18n).length);
    const cheap = (await get('/api/v1/orchestrators?limit=500&maxFeeCut=10&maxRewardCut=20')).body.data as J[];
    expect(cheap.length).toBe(full.filter((o) => o.feeCut.percent <= 10 && o.rewardCut.percent <= 20).length);
  });

  it('exports the directory as CSV with every matching row', async () => {
    const { res, text } = await get('/api/v1/orchestrators?format=csv&active=true&sort=stake');
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/orchestrators\.csv/);
    const lines = text.trim().split('\r\n');
    const active = (await get('/api/v1/orchestrators?limit=500&active=true&sort=stake')).body.data as J[];
    expect(lines.length).toBe(active.length + 1);
    expect(lines[0]).toMatch(/^address,service_uri,active,total_stake_lpt,total_stake_wei/);
    expect(lines[1]!.split(',')[0]).toBe(active[0]!.address);
    expect(lines[1]!.split(',')[4]).toBe(active[0]!.totalStake.wei);
  });

  it('orchestrator detail: pool history, cut changes and delegators equal SQL', async () => {
    const [t] = await q(fx.db, sql<J>`select t.address from transcoder t join (select transcoder, count(*) n from earnings_pool group by 1) p on p.transcoder = t.address order by t.total_stake desc limit 1`);
    const { res, body } = await get(`/api/v1/orchestrators/${t.address.toUpperCase().replace('0X', '0x')}`);
    expect(res.status).toBe(200);
    orchestratorDetailSchema.parse(body);
    const pools = await q(fx.db, sql<J>`select ep.* from earnings_pool ep where transcoder = ${t.address} and round <= (select max(round) from protocol_round) order by round`);
    expect(body.history.map((p: J) => p.round)).toEqual(pools.map((p) => Number(p.round)));
    for (const [i, p] of pools.entries()) {
      expect(body.history[i].rewards.wei).toBe(p.rewards);
      expect(body.history[i].fees.wei).toBe(p.fees);
      expect(body.history[i].totalStake.wei).toBe(p.total_stake);
      expect(body.history[i].rewardCalled).toBe(BigInt(p.rewards) > 0n);
    }
    const cuts = await q(fx.db, sql<J>`select args from chain_event where name = 'TranscoderUpdate' and a1 = ${t.address} order by block_number desc, log_index desc`);
    expect(body.cutChanges.length).toBe(cuts.length);
    expect(body.cutChanges[0].rewardCut.ppm).toBe(Number(cuts[0]!.args.rewardCut));
    const [dels] = await q(fx.db, sql<J>`select count(*)::int as n, sum(bonded_amount)::text as s from delegator where delegate = ${t.address} and bonded_amount > 0`);
    expect(body.delegators.total).toBe(dels.n);

    // The full delegator list pages through every bonded delegator, sums to the table.
    let cursor: string | null = null;
    let sum = 0n;
    let count = 0;
    do {
      const p: J = (await get(`/api/v1/orchestrators/${t.address}/delegators?limit=5${cursor ? `&cursor=${cursor}` : ''}`)).body;
      for (const d of p.data) sum += BigInt(d.bondedAmount.wei);
      count += p.data.length;
      cursor = p.page.nextCursor;
    } while (cursor);
    expect(count).toBe(dels.n);
    expect(sum.toString()).toBe(dels.s);
  });

  it('directory yields: every row carries its trailing annualized yield and sorts by it', async () => {
    const byYield = (await get('/api/v1/orchestrators?active=true&sort=rewardYield&order=desc&limit=100')).body.data as J[];
    expect(byYield.length).toBeGreaterThan(1);
    const rates = byYield.map((o) => o.yield.rewardAnnualized as number | null);
    expect(rates[0]).toBeGreaterThan(0);
    const known = rates.filter((r): r is number => r !== null);
    expect(known).toEqual([...known].sort((a, b) => b - a));
    for (const o of byYield) expect(o.yield).toMatchObject({ windowDays: 30, rewardPerLpt: { unit: 'LPT' }, feesPerLpt: { unit: 'ETH' } });
    const csv = (await get('/api/v1/orchestrators?active=true&sort=rewardYield&order=desc&format=csv')).text.trim().split('\r\n');
    const head = csv[0]!.split(',');
    expect(head).toContain('reward_yield_annualized');
    expect(Number(csv[1]!.split(',')[head.indexOf('reward_yield_annualized')])).toBe(rates[0]);
  });

  it('address roles and the gateway hub equal the TicketBroker and treasury tables', async () => {
    const [o] = await q(fx.db, sql<J>`select address from transcoder order by total_stake desc limit 1`);
    const [g] = await q(fx.db, sql<J>`select address, deposit::text, reserve::text, winning_tickets, fees_paid::text from gateway where winning_tickets > 0 order by fees_paid desc limit 1`);
    const [d] = await q(fx.db, sql<J>`select address from delegator where bonded_amount > 0 and address not in (select address from transcoder) and address not in (select address from gateway) limit 1`);
    expect((await get(`/api/v1/addresses/${o.address}`)).body).toMatchObject({ hub: 'orchestrator', roles: { orchestrator: true } });
    expect((await get(`/api/v1/addresses/${g.address}`)).body).toMatchObject({ hub: 'gateway', roles: { orchestrator: false, gateway: true } });
    expect((await get(`/api/v1/addresses/${d.address}`)).body).toMatchObject({ hub: 'delegator', roles: { orchestrator: false, delegator: true, gateway: false } });
    const nobody = '0x00000000000000000000000000000000000000cd';
    expect((await get(`/api/v1/addresses/${nobody}`)).body).toEqual({
      address: nobody, hub: null, treasuryPayments: [], roles: { orchestrator: false, delegator: false, gateway: false, treasuryRecipient: false, voter: false },
    });
    expect((await get('/api/v1/addresses/0x12')).res.status).toBe(400);

    // Treasury payouts: each recipient's payments sum to the treasury's outflows to it.
    const paid = await q(fx.db, sql<J>`select lower(e.args->>'to') as to, sum(-b.delta)::text as s from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index where b.delta < 0 group by 1`);
    for (const r of paid) {
      const a = (await get(`/api/v1/addresses/${r.to}`)).body;
      expect(a.roles.treasuryRecipient).toBe(true);
      expect(a.treasuryPayments.reduce((x: bigint, p: J) => x + BigInt(p.amount.wei), 0n).toString()).toBe(r.s);
    }

    const { res, body } = await get(`/api/v1/gateways/${g.address}`);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ onChain: true, deposit: { wei: g.deposit, unit: 'ETH' }, reserve: { wei: g.reserve, unit: 'ETH' }, winningTickets: Number(g.winning_tickets), feesPaid: { wei: g.fees_paid } });
    const tickets = await q(fx.db, sql<J>`select recipient, sum(paid)::text as s, count(*)::int as n from winning_ticket where sender = ${g.address} group by 1 order by sum(paid) desc, recipient`);
    expect(body.orchestrators.map((x: J) => [x.orchestrator, x.paid.wei, x.tickets])).toEqual(tickets.slice(0, 20).map((t) => [t.recipient, t.s, t.n]));
    expect(body.perDay.reduce((x: bigint, p: J) => x + BigInt(p.paid.wei), 0n).toString()).toBe(g.fees_paid);
    expect(body.perDay.reduce((x: number, p: J) => x + p.tickets, 0)).toBe(Number(g.winning_tickets));
    expect(body.telemetry).toMatchObject({ jobs: 0, successRate: null, byPipeline: [] });
    const missing = await get(`/api/v1/gateways/${nobody}`);
    expect(missing.res.status).toBe(404);
    expect(missing.body.error.message).toContain('never funded a TicketBroker deposit or reserve');
  });

  it('account page: pending stake and fees equal pendingEarnings and the contracts', async () => {
    const snap = fx.groundTruth.snapshots[fx.groundTruth.snapshots.length - 1]!;
    const [withLock] = await q(fx.db, sql<J>`select address from delegator where jsonb_array_length(unbonding_locks) > 0 limit 1`);
    const sample = [
      ...(await q(fx.db, sql<J>`select address from delegator where bonded_amount > 0 order by bonded_amount desc limit 3`)).map((r) => r.address as string),
      ...(withLock ? [withLock.address as string] : []),
    ];
    for (const address of sample) {
      const { res, body } = await get(`/api/v1/delegators/${address}?limit=5`);
      expect(res.status).toBe(200);
      accountSchema.parse(body);
      const [p] = await pendingEarnings(fx.db.db, { delegator: address });
      expect(body.pendingStake.wei).toBe(p!.pendingStake.toString());
      expect(body.pendingFees.wei).toBe(p!.pendingFees.toString());
      const truth = Object.entries(snap.delegators).find(([a]) => a.toLowerCase() === address)?.[1];
      expect(truth).toBeDefined();
      expect(body.pendingStake.wei).toBe(truth!.pendingStake.toString());
      expect(body.pendingFees.wei).toBe(truth!.pendingFees.toString());
      expect(body.bondedAmount.wei).toBe(truth!.bondedAmount.toString());
      expect(body.unclaimedRewards.wei).toBe((truth!.pendingStake - truth!.bondedAmount).toString());
      const [n] = await q(fx.db, sql<J>`select count(*)::int as n from chain_event where a1 = ${address} or a2 = ${address}`);
      // Walk the history to the end.
      let seen = body.history.data.length;
      let cursor = body.history.page.nextCursor as string | null;
      while (cursor) {
        const page: J = (await get(`/api/v1/delegators/${address}?limit=50&cursor=${cursor}`)).body;
        seen += page.history.data.length;
        cursor = page.history.page.nextCursor;
      }
      expect(seen).toBe(n!.n);
    }
    if (withLock) {
      const body = (await get(`/api/v1/delegators/${withLock.address}`)).body;
      const [row] = await q(fx.db, sql<J>`select unbonding_locks from delegator where address = ${withLock.address}`);
      expect(body.unbondingLocks.map((l: J) => l.amount.wei)).toEqual((row!.unbonding_locks as J[]).map((l) => l.amount));
    }
  });

  it('events: filters by name, address and round range; keyset pages in both orders', async () => {
    const [cur] = await q(fx.db, sql<J>`select max(round)::int as r from protocol_round`);
    const body = (await get(`/api/v1/events?name=Reward,WinningTicketTransfer&fromRound=${cur.r - 2}&toRound=${cur.r - 1}&limit=1000`)).body;
    listOf(eventSchema, 'x').parse(body);
    const [n] = await q(fx.db, sql<J>`select count(*)::int as n from chain_event where name in ('Reward', 'WinningTicketTransfer') and round between ${cur.r - 2} and ${cur.r - 1}`);
    expect(body.data.length).toBe(n!.n);
    expect(body.data.every((e: J) => ['Reward', 'WinningTicketTransfer'].includes(e.name) && e.round >= cur.r - 2 && e.round <= cur.r - 1)).toBe(true);
    for (const order of ['asc', 'desc']) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const p: J = (await get(`/api/v1/events?name=Reward&order=${order}&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).body;
        ids.push(...p.data.map((e: J) => e.id));
        cursor = p.page.nextCursor;
      } while (cursor);
      const [m] = await q(fx.db, sql<J>`select count(*)::int as n from chain_event where name = 'Reward'`);
      expect(new Set(ids).size).toBe(m!.n);
      expect(ids.length).toBe(m!.n);
    }
    const [a] = await q(fx.db, sql<J>`select a1 from chain_event where name = 'Bond' limit 1`);
    const byAddr = (await get(`/api/v1/events?address=${a!.a1}&limit=1000`)).body;
    expect(byAddr.data.every((e: J) => e.addresses.includes(a!.a1))).toBe(true);
  });

  it('proposals and votes equal the governance tables', async () => {
    const list = (await get('/api/v1/proposals')).body;
    listOf(proposalSchema, 'x').parse(list);
    const ps = await q(fx.db, sql<J>`select * from proposal`);
    expect(list.data.length).toBe(ps.length);
    expect(ps.length).toBeGreaterThan(0);
    for (const p of ps) {
      const detail = (await get(`/api/v1/proposals/${p.id}`)).body;
      proposalDetailSchema.parse(detail);
      expect(detail.proposal.votes.for.wei).toBe(p.for_votes);
      expect(detail.proposal.votes.against.wei).toBe(p.against_votes);
      const [v] = await q(fx.db, sql<J>`select count(*)::int as n from vote where proposal_id = ${p.id}`);
      expect(detail.votes.length).toBe(v!.n);
      if (p.executed_block !== null) expect(detail.proposal.status).toBe('executed');
    }
    const executed = (await get('/api/v1/proposals?status=executed')).body.data as J[];
    expect(executed.length).toBe(ps.filter((p) => p.executed_block !== null).length);
  });

  it('fees per day and week sum to the winning-ticket payments', async () => {
    const [t] = await q(fx.db, sql<J>`select sum(paid)::text as s from winning_ticket`);
    for (const interval of ['day', 'week']) {
      const body = (await get(`/api/v1/network/fees?interval=${interval}`)).body;
      expect(body.data.reduce((s: bigint, b: J) => s + BigInt(b.fees.wei), 0n).toString()).toBe(t!.s);
    }
  });

  it('values each day of fees in USD at the ETH/USD answer in effect when each ticket was paid', async () => {
    // Recomputed here from the raw tables: per block, paid wei × the last Chainlink answer (8 decimals) at
    // or before that block's time, floored to 1e-8 USD; per day the sum, shown to the cent (rounded down).
    const ticks = (await q(fx.db, sql<J>`select block_time::text as t, value::text as v from price_tick where pair = 'ETH/USD' order by block_number, log_index`)).map((r) => ({ t: Number(r.t), v: BigInt(r.v) }));
    expect(ticks.length).toBeGreaterThan(3);
    const blocks = await q(fx.db, sql<J>`select block_time::text as t, sum(paid)::text as p from winning_ticket group by block_time order by block_time`);
    const perDay = new Map<number, bigint | null>();
    for (const b of blocks) {
      const t = Number(b.t);
      const day = Math.floor(t / 86_400) * 86_400;
      const answer = ticks.filter((x) => x.t <= t).at(-1)?.v;
      const usd = answer === undefined ? null : (BigInt(b.p) * answer) / 10n ** 18n;
      const prior = perDay.has(day) ? perDay.get(day)! : 0n;
      perDay.set(day, prior === null || usd === null ? null : prior + usd);
    }
    const cents = (e8: bigint) => `${e8 / 100_000_000n}.${((e8 / 1_000_000n) % 100n).toString().padStart(2, '0')}`;
    const body = (await get('/api/v1/network/fees?interval=day')).body;
    expect(body.data.map((b: J) => [b.start, b.feesUsd])).toEqual([...perDay].map(([d, v]) => [d, v === null ? null : cents(v)]));
    expect(body.data.some((b: J) => b.feesUsd !== null && Number(b.feesUsd) > 0)).toBe(true);
  });

  // ------------------------------------------------------------------ HTTP behaviour

  it('answers 400 with a message naming the bad parameter', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/orchestrators?limit=0', /"limit": must be at least 1/],
      ['/api/v1/orchestrators?limit=abc', /"limit": must be a whole number/],
      ['/api/v1/orchestrators?limit=501', /"limit": must be at most 500/],
      ['/api/v1/orchestrators?sort=yield', /"sort": must be one of/],
      ['/api/v1/orchestrators?active=yes', /"active": must be "true" or "false"/],
      ['/api/v1/orchestrators?minStake=-5', /"minStake": must be a decimal token amount/],
      ['/api/v1/orchestrators?bogus=1', /unknown query parameter "bogus"/],
      ['/api/v1/orchestrators?limit=5&limit=6', /"limit" is given 2 times/],
      [`/api/v1/orchestrators?q=${'x'.repeat(101)}`, /"q": must be at most 100 characters/],
      ['/api/v1/orchestrators?cursor=not-a-cursor', /"cursor": not a cursor/],
      [`/api/v1/orchestrators?cursor=${Buffer.from('[1,2]').toString('base64url')}`, /"cursor"/],
      ['/api/v1/orchestrators/0x123', /path parameter "address": must be a 0x-prefixed 20-byte hex address/],
      ['/api/v1/delegators/not-an-address', /path parameter "address"/],
      ['/api/v1/rounds?from=10&to=5', /"from" must not be after "to"/],
      ['/api/v1/events?name=Reward;drop', /"name": must be one event name/],
      ['/api/v1/events?cursor=' + 'A'.repeat(600), /"cursor": must be at most 512 characters/],
      ['/api/v1/proposals/abc', /path parameter "id": must be a decimal proposal id/],
      ['/events?types=round,bogus', /"types": unknown type/],
    ];
    for (const [path, msg] of cases) {
      const { res, body } = await get(path);
      expect(res.status, path).toBe(400);
      expect(body.error.code, path).toBe('bad_request');
      expect(body.error.message, path).toMatch(msg);
    }
  });

  it('answers 404 for unknown addresses, ids and endpoints; 405 for wrong methods; 414 for huge URLs', async () => {
    const unknown = '0x00000000000000000000000000000000000000ab';
    let r = await get(`/api/v1/orchestrators/${unknown}`);
    expect(r.res.status).toBe(404);
    expect(r.body.error).toEqual({ code: 'not_found', message: `no orchestrator with address ${unknown} (it never registered as a transcoder)` });
    r = await get(`/api/v1/delegators/${unknown}`);
    expect(r.res.status).toBe(404);
    expect(r.body.error.message).toBe(`no delegator with address ${unknown} (it has never bonded)`);
    r = await get(`/api/v1/orchestrators/${unknown}/delegators`);
    expect(r.res.status).toBe(404);
    r = await get('/api/v1/proposals/12345');
    expect(r.res.status).toBe(404);
    r = await get('/api/v1/nothing');
    expect(r.res.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    r = await get('/api/v1/network', { method: 'POST' });
    expect(r.res.status).toBe(405);
    expect(r.res.headers.get('allow')).toContain('GET');
    expect(r.body.error.code).toBe('method_not_allowed');
    r = await get('/graphql', { method: 'DELETE' });
    expect(r.res.status).toBe(405);
    r = await get(`/api/v1/orchestrators?q=${'a'.repeat(5000)}`);
    expect(r.res.status).toBe(414);
    expect(r.body.error.code).toBe('uri_too_long');
    r = await get('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ transcoders { id } } #${'x'.repeat(70_000)}` }) });
    expect(r.res.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
    r = await get('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(r.res.status).toBe(400);
  });

  it('ETag and Cache-Control: a repeated request with If-None-Match gets 304', async () => {
    const first = await app.request('/api/v1/orchestrators?limit=3');
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const again = await app.request('/api/v1/orchestrators?limit=3', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
    expect(await again.text()).toBe('');
    const other = await app.request('/api/v1/orchestrators?limit=4', { headers: { 'if-none-match': tag! } });
    expect(other.status).toBe(200);
  });

  it('CORS: public read access from any origin, preflight answered', async () => {
    const res = await app.request('/api/v1/network', { headers: { origin: 'https://example.org' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await app.request('/graphql', { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('rate limits per client with a 429 JSON error and Retry-After', async () => {
    const limited = createApp({ db: fx.db.db, dbKind: kind, status: () => status, rateLimit: { ratePerSec: 1, burst: 3 }, trustProxy: true, webDir: null });
    const hit = (ip: string) => limited.request('/api/v1/network', { headers: { 'x-forwarded-for': ip } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await hit('10.0.0.1')).status);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const fresh = await hit('10.0.0.3');
    expect(fresh.headers.get('x-ratelimit-remaining')).toBe('2');
    const r = await hit('10.0.0.1');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await r.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/too many requests/) } });
    // Another client is unaffected; health checks are never limited.
    expect((await hit('10.0.0.2')).status).toBe(200);
    expect((await limited.request('/health', { headers: { 'x-forwarded-for': '10.0.0.1' } })).status).toBe(200);
  });

  it('/health always answers; /ready follows the indexer lag', async () => {
    expect((await app.request('/health')).status).toBe(200);
    status = { ...status, lagBlocks: 3 };
    expect((await app.request('/ready')).status).toBe(200);
    status = { ...status, lagBlocks: 500 };
    const r = await get('/ready');
    expect(r.res.status).toBe(503);
    expect(r.body.error.code).toBe('not_ready');
    expect(r.body.error.message).toMatch(/500 blocks behind/);
    status = { ...status, lagBlocks: null, phase: 'backfill' };
    expect((await app.request('/ready')).status).toBe(503);
    status = { ...status, lagBlocks: 0, phase: 'live' };
  });

  it('publishes an OpenAPI 3.1 document covering every endpoint and a browsable reference', async () => {
    const doc = (await get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method ?? 'get'];
      expect(op, `${r.method ?? 'get'} ${r.path}`).toBeDefined();
      if (r.method === 'post') expect(op.requestBody, r.path).toBeDefined();
      for (const name of Object.keys(r.query?.shape ?? {})) expect(op.parameters.some((p: J) => p.name === name && p.in === 'query'), `${r.path} ${name}`).toBe(true);
      expect(op.responses['200'].content['application/json'].schema).toBeDefined();
    }
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    const docs = await app.request('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    const html = await docs.text();
    for (const r of routes) expect(html).toContain(r.path);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  // ------------------------------------------------------------------ GraphQL

  const gql = async (query: string, variables?: J) => {
    const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as J;
  };

  it('GraphQL answers common subgraph queries unchanged, with the same values as REST', async () => {
    const r = await gql(`query ($first: Int, $skip: Int) {
      transcoders(first: $first, skip: $skip, orderBy: totalStake, orderDirection: desc, where: { active: true }) {
        id totalStake rewardCut feeShare lastRewardRound { id } activationRound deactivationRound active serviceURI
        delegators(first: 1000) { id } pools(first: 30, orderBy: id, orderDirection: desc) { rewardTokens fees round { id } }
      }
    }`, { first: 5, skip: 0 });
    expect(r.errors).toBeUndefined();
    const rest = (await get('/api/v1/orchestrators?active=true&sort=stake&order=desc&limit=5')).body.data as J[];
    expect(r.data.transcoders.map((t: J) => t.id)).toEqual(rest.map((o) => o.address));
    for (const [i, t] of (r.data.transcoders as J[]).entries()) {
      expect(t.totalStake).toBe(rest[i]!.totalStake.formatted);
      expect(t.rewardCut).toBe(String(rest[i]!.rewardCut.ppm));
      expect(t.lastRewardRound.id).toBe(String(rest[i]!.lastRewardRound));
      expect(t.delegators.length).toBe(rest[i]!.delegators);
    }
    const p = await gql('{ protocol(id: "0") { inflation totalActiveStake participationRate delegatorsCount currentRound { id mintableTokens } } }');
    const net = (await get('/api/v1/network')).body;
    expect(p.data.protocol.currentRound.id).toBe(String(net.currentRound.round));
    expect(p.data.protocol.currentRound.mintableTokens).toBe(net.currentRound.mintable.formatted);
    expect(p.data.protocol.totalActiveStake).toBe(net.participation.totalActiveStake.formatted);
    expect(p.data.protocol.delegatorsCount).toBe(String(net.delegators));

    const [d] = await q(fx.db, sql<J>`select address from delegator where bonded_amount > 0 order by bonded_amount desc limit 1`);
    const acct = (await get(`/api/v1/delegators/${d!.address}`)).body;
    const dg = await gql(`{ delegator(id: "${d!.address}") { id bondedAmount delegate { id } pendingStake pendingFees unbondingLocks { amount withdrawRound } } }`);
    expect(dg.data.delegator.bondedAmount).toBe(acct.bondedAmount.formatted);
    expect(dg.data.delegator.pendingStake).toBe(acct.pendingStake.formatted);
    expect(dg.data.delegator.delegate.id).toBe(acct.delegate);

    const ev = await gql('{ rewardEvents(first: 3, orderBy: timestamp, orderDirection: desc) { id rewardTokens delegate { id } round { id } transaction { id } } events(first: 5, where: { round: "' + net.currentRound.round + '" }) { __typename id round { id } ... on RewardEvent { rewardTokens } } }');
    expect(ev.errors).toBeUndefined();
    expect(ev.data.rewardEvents.length).toBe(3);
    expect(ev.data.events.every((e: J) => e.round.id === String(net.currentRound.round))).toBe(true);

    const gov = await gql('{ treasuryProposals(orderBy: voteStart, orderDirection: desc) { id forVotes againstVotes abstainVotes votes { voter { id } support weight } } days(first: 3, orderBy: date, orderDirection: desc) { date volumeETH participationRate } }');
    expect(gov.errors).toBeUndefined();
    const props = (await get('/api/v1/proposals')).body.data as J[];
    expect(gov.data.treasuryProposals.length).toBe(props.length);
    for (const tp of gov.data.treasuryProposals as J[]) expect(tp.forVotes).toBe(props.find((x) => x.id === tp.id)!.votes.for.formatted);
  });

  it('GraphQL rejects what it cannot serve with clear errors', async () => {
    expect((await gql('{ transcoders(block: { number: 999999999 }) { id } }')).errors[0].message).toMatch(/has only indexed up to block number \d+ and data for block number 999999999 is therefore not yet available/);
    expect((await gql('{ transcoders(first: 5000) { id } }')).errors[0].message).toBe('The `first` argument must be between 0 and 1000, but is 5000');
    expect((await gql('{ transcoders(where: { nope: 1 }) { id } }')).errors[0].message).toMatch(/nope/);
    // Deep but cheap (one row per level): refused for its depth; a deep query with wide lists is refused for its cost first.
    const deep = '{ transcoders(first: 1) { delegators(first: 1) { delegate { delegators(first: 1) { delegate { delegators(first: 1) { delegate { delegators(first: 1) { id } } } } } } } } }';
    expect((await gql(deep)).errors[0].message).toMatch(/nested \d+ levels deep/);
  });

  // ------------------------------------------------------------------ live

  it('streams new rounds over server-sent events as rows are indexed', async () => {
    const server = await startServer({ app: createApp({ db: fx.db.db, dbKind: kind, status: () => status, rateLimit: false, webDir: null, live: { pollMs: 100 } }), port: 0 });
    const ac = new AbortController();
    try {
      const res = await fetch(`${server.url}/events?types=round,update`, { signal: ac.signal });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      const until = async (re: RegExp) => {
        const deadline = Date.now() + 10_000;
        while (!re.test(buf) && Date.now() < deadline) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += decoder.decode(value);
        }
        return re.test(buf);
      };
      expect(await until(/event: hello/)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      const [head] = await q(fx.db, sql<J>`select block_number::text as b, round::int as r from chain_event order by block_number desc, log_index desc limit 1`);
      const block = BigInt(head!.b) + 1n;
      await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, args)
        values (${block.toString()}, 0, '0xfeed', 0, 1, ${head!.r}, 'RoundsManager', 'NewRound', ${JSON.stringify({ round: String(head!.r + 1), blockHash: '0x00' })})`.execute(fx.db.db);
      expect(await until(new RegExp(`event: round\\ndata: \\{[^\\n]*"round":${head!.r + 1}[^\\n]*\\nid: ${block}-0\\n`))).toBe(true);
      expect(await until(/event: update/)).toBe(true);
      await sql`delete from chain_event where block_number = ${block.toString()}`.execute(fx.db.db);
    } finally {
      ac.abort();
      await server.close();
    }
  });
});

describe.each(dbKinds)('API over an empty database on %s (indexer not started)', (kind) => {
  it('answers every list with empty data, the overview with nulls, and /ready with 503', async () => {
    const db = await openTestDb(kind, { migrate: true });
    try {
      const app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: null, indexedBlock: null, lagBlocks: null, phase: 'starting' }), rateLimit: false, webDir: null });
      const net = (await (await app.request('/api/v1/network')).json()) as J;
      networkSchema.parse(net);
      expect(net.currentRound).toBeNull();
      expect(net.delegators).toBe(0);
      for (const p of ['/api/v1/orchestrators', '/api/v1/rounds', '/api/v1/events', '/api/v1/proposals']) {
        const r = await app.request(p);
        expect(r.status, p).toBe(200);
        expect(((await r.json()) as J).data, p).toEqual([]);
      }
      expect((await app.request('/ready')).status).toBe(503);
      const g = (await (await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ protocol(id: "0") { id inflation } transcoders { id } }' }) })).json()) as J;
      // The subgraph's Protocol exists from the start with zeros (its fields are non-null).
      expect(g.data).toEqual({ protocol: { id: '0', inflation: '0' }, transcoders: [] });
      const html = await (await app.request('/')).text();
      expect(html).toMatch(/not built/);
    } finally {
      await db.close();
    }
  });
});

describe('response schemas parse', () => {
  it('every route has a response schema that converts to JSON Schema', () => {
    for (const r of routes) expect(() => z.toJSONSchema(r.response, { unrepresentable: 'any' })).not.toThrow();
  });
});
