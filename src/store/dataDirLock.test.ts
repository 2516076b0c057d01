import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from './db.js';
import { DataDirLockedError, lockDataDir } from './dataDirLock.js';

const lockModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dataDirLock.ts');

/** A second process that takes the lock on `dir` and holds it until killed. */
function holder(dir: string): Promise<ChildProcess> {
  const code = `import { lockDataDir } from ${JSON.stringify(lockModule)}; await lockDataDir(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve(child));
    child.on('exit', (c) => reject(new Error(`holder exited ${c}: ${err}`)));
  });
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

describe('embedded data directory lock', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const tempDir = async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'atlas-lock-'));
    cleanup.push(() => rm(d, { recursive: true, force: true }));
    return path.join(d, 'db');
  };

  it('refuses a second process with one line naming the holder pid; free again once the holder is kill -9ed', async () => {
    const dir = await tempDir();
    const child = await holder(dir);
    cleanup.push(async () => {
      child.kill('SIGKILL');
      await exited(child);
    });
    const e = await lockDataDir(dir).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DataDirLockedError);
    expect((e as DataDirLockedError).holder?.pid).toBe(child.pid);
    expect((e as Error).message).toContain(`pid ${child.pid}`);
    expect((e as Error).message).not.toContain('\n');
    // The database layer takes the same lock: an embedded database cannot be opened under a running holder.
    await expect(createDb({ kind: 'pglite', dataDir: dir })).rejects.toThrow(`pid ${child.pid}`);
    child.kill('SIGKILL');
    await exited(child);
    const lock = await lockDataDir(dir);
    await lock.release();
  });

  it('is shared within one process and given back when the database closes', async () => {
    const dir = await tempDir();
    const a = await lockDataDir(dir);
    const b = await lockDataDir(dir);
    await a.release();
    await a.release();
    const db = await createDb({ kind: 'pglite', dataDir: dir });
    await b.release();
    const child = holder(dir);
    // Still held by the open database.
    await expect(child).rejects.toThrow(/in use by another Atlas process/);
    await db.close();
    const free = await holder(dir);
    free.kill('SIGKILL');
    await exited(free);
  });
});
