#!/usr/bin/env node
// Runs the TypeScript entry point through tsx so the package works without a build step.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
// A larger young generation: telemetry ingest allocates a batch's worth of short-lived objects per request,
// which the default size promotes to the old generation before they die.
const res = spawnSync(process.execPath, ['--max-semi-space-size=32', tsx, path.join(here, '..', 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
