// Compiles src/ into dist/ (one JavaScript module per TypeScript module, types stripped; type checking is
// `npm run typecheck`) and copies the files modules read at run time (SQL migrations, Solidity sources, JSON).
// Runs at `npm install` (prepare); bin/atlas.js runs it again when a source is newer than the last build.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(repo, 'src');
const DIST = path.join(repo, 'dist');
const STAMP = path.join(DIST, '.built');

const isTest = (name) => name.endsWith('.test.ts') || name === 'testkit';

/** Source files of the build: modules and run-time assets, tests and test kits left out. */
function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (isTest(e.name) || e.name === 'README.md') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** True when dist/ is missing or older than a source file. */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return walk(SRC).some((f) => statSync(f).mtimeMs > built);
}

/** Builds into a fresh folder and swaps it in, so a process starting meanwhile never sees half a build. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const files = walk(SRC);
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await esbuild({
    entryPoints: files.filter((f) => f.endsWith('.ts')),
    outdir: tmp,
    outbase: SRC,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
  });
  for (const f of files.filter((x) => !x.endsWith('.ts'))) {
    const to = path.join(tmp, path.relative(SRC, f));
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(f, to);
  }
  writeFileSync(path.join(tmp, '.built'), `${new Date().toISOString()}\n`);
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
}

/** Builds when a source changed since the last build. */
export async function ensureBuilt() {
  if (isStale()) await build();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build();
}
