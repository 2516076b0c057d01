import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { percent, token } from '../../web/src/format.js';
import { sql } from 'kysely';
import { dbKinds, type TestDb } from '../helpers/db.js';
import { indexedChain } from '../helpers/chains.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('treasury and governance pages in Chromium', () => {
  let db: TestDb;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  let dir: string;
  let budgetFile: string;
  const pageErrors: string[] = [];

  const { api, text, open, shot } = pageTools(() => server.url, () => context, pageErrors);

  beforeAll(async () => {
    // The 17-round governance scenario: every outcome, executed grants and the LIP-101 restoration.
    ({ db } = await indexedChain('governance', dbKinds[0]!));
    dir = mkdtempSync(path.join(tmpdir(), 'atlas-e2e-budget-'));
    const executed = (await sql<J>`select id from proposal where executed_block is not null and calldatas->>0 like '0xa9059cbb%' order by executed_block limit 1`.execute(db.db)).rows;
    const example = readFileSync(path.join(import.meta.dirname, '..', '..', 'budgets', 'example.yaml'), 'utf8');
    const file = path.join(dir, 'budget.yaml');
    writeFileSync(file, example.replace('proposals: {}', `proposals:\n  "${executed[0]!.id}": spe`));
    budgetFile = file;
    dash = await openDashboard({ db: db.db, dbKind: dbKinds[0]!, headBlock: 0, app: { budgetFile } });
    ({ server, context } = dash);
  }, 600_000);

  afterAll(async () => {
    await dash?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('treasury page shows the API balance, cut, charts, budget vs actuals and outflows', async () => {
    const t = await api('/api/v1/treasury');
    const b = await api('/api/v1/treasury/budget');
    const out = await api('/api/v1/treasury/ledger?kind=outflow');
    const page = await open('/treasury');
    await page.getByTestId('treasury-balance').waitFor();
    expect(await text(page, 'treasury-balance')).toBe(token(t.balance, 0));
    expect(await text(page, 'treasury-cut')).toBe(percent(t.cutPercent / 100, 2));
    expect(await text(page, 'treasury-earmarked')).toBe(token(t.earmarked, 0));
    for (const id of ['chart-treasury', 'chart-forecast']) await page.getByTestId(id).locator('canvas').first().waitFor();
    await page.getByTestId('budget').waitFor();
    expect(await text(page, 'budget-spent')).toBe(token(b.totals.spent));
    const spe = b.lines.find((l: J) => l.category === 'spe' && BigInt(l.spent.wei) > 0n);
    expect((await page.locator(`[data-testid="budget"] tr[data-category="spe"][data-period="${spe.period}"] [data-testid="cell-spent"]`).innerText()).trim()).toBe(token(spe.spent));
    // Each line reads as the API states it, fractions included, so budgeted − spent − earmarked = remaining on screen too.
    for (const l of b.lines as J[]) {
      const cells = await page.locator(`[data-testid="budget"] tr[data-category="${l.category}"][data-period="${l.period}"] td`).allInnerTexts();
      expect(cells.slice(2).map((c) => c.trim())).toEqual([token(l.budgeted), token(l.spent), token(l.earmarked), token(l.remaining)]);
    }
    const rows = page.locator('[data-testid="outflows"] tbody tr');
    expect(await rows.count()).toBe(out.data.length);
    // Runway follows the spend typed in.
    const f = await api('/api/v1/treasury/forecast?rounds=180&spendPerRound=50000');
    await page.getByTestId('spend-input').fill('50000');
    const want = f.runwayRounds.mid === null ? `more than ${f.rounds.length} rounds` : `${f.runwayRounds.mid} rounds`;
    await page.waitForFunction((w) => document.querySelector('[data-testid="runway-mid"]')?.textContent === w, want, { timeout: 15_000 });
    await shot(page, 'treasury');
    await page.close();
  });

  it('an invalid budget file shows its file:line problems', async () => {
    const file = budgetFile;
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('version: 1', 'version: -1'));
    try {
      const page = await open('/treasury');
      await page.getByTestId('budget-invalid').waitFor();
      const line = good.split('\n').findIndex((l) => l.startsWith('version:')) + 1;
      expect(line).toBeGreaterThan(0);
      expect(await text(page, 'budget-invalid')).toContain(`${file}:${line}: version: must be a whole number from 1`);
      await page.close();
    } finally {
      writeFileSync(file, good);
    }
  });

  it('proposals list, detail with quorum/quota and votes, and navigation between them', async () => {
    const list = (await api('/api/v1/governance/proposals')).data as J[];
    const page = await open('/proposals');
    const rows = page.locator('[data-testid="proposals"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(list.length);
    expect((await rows.first().getByTestId('cell-status').innerText()).trim()).toBe(list[0]!.status);
    expect((await rows.first().getByTestId('cell-for').innerText()).trim()).toBe(token(list[0]!.votes.for, 0));
    await shot(page, 'proposals');
    const target = list.find((p) => p.status === 'executed') ?? list[0]!;
    await page.locator(`tr[data-id="${target.id}"] [data-testid="proposal-link"]`).click();
    await page.getByTestId('proposal-title').waitFor();
    const d = await api(`/api/v1/governance/proposals/${target.id}`);
    expect(await text(page, 'proposal-title')).toBe(d.proposal.title);
    expect(await text(page, 'proposal-status')).toBe(d.proposal.status);
    expect(await text(page, 'quorum-total')).toBe(token(d.proposal.progress.totalVotes, 0));
    expect(await text(page, 'quorum-needed')).toBe(token(d.proposal.progress.quorum, 0));
    expect(await text(page, 'quota-threshold')).toBe(token(d.proposal.progress.quotaThreshold, 0));
    const votes = page.locator('[data-testid="votes"] tbody tr');
    expect(await votes.count()).toBe(d.votes.length);
    const first = d.votes[0];
    expect((await page.locator(`tr[data-voter="${first.voter}"] [data-testid="cell-counted"]`).innerText()).trim()).toBe(token(first.counted, 0));
    expect(await page.getByTestId('actions').innerText()).toContain(d.proposal.actions[0].summary);
    await shot(page, 'proposal');
    await page.close();
  });

  it('an unknown proposal shows a not-found state', async () => {
    const page = await open('/proposals/123');
    await page.getByTestId('error').waitFor();
    expect(await text(page, 'error')).toContain('Not found');
    await page.close();
  });

  it('delegate participation and a voting record', async () => {
    const all = (await api('/api/v1/governance/delegates')).data as J[];
    const page = await open('/governance/delegates');
    await page.locator('[data-testid="delegates"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="delegates"] tbody tr').count()).toBe(all.length);
    const top = all[0]!;
    expect((await page.locator(`tr[data-address="${top.address}"] [data-testid="cell-participation"]`).innerText()).trim()).toBe(percent(top.participation, 0));
    await page.locator(`tr[data-address="${top.address}"] a`).first().click();
    await page.getByTestId('delegate-address').waitFor();
    const rec = await api(`/api/v1/governance/delegates/${top.address}`);
    expect(await text(page, 'delegate-participation')).toBe(percent(rec.participation, 0));
    expect(await page.locator('[data-testid="record"] tbody tr').count()).toBe(rec.votes.length);
    await shot(page, 'delegate-votes');
    await page.close();
  });

  it('legacy polls: list with results equal to the API, detail with the counted vote per voter', async () => {
    const polls = (await api('/api/v1/governance/polls')).data as J[];
    expect(polls.length).toBeGreaterThanOrEqual(2);
    const page = await open('/polls');
    const rows = page.locator('[data-testid="polls"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(polls.length);
    for (const p of polls) {
      const row = page.locator(`tr[data-address="${p.address}"]`);
      expect((await row.getByTestId('cell-yes').innerText()).trim()).toBe(token(p.tally.yes, 0));
      expect((await row.getByTestId('cell-voters').innerText()).trim()).toBe(String(p.voters));
      expect((await row.getByTestId('cell-result').innerText()).trim()).toBe(p.tally.passed ? 'passed' : p.tally.quorumReached ? 'rejected' : 'no quorum');
    }
    await shot(page, 'polls');
    const first = polls[0]!;
    await page.locator(`tr[data-address="${first.address}"] [data-testid="poll-link"]`).click();
    await page.getByTestId('poll-votes').waitFor();
    const detail = await api(`/api/v1/governance/polls/${first.address}`);
    const counted = page.locator('[data-testid="poll-votes"] [data-testid="cell-counted"]');
    expect(await counted.count()).toBe(detail.votes.length);
    const texts = (await counted.allInnerTexts()).map((t) => t.trim());
    expect(texts).toEqual((detail.votes as J[]).map((v) => (v.counted ? 'yes' : 'replaced by a later vote')));
    expect(await text(page, 'poll-yes')).toBe(token(first.tally.yes, 0));
    await page.close();
  });

  it('calendar lists upgrades, parameter changes and proposals, filterable, and fits a phone screen', async () => {
    const cal = (await api('/api/v1/calendar')).data as J[];
    const page = await open('/calendar', 390);
    const rows = page.locator('[data-testid="calendar"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(cal.length);
    const newest = cal[cal.length - 1]!;
    expect(await rows.first().getByTestId('calendar-title').getAttribute('title')).toBe(newest.title);
    // Known parameters read as percent / LPT: the LIP-101 restoration is a 10% cut.
    const cut = cal.filter((e) => e.param === 'nextRoundTreasuryRewardCutRate').pop()!;
    expect((await page.locator(`tr[data-kind="parameter-change"] [title="${cut.title}"]`).first().innerText()).trim()).toBe('BondingManager.nextRoundTreasuryRewardCutRate = 10%');
    await page.getByRole('button', { name: 'Parameters' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="calendar"] tbody tr').length === n, cal.filter((e) => e.kind === 'parameter-change').length);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shot(page, 'calendar-phone');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
