import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDir } from '../test/helpers/sharedDir.mjs';
import { round2, writeResult } from './results.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The last commit before the suite shared its chains and databases: the baseline. */
const BASELINE_REF = process.env.ATLAS_BENCH_SUITE_BASELINE_REF ?? 'e9965a4';

interface SuiteRun {
  wallS: number;
  cpuS: number;
  files: number;
  tests: number;
  failed: number;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

/** Children's CPU time so far (user + system, s), from /proc: what the suite's processes used once they exit. */
function childrenCpuS(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 (cutime, cstime) counted from field 3 onwards, in clock ticks.
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * A fresh clone of `ref` (no node_modules cache, nothing built), `npm install`, then its test command timed to the
 * end; `shared` links the reference material beside the clone (the suite before the split needed it).
 */
async function timeSuite(ref: string, command: string[], shared: boolean, env: NodeJS.ProcessEnv = process.env): Promise<SuiteRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-suite-bench-'));
  try {
    const clone = path.join(dir, 'atlas');
    run('git', ['clone', '--quiet', repo, clone], dir);
    run('git', ['checkout', '--quiet', ref], clone);
    const s = sharedDir();
    if (shared && s) symlinkSync(s, path.join(dir, 'shared'));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], clone);
    const report = path.join(dir, 'report.json');
    const cpu0 = childrenCpuS();
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const p = spawn(command[0]!, [...command.slice(1), '--reporter=json', `--outputFile=${report}`], { cwd: clone, env, stdio: ['ignore', 'ignore', 'inherit'] });
      p.on('error', reject);
      p.on('exit', () => resolve());
    });
    const wallS = (Date.now() - t0) / 1000;
    const r = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTestSuites: number; numTotalTests: number; numFailedTests: number; testResults: unknown[] };
    return { wallS, cpuS: childrenCpuS() - cpu0, files: r.testResults.length, tests: r.numTotalTests, failed: r.numFailedTests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline figures of bench/results/suite.json as last recorded, if any. */
function previousBaseline(): { figures: ReturnType<typeof figuresOf>; at: string } | null {
  try {
    const r = JSON.parse(readFileSync(path.join(repo, 'bench', 'results', 'suite.json'), 'utf8')) as { baseline: ReturnType<typeof figuresOf>; at: string };
    return r.baseline.suite_wall_s > 0 ? { figures: r.baseline, at: r.at } : null;
  } catch {
    return null;
  }
}

const figuresOf = (r: SuiteRun) => ({ suite_wall_s: round2(r.wallS), suite_cpu_s: round2(r.cpuS), test_files: r.files, tests: r.tests, failed_tests: r.failed });

/**
 * The default test suite's wall time on a fresh clone (`npm test`: Chromium and PostgreSQL present, a throwaway
 * PostgreSQL server started by the command itself), against the suite before it shared its chains and databases
 * (ATLAS_BENCH_SUITE_BASELINE_REF; ATLAS_BENCH_SUITE_BASELINE=0 skips measuring it).
 */
export async function suiteBench(): Promise<void> {
  const load0 = loadavg()[0]!;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo }).stdout.toString().trim();
  // As a user runs it: npm test starts its own PostgreSQL server.
  const { ATLAS_TEST_DATABASE_URL: _url, ...userEnv } = process.env;
  const now = await timeSuite('HEAD', ['npm', 'test', '--'], false, userEnv);
  let baseline: SuiteRun | null = null;
  if (process.env.ATLAS_BENCH_SUITE_BASELINE !== '0') {
    const url = process.env.ATLAS_TEST_DATABASE_URL;
    if (!url) throw new Error('the baseline suite needs a PostgreSQL server: set ATLAS_TEST_DATABASE_URL (eval "$(scripts/ci-postgres.sh)")');
    baseline = await timeSuite(BASELINE_REF, ['npx', 'vitest', 'run'], true);
  }
  const load1 = loadavg()[0]!;
  // Not measured again: the baseline of the last recorded run stands, and the dataset line says when it was taken.
  const earlier = baseline ? null : previousBaseline();
  if (!baseline && !earlier) throw new Error('no recorded baseline to keep: run once with the baseline measured (unset ATLAS_BENCH_SUITE_BASELINE)');
  const r = writeResult({
    bench: 'suite',
    figures: figuresOf(now),
    baseline: baseline ? figuresOf(baseline) : earlier!.figures,
    dataset:
      `npm test on a fresh clone of ${head} (empty test caches; CPU = user + system of the test processes, not the PostgreSQL server), ` +
      `${baseline ? `baseline: npx vitest run on a fresh clone of ${BASELINE_REF} with ../shared beside it` : `baseline kept from the run of ${earlier!.at}`}; ` +
      `2 cores, load average ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end`,
  });
  process.stderr.write(`${JSON.stringify(r.figures)} vs ${JSON.stringify(r.baseline)}\n`);
}
