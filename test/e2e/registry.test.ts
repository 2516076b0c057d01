import { sql } from 'kysely';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/api/index.js';
import { priceText, token } from '../../web/src/format.js';
import { putGateway, putTranscoder, signedAdvert, signedProfile, signedSnapshot } from '../helpers/registry.js';
import { testAccount } from '../helpers/telemetry.js';
import { openDashboard, pageTools, type DashboardSession } from './pageTools.js';
import { indexedFixture, type IndexedFixture } from './fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const SDXL = 'ByteDance/SDXL-Lightning';

/** An OrchestratorInfo as a gateway's network-capabilities snapshot reports it (go-livepeer field names). */
function info(address: string, i: number): J {
  return {
    transcoder: `https://o${i}.example:8935`,
    address,
    price_info: { pricePerUnit: 1000 + i, pixelsPerUnit: 1 },
    capabilities: {
      bitstring: [String((1n << 0n) | (1n << 1n) | (1n << 27n))],
      mandatories: [0],
      capacities: { 0: 10, 27: 2 },
      version: '0.8.6',
      constraints: { minVersion: '', PerCapability: { 27: { models: { [SDXL]: { warm: i % 2 === 0, capacity: 2, runnerVersion: '0.14.1' } } } } },
    },
    capabilities_prices: [{ pricePerUnit: 4_000_000 + i * 100_000, pixelsPerUnit: 1, capability: 27, constraint: SDXL }],
    hardware: [{ pipeline: 'text-to-image', model_id: SDXL, gpu_info: { 0: { id: 'GPU-0', name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, memory_free: 1, memory_total: 25757220864 } } }],
  };
}

