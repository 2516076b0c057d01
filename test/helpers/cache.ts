// Things the tests build once and share: across test files (each runs in its own process) and across runs, kept
// under node_modules/.cache/atlas-test and keyed by what decides their content, so a changed source builds anew.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE_DIR = path.join(repo, 'node_modules', '.cache', 'atlas-test');

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) hashTree(h, full);
    else if (!name.endsWith('.test.ts')) {
      h.update(path.relative(repo, full));
      h.update(readFileSync(full));
    }
  }
}

const treeKeys = new Map<string, string>();

/** A short hash of folders of the repository (tests left out) and of extra text: a cache key. */
export function contentKey(folders: string[], extra = ''): string {
  const id = `${folders.join(',')}|${extra}`;
  let key = treeKeys.get(id);
  if (!key) {
    const h = createHash('sha256');
    for (const f of folders) hashTree(h, path.join(repo, f));
    h.update(extra);
    key = h.digest('hex').slice(0, 20);
    treeKeys.set(id, key);
  }
  return key;
}

/** Writes a file so that readers see either nothing or all of it. */
export function writeAtomically(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // Lock made but pid not written yet: alive unless that moment is long past.
    const st = statSync(lock, { throwIfNoEntry: false });
    return st !== undefined && Date.now() - st.mtimeMs < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns `done()` once a build marked by the file `marker` exists. The first process to get here builds it (holding
 * a lock directory, so parallel test files wait instead of building the same thing); one that died mid-build
 * leaves its lock behind, and the next process takes over.
 */
export async function buildOnce<T>(marker: string, build: () => Promise<void>, done: () => Promise<T> | T): Promise<T> {
  const lock = `${marker}.lock`;
  mkdirSync(path.dirname(marker), { recursive: true });
  for (;;) {
    if (existsSync(marker)) return done();
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch {
      if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(marker)) await build();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Removes entries of a cache folder not named with `keep` that were last written over an hour ago. */
export function pruneCache(dir: string, keep: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name.includes(keep)) continue;
    const full = path.join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
  }
}
