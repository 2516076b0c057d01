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

/**
 * What a delegator, an orchestrator and a gateway operator decide from (issue 23): yields with their unit and
 * assumptions, one forward-yield answer, hubs that link onward, search that lands on the right hub, readable
 * amounts, proposals that agree with themselves, and pages that work on a phone.
 */
describe('dashboard decisions in Chromium over an indexed network with gateway telemetry', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];
  const pages: Page[] = [];
  const { api, text, open, noHorizontalOverflow } = pageTools(() => server.url, () => context, pageErrors, { onOpen: (page) => pages.push(page) });

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    const head = await sql<{ t: string | null }>`select max(block_time)::text as t from chain_event`.execute(fx.db.db);
    const now = Number(head.rows[0]!.t) * 1000;
    const plan = planFromScenario(resolveScenario({ preset: 'test' }));
    const allowList = plan.gateways.map((g) => g.account.address.toLowerCase());
    const telemetry = { chainId: 31337, allowList, now: () => now, retention: false as const };
    const endHour = Math.floor(now / HOUR) * HOUR - HOUR;
    await feed(plan, { kind: 'db', db: fx.db.db, ingest: { ...telemetry, allowList: new Set(allowList) } }, { fromHour: endHour - 35 * HOUR, toHour: endHour, jobsPerHour: 30, batchSize: 2000 });
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock, app: { telemetry } });
    ({ server, context } = dash);
  }, 600_000);

  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
  });

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
    expect(pageErrors).toEqual([]);
  });

  const anOrchestrator = async () => ((await api('/api/v1/orchestrators?active=true&sort=stake&limit=1')).data as J[])[0]!;
  const aGateway = async () => (await sql<{ address: string }>`select address from gateway where winning_tickets > 0 order by fees_paid desc limit 1`.execute(fx.db.db)).rows[0]!.address;
  const aDelegator = async () =>
    (await sql<{ address: string }>`select address from delegator where bonded_amount > 0 and address not in (select address from transcoder) and address not in (select address from gateway) order by bonded_amount desc limit 1`.execute(fx.db.db)).rows[0]!.address;

  it('3: the directory shows annualized reward and fee yield with its unit, a caption linking to the assumptions, and sorts by it', async () => {
    const byYield = (await api('/api/v1/orchestrators?active=true&sort=rewardYield&order=desc&limit=50')).data as J[];
    const page = await open('/orchestrators');
    await page.getByTestId('cell-reward-yield').first().waitFor();
    const y0 = (await api('/api/v1/orchestrators?active=true&sort=stake&order=desc&limit=1')).data[0].yield;
    expect(y0.rewardAnnualized).toBeGreaterThan(0);
    expect(await text(page, 'cell-reward-yield')).toBe(`${percent(y0.rewardAnnualized, 2)}/yr`);
    expect(await text(page, 'yield-caption')).toMatch(/% per year/);
    expect(await page.getByTestId('yield-caption').getByRole('link').getAttribute('href')).toBe('/staking#yield-assumptions');
    await page.getByTestId('sort-rewardYield').click();
    await page.waitForFunction((want) => document.querySelector('[data-testid="directory"] tbody tr')?.getAttribute('data-address') === want, byYield[0]!.address);
    // The assumptions it links to are on /staking, where 30/90/365-day columns do not silently repeat.
    await page.goto(`${server.url}/staking#yield-assumptions`);
    await page.getByTestId('yields-caption').waitFor();
    const w = ((await api('/api/v1/staking/yields')).data as J[]).find((r) => r.active)!.windows as J[];
    if (w[1].startRound === w[0].startRound) expect(await page.locator('[data-testid="yield-90"]').first().innerText()).toBe('needs more history');
  });

  it('4: /staking forward yield and "Where to delegate" give the same P50 for the same orchestrator, amount and horizon', async () => {
    const recs = (await api('/api/v1/staking/recommend?amount=1000&rounds=90&maxRisk=100&minVotingRate=0&limit=10')).data as J[];
    const target = recs[0]!.address as string;
    const fwd = await api(`/api/v1/staking/forward/${target}?amount=1000&rounds=90`);
    expect(recs[0]!.expectedRewardsLpt).toBe(fwd.fan[89].rewardsLpt.p50);
    const page = await open(`/staking?orchestrator=${target}`);
    await page.getByTestId('forward-p50').waitFor();
    const p50 = /P50 after 90 rounds: ([\d.]+) LPT/.exec(await text(page, 'forward-p50'))![1]!;
    await page.getByTestId('rec-amount').fill('1000');
    await page.getByTestId('rec-maxRisk').fill('100');
    await page.getByRole('button', { name: 'Rank' }).click();
    const row = page.locator(`[data-testid="recommendations"] tr[data-address="${target}"]`);
    await row.waitFor();
    const ranked = (await row.getByTestId('rec-lpt').innerText()).trim();
    expect(ranked.replace(/,/g, '')).toBe(`${p50} LPT`);
  });

  it('5: the orchestrator page is a hub: rank and percentile, yield, risk, income, reliability by region, votes and cut history, each linking to its full view', async () => {
    const o = await anOrchestrator();
    const page = await open(`/orchestrators/${o.address}`);
    await page.getByTestId('orchestrator-hub').waitFor();
    await page.getByTestId('rank-stake').waitFor();
    expect(await text(page, 'rank-stake')).toMatch(/Stake: #1 of \d+ \(ahead of 100%\)/);
    expect(await text(page, 'hub-reward-yield')).toBe(`${percent(o.yield.rewardAnnualized, 2)}/yr`);
    const risk = await api(`/api/v1/staking/risk/${o.address}`);
    await page.getByTestId('hub-risk-score').waitFor();
    expect(await text(page, 'hub-risk-score')).toBe(risk.score.toFixed(1));
    await page.getByTestId('hub-regions').waitFor();
    const rel = await api(`/api/v1/telemetry/orchestrators/${o.address}/reliability?days=30`);
    expect(await page.locator('[data-testid="hub-regions"] tbody tr').count()).toBe(rel.byRegion.length);
    await page.getByTestId('hub-income-kept').waitFor();
    expect(await page.getByTestId('cut-changes').count()).toBe(1);
    const links: [string, string][] = [
      ['hub-rank-link', '/orchestrators'],
      ['hub-yield-link', `/staking?orchestrator=${o.address}`],
      ['hub-risk-link', `/staking/risk?orchestrator=${o.address}`],
      ['hub-income-link', `/income/${o.address}`],
      ['hub-reliability-link', `/reliability/${o.address}`],
      ['hub-votes-link', `/governance/delegates/${o.address}`],
    ];
    for (const [id, href] of links) expect(await page.getByTestId(id).getAttribute('href')).toBe(href);
    await page.getByTestId('hub-risk-link').click();
    await page.getByTestId('risk-detail').waitFor();
    expect(await text(page, 'risk-detail-score')).toBe(String(risk.score));
  });

  it('5: a gateway page shows deposit, reserve, fees paid per day and per orchestrator, and the telemetry it sent', async () => {
    const gw = await aGateway();
    const g = await api(`/api/v1/gateways/${gw}`);
    const page = await open(`/gateways/${gw}`);
    await page.getByTestId('gateway-fees').waitFor();
    expect(await text(page, 'gateway-deposit')).toMatch(/ ETH$/);
    expect(await text(page, 'gateway-fees')).toMatch(/ ETH$/);
    expect(BigInt(g.feesPaid.wei)).toBe(BigInt((await sql<{ s: string }>`select coalesce(sum(paid), 0)::text as s from winning_ticket where sender = ${gw}`.execute(fx.db.db)).rows[0]!.s));
    expect(await page.locator('[data-testid="gateway-orchestrators"] tbody tr').count()).toBe(g.orchestrators.length);
    expect(await text(page, 'gateway-jobs')).toBe((g.telemetry.jobs as number).toLocaleString('en-US'));
    expect(g.telemetry.jobs).toBeGreaterThan(0);
    await page.getByTestId('chart-gateway-fees').locator('canvas').first().waitFor();
    await page.locator('[data-testid="gateway-orchestrators"] tbody tr a').first().click();
    await page.getByTestId('orchestrator-hub').waitFor();
  });

  it('5: header search lands each address on its hub: orchestrator, gateway, delegator, treasury recipient; an unknown one says so', async () => {
    const o = (await anOrchestrator()).address as string;
    const gw = await aGateway();
    const d = await aDelegator();
    const recipient = (await sql<{ to: string }>`select lower(e.args->>'to') as to from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index where b.delta < 0 limit 1`.execute(fx.db.db)).rows[0]?.to;
    const cases: [string, RegExp, string][] = [
      [o, new RegExp(`^/orchestrators/${o}$`), 'orchestrator-hub'],
      [gw, new RegExp(`^/gateways/${gw}$`), 'gateway-fees'],
      [d, new RegExp(`^/accounts/${d}$`), 'account-bonded'],
      ['0x00000000000000000000000000000000000000cd', /^\/address\/0x0{38}cd$/, 'hub-unknown'],
    ];
    const roles = recipient ? await api(`/api/v1/addresses/${recipient}`) : null;
    if (recipient && roles!.hub === 'treasury-recipient') cases.push([recipient, new RegExp(`^/address/${recipient}$`), 'treasury-payments']);
    const page = await open('/');
    for (const [address, path, testId] of cases) {
      await page.getByTestId('account-search').fill(address);
      await page.getByTestId('account-search').press('Enter');
      await page.getByTestId(testId).waitFor();
      expect(new URL(page.url()).pathname).toMatch(path);
      expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    }
  });

  it('6: no unit-less amount, no doubled unit, no exponent and no row of zeros on the main pages', async () => {
    const o = (await anOrchestrator()).address as string;
    const paths = ['/', '/orchestrators', `/orchestrators/${o}`, `/accounts/${await aDelegator()}`, `/gateways/${await aGateway()}`, '/staking', '/staking/risk', '/staking/delegators', '/leaderboard', '/treasury', '/proposals', '/income'];
    for (const p of paths) {
      const page = await open(p);
      await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('main .state.loading') && document.querySelector('main')!.innerText.length > 200, undefined, { timeout: 30_000 });
      const body = await page.locator('main').innerText();
      expect(body, p).not.toMatch(/\b(LPT|ETH) \1\b|\d(\.\d+)?e[+-]\d|\$0\.0{5,}|NaN|undefined|\[object/);
      // A bare decimal in a table cell sits under a header that names its unit (or is a score or ratio).
      const bare = await page.evaluate(() => {
        const out: string[] = [];
        for (const table of document.querySelectorAll('main table')) {
          const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
          for (const tr of table.querySelectorAll('tbody tr')) {
            [...tr.children].forEach((td, i) => {
              const t = (td.textContent ?? '').trim();
              if (/^-?\d{1,3}(,\d{3})*\.\d+$/.test(t) && !/LPT|ETH|USD|\$|%|score|rate|gini|hhi|\(|per |risk|weight|cut|spikes|streak|concentration|stake|newness|deactivation|calls/i.test(heads[i] ?? '')) out.push(`${heads[i]}: ${t}`);
            });
          }
        }
        return out;
      });
      expect(bare, p).toEqual([]);
      await page.close();
    }
  });

  it('6: an orchestrator account history states TreasuryReward in LPT', async () => {
    const o = (await sql<{ address: string }>`select a1 as address from chain_event where name = 'TreasuryReward' group by a1 order by count(*) desc limit 1`.execute(fx.db.db)).rows[0]?.address;
    expect(o).toBeDefined();
    const page = await open(`/accounts/${o}`);
    const rows = page.locator('[data-testid="history"] tbody tr[data-type="TreasuryReward"]');
    await page.locator('[data-testid="history"] tbody tr').first().waitFor();
    // Newest first: page back until the treasury's share of a reward call shows.
    for (let i = 0; i < 40 && (await rows.count()) === 0; i++) {
      const before = await page.locator('[data-testid="history"] tbody tr').count();
      await page.getByTestId('history-more').click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="history"] tbody tr').length > n, before);
    }
    expect(await rows.count()).toBeGreaterThan(0);
    for (const amount of await rows.locator('td.num').allInnerTexts()) if (amount.trim() !== '—') expect(amount).toMatch(/ LPT\b/);
  });

  it('6: the risk table reads as points of the score, fits 1440 px and links its addresses', async () => {
    const page = await open('/staking/risk', 1440);
    await page.locator('[data-testid="risk"] tbody tr').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    const heads = await page.locator('[data-testid="risk"] thead th').allInnerTexts();
    expect(heads.join(' ')).not.toMatch(/reliability/i);
    expect(await page.locator('[data-testid="risk"] tbody tr a').count()).toBe(await page.locator('[data-testid="risk"] tbody tr').count());
  });

  it('7: treasury forecast bands are ordered and the runway reads as a sentence; proposals agree with themselves', async () => {
    const f = await api('/api/v1/treasury/forecast?rounds=180&spendPerRound=5000');
    for (const r of f.rounds as J[]) {
      expect(BigInt(r.balance.low.wei)).toBeLessThanOrEqual(BigInt(r.balance.mid.wei));
      expect(BigInt(r.balance.mid.wei)).toBeLessThanOrEqual(BigInt(r.balance.high.wei));
    }
    const t = await open('/treasury');
    await t.getByTestId('runway-text').waitFor();
    expect(await text(t, 'runway-text')).not.toMatch(/—/);
    const list = (await api('/api/v1/governance/proposals')).data as J[];
    expect(list.length).toBeGreaterThan(0);
    const page = await open('/proposals');
    await page.locator('[data-testid="proposals"] tbody tr').first().waitFor();
    for (const p of list) {
      const row = page.locator(`[data-testid="proposals"] tr[data-id="${p.id}"]`);
      expect(await row.getByTestId('voting-rounds').innerText()).toContain(`voting rounds ${p.voteStart + 1}–${p.voteEnd}`);
      const outflow = (await row.getByTestId('cell-outflow').innerText()).trim();
      if (p.status === 'defeated' && p.outflow.wei !== '0') expect(outflow).toBe('none (defeated)');
    }
    const one = list[0]!;
    const detail = await open(`/proposals/${one.id}`);
    await detail.getByTestId('proposal-text').waitFor();
    expect((await text(detail, 'proposal-text')).length).toBeGreaterThan(0);
    const timeline = await text(detail, 'timeline');
    expect(timeline).toContain(`Voting opens with round ${one.voteStart + 1}`);
    expect(timeline).toContain(`last voting round ${one.voteEnd}`);
  });

  it('8: the leaderboard defaults to the busiest pipeline and shows each sample', async () => {
    const pipes = (await api('/api/pipelines?days=30')).pipelines as J[];
    const busiest = [...pipes].sort((a, b) => b.jobs - a.jobs || (a.id < b.id ? -1 : 1))[0]!.id as string;
    const page = await open('/leaderboard');
    await page.getByTestId('tl-row').first().waitFor();
    expect(await page.getByTestId('tl-pipeline').inputValue()).toBe(busiest);
    expect((await api('/api/v1/telemetry/leaderboard?hours=168')).pipeline).toBe(busiest);
    expect(await page.getByTestId('tl-jobs').count()).toBe(await page.getByTestId('tl-row').count());
  });

  it('9: per-round charts start at the first round with bonded stake, not at a deployment round of zeros', async () => {
    const rounds = (await api('/api/v1/rounds?order=asc&limit=1000')).data as J[];
    const first = rounds.find((r) => r.activeOrchestrators > 0 || (r.participation ?? 0) > 0)!;
    const page = await open('/');
    await page.getByTestId('chart-counts').waitFor();
    expect(await page.getByTestId('chart-counts').getAttribute('data-first-x')).toBe(String(first.round));
    expect(await page.getByTestId('chart-participation').getAttribute('data-first-x')).toBe(String(first.round));
  });

  it('9: fee axes in ETH and USD both start at zero, fees have a chart apart from rewards, joins and exits stay positive, forecast families differ in colour', async () => {
    type Drawn = { name: string; color: string; axis: number; min: number | null };
    const drawn = async (page: Page, id: string) => {
      const el = page.getByTestId(id);
      await el.waitFor();
      return { series: JSON.parse((await el.getAttribute('data-series'))!) as Drawn[], zeroBased: (await el.getAttribute('data-zero-based'))!.split(' ') };
    };
    // Bands of one forecast (P10/P50/P90, lowest/middle/highest) share a colour; different quantities do not.
    const familyColours = (series: Drawn[]) => new Map(series.map((x) => [x.name.replace(/ (P10|P50|P90|lowest|middle|highest)$/, ''), x.color]));
    const fees = await drawn(await open('/'), 'chart-fees');
    expect(fees.series[0]!.name).toMatch(/\(ETH\)$/);
    expect(fees.zeroBased).toEqual(fees.series.length > 1 ? ['true', 'true'] : ['true']);
    const income = await open('/income');
    expect((await drawn(income, 'income-chart')).series.map((x) => x.name)).toEqual(['Fees kept (USD)', 'Fees shared (USD)']);
    expect((await drawn(income, 'income-rewards-chart')).series.map((x) => x.name)).toEqual(['Rewards kept (USD)', 'Rewards shared (USD)']);
    const churn = await drawn(await open('/staking/delegators'), 'chart-churn');
    expect(churn.series.map((x) => x.name)).toEqual(['Joined', 'Left', 'Delegators']);
    for (const x of churn.series) expect(x.min ?? 0, x.name).toBeGreaterThanOrEqual(0);
    expect(churn.series[0]!.color).not.toBe(churn.series[1]!.color);
    for (const [path, id, families] of [
      ['/staking/issuance', 'chart-dilution-fan', 2],
      ['/treasury', 'chart-forecast', 2],
    ] as const) {
      const colours = familyColours((await drawn(await open(path), id)).series);
      expect(colours.size, id).toBe(families);
      expect(new Set(colours.values()).size, id).toBe(families);
    }
  });

  it('10: no code keys, raw JSON or benchmark notes on user pages: forward-yield assumptions in words, the backtest as a table', async () => {
    const o = (await anOrchestrator()).address as string;
    const staking = await open(`/staking?orchestrator=${o}`);
    await staking.getByTestId('assumptions').waitFor();
    const rows = await staking.getByTestId('assumptions').innerText();
    expect(rows).toContain('Amount delegated');
    expect(rows).not.toMatch(/[{}"]|\b[a-z]+[A-Z][a-zA-Z]*\b/);
    const issuance = await open('/staking/issuance');
    await issuance.getByTestId('backtest').waitFor();
    const body = await issuance.locator('main').innerText();
    expect(body).not.toMatch(/\b[a-z0-9]+_[a-z0-9_]+\b|2-core|shared .*machine|npm run/);
  });

  it('10: the overview leads to role pages; data-needs coverage sits under About, not in the top navigation', async () => {
    const page = await open('/');
    await page.getByTestId('role-entries').waitFor();
    const roles = page.getByTestId('role-entries').getByRole('link');
    expect(await roles.count()).toBe(5);
    expect(await roles.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/I am a delegator/), expect.stringMatching(/I am a gateway/), expect.stringMatching(/I am an orchestrator/), expect.stringMatching(/I am an SPE/), expect.stringMatching(/I am an investor/)]));
    const top = await page.locator('header nav > a').allInnerTexts();
    expect(top).not.toContain('Data needs');
    const about = page.getByTestId('nav-about');
    await about.locator('summary').click();
    await about.getByRole('link', { name: 'Coverage' }).click();
    await page.waitForURL(/\/needs\/coverage$/);
    await page.goto(`${server.url}/`);
    await page.getByTestId('role-entries').getByRole('link').first().click();
    await page.waitForURL(/\/roles\/investor-delegator$/);
  });

  it('11: at 390 px the main pages do not overflow, wide tables keep their first column with a scroll cue, and the header is compact', async () => {
    const o = (await anOrchestrator()).address as string;
    const paths = ['/', '/orchestrators', `/orchestrators/${o}`, `/accounts/${await aDelegator()}`, `/gateways/${await aGateway()}`, '/staking', '/staking/risk', '/leaderboard', '/treasury', '/proposals', '/income', '/demand'];
    for (const p of paths) {
      const page = await open(p, 390);
      await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('main .state.loading') && document.querySelector('main')!.innerText.length > 100, undefined, { timeout: 30_000 });
      await page.waitForTimeout(200);
      expect(await noHorizontalOverflow(page), p).toBe(true);
      const header = await page.locator('header.top').boundingBox();
      expect(header!.height, p).toBeLessThanOrEqual(60);
      const tables = await page.evaluate(() =>
        [...document.querySelectorAll('main .table-wrap')].map((w) => {
          const over = w.scrollWidth > w.clientWidth + 1;
          const first = w.querySelector('tbody tr > :first-child');
          const hint = w.nextElementSibling;
          return { over, sticky: first ? getComputedStyle(first).position === 'sticky' : true, hint: hint?.classList.contains('scroll-hint') ? getComputedStyle(hint).display !== 'none' : false };
        }),
      );
      for (const t of tables.filter((x) => x.over)) expect(t, p).toEqual({ over: true, sticky: true, hint: true });
      await page.close();
    }
    // The menu opens the navigation on a phone.
    const page = await open('/', 390);
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('nav-governance').locator('summary').click();
    await page.getByTestId('nav-governance').getByRole('link', { name: 'Proposals' }).click();
    await page.waitForURL(/\/proposals$/);
  });

  it('12: /docs groups operations by area, gives every operation a response example, renders Markdown and fits 1440 px', async () => {
    const doc = await api('/openapi.json');
    const ops = Object.values(doc.paths as Record<string, Record<string, unknown>>).reduce((n, m) => n + Object.keys(m).length, 0);
    const page = await open('/docs', 1440);
    await page.locator('section.op').first().waitFor();
    expect(await page.locator('section.op').count()).toBe(ops);
    expect(await page.locator('section.op details.example').count()).toBe(ops);
    expect(await page.locator('h2.area').count()).toBeGreaterThanOrEqual(10);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
    const prose = await page.locator('section.op p').allInnerTexts();
    expect(prose.join('\n')).not.toContain('`');
    const op = page.locator('section.op').filter({ has: page.locator('h3', { hasText: /^GET \/api\/v1\/orchestrators$/ }) });
    const example = await op.locator('details.example pre').innerText();
    expect(JSON.parse(example).data[0].totalStake).toEqual({ wei: '1500000000000000000', formatted: '1.5', unit: 'LPT' });
  });
});
