// Once per test run, before any test file starts: the compiled CLI (the process-level tests run bin/atlas.js) is
// brought up to date, and the dashboard bundle (the browser tests) starts building in the background, so parallel
// test files never build them at once and the files without a browser need not wait for the bundle; and the run
// gets a folder for the chains its test files share (test/helpers/chains.ts), cleaned up at the end. The simulator's
// contracts compile here too (on a fresh clone ~7 s of CPU): else each of the first files that simulate, started at
// once, compiles them itself before the first of them has cached the result.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../scripts/build.mjs';
import { compileContracts } from '../../src/sim/compile.js';
import { startWebBuild } from '../e2e/browser.js';
import { stopRun } from './chains.js';
import { dropRunTemplates } from './db.js';

export default async function setup(): Promise<() => Promise<void>> {
  await ensureBuilt();
  const web = startWebBuild();
  compileContracts();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atlas-test-run-'));
  // Test files run in worker processes started after this, with this environment.
  process.env.ATLAS_TEST_RUN_DIR = dir;
  return async () => {
    await web;
    stopRun(dir);
    await dropRunTemplates();
    rmSync(dir, { recursive: true, force: true });
  };
}
