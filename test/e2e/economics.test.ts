import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { decimal, dollars, percent } from '../../web/src/format.js';
import { indexedFixture } from './fixture.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('income and investor pages in Chromium over an indexed simulator network', () => {
  let fx: Awaited<ReturnType<typeof indexedFixture>>;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  const { api, text, open, shot } = pageTools(() => server.url, () => context, pageErrors);
  const usd = (s: string) => dollars(s);
  const cents = (s: string) => BigInt(s.replace('.', ''));

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock });
    ({ server, context } = dash);
  });

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('income page shows kept vs shared in USD, the ranking and implied costs that follow the assumptions', async () => {
    const inc = await api('/api/v1/economics/income');
    const kept = inc.cells.reduce((a: bigint, c: J) => a + cents(c.keptUsd), 0n);
    const page = await open('/income');
    await page.getByTestId('income-kept').waitFor();
    expect(await text(page, 'income-kept')).toBe(usd(`${kept / 100n}.${(kept % 100n).toString().padStart(2, '0')}`));
    expect(await page.getByTestId('income-table').locator('tbody tr').count()).toBe(inc.cells.length);
    expect(await page.getByTestId('cell-kept-usd').first().innerText()).toBe(usd(inc.cells[0].keptUsd));
    await page.getByTestId('income-chart').locator('canvas').first().waitFor();
    const rank = await api('/api/v1/economics/income/ranking?limit=15');
    await page.getByTestId('income-ranking').waitFor();
    expect((await page.getByTestId('income-ranking').locator('tbody tr').first().innerText()).includes(usd(rank.data[0].keptUsd))).toBe(true);
    // Implied cost per GPU-hour halves when the GPU count doubles.
    await page.getByTestId('cell-gpu-hour').first().waitFor();
    const before = Number((await text(page, 'cell-gpu-hour')).slice(1).replace(/,/g, ''));
    await page.getByTestId('assume-gpus').fill('8');
    await page.waitForFunction((b) => {
      const el = document.querySelector('[data-testid="cell-gpu-hour"]');
      // Shown in cents from one cent up: halving is exact to the cent (or to three significant digits below).
      return el !== null && Math.abs(Number(el.textContent!.slice(1).replace(/,/g, '')) - b / 2) <= Math.max(0.0051, b * 0.006);
    }, before);
    await page.getByRole('button', { name: 'Quarter' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="income-table"] tbody tr').length >= 1 && document.querySelector('[data-testid="income-table"] th')?.textContent === 'quarter');
    await shot(page, 'income');
    // One orchestrator's page from the ranking.
    await page.getByRole('button', { name: 'Round' }).click();
    await page.getByTestId('income-ranking').locator('tbody tr a').first().click();
    await page.waitForURL(/\/income\/0x[0-9a-f]{40}$/);
    const one = await api(`/api/v1/economics/orchestrators/${rank.data[0].orchestrator}/income`);
    const oneKept = one.cells.reduce((a: bigint, c: J) => a + cents(c.keptUsd), 0n);
    await page.waitForFunction((want) => document.querySelector('[data-testid="income-kept"]')?.textContent === want, usd(`${oneKept / 100n}.${(oneKept % 100n).toString().padStart(2, '0')}`));
    await page.close();
  });

  it('investor page shows revenue dividends, real yield and the staking feed, also at 375 px', async () => {
    const feed = await api('/api/v1/feeds/staking');
    const rev = await api('/api/v1/economics/revenue');
    const page = await open('/investors');
    await page.getByTestId('staking-ratio').waitFor();
    expect(await text(page, 'staking-ratio')).toBe(percent(feed.stakingRatio));
    expect(await text(page, 'reward-rate')).toBe(percent(feed.rewardRate.annual));
    expect(await text(page, 'real-yield')).toBe(percent(rev.data.at(-1).realYieldAnnualized));
    expect(await page.getByTestId('revenue-table').locator('tbody tr').count()).toBe(rev.data.length);
    const withDividend = rev.data.findIndex((r: J) => r.dividendPerLptUsd !== null);
    expect(await page.getByTestId('cell-dividend-usd').nth(withDividend).innerText()).toBe(`$${decimal(rev.data[withDividend].dividendPerLptUsd, 8)}`);
    expect((await text(page, 'lpt-usd')).startsWith('$')).toBe(true);
    for (const id of ['yield-chart', 'dividend-chart']) await page.getByTestId(id).locator('canvas').first().waitFor();
    expect(await page.getByTestId('feed-link').getAttribute('href')).toBe('/api/v1/feeds/staking');
    await shot(page, 'investors');
    await page.getByRole('button', { name: 'Quarter' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="revenue-table"] th')?.textContent === 'quarter');
    await page.close();
    const mobile = await open('/investors', 375);
    await mobile.getByTestId('staking-ratio').waitFor();
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await shot(mobile, 'mobile-investors');
    await mobile.close();
    expect(pageErrors).toEqual([]);
  });
});
