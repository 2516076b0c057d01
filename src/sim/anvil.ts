import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A running anvil node owned by this process. */
export interface AnvilNode {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface AnvilOptions {
  port?: number;
  chainId?: number;
  /** Mine only on evm_mine (the simulator batches many transactions per block). */
  noMining?: boolean;
  /** Seconds since epoch for the genesis block. */
  timestamp?: number;
  /** Number of the genesis block (the round clock counts blocks: a later start gives later round numbers). */
  number?: number;
  /** Keep only this many recent states in memory (bounded memory, no deep historical eth_call). */
  pruneHistory?: number;
  /** Path for anvil's state dump/load (optional). */
  stateFile?: string;
  /** Start from another node's chain (anvil --fork-url): its blocks and logs, then local blocks on top. */
  forkUrl?: string;
  /**
   * Outlive this process (own process group, no pipes): a node several processes share, stopped by its pid
   * (`stopAnvilPid`) when they are done.
   */
  detached?: boolean;
}

function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@foundry-rs/anvil-linux-amd64/package.json');
  const bin = path.join(path.dirname(pkgJson), 'bin', 'anvil');
  if (!existsSync(bin)) throw new Error(`anvil binary not found at ${bin}; run npm ci`);
  return bin;
}

/** Ask the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      const port = addr.port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForRpc(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (res.ok) return;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`anvil did not answer at ${url}: ${String(lastErr)}`);
}

/** Start anvil from the npm package binary on loopback; resolves once it answers JSON-RPC. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilNode> {
  const port = opts.port ?? (await freePort());
  const args = [
    '--host', '127.0.0.1',
    '--port', String(port),
    '--chain-id', String(opts.chainId ?? 31337),
    '--auto-impersonate',
    '--disable-block-gas-limit',
    '--disable-code-size-limit',
    '--base-fee', '0',
    '--gas-price', '0',
    '--accounts', '1',
    // A block keeps the transactions in the order they were sent (all pay the same zero fee).
    '--order', 'fifo',
    '--silent',
  ];
  if (opts.noMining) args.push('--no-mining');
  if (opts.pruneHistory !== undefined) args.push('--prune-history', String(opts.pruneHistory));
  if (opts.timestamp !== undefined) args.push('--timestamp', String(opts.timestamp));
  if (opts.number !== undefined) args.push('--number', String(opts.number));
  if (opts.stateFile) args.push('--state', opts.stateFile);
  if (opts.forkUrl) args.push('--fork-url', opts.forkUrl);
  const child = spawn(anvilBinary(), args, opts.detached ? { stdio: 'ignore', detached: true } : { stdio: ['ignore', 'ignore', 'pipe'] });
  if (opts.detached) child.unref();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 10_000) stderr = stderr.slice(-10_000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(url, child, 20_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  const pid = child.pid ?? -1;
  return {
    url,
    port,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** Stops a node started with `detached` by another process (SIGKILL; a node gone already is fine). */
export function stopAnvilPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
