import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { createApp, startServer } from '../src/api/index.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { feed } from '../src/telemetry/feed.js';
import { planFromScenario } from '../src/telemetry/loadgen.js';
import { CHROMIUM, CHROMIUM_FLAGS, ensureWebBuilt, WEB_DIST } from '../test/e2e/browser.js';
import { indexedFixture } from '../test/e2e/fixture.js';
import { round2, writeResult, type BenchResult } from './results.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = path.join(here, 'results', 'web.json');
const LOADS = Number(process.env.ATLAS_BENCH_WEB_LOADS ?? 10);

/**
 * Content is on screen when the page holds something to read (a stat, a table row, a chart, a heading of a
 * panel, an empty-state line or an error) and no spinner of its own is left: every request it shows has
 * answered. The same test for every page, so a page that loads its figures in several requests is timed to
 * the last of them.
 */
function contentReady(): number | false {
  const main = document.querySelector('main');
  if (!main) return false;
  if (main.querySelector('.state.loading, .spinner')) return false;
  const body = main.querySelector('.stat-value, tbody tr, canvas, .panel, .state.empty, .state.error, [data-testid="empty"]');
  return body ? performance.now() : false;
}

/** Same for the API reference page, which the server renders (no <main>). */
function docsReady(): number | false {
  return document.querySelectorAll('h2, h3, table').length > 0 ? performance.now() : false;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Each load in a fresh browser context (empty HTTP cache): what a first visit costs, bundle and API answers. */
async function timeToContent(browser: Browser, url: string, docs: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(docs ? docsReady : contentReady, undefined, { polling: 'raf', timeout: 60_000 });
    times.push((await handle.jsonValue()) as number);
    await ctx.close();
  }
  return times;
}

/** Gzip sizes of the built dashboard: everything, and what the first page load of the directory fetches. */
function bundleSizes(): { total: number; initial: number } {
  const assets = path.join(WEB_DIST, 'assets');
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
  let total = gz(path.join(WEB_DIST, 'index.html'));
  let initial = total;
  const linked = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!));
  for (const f of readdirSync(assets)) {
    if (!/\.(js|css)$/.test(f)) continue;
    const size = gz(path.join(assets, f));
    total += size;
    if (linked.has(f)) initial += size;
  }
  return { total: round2(total / 1024), initial: round2(initial / 1024) };
}

/**
 * Dashboard speed as a visitor meets it: time to content of each main page (p50 over `LOADS` cold loads in
 * Chromium at 1440×900) over the demo network with its telemetry, and the bundle's gzip size. `npm run bench --
 * web baseline` records the figures as the baseline too; otherwise the baseline of the previous result is kept.
 */
export async function webBench(arg?: string): Promise<void> {
  ensureWebBuilt();
  const load = os.loadavg()[0]!;
  const fx = await indexedFixture('pglite', 'demo');
  // 48 hours of the simulated gateways' telemetry up to now, signed with their keys (allow-listed: the fixture's chain is older).
  const plan = planFromScenario(resolveScenario({ preset: 'demo' }));
  const now = Date.now();
  const endHour = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
  const allowList = new Set(plan.gateways.map((g) => g.account.address.toLowerCase()));
  await feed(plan, { kind: 'db', db: fx.db.db, ingest: { chainId: 31337, allowList, now: () => now } }, { fromHour: endHour - 47 * 3_600_000, toHour: endHour, jobsPerHour: 150 });
  const app = createApp({ db: fx.db.db, dbKind: 'pglite', status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: WEB_DIST });
  const server = await startServer({ app, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    const get = async (p: string) => (await (await fetch(`${server.url}${p}`)).json()) as { data: Record<string, unknown>[] };
    const orch = (await get('/api/v1/orchestrators?sort=stake&limit=1')).data[0]!.address as string;
    const delegator = ((await get(`/api/v1/orchestrators/${orch}/delegators?limit=1`)).data[0]!.address as string) ?? orch;
    const pages: [name: string, path: string][] = [
      ['overview', '/'],
      ['directory', '/orchestrators'],
      ['orchestrator', `/orchestrators/${orch}`],
      ['account', `/accounts/${delegator}`],
      ['staking', '/staking'],
      ['risk', '/staking/risk'],
      ['leaderboard', '/leaderboard'],
      ['demand', '/demand'],
      ['treasury', '/treasury'],
      ['proposals', '/proposals'],
      ['docs', '/docs'],
    ];
    const figures: Record<string, number> = {};
    for (const [name, p] of pages) {
      // One warm-up load: the server's first answer of a page fills its caches, which a running server has.
      await timeToContent(browser, `${server.url}${p}`, name === 'docs').catch(() => undefined);
      const times = await timeToContent(browser, `${server.url}${p}`, name === 'docs');
      figures[`${name}_time_to_content_p50_ms`] = Math.round(median(times));
      process.stderr.write(`web bench: ${name} p50 ${figures[`${name}_time_to_content_p50_ms`]} ms\n`);
    }
    const size = bundleSizes();
    figures.bundle_gzip_kb = size.total;
    figures.initial_load_gzip_kb = size.initial;
    const previous = existsSync(RESULT_FILE) ? (JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as BenchResult) : null;
    const baseline = arg === 'baseline' || !previous ? { ...figures } : previous.baseline;
    const r = writeResult({
      bench: 'web',
      figures,
      baseline,
      dataset:
        `preset demo (${fx.groundTruth.stats.logs.toLocaleString('en-US')} logs) indexed into PGlite with 48 h of demo gateway telemetry; built dashboard served by the API process; ` +
        `Chromium headless at 1440x900, ${LOADS} cold loads per page (fresh context, empty cache) after one warm-up, time from navigation to the page's content with no spinner left; ` +
        `${os.cpus().length} cores shared with other work (load average ${load.toFixed(1)} at the start); baseline: the dashboard as it was before issue 23's page work (${previous && arg !== 'baseline' ? previous.dataset.match(/measured [^;)]*/)?.[0] ?? 'earlier run' : `measured ${new Date().toISOString().slice(0, 10)}`})`,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await browser.close();
    await server.close();
    await fx.db.close();
  }
}
