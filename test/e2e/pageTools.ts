import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp, startServer, type AppOptions, type RunningServer } from '../../src/api/index.js';
import type { DbKind } from '../../src/store/db.js';
import type { Database } from '../../src/store/schema.js';
import { ensureWebBuilt, launchBrowser, TEST_SHOTS, WEB_DIST } from './browser.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

/**
 * The small set of page helpers every browser test uses: JSON from the API, a page opened at a width
 * with its errors collected (resource 404s the tests ask for are expected), text by test id, and a
 * screenshot once charts have painted.
 */
export function pageTools(baseUrl: () => string, context: () => BrowserContext, pageErrors: string[], opts: { onOpen?: (page: Page) => void } = {}) {
  const api = async (p: string): Promise<J> => (await (await fetch(`${baseUrl()}${p}`)).json()) as J;
  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).trim();
  const open = async (p: string, width = 1280): Promise<Page> => {
    const page = await context().newPage();
    opts.onOpen?.(page);
    await page.setViewportSize({ width, height: 900 });
    page.on('pageerror', (e) => pageErrors.push(`${p}: ${String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(`${p}: ${m.text()}`);
    });
    await page.goto(`${baseUrl()}${p}`);
    return page;
  };
  const shot = async (page: Page, name: string, fullPage = true) => {
    await page.waitForTimeout(300); // charts finish their first paint
    await page.screenshot({ path: path.join(TEST_SHOTS, `${name}.png`), fullPage });
  };
  const noHorizontalOverflow = async (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  return { api, text, open, shot, noHorizontalOverflow };
}

export interface DashboardSession {
  server: RunningServer;
  context: BrowserContext;
  /** Closes the browser, then the server (the database stays the caller's). */
  close: () => Promise<void>;
}

/**
 * The built dashboard and API served over `db` by a real server (rate limit off, short cache so live
 * updates show quickly), and a fresh Chromium: what every browser test file starts from.
 */
export async function openDashboard(opts: { db: Kysely<Database>; dbKind: DbKind; headBlock: number; app?: Partial<AppOptions> }): Promise<DashboardSession> {
  ensureWebBuilt();
  mkdirSync(TEST_SHOTS, { recursive: true });
  const app = createApp({
    db: opts.db,
    dbKind: opts.dbKind,
    status: () => ({ headBlock: opts.headBlock, indexedBlock: opts.headBlock, lagBlocks: 0, phase: 'live' }),
    rateLimit: false,
    webDir: WEB_DIST,
    cacheTtlMs: 200,
    ...opts.app,
  });
  const server = await startServer({ app, port: 0 });
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    server,
    context: browser.context,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
