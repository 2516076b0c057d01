#!/usr/bin/env -S node --max-semi-space-size=32
// The atlas command, run from the compiled JavaScript in dist/ (built at `npm install`). In a checkout whose
// sources changed since that build, it builds again first (about a second). The larger young generation of the
// shebang helps telemetry ingest, which allocates a batch's worth of short-lived objects per request.
import { existsSync } from 'node:fs';

if (existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const { ensureBuilt } = await import('../scripts/build.mjs');
  await ensureBuilt();
}
const { main } = await import('../dist/cli/main.js');
await main();
