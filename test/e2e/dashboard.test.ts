import { sql } from 'kysely';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { decimal, percent, token } from '../../web/src/format.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('dashboard in Chromium against the API over an indexed simulator network', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  const { api, text, open, shot, noHorizontalOverflow } = pageTools(() => server.url, () => context, pageErrors);

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    // The recorded chain is seen a few seconds after its newest block, so the header's badge reads it as live.
    const [head] = (await sql<J>`select max(block_time)::text as t from chain_event`.execute(fx.db.db)).rows;
    const now = (Number(head!.t) + 5) * 1000;
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock, app: { live: { pollMs: 200 }, now: () => now } });
    ({ server, context } = dash);
  });

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('overview shows the API figures, charts and a live connection', async () => {
    const net = await api('/api/v1/network');
    const page = await open('/');
    await page.getByTestId('current-round').waitFor();
    expect(await text(page, 'current-round')).toBe(String(net.currentRound.round));
    expect(await text(page, 'participation')).toBe(percent(net.participation.ratio));
    expect(await text(page, 'delegators')).toBe(net.delegators.toLocaleString('en-US'));
    expect(await text(page, 'active-orchestrators')).toBe(String(net.activeOrchestrators));
    expect(await text(page, 'mintable')).toBe(token(net.currentRound.mintable, 0));
    expect(await text(page, 'rewards-called')).toBe(token(net.currentRound.rewardsCalled, 0));
    expect(await text(page, 'total-fees')).toBe(token(net.totals.fees, 2));
    for (const id of ['chart-fees', 'chart-rewards', 'chart-participation', 'chart-counts']) await page.getByTestId(id).locator('canvas').first().waitFor();
    await page.getByText('● live').waitFor();
    // Range selection and interval switch re-render without errors.
    await page.getByRole('button', { name: 'Per week' }).click();
    await page.getByRole('button', { name: 'Last 30' }).click();
    await page.getByRole('button', { name: 'Per day' }).click();
    await shot(page, 'overview');
    await page.close();
  });

  it('overview updates without a reload when a new round is indexed', async () => {
    const page = await open('/');
    await page.getByTestId('current-round').waitFor();
    const before = Number(await text(page, 'current-round'));
    await page.getByText('● live').waitFor();
    const [head] = (await sql<J>`select block_number::text as b from chain_event order by block_number desc, log_index desc limit 1`.execute(fx.db.db)).rows;
    const block = BigInt(head!.b) + 1n;
    // What the indexer would write for a NewRound: the round row and its event.
    await sql`insert into protocol_round (round, block_number, block_time, l1_block, block_hash, mintable, inflation, total_active_stake, l2_supply, l1_supply,
        treasury_reward_cut_rate, treasury_balance, active_transcoders)
      select round + 1, ${block.toString()}, block_time + 76000, l1_block, block_hash, mintable, inflation, total_active_stake, l2_supply, l1_supply,
        treasury_reward_cut_rate, treasury_balance, active_transcoders from protocol_round order by round desc limit 1`.execute(fx.db.db);
    await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, args)
      values (${block.toString()}, 0, '0xfeed', 0, 1749960000, ${before}, 'RoundsManager', 'NewRound', ${JSON.stringify({ round: String(before + 1), blockHash: '0x00' })})`.execute(fx.db.db);
    try {
      await page.waitForFunction((want) => document.querySelector('[data-testid="current-round"]')?.textContent === want, String(before + 1), { timeout: 15_000 });
    } finally {
      await sql`delete from chain_event where block_number = ${block.toString()}`.execute(fx.db.db);
      await sql`delete from protocol_round where round = ${before + 1}`.execute(fx.db.db);
      await page.close();
    }
  });

  it('directory lists the API rows, sorts and filters like the API', async () => {
    const expected = (await api('/api/v1/orchestrators?active=true&sort=stake&order=desc&limit=50')).data as J[];
    const page = await open('/orchestrators');
    const rows = page.locator('[data-testid="directory"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(expected.length);
    expect(await rows.first().getAttribute('data-address')).toBe(expected[0]!.address);
    expect((await rows.first().getByTestId('cell-stake').innerText()).trim()).toBe(token(expected[0]!.totalStake, 0));
    expect((await rows.first().getByTestId('cell-feecut').innerText()).trim()).toBe(`${decimal(String(expected[0]!.feeCut.percent), 2)}%`);
    await shot(page, 'directory');

    // Column header sort: reward cut ascending.
    const byCut = (await api('/api/v1/orchestrators?active=true&sort=rewardCut&order=asc&limit=50')).data as J[];
    await page.getByTestId('sort-rewardCut').click();
    await page.waitForFunction((addr) => document.querySelector('[data-testid="directory"] tbody tr')?.getAttribute('data-address') === addr, byCut[0]!.address);
    const cuts = await page.locator('[data-testid="directory"] tbody tr [data-testid="cell-rewardcut"]').allInnerTexts();
    expect(cuts).toEqual(byCut.map((o) => `${decimal(String(o.rewardCut.percent), 2)}%`));
    // Clicking again flips the order.
    const byCutDesc = (await api('/api/v1/orchestrators?active=true&sort=rewardCut&order=desc&limit=50')).data as J[];
    await page.getByTestId('sort-rewardCut').click();
    await page.waitForFunction((addr) => document.querySelector('[data-testid="directory"] tbody tr')?.getAttribute('data-address') === addr, byCutDesc[0]!.address);

    // Fees (30 days) sort via the select.
    const byFees = (await api('/api/v1/orchestrators?active=true&sort=fees30d&order=desc&limit=50')).data as J[];
    await page.getByTestId('sort-select').selectOption('fees30d:desc');
    await page.waitForFunction((addr) => document.querySelector('[data-testid="directory"] tbody tr')?.getAttribute('data-address') === addr, byFees[0]!.address);
    expect(await page.locator('[data-testid="directory"] tbody tr [data-testid="cell-fees30d"]').allInnerTexts()).toEqual(byFees.map((o) => token(o.fees30d, 4)));

    // Filters: status "All", max fee cut, then a search.
    await page.getByTestId('filter-active').selectOption('');
    await page.getByTestId('filter-feecut').selectOption('10');
    const cheap = (await api('/api/v1/orchestrators?sort=fees30d&order=desc&maxFeeCut=10&limit=50')).data as J[];
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="directory"] tbody tr').length === n, cheap.length);
    const target = cheap[0]!;
    await page.getByTestId('filter-q').fill(target.address.slice(2, 10));
    const found = (await api(`/api/v1/orchestrators?sort=fees30d&order=desc&maxFeeCut=10&q=${target.address.slice(2, 10)}`)).data as J[];
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="directory"] tbody tr').length === n, found.length);
    expect(await page.locator('[data-testid="directory"] tbody tr').first().getAttribute('data-address')).toBe(target.address);

    // The CSV link exports what is on screen.
    const href = await page.getByTestId('csv-link').getAttribute('href');
    expect(href).toContain('format=csv');
    const csv = await (await fetch(`${server.url}${href}`)).text();
    expect(csv.trim().split('\r\n').length).toBe(found.length + 1);

    await page.getByTestId('filter-q').fill('no-such-orchestrator');
    await page.getByTestId('empty').waitFor();
    await page.close();
  });

  it('orchestrator page shows stake, fees, pools, cut changes and delegators from the API', async () => {
    const top = (await api('/api/v1/orchestrators?sort=stake&order=desc&limit=1')).data[0] as J;
    const page = await open('/orchestrators');
    await page.locator(`[data-address="${top.address}"] a`).click();
    await page.getByTestId('orch-stake').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/orchestrators/${top.address}`);
    const d = await api(`/api/v1/orchestrators/${top.address}?historyRounds=1000`);
    expect(await text(page, 'orch-address')).toBe(top.address);
    expect(await text(page, 'orch-stake')).toBe(token(d.orchestrator.totalStake, 2));
    expect(await text(page, 'orch-fees30')).toBe(token(d.orchestrator.fees30d, 4));
    expect(await text(page, 'orch-calls')).toBe(percent(d.orchestrator.rewardCalls90.ratio, 0));
    expect(await page.locator('[data-testid="pools"] tbody tr').count()).toBe(d.history.length);
    expect(await page.locator('[data-testid="cut-changes"] tbody tr').count()).toBe(d.cutChanges.length);
    await page.locator('[data-testid="delegators"] tbody tr').first().waitFor();
    expect(await text(page, 'delegator-total')).toBe(String(d.delegators.total));
    await page.getByTestId('chart-stake').locator('canvas').first().waitFor();
    await shot(page, 'orchestrator');
    await page.close();
  });

  it('account page shows bonded and pending stake/fees, locks and history from the API', async () => {
    // A delegator that is no orchestrator: the search lands on its stake and history.
    const [row] = (await sql<J>`select address from delegator where jsonb_array_length(unbonding_locks) > 0 and address not in (select address from transcoder) order by bonded_amount desc limit 1`.execute(fx.db.db)).rows;
    const address = row!.address as string;
    const a = await api(`/api/v1/delegators/${address}?limit=25`);
    const page = await open('/');
    await page.getByTestId('account-search').fill(address.toUpperCase().replace('0X', '0x'));
    await page.getByTestId('account-search').press('Enter');
    await page.getByTestId('account-bonded').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/accounts/${address}`);
    expect(await text(page, 'account-bonded')).toBe(token(a.bondedAmount, 4));
    expect(await text(page, 'account-pending-stake')).toBe(token(a.pendingStake, 4));
    expect(await text(page, 'account-pending-fees')).toBe(token(a.pendingFees, 6));
    expect(await text(page, 'account-unbonding')).toBe(token(a.unbonding, 4));
    expect(await page.locator('[data-testid="locks"] tbody tr').count()).toBe(a.unbondingLocks.length);
    expect(await page.locator('[data-testid="history"] tbody tr').count()).toBe(a.history.data.length);
    if (a.history.page.nextCursor) {
      await page.getByTestId('history-more').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="history"] tbody tr').length > n, a.history.data.length);
    }
    await shot(page, 'account');
    await page.close();
  });

  it('top navigation: area menus open, lead to their pages and mark the current area', async () => {
    const page = await open('/');
    const governance = page.getByTestId('nav-governance');
    await governance.locator('summary').click();
    await governance.getByRole('link', { name: 'Treasury' }).click();
    await page.waitForURL(/\/treasury$/);
    expect(await governance.getAttribute('class')).toContain('active');
    expect(await governance.getAttribute('open')).toBeNull();
    const jobs = page.getByTestId('nav-jobs');
    await jobs.locator('summary').click();
    await jobs.getByRole('link', { name: 'Leaderboard' }).click();
    await page.waitForURL(/\/leaderboard$/);
    expect(await jobs.getAttribute('class')).toContain('active');
    expect(await governance.getAttribute('class')).not.toContain('active');
    await page.close();
  });

  it('shows clear error and not-found states', async () => {
    const page = await open('/orchestrators/0x00000000000000000000000000000000000000ab');
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').innerText()).toMatch(/Not found[\s\S]*no orchestrator with address 0x0{38}ab/);
    // An address that never bonded: no error and no Retry, a way on to what else is known of it.
    await page.goto(`${server.url}/accounts/0x00000000000000000000000000000000000000cd`);
    await page.getByTestId('account-never-bonded').waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.getByTestId('account-never-bonded').getByRole('link').click();
    await page.getByTestId('hub-unknown').waitFor();
    await page.close();
  });

  it('fits a 375 px wide screen on every page without horizontal overflow', async () => {
    const top = (await api('/api/v1/orchestrators?sort=stake&order=desc&limit=1')).data[0] as J;
    const [row] = (await sql<J>`select address from delegator where bonded_amount > 0 order by bonded_amount desc limit 1`.execute(fx.db.db)).rows;
    const pages: [string, string, string][] = [
      ['/', 'current-round', 'mobile-overview'],
      ['/orchestrators', 'directory', 'mobile-directory'],
      [`/orchestrators/${top.address}`, 'orch-stake', 'mobile-orchestrator'],
      [`/accounts/${row!.address}`, 'account-bonded', 'mobile-account'],
    ];
    for (const [p, ready, name] of pages) {
      const page = await open(p, 375);
      await page.getByTestId(ready).first().waitFor();
      await page.waitForTimeout(300);
      expect(await noHorizontalOverflow(page), p).toBe(true);
      await shot(page, name);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
