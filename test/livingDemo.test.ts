import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/base/clock.js';
import { loadConfig } from '../src/cli/config.js';
import { runAtlas, type RunningAtlas } from '../src/cli/startCommand.js';
import { token } from '../web/src/format.js';
import { ensureWebBuilt, launchBrowser, WEB_DIST } from './e2e/browser.js';
import { pageTools } from './e2e/pageTools.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const DAY = 86_400;
const ROUND_SECONDS = 60;
const START = Date.UTC(2026, 0, 20, 12, 0, 0);
const SDXL = 'ByteDance/SDXL-Lightning';

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Server-sent events of /events as they arrive: each as its event name and data. */
function listen(url: string): { events: { event: string; data: J }[]; close: () => void } {
  const events: { event: string; data: J }[] = [];
  const ctl = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/events`, { signal: ctl.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as J });
      }
    }
  })().catch(() => undefined);
  return { events, close: () => ctl.abort() };
}

describe('the living demo: one clock for chain, telemetry, adverts and the API', () => {
  const clock = new ManualClock(START);
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-living-'));
  const stop = new AbortController();
  let running: RunningAtlas;
  let done: Promise<void>;
  const api = async (p: string): Promise<J> => {
    const res = await fetch(`${running.url}${p}`);
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as J;
  };
  const q = async <T>(text: string) => (await sql.raw<T>(text).execute(running.db.db)).rows;
  const nodeHead = async () => Number(((await (await fetch(running.network!.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' })).json()) as { result: string }).result);
  /** The indexer has every block the node mined. */
  const caughtUp = async () => {
    const target = await nodeHead();
    await waitFor(`the indexer at block ${target}`, async () => (await api('/api/v1/head')).block >= target);
  };

  beforeAll(async () => {
    const cfg = loadConfig({ ATLAS_DATA_DIR: path.join(dir, 'db'), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUND_SECONDS: String(ROUND_SECONDS), ATLAS_LOG_LEVEL: 'silent' });
    cfg.http.port = 0;
    ensureWebBuilt();
    done = runAtlas(cfg, { signal: stop.signal, clock, webDir: WEB_DIST, onListening: (a) => (running = a) });
    await waitFor('the server', () => running);
    // The history ends at the clock's now and is mined at once; the first live round waits for the clock.
    await waitFor('the history', () => running.network!.stats.historyDone && clock.pending > 0, 1_200_000);
    await caughtUp();
    await running.network!.flushTelemetry();
  }, 1_500_000);

  afterAll(async () => {
    stop.abort();
    await done?.catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('ends the simulated history now: the head is the clock, live, and the last round reaches back 12 days', async () => {
    const head = await api('/api/v1/head');
    expect(head.time).toBe(START / 1000);
    expect(head.now).toBe(START / 1000);
    expect(head.state).toBe('live');
    const span = (await q<{ lo: string; hi: string }>('select min(block_time)::text as lo, max(block_time)::text as hi from protocol_round'))[0]!;
    // 14 rounds of 6377 L1 blocks (21.3 h each).
    expect(START / 1000 - Number(span.lo)).toBeGreaterThan(12 * DAY);
    expect(Number(span.hi)).toBeLessThanOrEqual(START / 1000);
  });

  it('fills the 7-day windows every day, and the 30-day ones back to the first round', async () => {
    const week = await api('/api/v1/telemetry/demand?days=7&by=capability');
    expect(week.days.length).toBe(7);
    expect(week.totals.jobs.every((j: number) => j > 0)).toBe(true);
    expect(week.totals.onchain.every((a: J) => BigInt(a.wei) > 0n)).toBe(true);
    const month = await api('/api/v1/telemetry/demand?days=30&by=capability');
    expect(month.totals.jobs.filter((j: number) => j > 0).length).toBeGreaterThanOrEqual(12);
    // Reports and tickets describe the same jobs: every ticket's ETH lands on a reported pipeline.
    expect(month.series.some((s: J) => s.key === 'unattributed')).toBe(false);
    const capacity = await api('/api/v1/telemetry/capacity?days=7');
    expect(capacity.data.length).toBeGreaterThan(0);
    const busiest = (await q<{ o: string }>('select orchestrator as o from telemetry_rollup group by 1 order by sum(jobs) desc limit 1'))[0]!.o;
    const reliability = await api(`/api/v1/telemetry/orchestrators/${busiest}/reliability?days=30`);
    expect(reliability.jobs).toBeGreaterThan(0);
    // Its hours reach back past the week: the 30-day window holds the whole history.
    expect(START - Date.parse(reliability.hours[0].hour)).toBeGreaterThan(10 * DAY * 1000);
  });

  it('pays on chain in /demand exactly what the overview shows for the same days, to the wei', async () => {
    const d = await api('/api/v1/telemetry/demand?days=30&by=gateway');
    const fees = (await api('/api/v1/network/fees?interval=day')).data as J[];
    const onDemand = d.totals.onchain.reduce((a: bigint, x: J) => a + BigInt(x.wei), 0n);
    const onOverview = fees.filter((b) => d.days.includes(b.date)).reduce((a, b) => a + BigInt(b.fees.wei), 0n);
    expect(onDemand).toBeGreaterThan(0n);
    expect(onDemand).toBe(onOverview);
    // Reported fees and tickets paid are the same jobs seen twice: equal in expectation.
    const reported = d.totals.reported.reduce((a: bigint, x: J) => a + BigInt(x.wei), 0n);
    expect(Number(onDemand) / Number(reported)).toBeGreaterThan(0.7);
    expect(Number(onDemand) / Number(reported)).toBeLessThan(1.4);
    expect(d.forecast.onchainEth.some((p: J) => p.p50 > 0)).toBe(true);
  });

  it('lists orchestrators with their advertised prices in Match, and prices per capability in Market', async () => {
    // go-livepeer prices AI work per capability and model: every text-to-image orchestrator loads SDXL-Lightning.
    const m = await api(`/api/v1/registry/match?capability=text-to-image&model=${encodeURIComponent(SDXL)}`);
    expect(m.matched).toBeGreaterThan(0);
    for (const x of m.matches as J[]) expect(BigInt(x.price.pricePerUnit)).toBeGreaterThan(0n);
    const market = await api('/api/v1/registry/market');
    const priced = (market.inDemand as J[]).filter((t) => t.prices !== null && t.observedJobs > 0);
    expect(priced.length).toBeGreaterThan(3);
    const adverts = (await api('/api/v1/registry/adverts')).data as J[];
    expect(adverts.length).toBe(110);
  });

  it('keeps running on the clock: rounds, SSE round events, live telemetry, the treasury budget with its spends', async () => {
    const sse = listen(running.url);
    await waitFor('the live stream', () => sse.events.some((e) => e.event === 'hello'));
    const indexedRound = async () => Number((await q<{ r: string }>('select max(round)::text as r from protocol_round'))[0]!.r);
    const before = await indexedRound();
    const reportsBefore = running.network!.stats.reports;
    // Three live rounds: the clock moves a few seconds at a time, the network mines what is due.
    for (let t = 0; t < 3 * ROUND_SECONDS; t += 10) {
      clock.advance(10_000);
      await waitFor('the network to wait for the clock', () => clock.pending > 0 && clock.nextWake! > clock.now());
    }
    await caughtUp();
    await running.network!.flushTelemetry();
    expect(await indexedRound()).toBe(before + 3);
    // The overview's figures follow within their cache's version check.
    await waitFor('the overview at the new round', async () => (await api('/api/v1/network')).currentRound.round === before + 3, 60_000);
    await waitFor('round events', () => sse.events.filter((e) => e.event === 'round').length >= 3, 60_000);
    expect(sse.events.filter((e) => e.event === 'round').map((e) => e.data.round)).toEqual([before + 1, before + 2, before + 3]);
    sse.close();
    const head = await api('/api/v1/head');
    expect(head.state).toBe('live');
    expect(head.time).toBeGreaterThan(START / 1000);
    // Jobs finished during the live rounds were reported as they ended.
    expect(running.network!.stats.reports).toBeGreaterThan(reportsBefore);
    const live = await q<{ n: string }>(`select count(*)::text as n from telemetry_report where finished_at > to_timestamp(${START / 1000})`);
    expect(Number(live[0]!.n)).toBeGreaterThan(0);

    const budget = await api('/api/v1/treasury/budget');
    expect(budget.lines.length).toBeGreaterThan(0);
    expect(budget.periods.at(-1).id).toBe('2026-01');
    expect((budget.lines as J[]).some((l) => BigInt(l.spent.wei) > 0n)).toBe(true);
  }, 900_000);
  describe('in Chromium', () => {
    let context: BrowserContext;
    let closeBrowser: () => Promise<void>;
    const pageErrors: string[] = [];
    const { open, text } = pageTools(() => running.url, () => context, pageErrors);

    beforeAll(async () => {
      ({ context, close: closeBrowser } = await launchBrowser());
    }, 120_000);
    afterAll(async () => closeBrowser?.());

    it('/demand pays on chain what the overview shows for all time (the 30-day window holds the whole history)', async () => {
      const overview = await api('/api/v1/network');
      const page = await open('/demand');
      await page.getByTestId('dem-onchain').waitFor();
      const shown = await text(page, 'dem-onchain');
      expect(shown).toBe(token(overview.totals.fees, 4));
      expect(BigInt(overview.totals.fees.wei)).toBeGreaterThan(0n);
      await page.close();
      const home = await open('/');
      await home.getByTestId('total-fees').waitFor();
      expect(await text(home, 'total-fees')).toBe(token(overview.totals.fees, 2));
      await home.getByTestId('live').and(home.locator('[data-state="live"]')).waitFor();
      expect(await text(home, 'live')).toBe('● live');
      await home.close();
      expect(pageErrors).toEqual([]);
    }, 120_000);

    it('/match lists the orchestrators that advertise a model, cheapest first, with their prices', async () => {
      const q = `capability=text-to-image&model=${encodeURIComponent(SDXL)}`;
      const expected = await api(`/api/v1/registry/match?${q}`);
      const page = await open(`/match?${q}`);
      const rows = page.locator('[data-testid="match-table"] tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(expected.matches.length);
      expect(await text(page, 'match-count')).toBe(String(expected.matched));
      expect(await page.getByTestId('match-count').locator('..').innerText()).toContain(`of ${expected.candidates} orchestrators with an advert`);
      expect(expected.candidates).toBeGreaterThan(100);
      expect(await rows.first().getAttribute('data-address')).toBe(expected.matches[0].address);
      const prices = await page.locator('[data-testid="match-table"] [data-testid="cell-price"]').allInnerTexts();
      expect(prices.every((p) => /\d/.test(p))).toBe(true);
      await page.close();
      expect(pageErrors).toEqual([]);
    }, 120_000);

    it('turns the live badge stale, then stopped, once the chain stops', async () => {
      // The node freezes: no block is mined, the indexer's head stops where it is while the clock goes on.
      const pid = running.network!.node.pid;
      process.kill(pid, 'SIGSTOP');
      try {
        clock.advance(200_000);
        expect((await api('/api/v1/head')).state).toBe('stale');
        const page = await open('/');
        await page.locator('[data-testid="live"][data-state="stale"]').waitFor();
        expect(await text(page, 'live')).toMatch(/^● \d+ min behind$/);
        clock.advance(400_000);
        const head = await api('/api/v1/head');
        expect(head.state).toBe('stopped');
        expect(head.ageSeconds).toBeGreaterThan(head.stoppedAfterSeconds);
        await page.reload();
        await page.locator('[data-testid="live"][data-state="stopped"]').waitFor();
        expect(await text(page, 'live')).toMatch(/^● stopped \d+ min ago$/);
        await page.close();
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    }, 120_000);
  });
});
