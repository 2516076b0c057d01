import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { usd } from '../../web/src/format.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('"Show USD" toggle in Chromium over an indexed simulator network', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];
  const { api, text, open, shot } = pageTools(() => server.url, () => context, pageErrors);
  const shown = (s: string | null) => `(${usd(s)})`;

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock });
    ({ server, context } = dash);
  }, 600_000);

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('directory: hidden by default, then the API USD values beside stake and fees; the choice persists', async () => {
    const list = await api('/api/v1/orchestrators?active=true&sort=stake&order=desc&limit=50');
    const first = list.data[0] as J;
    expect(first.usd.totalStake).toMatch(/^\d+\.\d\d$/);
    expect(first.usd.fees30d).toMatch(/^\d+\.\d\d$/);
    const page = await open('/orchestrators');
    await page.getByTestId('directory').waitFor();
    expect(await page.getByTestId('usd-stake').count()).toBe(0);
    await page.getByTestId('usd-toggle').check();
    await page.getByTestId('usd-stake').first().waitFor();
    const row = page.locator(`[data-testid="directory"] tbody tr[data-address="${first.address}"]`);
    expect((await row.getByTestId('usd-stake').innerText()).trim()).toBe(shown(first.usd.totalStake));
    expect((await row.getByTestId('usd-fees30d').innerText()).trim()).toBe(shown(first.usd.fees30d));
    expect(await page.getByTestId('usd-stake').count()).toBe(list.data.length);
    await shot(page, 'orchestrators-usd');
    // Persisted in localStorage: a reload keeps it on.
    await page.reload();
    await page.getByTestId('usd-stake').first().waitFor();
    expect(await page.getByTestId('usd-toggle').isChecked()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem('atlas.showUsd'))).toBe('1');
    await page.close();
  });

  it('account: balances at the latest price and each history event at its block', async () => {
    // A delegator that bonded after the first price, so its history holds priced and unpriced rows.
    const bonds = (await api('/api/v1/events?name=Bond&limit=500')).data as J[];
    const bond = bonds.find((e) => e.amountUsd !== null)!;
    expect(bond).toBeDefined();
    const who = { address: bond.args.delegator as string };
    const a = await api(`/api/v1/delegators/${who.address}`);
    const page = await open(`/accounts/${who.address}`);
    await page.getByTestId('usd-account-bonded').waitFor();
    expect((await text(page, 'usd-account-bonded'))).toBe(shown(a.usd.bondedAmount));
    expect((await text(page, 'usd-account-pending-stake'))).toBe(shown(a.usd.pendingStake));
    expect((await text(page, 'usd-account-pending-fees'))).toBe(shown(a.usd.pendingFees));
    const valued = (a.history.data as J[]).filter((e) => e.amountUnit !== null);
    expect(valued.some((e) => e.amountUsd !== null)).toBe(true);
    await page.getByTestId('history').waitFor();
    const cells = await page.getByTestId('usd-event').allInnerTexts();
    expect(cells.map((c) => c.trim())).toEqual(valued.map((e) => shown(e.amountUsd)));
    await shot(page, 'account-usd');
    await page.close();
  });

  it('overview, orchestrator and treasury pages show the API figures; turning it off hides them', async () => {
    const n = await api('/api/v1/network');
    const page = await open('/');
    await page.getByTestId('usd-round-fees').waitFor();
    expect(await text(page, 'usd-round-fees')).toBe(shown(n.usd.currentRoundFees));
    expect(await text(page, 'usd-rewards-called')).toBe(shown(n.usd.currentRoundRewardsCalled));
    const top = (await api('/api/v1/orchestrators?limit=1')).data[0] as J;
    await page.goto(`${server.url}/orchestrators/${top.address}`);
    await page.getByTestId('usd-orch-stake').waitFor();
    expect(await text(page, 'usd-orch-stake')).toBe(shown(top.usd.totalStake));
    const t = await api('/api/v1/treasury');
    await page.goto(`${server.url}/treasury`);
    await page.getByTestId('usd-treasury-balance').waitFor();
    expect(await text(page, 'usd-treasury-balance')).toBe(shown(t.balanceUsd));
    await page.getByTestId('usd-toggle').uncheck();
    await page.getByTestId('usd-treasury-balance').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => localStorage.getItem('atlas.showUsd'))).toBe('0');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
