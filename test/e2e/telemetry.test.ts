import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { feed } from '../../src/telemetry/feed.js';
import { planFromScenario } from '../../src/telemetry/loadgen.js';
import { percent } from '../../web/src/format.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const HOUR = 3_600_000;

describe('telemetry pages in Chromium over load-generated reports and an indexed simulator network', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  let fed: { reports: number; events: number };
  const pageErrors: string[] = [];
  // Every page holds a live-events connection; Chromium allows 6 per host, so pages are closed after each test.
  const pages: Page[] = [];

  const { api, text, open, shot, noHorizontalOverflow } = pageTools(() => server.url, () => context, pageErrors, { onOpen: (page) => pages.push(page) });

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    // Telemetry runs on the simulated chain's clock, so reports and winning tickets share days.
    const head = await sql<{ t: string | null }>`select max(block_time)::text as t from chain_event`.execute(fx.db.db);
    const now = head.rows[0]!.t === null ? Date.now() : Number(head.rows[0]!.t) * 1000;
    const plan = planFromScenario(resolveScenario({ preset: 'test' }));
    const allowList = plan.gateways.map((g) => g.account.address.toLowerCase());
    const telemetry = { chainId: 31337, allowList, now: () => now, retention: false as const };
    const endHour = Math.floor(now / HOUR) * HOUR - HOUR;
    fed = await feed(plan, { kind: 'db', db: fx.db.db, ingest: { ...telemetry, allowList: new Set(allowList) } }, { fromHour: endHour - 35 * HOUR, toHour: endHour, jobsPerHour: 30, batchSize: 2000 });
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock, app: { telemetry } });
    ({ server, context } = dash);
  }, 600_000);

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('leaderboard ranks orchestrators with the API scores and shows the latency distribution', async () => {
    expect(fed.reports).toBeGreaterThan(500);
    const pipes = (await api('/api/pipelines?days=30')).pipelines as J[];
    // The busiest pipeline by default.
    const chosen = [...pipes].sort((a, b) => b.jobs - a.jobs || (a.id < b.id ? -1 : 1))[0]!.id as string;
    const board = await api(`/api/v1/telemetry/leaderboard?pipeline=${chosen}&region=GLOBAL&hours=168`);
    expect(board.entries.length).toBeGreaterThan(0);
    const page = await open('/leaderboard');
    await page.getByTestId('tl-row').first().waitFor();
    expect(await page.getByTestId('tl-pipeline').inputValue()).toBe(chosen);
    expect(await page.getByTestId('tl-row').count()).toBe(board.entries.length);
    const scores = await page.getByTestId('tl-score').allInnerTexts();
    // Ranked by the sample-aware score, which never rises as the sample shrinks, with the sample shown.
    expect(scores.map((s) => s.trim())).toEqual((board.entries as J[]).map((e) => (e.rankScore as number).toFixed(3)));
    for (let i = 1; i < board.entries.length; i++) expect(board.entries[i - 1].rankScore).toBeGreaterThanOrEqual(board.entries[i].rankScore);
    expect((await page.getByTestId('tl-jobs').allInnerTexts()).map((s) => s.trim())).toEqual((board.entries as J[]).map((e) => (e.jobs as number).toLocaleString('en-US')));
    // An orchestrator with one perfect job never outranks one with many near-perfect ones.
    const one = (board.entries as J[]).findIndex((e) => e.jobs === 1 && e.successes === 1);
    const many = (board.entries as J[]).findIndex((e) => e.jobs >= 20 && e.successRate >= 0.95 && e.roundTripScore >= (board.entries as J[])[one]?.roundTripScore);
    if (one >= 0 && many >= 0) expect(many).toBeLessThan(one);
    // Percentiles are interpolated: they differ where the sample spreads inside a bucket.
    const spread = (board.entries as J[]).filter((e) => e.jobs >= 5);
    expect(spread.some((e) => e.p50Ms !== e.p95Ms)).toBe(true);
    await page.getByTestId('tl-histogram').locator('canvas').first().waitFor();
    await shot(page, 'telemetry-leaderboard');
    // Another pipeline and a region re-query without errors.
    await page.getByTestId('tl-pipeline').selectOption('transcoding');
    await page.getByTestId('tl-row').first().waitFor();
    const mobile = await open('/leaderboard', 375);
    await mobile.getByTestId('tl-row').first().waitFor();
    expect(await noHorizontalOverflow(mobile)).toBe(true);
  });

  it('reliability page shows an orchestrator\'s jobs, success rate and hourly chart', async () => {
    const page = await open('/leaderboard');
    // A leaderboard row leads to the orchestrator's hub, and the hub to its reliability.
    await page.getByTestId('tl-row').first().locator('a').click();
    await page.getByTestId('orchestrator-hub').waitFor();
    await page.getByTestId('hub-reliability-link').click();
    await page.getByTestId('rel-jobs').waitFor();
    const address = page.url().split('/').pop()!;
    const rel = await api(`/api/v1/telemetry/orchestrators/${address}/reliability?days=7`);
    expect(await text(page, 'rel-jobs')).toBe((rel.jobs as number).toLocaleString('en-US'));
    expect(await text(page, 'rel-success')).toBe(percent(rel.successRate, 2));
    await page.getByTestId('rel-chart').locator('canvas').first().waitFor();
    await shot(page, 'telemetry-reliability');
  });

  it('capacity lists every (pipeline, model, region) the API reports', async () => {
    const cap = await api('/api/v1/telemetry/capacity?days=7');
    const page = await open('/capacity');
    await page.getByTestId('cap-table').waitFor();
    expect(await page.getByTestId('cap-table').locator('tbody tr').count()).toBe(cap.data.length);
    await page.getByTestId('cap-chart').locator('canvas').first().waitFor();
    await shot(page, 'telemetry-capacity');
  });

  it('demand joins reported fees with tickets paid on chain and draws the forecast fan', async () => {
    const d = await api('/api/v1/telemetry/demand?by=gateway&days=30&horizon=14');
    const jobs = (d.totals.jobs as number[]).reduce((a, b) => a + b, 0);
    expect(jobs).toBe(fed.reports);
    const onchain = (d.totals.onchain as J[]).reduce((a, x) => a + BigInt(x.wei as string), 0n);
    const paid = await sql<{ p: string }>`select coalesce(sum(paid), 0)::text as p from winning_ticket where block_time >= ${Math.floor(Date.parse(`${d.days[0]}T00:00:00Z`) / 1000)}`.execute(fx.db.db);
    expect(onchain).toBe(BigInt(paid.rows[0]!.p));
    const page = await open('/demand');
    await page.getByTestId('dem-jobs').waitFor();
    expect(await text(page, 'dem-jobs')).toBe(jobs.toLocaleString('en-US'));
    expect(await text(page, 'dem-unserved')).toBe(percent(d.unserved.share, 2));
    await page.getByTestId('dem-fan').locator('canvas').first().waitFor();
    await page.getByRole('button', { name: 'Pipeline' }).click();
    await page.getByTestId('dem-table').locator('tbody tr').first().waitFor();
    await shot(page, 'telemetry-demand');
    const mobile = await open('/demand', 375);
    await mobile.getByTestId('dem-jobs').waitFor();
    expect(await noHorizontalOverflow(mobile)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
