// The README's screenshots, taken from a running demo: `npm start`, then `npx tsx test/e2e/screenshots.ts
// [http://localhost:8080]`. Desktop pages at 1440×900 and phone pages at 390×844, each once its content is on
// screen; docs/screenshots holds exactly these files (the browser tests write theirs to test-artifacts/).
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS } from './browser.js';

const base = (process.argv[2] ?? 'http://localhost:8080').replace(/\/$/, '');

async function get<T>(p: string): Promise<T> {
  const res = await fetch(`${base}${p}`);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Content on screen: no spinner left and something to read; charts get a moment for their first paint. */
async function settle(page: Page, docs: boolean): Promise<void> {
  if (docs) await page.locator('section.op').first().waitFor({ timeout: 60_000 });
  else
    await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('main .state.loading, main .spinner') && document.querySelector('main')!.innerText.length > 100, undefined, {
      timeout: 60_000,
    });
  await page.waitForTimeout(800);
}

type Row = { address: string };
const orchestrator = (await get<{ data: Row[] }>('/api/v1/orchestrators?active=true&sort=stake&limit=1')).data[0]!.address;
const delegator = (await get<{ data: Row[] }>(`/api/v1/orchestrators/${orchestrator}/delegators?limit=2`)).data.find((d) => d.address !== orchestrator)?.address ?? orchestrator;
// The gateway that paid orchestrators most over the last 30 days.
const demand = await get<{ series: { key: string; onchain: { wei: string }[] }[] }>('/api/v1/telemetry/demand?by=gateway&days=30');
const paid = (s: { onchain: { wei: string }[] }) => s.onchain.reduce((a, x) => a + BigInt(x.wei), 0n);
const gatewayAddress = demand.series.filter((s) => /^0x[0-9a-f]{40}$/.test(s.key)).sort((a, b) => (paid(b) > paid(a) ? 1 : paid(b) < paid(a) ? -1 : 0))[0]?.key ?? null;
const proposals = (await get<{ data: { id: string; status: string }[] }>('/api/v1/governance/proposals')).data;
const proposal = (proposals.find((p) => p.status === 'executed') ?? proposals[0])?.id;
const poll = (await get<{ data: { address: string }[] }>('/api/v1/governance/polls')).data[0]?.address;

const desktop: [name: string, path: string][] = [
  ['overview', '/'],
  ['directory', '/orchestrators'],
  ['orchestrator', `/orchestrators/${orchestrator}`],
  ['account', `/accounts/${delegator}`],
  ...(gatewayAddress ? ([['gateway', `/gateways/${gatewayAddress}`]] as [string, string][]) : []),
  ['staking-yields', `/staking?orchestrator=${orchestrator}`],
  ['staking-risk', '/staking/risk'],
  ['telemetry-leaderboard', '/leaderboard'],
  ['telemetry-demand', '/demand'],
  ['registry-match', '/match?capability=text-to-image&model=ByteDance/SDXL-Lightning'],
  ['registry-market', '/market'],
  ['network-trends', '/network'],
  ['lpt-market', '/lpt'],
  ['treasury', '/treasury'],
  ['proposals', '/proposals'],
  ...(proposal ? ([['proposal', `/proposals/${proposal}`]] as [string, string][]) : []),
  ['polls', poll ? `/polls/${poll}` : '/polls'],
  ['delegate-votes', `/governance/delegates/${orchestrator}`],
  ['needs-map', '/needs'],
  ['needs-coverage', '/needs/coverage'],
  ['api-docs', '/docs'],
];
const phone: [name: string, path: string][] = [
  ['mobile-overview', '/'],
  ['mobile-directory', '/orchestrators'],
  ['mobile-orchestrator', `/orchestrators/${orchestrator}`],
  ['mobile-proposals', '/proposals'],
  ['mobile-lpt-market', '/lpt'],
  ['mobile-network-trends', '/network'],
  ['calendar-phone', '/calendar'],
];

const taken = new Set<string>();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
try {
  for (const [shots, viewport] of [
    [desktop, { width: 1440, height: 900 }],
    [phone, { width: 390, height: 844 }],
  ] as const) {
    const ctx = await browser.newContext({ viewport });
    for (const [name, p] of shots) {
      const page = await ctx.newPage();
      await page.goto(`${base}${p}`);
      await settle(page, p === '/docs');
      // Long pages are cut at three screens: the README shows what a visitor sees first.
      const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), viewport.height * 3);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: viewport.width, height } });
      taken.add(`${name}.png`);
      process.stdout.write(`${name}.png ← ${p}\n`);
      await page.close();
    }
    await ctx.close();
  }
} finally {
  await browser.close();
}
// Screenshots of pages this script no longer takes would show a dashboard that is gone.
for (const f of readdirSync(SCREENSHOTS)) if (f.endsWith('.png') && !taken.has(f)) rmSync(path.join(SCREENSHOTS, f));
