import { sql } from 'kysely';
import type { BrowserContext } from 'playwright-core';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { LABEL_TYPES } from '../../src/registry/labels.js';
import { atlasDomain } from '../../src/registry/signing.js';
import { decimal, percent } from '../../web/src/format.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('staking pages in Chromium against the API over an indexed simulator network', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];

  const { api, text, open, shot } = pageTools(() => server.url, () => context, pageErrors);

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock, app: { live: { pollMs: 200 } } });
    ({ server, context } = dash);
  }, 600_000);

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('yields page shows realized pool yields from the API, a forward fan with its assumptions and the recommender', async () => {
    const y = (await api('/api/v1/staking/yields')).data as J[];
    const active = y.filter((o) => o.active).sort((a, b) => (b.windows[0]?.rewardRate ?? 0) - (a.windows[0]?.rewardRate ?? 0));
    const page = await open('/staking');
    const rows = page.locator('[data-testid="yields"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(active.length);
    const first = rows.first();
    expect(await first.getAttribute('data-address')).toBe(active[0]!.address);
    // Annualized with its unit; a window longer than the history says so instead of repeating the shorter one.
    expect((await first.getByTestId('yield-30').innerText()).trim()).toBe(`${percent(active[0]!.windows[0].rewardRateAnnualized, 2)}/yr`);
    const w = active[0]!.windows as J[];
    expect((await first.getByTestId('yield-365').innerText()).trim()).toBe(w[2].startRound === w[1].startRound ? 'needs more history' : `${percent(w[2].rewardRateAnnualized, 2)}/yr`);
    expect(await text(page, 'yields-caption')).toMatch(/% per year/);
    await page.getByTestId('chart-forward').locator('canvas').first().waitFor();
    const fwd = await api(`/api/v1/staking/forward/${active[0]!.address}?amount=1000&rounds=90`);
    const last = fwd.fan[fwd.fan.length - 1];
    await page.getByTestId('forward-p50').waitFor();
    expect(await text(page, 'forward-p50')).toContain(`${last.rewardsLpt.p50.toFixed(2)} LPT`);
    // Assumptions in words with units: no code keys, no raw JSON.
    const assumptions = await page.getByTestId('assumptions').innerText();
    expect(assumptions).toMatch(/Inflation now\s+[\d.]+% per round/);
    expect(assumptions).toMatch(/Reward calls\s+[\d.]+% of rounds \(\d+ of \d+ observed\)/);
    expect(assumptions).not.toMatch(/[{}"]|Ppb|Ppm|rewardCall/);

    await page.getByTestId('rec-amount').fill('5000');
    await page.getByTestId('rec-maxRisk').fill('40');
    await page.getByRole('button', { name: 'Rank' }).click();
    const recs = (await api('/api/v1/staking/recommend?amount=5000&rounds=90&maxRisk=40&minVotingRate=0&limit=10')).data as J[];
    await page.locator('[data-testid="recommendations"] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="recommendations"] tbody tr').count()).toBe(recs.length);
    expect(await page.locator('[data-testid="recommendations"] tbody tr').first().getAttribute('data-address')).toBe(recs[0]!.address);
    const [del] = (await sql<{ address: string }>`select address from delegator where bonded_amount > 0 and address <> delegate order by bonded_amount desc limit 1`.execute(fx.db.db)).rows;
    const dy = await api(`/api/v1/staking/yields/${del!.address}`);
    await page.getByTestId('delegator-yield-input').fill(del!.address);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('delegator-rewards-30').waitFor();
    expect(await text(page, 'delegator-rewards-30')).toBe(`${decimal(dy.windows[0].rewards.formatted, 6)} LPT`);
    await shot(page, 'staking-yields');
    await page.close();
  });

  it('issuance page shows the current figures, past and forecast charts and the backtest error', async () => {
    const iss = await api('/api/v1/staking/issuance?rounds=180');
    const page = await open('/staking/issuance');
    await page.getByTestId('inflation-now').waitFor();
    expect(await text(page, 'inflation-now')).toBe(`${(iss.assumptions.inflationPpb / 1e7).toFixed(4)}%`);
    for (const id of ['chart-dilution-past', 'chart-inflation-fan', 'chart-dilution-fan']) await page.getByTestId(id).locator('canvas').first().waitFor();
    expect(await text(page, 'bt-mape')).toBe(`${iss.backtest.figures.inflation_mape_percent_30d}% (${iss.backtest.baseline.inflation_mape_percent_30d}%)`);
    // No benchmark keys or machine notes on a user page.
    expect(await page.locator('main').innerText()).not.toMatch(/_percent_|_ppb_|2-core|bench/);
    await shot(page, 'staking-issuance');
    await page.close();
  });

  it('risk page lists the scores with every component and opens a profile', async () => {
    const r = (await api('/api/v1/staking/risk?active=true')).data as J[];
    const page = await open('/staking/risk');
    const rows = page.locator('[data-testid="risk"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(r.length);
    expect((await rows.first().getByTestId('risk-score').innerText()).trim()).toBe((r[0]!.score as number).toFixed(1));
    // Addresses link to their orchestrator page; the table fits a 1440 px screen.
    expect(await rows.first().locator('a').first().getAttribute('href')).toBe(`/orchestrators/${r[0]!.address}`);
    expect(await page.evaluate(() => document.querySelector('[data-testid="risk"]')!.getBoundingClientRect().width)).toBeLessThanOrEqual(1280);
    await rows.last().click();
    await page.getByTestId('risk-detail').waitFor();
    expect(await text(page, 'risk-detail-score')).toBe(String(r[r.length - 1]!.score));
    expect(await page.locator('[data-testid^="component-"]').count()).toBe(r[0]!.components.length);
    await shot(page, 'staking-risk');
    await page.close();
  });

  it('delegators page shows population stats, filters and exports staking events', async () => {
    const pop = await api('/api/v1/staking/delegators?top=20');
    const page = await open('/staking/delegators');
    await page.getByTestId('pop-count').waitFor();
    expect(await text(page, 'pop-count')).toBe(String(pop.delegators));
    expect(await text(page, 'pop-gini')).toBe(pop.gini.toFixed(3));
    expect(await page.locator('[data-testid="top-delegators"] tbody tr').count()).toBe(pop.top.length);
    await page.getByTestId('chart-churn').locator('canvas').first().waitFor();
    await page.locator('[data-testid="staking-events"] tbody tr').first().waitFor();
    await page.getByTestId('events-type').selectOption('Unbond');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="staking-events"] tbody tr')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-type') === 'Unbond');
    });
    const href = await page.getByTestId('events-csv').getAttribute('href');
    expect(href).toContain('type=Unbond');
    const csv = await (await fetch(`${server.url}${href}`)).text();
    const n = Number((await sql<{ n: string }>`select count(*)::text as n from chain_event where name = 'Unbond'`.execute(fx.db.db)).rows[0]!.n);
    expect(csv.trim().split('\r\n').length).toBe(n + 1);
    await shot(page, 'staking-delegators');
    await page.close();
  });

  it('delegate activity page shows votes and delegators of an orchestrator', async () => {
    const v = (await sql<{ voter: string }>`select voter from vote where voter = delegate group by voter order by count(*) desc limit 1`.execute(fx.db.db)).rows[0]!.voter;
    const d = await api(`/api/v1/staking/delegates/${v}`);
    const page = await open('/staking/delegates');
    await page.locator(`[data-testid="delegates"] [data-address="${v}"] a`).click();
    await page.getByTestId('delegate-voted').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/staking/delegates/${v}`);
    expect(await text(page, 'delegate-voted')).toBe(String(d.voting.voted));
    expect(await text(page, 'delegate-delegators')).toBe(String(d.delegators));
    expect(await page.locator('[data-testid="delegate-votes"] tbody tr').count()).toBe(d.votes.length);
    await shot(page, 'staking-delegate');
    await page.close();
  });

  it('labels page verifies a pasted signed statement, rejects a forged one, and labels show where addresses appear', async () => {
    const key = privateKeyToAccount('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6');
    const issuedAt = Math.floor(Date.now() / 1000);
    const message = { account: key.address, name: 'E2E Labs', url: 'https://e2e.example', role: 'delegator', issuedAt: BigInt(issuedAt) };
    const signature = await key.signTypedData({ domain: atlasDomain(31337), types: LABEL_TYPES, primaryType: 'SelfIdentification', message });
    const statement = { kind: 'identify', account: key.address, name: message.name, url: message.url, role: message.role, issuedAt, signature };
    const page = await open('/labels');
    await page.getByTestId('label-json').fill(JSON.stringify({ ...statement, name: 'Forged' }));
    await page.getByTestId('label-submit').click();
    await page.getByTestId('label-result').waitFor();
    expect(await text(page, 'label-result')).toMatch(/^401: signature is by 0x[0-9a-fA-F]{40}, not by the claimed signer/);
    await page.getByTestId('label-json').fill(JSON.stringify(statement));
    await page.getByTestId('label-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="label-result"]')?.textContent === 'Stored: E2E Labs');
    await page.locator(`[data-testid="labels"] [data-address="${key.address.toLowerCase()}"]`).waitFor();
    await shot(page, 'labels');

    // What a verified statement of the top orchestrator stores (its key belongs to the simulator), so its label
    // shows in the directory and the staking pages.
    const top = (await api('/api/v1/orchestrators?active=true&sort=stake&order=desc&limit=1')).data[0] as J;
    await sql`insert into address_label (address, issued_at, revoked, name, url, role, signature) values (${top.address}, ${issuedAt}, false, 'Top Orchestrator', null, 'orchestrator', ${signature})`.execute(fx.db.db);
    await page.goto(`${server.url}/orchestrators`);
    await page.locator(`[data-testid="directory"] [data-address="${top.address}"] [data-testid="address-label"]`).waitFor();
    expect((await page.locator(`[data-testid="directory"] [data-address="${top.address}"] [data-testid="address-label"]`).innerText()).trim()).toBe('Top Orchestrator');
    await page.goto(`${server.url}/staking/risk`);
    await page.locator(`[data-testid="risk"] [data-address="${top.address}"] [data-testid="address-label"]`).waitFor();
    // The orchestrator's own page, and the account page of one of its delegators (which names it as delegate).
    await page.goto(`${server.url}/orchestrators/${top.address}`);
    await page.getByTestId('orch-address').waitFor();
    expect((await page.getByTestId('address-label').first().innerText()).trim()).toBe('Top Orchestrator');
    const member = (await api(`/api/v1/orchestrators/${top.address}/delegators?limit=50`)).data.find((d: J) => d.address !== top.address) as J;
    await page.goto(`${server.url}/accounts/${member.address}`);
    await page.getByTestId('account-delegate').waitFor();
    expect((await page.getByTestId('address-label').first().innerText()).trim()).toBe('Top Orchestrator');
    await page.close();
  });

  it('fits a 375 px wide screen on every staking page without horizontal overflow or page errors', async () => {
    for (const p of ['/staking', '/staking/issuance', '/staking/risk', '/staking/delegators', '/staking/delegates', '/labels']) {
      const page = await open(p, 375);
      await page.locator('h1').first().waitFor();
      await page.waitForTimeout(300);
      // Names the elements sticking out, so a failure says what to fix.
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth <= window.innerWidth
          ? []
          : [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map((e) => `${e.tagName}.${e.className}`),
      );
      expect(wide, p).toEqual([]);
      await page.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
