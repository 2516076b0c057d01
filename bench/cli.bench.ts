import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';
import { round2, writeResult } from './results.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 20;

/** Wall time of each of `runs` runs of a command, in ms (a first, unmeasured run warms the file cache). */
function times(args: string[], runs: number): number[] {
  const once = () => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.toString()}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  once();
  return Array.from({ length: runs }, once);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/**
 * How fast the atlas command answers: `atlas --help` and `atlas --version` from the compiled CLI (bin/atlas.js,
 * the installed command), against the way it started before: tsx compiling the TypeScript sources and loading
 * every command's modules up front.
 */
export async function cliBench(): Promise<void> {
  await ensureBuilt();
  const load = loadavg()[0]!.toFixed(1);
  const bin = path.join(repo, 'bin', 'atlas.js');
  const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'cli.mjs');
  const eager = `(async () => {
    for (const m of ['start', 'index', 'sim', 'needs', 'prices']) await import('./src/cli/' + m + 'Command.ts');
    await (await import('./src/cli/main.ts')).main([process.argv[0], 'atlas', '--help']);
  })();`;
  const help = times([bin, '--help'], RUNS);
  const version = times([bin, '--version'], RUNS);
  const tsxHelp = times([tsx, '--eval', eager], RUNS);
  const figures = { help_ms_p50: round2(pct(help, 50)), help_ms_p99: round2(pct(help, 99)), version_ms_p50: round2(pct(version, 50)), version_ms_p99: round2(pct(version, 99)) };
  const baseline = { help_ms_p50: round2(pct(tsxHelp, 50)), help_ms_p99: round2(pct(tsxHelp, 99)), version_ms_p50: round2(pct(tsxHelp, 50)), version_ms_p99: round2(pct(tsxHelp, 99)) };
  const r = writeResult({
    bench: 'cli',
    figures,
    baseline,
    dataset: `${RUNS} runs each (after one warm-up) of node bin/atlas.js --help / --version (compiled dist/, a command's modules loaded only when it runs) against tsx compiling src/cli and loading every command's modules before --help (the CLI before the build step); Node ${process.versions.node}, load average ${load} at the start`,
  });
  process.stderr.write(`${JSON.stringify(r.figures)} vs ${JSON.stringify(r.baseline)}\n`);
}
