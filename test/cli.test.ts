// The atlas command as a user runs it (the compiled bin/atlas.js): version and help, and every way a start-up can
// fail ending in one line that names the cause, exit code 2, no stack trace and nothing created on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { freePort } from '../src/sim/anvil.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { seedDataDir } from './helpers/db.js';

const repo = path.resolve(import.meta.dirname, '..');
const BIN = path.join(repo, 'bin', 'atlas.js');
const TLS = path.join(repo, 'test', 'fixtures', 'tls');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The caller's environment without Atlas's variables, so each run sees only what the test gives it. */
const cleanEnv = (env: Record<string, string>) => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ATLAS_') && k !== 'DATABASE_URL')), ...env });

/** Runs `atlas <args>` to its end. */
function atlas(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: repo, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('atlas command line', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-cli-'));
  const servers: { close(): void }[] = [];
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    const json = (status: number, body: unknown, type = 'application/json') =>
      createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(status, { 'content-type': type });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        });
      });
    const add = async (name: string, s: Server, scheme = 'http') => {
      servers.push(s);
      urls[name] = `${scheme}://127.0.0.1:${await listen(s)}`;
    };
    await add('unavailable', json(503, 'overloaded', 'text/plain'));
    await add('unauthorized', json(401, { error: 'missing api key' }));
    await add('html', json(200, '<html>a web page</html>', 'text/html'));
    await add('rpcError', json(200, { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'method not found' } }));
    await add('ethereum', json(200, { jsonrpc: '2.0', id: 1, result: '0x1' }));
    await add('plainForTls', json(200, { jsonrpc: '2.0', id: 1, result: '0xa4b1' }));
    urls.plainForTls = urls.plainForTls!.replace('http:', 'https:');
    // Accepts and never answers.
    const silent = createTcpServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    urls.silent = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const selfSigned = createHttpsServer({ key: readFileSync(path.join(TLS, 'key.pem')), cert: readFileSync(path.join(TLS, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await add('selfSigned', selfSigned as unknown as Server, 'https');
    urls.refused = `http://127.0.0.1:${await freePort()}`;
    urls.dns = 'http://atlas-test.invalid:8545';
  });

  afterAll(() => {
    for (const s of servers) s.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints its version and its commands', async () => {
    const v = await atlas(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version);
    const h = await atlas(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['start', 'serve', 'sim', 'index', 'needs', 'prices', '--version', '--verbose']) expect(h.stdout).toContain(c);
  });

  const cases: [string, string, (url: string) => string][] = [
    ['refused', 'refused', (url) => `connection refused: nothing accepts connections at ${new URL(url).host}`],
    ['DNS', 'dns', () => 'DNS: host atlas-test.invalid not found'],
    ['TLS to a plain HTTP port', 'plainForTls', () => 'TLS: the server does not speak TLS (an http:// endpoint?) (ERR_SSL_WRONG_VERSION_NUMBER)'],
    ['TLS with a self-signed certificate', 'selfSigned', () => 'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)'],
    ['HTTP 503', 'unavailable', () => 'HTTP 503 Service Unavailable'],
    ['HTTP 401', 'unauthorized', () => 'HTTP 401 Unauthorized'],
    ['timeout', 'silent', () => 'timeout: no answer within 300 ms'],
    ['not JSON-RPC', 'html', () => 'the answer is not JSON (text/html): is this a JSON-RPC endpoint?'],
    ['a JSON-RPC error', 'rpcError', () => 'JSON-RPC error -32601: method not found'],
  ];

  it.each(cases)('atlas index: %s is one line naming the endpoint, exit code 2, nothing on disk', async (_kind, key, cause) => {
    const url = urls[key]!;
    const dataDir = path.join(tmp, `db-${key}`);
    // A short time limit for the endpoint that never answers; the others get time to answer on a busy machine.
    const r = await atlas(['index'], { ATLAS_RPC_URL: url, ATLAS_DATA_DIR: dataDir, ATLAS_RPC_TIMEOUT_MS: key === 'silent' ? '300' : '20000' });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`atlas: cannot use the JSON-RPC endpoint ${url}: ${cause(url)}`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('atlas start with ATLAS_RPC_URL fails the same way before creating its database', async () => {
    const dataDir = path.join(tmp, 'db-start');
    const r = await atlas(['start'], { ATLAS_RPC_URL: urls.refused!, ATLAS_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`atlas: cannot use the JSON-RPC endpoint ${urls.refused}: connection refused: nothing accepts connections at ${new URL(urls.refused!).host}\n`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an endpoint of another chain, and hides the path of an endpoint (it often holds an API key)', async () => {
    const dataDir = path.join(tmp, 'db-chain');
    const r = await atlas(['index'], { ATLAS_RPC_URL: `${urls.ethereum}/v2/SECRETKEY`, ATLAS_DATA_DIR: dataDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`atlas: the JSON-RPC endpoint ${urls.ethereum}/… serves chain 1, not arbitrum-one (42161)\n`);
    expect(r.stderr).not.toContain('SECRETKEY');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('atlas verify refuses a bad sample size and an endpoint that does not answer in one line each, exit code 2, nothing on disk', async () => {
    const dataDir = path.join(tmp, 'db-verify');
    const bad = await atlas(['verify', '--sample', '0'], { ATLAS_RPC_URL: urls.refused!, ATLAS_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('atlas: --sample must be a whole number from 1 to 100000\n');
    const down = await atlas(['verify'], { ATLAS_RPC_URL: urls.refused!, ATLAS_DATA_DIR: dataDir });
    expect(down.code).toBe(2);
    expect(down.stderr.trimEnd().split('\n')).toEqual([`atlas: cannot use the JSON-RPC endpoint ${urls.refused}: connection refused: nothing accepts connections at ${new URL(urls.refused!).host}`]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--verbose adds the stack trace', async () => {
    const r = await atlas(['--verbose', 'index'], { ATLAS_RPC_URL: urls.refused!, ATLAS_DATA_DIR: path.join(tmp, 'db-verbose') });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain('connection refused');
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('a configuration error is one line naming the variable', async () => {
    const r = await atlas(['serve'], { ATLAS_PORT: 'eighty' });
    expect(r).toMatchObject({ code: 2, stderr: 'atlas: ATLAS_PORT must be a whole number\n' });
    const k = await atlas(['serve'], { ATLAS_COST_SURVEY_K: '1' });
    expect(k).toMatchObject({ code: 2, stderr: 'atlas: ATLAS_COST_SURVEY_K must be at least 2\n' });
  });

  it('atlas sim --contracts without a livepeer/protocol checkout is one line naming the folder, before any node starts', async () => {
    const missing = path.join(tmp, 'no-such-checkout');
    const r = await atlas(['sim', '--contracts', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`atlas: --contracts must be a livepeer/protocol checkout (no contracts/bonding/BondingManager.sol in ${missing})\n`);
  });

  it('a PostgreSQL server that refuses is one line naming it without its password', async () => {
    const port = await freePort();
    const r = await atlas(['serve'], { DATABASE_URL: `postgres://atlas:hunter2@127.0.0.1:${port}/atlas` });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`atlas: cannot use DATABASE_URL postgres://127.0.0.1:${port}/atlas: connection refused: nothing accepts connections at 127.0.0.1:${port}\n`);
  });

  /** An embedded database as an indexer leaves it: migrated, Arbitrum One, checkpoint at a block of the given age. */
  async function indexedDataDir(name: string, ageS: number): Promise<string> {
    const dataDir = path.join(tmp, name);
    await seedDataDir(dataDir);
    const db = await createDb({ kind: 'pglite', dataDir });
    await migrate(db.db);
    const block = 300_000_000;
    await sql`insert into atlas_meta (key, value) values ('network', ${JSON.stringify({ name: 'arbitrum-one', genesisHash: '0x00' })}::jsonb)`.execute(db.db);
    await sql`insert into sync_checkpoint (source, block, block_hash) values ('protocol', ${block}, '0xab')`.execute(db.db);
    await sql`insert into sync_block (number, hash, parent_hash, timestamp, l1_block) values (${block}, '0xab', '0xaa', ${Math.floor(Date.now() / 1000) - ageS}, null)`.execute(db.db);
    await db.close();
    return dataDir;
  }

  /** `atlas serve` over a data directory: /ready's status and body, then the server is stopped. */
  async function serveReady(dataDir: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const port = await freePort();
    const p = spawn(process.execPath, [BIN, 'serve'], { cwd: repo, env: cleanEnv({ ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(port), ATLAS_READY_MAX_AGE_S: '120' }), stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        p.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('API and dashboard on')) resolve();
        });
        p.on('exit', (code) => reject(new Error(`atlas serve exited with ${code}: ${err}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } finally {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
  }

  it('atlas serve: /ready is 200 while the indexed head is recent and 503 once it is older than ATLAS_READY_MAX_AGE_S', async () => {
    const fresh = await serveReady(await indexedDataDir('serve-fresh', 5));
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ ready: true, indexedBlock: 300_000_000, clock: 'block', maxHeadAgeSeconds: 120 });
    const stale = await serveReady(await indexedDataDir('serve-stale', 3600));
    expect(stale.status).toBe(503);
    expect(stale.body).toMatchObject({ ready: false, error: { code: 'not_ready' } });
  });
});
