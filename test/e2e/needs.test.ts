import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, startServer, type RunningServer } from '../../src/api/index.js';
import { parseReport, parseReportDir, readReportDir } from '../../src/needs/parser.js';
import { importReport } from '../../src/needs/store.js';
import { percent, shortAddress, token } from '../../web/src/format.js';
import { WEB_DIST } from './browser.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';
import { openTestDb } from '../helpers/db.js';
import { VENDORED_REPORT_DIR as REPORT_DIR } from '../../src/needs/vendored.js';

const score1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

describe('data-needs map, coverage and role pages in Chromium over an indexed simulator network', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  const { api, text, open, shot } = pageTools(() => server.url, () => context, pageErrors);
  // The page's own content (main); the shared top navigation is outside these pages.
  const noHorizontalOverflow = async (page: Page) =>
    page.evaluate(() => {
      const main = document.querySelector('main')!;
      return main.scrollWidth <= window.innerWidth && Array.from(main.querySelectorAll('*')).every((el) => el.closest('.table-wrap') !== null || el.getBoundingClientRect().right <= window.innerWidth + 0.5);
    });

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    await importReport(fx.db.db, parseReportDir(REPORT_DIR), REPORT_DIR, 'e2e-v1');
    // A second version that re-scores one question: the pages show the newest and what changed.
    const v2 = readReportDir(REPORT_DIR).map((f) => (f.file === 'roles/gateway.md' ? { ...f, text: f.text.replace('*Data availability score: 0–2*', '*Data availability score: 3*') } : f));
    await importReport(fx.db.db, parseReport(v2), REPORT_DIR, 'e2e-v2');
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock, app: { live: { pollMs: 200 } } });
    ({ server, context } = dash);
  });

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('map: every question by role and scenario, with report scores and live answers from the API', async () => {
    const map = await api('/api/v1/needs');
    const net = await api('/api/v1/network');
    const top = await api('/api/v1/orchestrators?sort=stake&order=desc&limit=5');
    expect(top.data.length, `orchestrators: ${JSON.stringify(top).slice(0, 200)}; network: ${JSON.stringify(net).slice(0, 300)}`).toBeGreaterThan(0);
    const page = await open('/needs');
    await page.getByTestId('needs-role-gateway').waitFor();
    expect(await page.locator('[data-testid^="need-"]').count()).toBe(112);
    for (const r of map.roles) expect(await page.getByTestId(`needs-role-${r.id}`).locator('h2').innerText()).toBe(r.name);
    expect(await text(page, 'report-score-gateway/safety-faults-detectable-protocol-mechanism')).toBe('3 (transcoding) · 0 (AI)');
    expect(await text(page, 'report-score-gateway/competitive-livepeer-gpus-tradcloud-depin-peers-risk')).toBe('3');
    expect(await page.getByTestId('need-investor-delegator/legal-relationship-foundation-lpt-token').getAttribute('data-status')).toBe('out-of-scope');
    // Live figure: the network's fees, as the API reports them.
    await page.getByTestId('answer-gateway/much-revenue-network-whole-generate').waitFor();
    expect(await text(page, 'answer-gateway/much-revenue-network-whole-generate')).toBe(token(net.totals.fees, 2));
    // Live table: the orchestrators with the most stake, in the API's order.
    const table = page.getByTestId('answer-delegate/os-attract-most-delegated-lpt-today');
    await table.locator('tbody tr').first().waitFor();
    const firstRow = await table.locator('tbody tr').first().locator('td').allInnerTexts();
    expect(firstRow.slice(0, 2)).toEqual([shortAddress(top.data[0].address), token(top.data[0].totalStake, 2)]);
    expect(await table.locator('tbody tr').count()).toBe(Math.min(5, top.data.length));
    // Live chart.
    await page.getByTestId('answer-foundation/metrics-track-progress-towards-goals').locator('canvas').first().waitFor();
    // Every live answer arrived without an error.
    await page.waitForFunction(() => !document.body.innerText.includes('Asking Atlas'));
    expect(await page.getByTestId('error').count()).toBe(0);
    // Filter to what Atlas answers: exactly the answered questions stay.
    await page.getByTestId('needs-status-filter').selectOption('answered');
    expect(await page.locator('[data-testid^="need-"]').count()).toBe(map.overall.answered);
    expect(await page.locator('[data-testid^="need-"][data-status="answered"]').count()).toBe(map.overall.answered);
    await page.getByTestId('needs-status-filter').selectOption('all');
    await page.getByTestId('needs-role-filter').selectOption('spe');
    expect(await page.locator('[data-testid^="need-"]').count()).toBe(4);
    await page.getByTestId('needs-role-filter').selectOption('all');
    await shot(page, 'needs-map', false); // the full map is several screens of questions
    // A view link leads to the full view.
    await page.getByTestId('need-delegate/os-attract-most-delegated-lpt-today').getByRole('link', { name: '/orchestrators' }).click();
    await page.getByTestId('directory').waitFor();
    expect(new URL(page.url()).pathname).toBe('/orchestrators');
    await page.close();
  });

  it('coverage: share answered by role and the score before and after', async () => {
    const cov = await api('/api/v1/needs/coverage');
    const page = await open('/needs/coverage');
    await page.getByTestId('coverage-answered').waitFor();
    expect(await text(page, 'coverage-answered')).toBe(`${cov.overall.answered} of 112`);
    expect(await text(page, 'coverage-share')).toBe(percent(cov.overall.answeredShare, 1));
    expect(await text(page, 'coverage-share-in-scope')).toBe(percent(cov.overall.answeredShareInScope, 1));
    expect(await text(page, 'score-before')).toBe(score1(cov.overall.scoreBefore));
    expect(await text(page, 'score-after')).toBe(score1(cov.overall.scoreAfter));
    expect(cov.overall.scoreAfter).toBeGreaterThan(cov.overall.scoreBefore);
    expect(cov.roles).toHaveLength(6);
    for (const r of cov.roles) {
      expect(await text(page, `coverage-role-answered-${r.roleId}`)).toBe(`${r.answered} / ${r.total}`);
      expect(await text(page, `coverage-role-score-${r.roleId}`)).toBe(`${score1(r.scoreBefore)} → ${score1(r.scoreAfter)}`);
    }
    await page.getByTestId('chart-coverage').locator('canvas').first().waitFor();
    expect(await page.getByTestId('needs-versions').locator('tbody tr').allInnerTexts()).toHaveLength(2);
    await page.getByTestId('needs-compare').waitFor();
    expect(await page.getByTestId('needs-compare').locator('p').innerText()).toMatch(/^Version \d+ against \d+: 0 added, 0 removed, 1 re-scored\.$/);
    expect(await page.getByTestId('needs-compare').locator('li').innerText()).toBe('re-scored How competitive are Livepeer GPUs with tradcloud or DePIN peers on risk? (0–2 → 3)');
    await shot(page, 'needs-coverage');
    await page.getByTestId('coverage-role-gateway').getByRole('link').click();
    await page.getByTestId('role-name').waitFor();
    expect(await text(page, 'role-name')).toBe('Gateway');
    await page.close();
  });

  it('role landing pages gather the views each role needs', async () => {
    for (const [id, name] of [
      ['gateway', 'Gateway'],
      ['orchestrator', 'Orchestrator'],
      ['investor-delegator', 'Investor-delegator'],
      ['delegate', 'Delegate'],
      ['spe', 'Special purpose entity'],
      ['foundation', 'Livepeer Foundation'],
    ] as const) {
      const landing = await api(`/api/v1/needs/roles/${id}`);
      const page = await open(`/roles/${id}`);
      await page.getByTestId('role-name').waitFor();
      expect(await text(page, 'role-name')).toBe(name);
      if (landing.views.length > 0) expect(await page.getByTestId('role-views').locator('li').count()).toBe(landing.views.length);
      for (const a of landing.answers) await page.getByTestId(`role-answer-${a.questionId}`).waitFor();
      if (id === 'orchestrator') await shot(page, 'role-orchestrator');
      await page.close();
    }
    const missing = await open('/roles/builder');
    await missing.getByTestId('error').waitFor();
    expect(await missing.getByTestId('error').innerText()).toContain('no role "builder" in the report');
    await missing.close();
  });

  it('says how to import a report when none is stored', async () => {
    const empty = await openTestDb('pglite', { migrate: true });
    const app = createApp({ db: empty.db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: WEB_DIST });
    const bare = await startServer({ app, port: 0 });
    try {
      for (const p of ['/needs', '/needs/coverage', '/roles/gateway']) {
        const page = await context.newPage();
        await page.goto(`${bare.url}${p}`);
        await page.getByTestId('error').waitFor();
        expect(await page.getByTestId('error').innerText()).toContain('run `atlas needs import <report dir>`');
        await page.close();
      }
    } finally {
      await bare.close();
      await empty.close();
    }
  });

  it('works at 375 px without horizontal scrolling', async () => {
    for (const p of ['/needs', '/needs/coverage', '/roles/delegate']) {
      const page = await open(p, 375);
      await page.locator('h1').first().waitFor();
      await page.waitForTimeout(500);
      expect(await noHorizontalOverflow(page), p).toBe(true);
      if (p === '/needs/coverage') await shot(page, 'mobile-needs-coverage');
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
