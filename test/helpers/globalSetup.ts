// Once per test run, before any test file starts: the compiled CLI (the process-level tests run bin/atlas.js) and
// the dashboard bundle (the browser tests) are brought up to date, so parallel test files never build them at once.
import { ensureBuilt } from '../../scripts/build.mjs';
import { ensureWebBuilt } from '../e2e/browser.js';

export default async function setup(): Promise<void> {
  await ensureBuilt();
  ensureWebBuilt();
}