describe('capability registry pages in Chromium', () => {
  let fx: IndexedFixture;
  let server: RunningServer;
  let dash: DashboardSession;
  let context: BrowserContext;
  const pageErrors: string[] = [];
  const { api, open, shot } = pageTools(() => server.url, () => context, pageErrors);
  const post = async (p: string, body: unknown) => fetch(`${server.url}${p}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  let indexed: string[] = [];
  const signer = testAccount('e2e-registry-orch');
  const gateway = testAccount('e2e-registry-gateway');

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    dash = await openDashboard({ db: fx.db.db, dbKind: 'pglite', headBlock: fx.headBlock });
    ({ server, context } = dash);
    // Six indexed orchestrators seen in a gateway snapshot (stake comes from the chain), one signed advert.
    const top = await sql<{ address: string }>`select address from transcoder order by total_stake desc, address limit 6`.execute(fx.db.db);
    indexed = top.rows.map((r) => r.address);
    // The advert's signer registered once (no stake, not active); the gateway holds a TicketBroker deposit.
    await putTranscoder(fx.db.db, signer.address, 0n, { deactivation: 1n });
    await putGateway(fx.db.db, gateway.address, 10n ** 17n);
    const imp = await post('/api/v1/registry/adverts/import', await signedSnapshot(gateway, { orchestrators: indexed.map((a, i) => info(a, i)) }));
    expect(imp.status).toBe(200);
    const adv = await post(
      '/api/v1/registry/adverts',
      await signedAdvert(signer, { orchestrator: signer.address, version: '0.8.7', capabilities: ['text-to-image'], models: [{ capability: 27, model: SDXL, warm: true, capacity: 1, runnerVersion: '0.14.2' }], prices: [{ capability: 27, model: SDXL, pricePerUnit: '3900000', pixelsPerUnit: '1' }], regions: ['FRA'] }, 1),
    );
    expect(adv.status).toBe(200);
    const prof = await post('/api/v1/registry/profiles', await signedProfile(gateway, { gateway: gateway.address, name: 'sdxl-fast', expectedSessions: 20, requirements: { capability: 'text-to-image', model: SDXL, warm: true } }, 1));
    expect(prof.status).toBe(200);
  }, 600_000);

  afterAll(async () => {
    await dash?.close();
    await fx?.db.close();
  });

  it('search page lists what the matcher API answers, in its order, with prices and stake', async () => {
    const q = `capability=text-to-image&model=${encodeURIComponent(SDXL)}&warm=true`;
    const expected = (await api(`/api/v1/registry/match?${q}`)) as J;
    // Warm: the signed node and the even-indexed snapshot nodes; cheapest first.
    expect(expected.matched).toBe(4);
    expect(expected.matches[0].address).toBe(signer.address.toLowerCase());
    const page = await open(`/match?${q}`);
    const rows = page.locator('[data-testid="match-table"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(expected.matches.length);
    for (let i = 0; i < expected.matches.length; i++) {
      const m = expected.matches[i] as J;
      expect(await rows.nth(i).getAttribute('data-address')).toBe(m.address);
      expect((await rows.nth(i).getByTestId('cell-price').innerText()).trim()).toBe(priceText(m.price));
      expect((await rows.nth(i).getByTestId('cell-stake').innerText()).trim()).toBe(token(m.stake, 0));
    }
    expect((await page.getByTestId('match-count').innerText()).trim()).toBe(String(expected.matched));
    // A model was named: no hint that prices are per model; the price reads with thousands separators.
    expect(await page.getByTestId('match-per-model').count()).toBe(0);
    expect((await rows.first().getByTestId('cell-price').innerText()).trim()).toMatch(/^\d{1,3}(,\d{3})+ wei\/unit$/);
    // The cold nodes are listed with their reason.
    const cold = page.locator(`[data-testid="excluded-table"] tr[data-address="${indexed[1]}"]`);
    await expect(cold.getByTestId('cell-reasons').innerText()).resolves.toContain('is not warm');
    await shot(page, 'registry-match');
    await page.close();
  });

  it('an AI pipeline asked without a model says its prices are per model', async () => {
    const page = await open('/match?capability=text-to-image');
    await page.getByTestId('match-per-model').waitFor();
    const rows = page.locator('[data-testid="match-table"] tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect((await rows.first().getByTestId('cell-price').innerText()).trim()).toBe('—');
    await page.close();
  });

  it('search form: adding a price cap and a stake floor narrows the list like the API', async () => {
    const page = await open('/match');
    await page.getByTestId('empty').waitFor();
    await page.getByTestId('match-capability').selectOption('text-to-image');
    await page.getByTestId('match-model').fill(SDXL);
    await page.getByTestId('match-maxPrice').fill('4200000');
    await page.getByTestId('match-minStake').fill('1');
    await page.getByTestId('match-submit').click();
    const expected = (await api(`/api/v1/registry/match?capability=text-to-image&model=${encodeURIComponent(SDXL)}&maxPrice=4200000&minStake=1`)) as J;
    // 4.0e6, 4.1e6, 4.2e6 are within the cap; the signed node (3.9e6) has no stake on chain.
    expect(expected.matches.map((m: J) => m.address)).toEqual(indexed.slice(0, 3));
    const rows = page.locator('[data-testid="match-table"] tbody tr');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="match-table"] tbody tr').length === n, expected.matches.length, { timeout: 15_000 });
    expect(await rows.first().getAttribute('data-address')).toBe(expected.matches[0].address);
    expect(page.url()).toContain('maxPrice=4200000');
    const signedRow = page.locator(`[data-testid="excluded-table"] tr[data-address="${signer.address.toLowerCase()}"]`);
    await expect(signedRow.getByTestId('cell-reasons').innerText()).resolves.toMatch(/stake/);
    await page.close();
  });

  it('a bad requirement shows the API error, and a narrow phone layout does not overflow', async () => {
    const page = await open('/match?capability=text-to-image&maxPrice=1/0', 390);
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').innerText()).toContain('pixelsPerUnit must be at least 1');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.close();
  });

  it('market report shows declared demand against advertised capacity', async () => {
    const rep = (await api('/api/v1/registry/market')) as J;
    const tag = `text-to-image/${SDXL}`;
    const row = (rep.inDemand as J[]).find((t) => t.tag === tag)!;
    // 6 snapshot nodes × 2 sessions + 1 signed × 1 = 13 sessions advertised; 20 wanted → under-supplied.
    expect(row).toMatchObject({ capacity: 13, expectedSessions: 20, underSupplied: true, orchestrators: 7 });
    const page = await open('/market');
    const tr = page.locator(`[data-testid="market-demand-table"] tr[data-tag="${tag}"]`);
    await tr.waitFor();
    expect((await tr.getByTestId('cell-wanted').innerText()).trim()).toBe('20');
    expect((await tr.getByTestId('cell-floor').innerText()).trim()).toBe(priceText(row.prices.floor));
    expect(await tr.innerText()).toContain('under-supplied');
    expect((await page.getByTestId('market-under').innerText()).trim()).toBe('1');
    // The daily series of the most under-supplied tag is charted first.
    expect(await page.getByTestId('series-tag').inputValue()).toBe(tag);
    await page.getByTestId('chart-supply-demand').locator('canvas').first().waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'registry-market');
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
