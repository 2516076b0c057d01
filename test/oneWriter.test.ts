import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { seedDataDir } from './helpers/db.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Run {
  child: ChildProcess;
  /** Resolves with the first stderr line matching `ready`, or rejects when the process exits first. */
  ready: Promise<string>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

const runs: Run[] = [];

/** `p`, or a rejection naming `what` after `ms` (a process that should have exited and did not). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms))]);
}

function atlas(args: string[], env: Record<string, string>, ready = /API and dashboard on|dashboard and API on/): Run {
  const child = spawn(process.execPath, [path.join(repo, 'bin/atlas.js'), ...args], {
    cwd: repo,
    env: { ...process.env, ATLAS_LOG_FORMAT: 'text', DATABASE_URL: '', ATLAS_RPC_URL: '', ATLAS_NEEDS_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let onReady: (l: string) => void = () => undefined;
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  const readyP = new Promise<string>((resolve, reject) => {
    onReady = resolve;
    void exit.then((e) => reject(new Error(`exited ${e.code} before ready: ${e.stderr}`)));
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    const line = stderr.split('\n').find((l) => ready.test(l));
    if (line) onReady(line);
  });
  child.stdout!.resume();
  readyP.catch(() => undefined); // awaited only where the run is expected to come up
  const run = { child, ready: readyP, exit };
  runs.push(run);
  return run;
}

async function stop(r: Run): Promise<void> {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGTERM');
  await r.exit;
}

/** Path → size of every file below `dir`: what "the directory was not touched" compares. */
function listing(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = 1;
    }
  };
  walk(dir);
  return out;
}

describe('one writer per embedded database', () => {
  let root: string;
  let dataDir: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'atlas-one-writer-'));
    dataDir = path.join(root, 'db');
    // A database an earlier simulator run left: network claimed, a marker row.
    await seedDataDir(dataDir);
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrate(db.db);
    await sql`insert into atlas_meta (key, value) values ('network', ${JSON.stringify({ name: 'simulator', genesisHash: '0x01' })}::jsonb), ('marker', '"kept"'::jsonb)`.execute(db.db);
    await db.close();
  });
  afterAll(async () => {
    for (const r of runs) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(runs.map((r) => r.exit));
    await rm(root, { recursive: true, force: true });
  });

  it('a second `atlas serve` or `atlas start` on a data directory in use is one line naming the holder pid; nothing is deleted', async () => {
    const first = atlas(['serve'], { ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(await freePort()) });
    try {
      await within(first.ready, 60_000, 'atlas serve');
      const files = listing(dataDir);
      const second = atlas(['serve'], { ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(await freePort()) });
      const r2 = await within(second.exit, 30_000, 'second atlas serve');
      expect(r2.code).toBe(2);
      const lines = r2.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`pid ${first.child.pid}`);
      const start = atlas(['start', '--fresh'], { ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(await freePort()), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUNDS: '1' });
      const r3 = await within(start.exit, 30_000, 'atlas start --fresh on a directory in use');
      expect(r3.code).toBe(2);
      expect(r3.stderr.trim().split('\n')).toEqual([expect.stringContaining(`pid ${first.child.pid}`)]);
      expect(listing(dataDir)).toEqual(files);
    } finally {
      await stop(first);
    }
    const db = await createDb({ kind: 'pglite', dataDir });
    expect((await sql<{ value: string }>`select value from atlas_meta where key = 'marker'`.execute(db.db)).rows).toHaveLength(1);
    await db.close();
  });

  it('`atlas start` keeps a directory that holds data unless asked with --fresh', async () => {
    const kept = atlas(['start'], { ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(await freePort()), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUNDS: '1' });
    const r = await within(kept.exit, 30_000, 'atlas start on a directory holding data');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('--fresh')]);
    const db = await createDb({ kind: 'pglite', dataDir });
    expect((await sql<{ value: string }>`select value from atlas_meta where key = 'marker'`.execute(db.db)).rows).toHaveLength(1);
    await db.close();

    // Not a database at all: never deleted, not even with --fresh.
    const other = path.join(root, 'notes');
    mkdirSync(other);
    writeFileSync(path.join(other, 'keep.txt'), 'mine');
    const refused = atlas(['start', '--fresh'], { ATLAS_DATA_DIR: other, ATLAS_PORT: String(await freePort()), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUNDS: '1' });
    const r2 = await within(refused.exit, 30_000, 'atlas start --fresh on a directory that is no database');
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim().split('\n')).toEqual([expect.stringContaining('holds no Atlas database')]);
    expect(existsSync(path.join(other, 'keep.txt'))).toBe(true);

    // --fresh replaces an earlier simulator database.
    const fresh = atlas(['start', '--fresh'], { ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(await freePort()), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUNDS: '1' });
    try {
      await within(fresh.ready, 240_000, 'atlas start --fresh');
    } finally {
      await stop(fresh);
    }
    const after = await createDb({ kind: 'pglite', dataDir });
    expect((await sql<{ value: string }>`select value from atlas_meta where key = 'marker'`.execute(after.db)).rows).toHaveLength(0);
    await after.close();
  }, 300_000);
});
