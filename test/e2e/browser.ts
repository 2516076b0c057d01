import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = path.join(repo, 'web');
/** ATLAS_WEB_DIST builds elsewhere, so concurrent runs of the suite do not overwrite each other's bundle. */
export const WEB_DIST = process.env.ATLAS_WEB_DIST ?? path.join(WEB_DIR, 'dist');
/** The README's screenshots, taken from a running demo (`atlas start`) by test/e2e/screenshots.ts. */
export const SCREENSHOTS = path.join(repo, 'docs', 'screenshots');
/** What the browser tests saw, for whoever reads a run (not committed: the tests run on fixtures, not the demo). */
export const TEST_SHOTS = path.join(repo, 'test-artifacts', 'screenshots');

export const CHROMIUM = process.env.ATLAS_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than the dashboard's sources. */
function webStale(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  const sourcesAt = Math.max(newestMtime(path.join(WEB_DIR, 'src')), statSync(path.join(WEB_DIR, 'index.html')).mtimeMs, statSync(path.join(WEB_DIR, 'vite.config.ts')).mtimeMs);
  return !(existsSync(index) && statSync(index).mtimeMs >= sourcesAt);
}

const viteBuild = () => [path.join(repo, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(WEB_DIR, 'vite.config.ts'), '--outDir', WEB_DIST, '--emptyOutDir', '--logLevel', 'warn'];
const viteEnv = () => ({ ...process.env, NODE_ENV: 'production' });

/** While a background build runs: a folder beside the bundle holding the building process's pid. */
const BUILDING = `${WEB_DIST}.building`;

/**
 * Starts building a stale dashboard in the background (the test run's global setup, so the files that do not
 * open a browser need not wait for it); ensureWebBuilt waits for it. Resolves when the build has ended; null when
 * the bundle is up to date.
 */
export function startWebBuild(): Promise<void> | null {
  if (!webStale()) return null;
  const child = spawn(process.execPath, viteBuild(), { cwd: repo, stdio: 'inherit', env: viteEnv() });
  rmSync(BUILDING, { recursive: true, force: true });
  mkdirSync(BUILDING, { recursive: true });
  writeFileSync(path.join(BUILDING, 'pid'), String(child.pid));
  return new Promise((resolve) =>
    child.on('exit', () => {
      rmSync(BUILDING, { recursive: true, force: true });
      resolve();
    }),
  );
}

function building(): boolean {
  try {
    process.kill(Number(readFileSync(path.join(BUILDING, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the dashboard when web/dist is missing or older than its sources, so a fresh `npm ci && npm test`
 * works and a stale bundle never gets tested; waits first for a background build (startWebBuild) to end.
 */
export function ensureWebBuilt(): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (existsSync(BUILDING) && building()) Atomics.wait(pause, 0, 0, 200);
  if (!webStale()) return;
  execFileSync(process.execPath, viteBuild(), { cwd: repo, stdio: 'inherit', env: viteEnv() });
}

/** Debian's Chromium with a fresh profile directory, removed again by close(). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'atlas-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
