import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/sim/anvil.js';
import type { DbKind } from '../src/store/db.js';
import { freshDatabase } from './databases.js';

/**
 * Runs the minimal Ponder project of bench/ponder (Ponder 0.16.10, the benchmarks' baseline) over a chain
 * until it reports the end block indexed, timed by Ponder's own log lines.
 */

const ponderRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ponder');

export interface PonderTarget {
  rpcUrl: string;
  chainId: number;
  startBlock: number;
  endBlock: number;
}

export interface PonderRun {
  /** From its 'Started backfill indexing' to 'Completed indexing across all chains'. */
  wallS: number;
  startupS: number;
  rows: number;
}

export function ponderBin(): string {
  // ponder's exports map hides package.json (and it has no require entry): walk up from its ESM entry.
  let pkgDir = path.dirname(fileURLToPath(import.meta.resolve('ponder')));
  while (!existsSync(path.join(pkgDir, 'package.json'))) pkgDir = path.dirname(pkgDir);
  const pkgPath = path.join(pkgDir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: string | Record<string, string> };
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.ponder!;
  return path.join(path.dirname(pkgPath), rel);
}

interface PonderLogLine {
  level: number;
  time: number;
  msg: string;
  progress?: string;
  block_range?: string;
  error?: { message?: string };
}

/** A run stopped at its time limit, with how far Ponder said it had come. */
export class PonderTimeout extends Error {
  constructor(
    readonly timeoutS: number,
    /** Ponder's last 'Updated backfill indexing progress' figure, in percent (0 if it printed none). */
    readonly progressPct: number,
    /** Seconds from its backfill start to the time limit. */
    readonly backfillS: number,
    /** The last block of the newest range Ponder said it indexed (null if none). */
    readonly indexedTo: number | null,
  ) {
    super(`no completion within ${timeoutS} s (backfill at ${progressPct}%${indexedTo === null ? '' : `, indexed to block ${indexedTo}`})`);
  }
}

/**
 * Runs `ponder start` on bench/ponder until it reports that the end block (the chain head) is indexed,
 * then counts its rows through the project's own endpoint and stops it.
 */
export async function runPonder(
  kind: DbKind,
  target: PonderTarget,
  adminUrl: string,
  expected: number | null,
  timeoutMs = ponderTimeoutMs(),
): Promise<PonderRun> {
  const database = kind === 'postgres' ? await freshDatabase(adminUrl, 'ponder') : null;
  const dir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-ponder-')) : null;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: 'true',
    ATLAS_PONDER_RPC_URL: target.rpcUrl,
    ATLAS_PONDER_CHAIN_ID: String(target.chainId),
    ATLAS_PONDER_START_BLOCK: String(target.startBlock),
    ATLAS_PONDER_END_BLOCK: String(target.endBlock),
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  if (database) env.DATABASE_URL = database.url;
  else env.ATLAS_PONDER_PGLITE_DIR = dir!;
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [ponderBin(), 'start', '--root', ponderRoot, '--port', String(port), '--schema', 'bench', '--log-format', 'json'], {
    cwd: ponderRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it also stops anything it started.
    detached: true,
  });
  const tail: string[] = [];
  try {
    const { started, completed } = await watchPonder(child, tail, timeoutMs);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    if (ready.status !== 200) throw new Error(`/ready answered ${ready.status} after the end block was indexed`);
    const count = (await (await fetch(`http://127.0.0.1:${port}/bench/count`)).json()) as { rows: number };
    if (expected !== null && count.rows !== expected) throw new Error(`ponder on ${kind} wrote ${count.rows} rows, expected ${expected} (atlas events, else the simulator's logs)`);
    return { wallS: (completed - started) / 1000, startupS: (started - spawnedAt) / 1000, rows: count.rows };
  } catch (e) {
    if (e instanceof PonderTimeout) throw e;
    throw new Error(`${(e as Error).message}\n--- last ponder output ---\n${tail.join('\n')}`);
  } finally {
    await stopChild(child);
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** ATLAS_BENCH_PONDER_TIMEOUT_S, default three hours. */
export function ponderTimeoutMs(): number {
  const s = Number(process.env.ATLAS_BENCH_PONDER_TIMEOUT_S ?? 3 * 3600);
  return s * 1000;
}

/** Resolves with Ponder's own timestamps of the backfill start and of the end block being indexed. */
function watchPonder(child: ChildProcess, tail: string[], timeoutMs: number): Promise<{ started: number; completed: number }> {
  return new Promise((resolve, reject) => {
    let started: number | null = null;
    let progressPct = 0;
    let indexedTo: number | null = null;
    let done = false;
    let buf = '';
    const keep = (line: string): void => {
      tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      if (tail.length > 30) tail.shift();
    };
    const timer = setTimeout(
      () => finish(new PonderTimeout(timeoutMs / 1000, progressPct, started === null ? 0 : (Date.now() - started) / 1000, indexedTo)),
      timeoutMs,
    );
    const finish = (err: Error | null, completed?: number): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Output keeps being drained: a full pipe would block Ponder's event loop and its HTTP answers.
      if (err) reject(err);
      else resolve({ started: started!, completed: completed! });
    };
    const onLine = (line: string): void => {
      keep(line);
      if (done) return;
      let ev: PonderLogLine;
      try {
        ev = JSON.parse(line) as PonderLogLine;
      } catch {
        return;
      }
      if (ev.msg === 'Started backfill indexing' && started === null) started = ev.time;
      else if (ev.msg === 'Updated backfill indexing progress' && typeof ev.progress === 'string') progressPct = Number.parseFloat(ev.progress) || progressPct;
      else if (ev.msg === 'Indexed block range' && typeof ev.block_range === 'string') {
        const to = Number(/,\s*(\d+)\]/.exec(ev.block_range)?.[1]);
        if (Number.isSafeInteger(to)) indexedTo = Math.max(indexedTo ?? 0, to);
      }
      else if (ev.msg === 'Completed indexing across all chains') {
        if (started === null) return finish(new Error('completed without a backfill start'));
        finish(null, ev.time);
      } else if (ev.level >= 50) finish(new Error(`ponder: ${ev.msg}${ev.error?.message ? `: ${ev.error.message}` : ''}`));
    };
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const l of chunk.split('\n')) if (l.trim()) keep(l);
    });
    child.on('exit', (code, signal) => finish(new Error(`ponder exited (${signal ?? code}) before completing`)));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const killed = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killed);
}
