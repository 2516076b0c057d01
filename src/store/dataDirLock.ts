import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AtlasError } from '../base/errors.js';

/**
 * One process per embedded data directory. PGlite is a single-process database: two processes on one
 * directory each see only their own writes and lose acknowledged ones at shutdown. The lock is a local socket
 * named after the directory's real path that the holder listens on; the kernel lets only one process listen
 * on a name and frees it when that process ends, kill -9 included, so there is no stale lock to clean up
 * (Linux: an abstract socket; Windows: a named pipe; elsewhere a socket file in the temp directory, removed
 * when nobody answers on it). A second process connects instead and learns the holder's pid.
 */

export interface LockHolder {
  pid: number;
  /** The holder's command line (e.g. `atlas serve`). */
  command: string;
  /** ISO time the holder took the lock. */
  since: string;
}

export class DataDirLockedError extends AtlasError {
  override name = 'DataDirLockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | null,
  ) {
    super(
      'conflict',
      holder
        ? `${dir} is in use by another Atlas process (pid ${holder.pid}: ${holder.command}, since ${holder.since}); stop it, or point ATLAS_DATA_DIR at another directory`
        : `${dir} is in use by another Atlas process; stop it, or point ATLAS_DATA_DIR at another directory`,
      { reason: 'data_dir_locked' },
    );
  }
}

export interface DataDirLock {
  readonly dir: string;
  /** Gives the lock back (idempotent); the directory is free once every handle of this process is released. */
  release(): Promise<void>;
}

interface Held {
  server: net.Server;
  socketFile: string | null;
  handles: number;
}

// Handles of this process, by real path: opening the same directory twice in one process (a probe, then the
// database) shares the lock instead of refusing itself.
const held = new Map<string, Held>();

function socketName(realDir: string): { name: string; file: string | null } {
  const id = createHash('sha256').update(realDir).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return { name: `\0livepeer-atlas-${id}`, file: null };
  if (process.platform === 'win32') return { name: `\\\\?\\pipe\\livepeer-atlas-${id}`, file: null };
  const file = path.join(os.tmpdir(), `livepeer-atlas-${id}.sock`);
  return { name: file, file };
}

function thisProcess(): LockHolder {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const command = args.length ? `atlas ${args.slice(0, 2).join(' ')}` : path.basename(process.argv[1] ?? 'node');
  return { pid: process.pid, command, since: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
}

function listen(name: string, holder: LockHolder): Promise<net.Server | 'in-use'> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(JSON.stringify(holder));
    });
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve('in-use') : reject(e)));
    server.listen(name, () => {
      // The lock must not keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

/** Asks the holder who it is; null when nobody answers (a socket file left by a process that died). */
function askHolder(name: string): Promise<LockHolder | null | 'gone'> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect(name);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 2000);
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(text) as LockHolder);
      } catch {
        resolve(null);
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? 'gone' : null);
    });
  });
}

/**
 * Takes the exclusive lock on an embedded data directory (created if missing), or throws DataDirLockedError
 * naming the process that holds it.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  mkdirSync(dir, { recursive: true });
  const real = realpathSync(dir);
  let entry = held.get(real);
  if (!entry) {
    const { name, file } = socketName(real);
    const me = thisProcess();
    for (let attempt = 0; ; attempt++) {
      const server = await listen(name, me);
      if (server !== 'in-use') {
        entry = { server, socketFile: file, handles: 0 };
        held.set(real, entry);
        break;
      }
      const holder = await askHolder(name);
      // Only a socket file can outlive its process; nobody answering on it means the holder died.
      if (holder === 'gone' && file && attempt === 0) {
        rmSync(file, { force: true });
        continue;
      }
      throw new DataDirLockedError(dir, holder === 'gone' ? null : holder);
    }
  }
  entry.handles++;
  let released = false;
  return {
    dir: real,
    release: async () => {
      if (released) return;
      released = true;
      const e = held.get(real);
      if (!e || --e.handles > 0) return;
      held.delete(real);
      await new Promise<void>((resolve) => e.server.close(() => resolve()));
      if (e.socketFile) rmSync(e.socketFile, { force: true });
    },
  };
}
