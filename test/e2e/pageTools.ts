import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SCREENSHOTS } from './browser.js';

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
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
  };
  const noHorizontalOverflow = async (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  return { api, text, open, shot, noHorizontalOverflow };
}
