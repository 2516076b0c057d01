import { spawn } from 'node:child_process';
import os from 'node:os';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { pendingEarnings } from '../src/analytics/pendingEarnings.js';
import { createApp, startServer } from '../src/api/index.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb, type DbKind } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { loadConfig } from '../src/cli/config.js';
import { openApiPool } from '../src/cli/database.js';
import type { Database } from '../src/store/schema.js';
import { ensureWebBuilt, WEB_DIST } from '../test/e2e/browser.js';
import { freshDatabase, postgresAdminUrl } from './indexer.bench.js';
import { round2, writeResult } from './results.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const RATE = 500; // target requests/s per endpoint
const DURATION_S = 10;
const CONNECTIONS = 16;

interface Load {
  p50_ms: number;
  p99_ms: number;
  requests_per_s: number;
  errors: number;
}

/**
 * Load one endpoint from a separate Node process with autocannon at a fixed overall rate (default RATE), cycling through
 * `paths` (e.g. every delegator's account page), so the server process shares no CPU time with the client's
 * bookkeeping beyond what the machine forces.
 */
export function autocannon(baseUrl: string, paths: string[], durationS = DURATION_S, rate = RATE): Promise<Load> {
  const worker = `
    const autocannon = require('autocannon');
    const paths = JSON.parse(require('node:fs').readFileSync(process.env.BENCH_PATHS_FILE, 'utf8'));
    let i = 0;
    autocannon({
      url: process.env.BENCH_URL, connections: ${CONNECTIONS}, duration: ${durationS}, overallRate: ${rate},
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    }, (err, r) => {
      if (err) { console.error(err); process.exit(1); }
      process.stdout.write(JSON.stringify({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx + r.timeouts }));
    });`;
  // The paths go through a file: thousands of account paths exceed what one environment variable may hold.
  const pathsFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-paths-')), 'paths.json');
  writeFileSync(pathsFile, JSON.stringify(paths));
  return new Promise<Load>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', worker], { cwd: repo, env: { ...process.env, BENCH_URL: baseUrl, BENCH_PATHS_FILE: pathsFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(path.dirname(pathsFile), { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`autocannon worker exited with ${code}`));
      const r = JSON.parse(out) as { p50: number; p99: number; rps: number; errors: number };
      resolve({ p50_ms: r.p50, p99_ms: r.p99, requests_per_s: round2(r.rps), errors: r.errors });
    });
  });
}

interface Stalls {
  /** Garbage-collection pauses of the serving process during the load: total and longest (ms). */
  gc_ms: number;
  gc_max_ms: number;
  /** Event-loop delay of the serving process (ms, p99): how long a ready request could wait for the thread. */
  loop_delay_p99_ms: number;
}

/** `load` measured together with the serving process's (this process's) GC pauses and event-loop delay. */
async function withStalls<T>(load: () => Promise<T>): Promise<T & Stalls> {
  const pauses: number[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push(e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  try {
    const r = await load();
    return { ...r, gc_ms: round2(pauses.reduce((a, b) => a + b, 0)), gc_max_ms: round2(Math.max(0, ...pauses)), loop_delay_p99_ms: round2(loop.percentile(99) / 1e6) };
  } finally {
    loop.disable();
    gc.disconnect();
  }
}

/**
 * The comparison peer: the same two reads answered by a bare node:http server that runs the SQL for every
 * request and serializes the rows, with no app layer (no validation, snapshot cache, ETag, CORS, rate limit).
 */
function sqlOnlyServer(db: Kysely<Database>): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://x');
        let body: unknown;
        if (url.pathname === '/api/v1/orchestrators') {
          body = (
            await sql`
            select t.address, t.total_stake::text, t.reward_cut, t.fee_share, t.activation_round, t.deactivation_round::text, o.service_uri,
              coalesce((select sum(ep.fees) from earnings_pool ep join protocol_round pr on pr.round = ep.round
                where ep.transcoder = t.address and pr.block_time > (select max(block_time) from protocol_round) - 2592000), 0)::text as fees30d,
              coalesce((select sum(ep.fees) from earnings_pool ep join protocol_round pr on pr.round = ep.round
                where ep.transcoder = t.address and pr.block_time > (select max(block_time) from protocol_round) - 7776000), 0)::text as fees90d,
              (select count(*) from earnings_pool ep where ep.transcoder = t.address and ep.rewards > 0
                and ep.round > (select max(round) from protocol_round) - 90) as calls90,
              (select count(*) from delegator d where d.delegate = t.address and d.bonded_amount > 0) as delegators
            from transcoder t left join orchestrator o on o.address = t.address
            order by t.total_stake desc limit 50`.execute(db)
          ).rows;
        } else if (url.pathname.startsWith('/api/v1/delegators/')) {
          const address = url.pathname.split('/').pop()!.toLowerCase();
          const [p] = await pendingEarnings(db, { delegator: address });
          const history = (
            await sql`select e.block_number::text, e.log_index, e.name, e.amount::text, e.args from chain_event e
              where e.a1 = ${address} or e.a2 = ${address} order by e.block_number desc, e.log_index desc limit 50`.execute(db)
          ).rows;
          body = { pending: p ? { stake: p.pendingStake.toString(), fees: p.pendingFees.toString() } : null, history };
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    }),
  );
}

/**
 * The machine's floor: a bare node:http server answering a constant JSON body, loaded like the API in the same
 * run, so figures from different machines (or a busy and a quiet run) can be compared by their distance to it.
 */
function floorServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = JSON.stringify({ status: 'ok' });
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    }),
  );
}

/** A full garbage collection of this process. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Gzip size of the built dashboard (every file a first visit can fetch: index.html and all assets). */
function webBundleGzipKb(): number {
  ensureWebBuilt();
  let total = gzipSync(readFileSync(path.join(WEB_DIST, 'index.html')), { level: 9 }).length;
  for (const f of readdirSync(path.join(WEB_DIST, 'assets'))) if (/\.(js|css)$/.test(f)) total += gzipSync(readFileSync(path.join(WEB_DIST, 'assets', f)), { level: 9 }).length;
  return round2(total / 1024);
}

interface KindResult {
  figures: Record<string, number>;
  baseline: Record<string, number>;
  delegators: number;
  orchestrators: number;
}

/** Loads the API and its SQL-only peer over one indexed database. */
async function loadOne(kind: DbKind, rpcUrl: string): Promise<KindResult> {
  const admin = kind === 'postgres' ? postgresAdminUrl() : null;
  const fresh = admin ? await freshDatabase(admin, 'api') : null;
  const atlas = await createDb(fresh ? { kind: 'postgres', url: fresh.url } : { kind: 'pglite' });
  try {
    await migrate(atlas.db);
    process.stderr.write(`api bench (${kind}): indexing…\n`);
    await new ProtocolIndexer({ db: atlas.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
    // A serving database has been vacuumed since its bulk load; without this, autovacuum's first pass over
    // the freshly written event table lands in the middle of the measured load.
    await sql`vacuum analyze`.execute(atlas.db);
    const delegators = (await sql<{ address: string }>`select address from delegator where bonded_amount > 0 order by address`.execute(atlas.db)).rows.map((r) => r.address);
    const orchestrators = Number((await sql<{ n: string }>`select count(*)::text as n from transcoder`.execute(atlas.db)).rows[0]!.n);
    const directoryPaths = ['stake', 'fees30d', 'rewardCut', 'rewardCallRatio90'].map((s) => `/api/v1/orchestrators?limit=50&sort=${s}`);
    const accountPaths = delegators.map((a) => `/api/v1/delegators/${a}?limit=50`);
    // PostgreSQL is read as `atlas serve` reads it: through the API's own pool, whose sessions are all open and kept.
    const serveCfg = fresh ? loadConfig({ DATABASE_URL: fresh.url }) : null;
    const apiPool = serveCfg ? await openApiPool(serveCfg.database, serveCfg.api) : null;
    const reads = (apiPool ?? atlas).db;
    const app = createApp({
      db: reads,
      dbKind: atlas.kind,
      status: () => ({ headBlock: null, indexedBlock: null, lagBlocks: 0, phase: 'bench' }),
      // All load comes from one client address: the per-IP limiter would (correctly) refuse most of it.
      rateLimit: false,
      webDir: null,
    });
    const server = await startServer({ app, port: 0 });
    const peer = await sqlOnlyServer(reads);
    try {
      process.stderr.write(`api bench (${kind}): loading the API…\n`);
      // Unmeasured warm-up: the JIT, the directory snapshot and the per-version account figures (built on the
      // first account request), as in a server that has been running. Each account's history stays cold.
      await autocannon(server.url, directoryPaths.slice(0, 1), 3);
      await fetch(`${server.url}${accountPaths[0]}`);
      // The indexing just done in this process left hundreds of MB of garbage that a serving process collected
      // long ago; collected here, so no full collection of it falls in the measured load.
      fullGc();
      const directory = await autocannon(server.url, directoryPaths);
      const account = await withStalls(() => autocannon(server.url, accountPaths));
      process.stderr.write(`api bench (${kind}): loading the SQL-only peer…\n`);
      const peerDirectory = await autocannon(peer.url, ['/api/v1/orchestrators']);
      const peerAccount = await withStalls(() => autocannon(peer.url, accountPaths));
      const sfx = kind === 'postgres' ? '' : `_${kind}`;
      return {
        delegators: delegators.length,
        orchestrators,
        figures: {
          [`directory_p50_ms${sfx}`]: directory.p50_ms,
          [`directory_p99_ms${sfx}`]: directory.p99_ms,
          [`directory_requests_per_s${sfx}`]: directory.requests_per_s,
          [`directory_errors${sfx}`]: directory.errors,
          [`account_p50_ms${sfx}`]: account.p50_ms,
          [`account_p99_ms${sfx}`]: account.p99_ms,
          [`account_requests_per_s${sfx}`]: account.requests_per_s,
          [`account_errors${sfx}`]: account.errors,
          [`account_gc_ms${sfx}`]: account.gc_ms,
          [`account_gc_max_ms${sfx}`]: account.gc_max_ms,
          [`account_loop_delay_p99_ms${sfx}`]: account.loop_delay_p99_ms,
        },
        baseline: {
          [`directory_p50_ms${sfx}`]: peerDirectory.p50_ms,
          [`directory_p99_ms${sfx}`]: peerDirectory.p99_ms,
          [`directory_requests_per_s${sfx}`]: peerDirectory.requests_per_s,
          [`account_p50_ms${sfx}`]: peerAccount.p50_ms,
          [`account_p99_ms${sfx}`]: peerAccount.p99_ms,
          [`account_requests_per_s${sfx}`]: peerAccount.requests_per_s,
          [`account_gc_ms${sfx}`]: peerAccount.gc_ms,
          [`account_gc_max_ms${sfx}`]: peerAccount.gc_max_ms,
          [`account_loop_delay_p99_ms${sfx}`]: peerAccount.loop_delay_p99_ms,
        },
      };
    } finally {
      await peer.close();
      await server.close();
      await apiPool?.close();
    }
  } finally {
    await atlas.close();
    await fresh?.drop();
  }
}

/**
 * API latency under load on PostgreSQL (the figures without suffix) and embedded PGlite (`_pglite`).
 * ATLAS_BENCH_RPC_URL serves an already generated simulator chain (e.g. `atlas sim --preset large --keep`);
 * otherwise the given preset is generated.
 */
export async function apiBench(presetArg?: PresetName): Promise<void> {
  const given = process.env.ATLAS_BENCH_RPC_URL;
  const preset = presetArg ?? (process.env.ATLAS_BENCH_PRESET as PresetName | undefined) ?? 'demo';
  let stop: (() => Promise<void>) | null = null;
  let rpcUrl = given;
  if (!rpcUrl) {
    process.stderr.write(`api bench: simulating preset ${preset}…\n`);
    const { rpcUrl: url, node } = await runSimulation({ scenario: resolveScenario({ preset }), keepNode: true });
    // Only the node is kept: the simulation's ground truth (hundreds of MB) would otherwise stay on the heap the
    // server under test collects, which a serving process does not carry.
    rpcUrl = url;
    stop = async () => node?.stop();
  }
  try {
    // ATLAS_BENCH_API_KINDS=postgres skips the embedded run (an in-memory PGlite holding the large preset
    // nears WebAssembly's 4 GB memory limit).
    const kinds = (process.env.ATLAS_BENCH_API_KINDS ?? 'postgres,pglite').split(',');
    for (const k of kinds) if (k !== 'postgres' && k !== 'pglite') throw new Error(`ATLAS_BENCH_API_KINDS: unknown database kind ${k} (postgres, pglite)`);
    if (!kinds.includes('postgres')) throw new Error('ATLAS_BENCH_API_KINDS must include postgres');
    const pg = await loadOne('postgres', rpcUrl);
    const lite = kinds.includes('pglite') ? await loadOne('pglite', rpcUrl) : { figures: {}, baseline: {} };
    const bare = await floorServer();
    let floor: Load;
    try {
      floor = await autocannon(bare.url, ['/']);
    } finally {
      await bare.close();
    }
    const r = writeResult({
      bench: preset === 'demo' ? 'api' : `api-${preset}`,
      figures: { ...pg.figures, ...lite.figures, web_bundle_gzip_kb: webBundleGzipKb(), floor_p50_ms: floor.p50_ms, floor_p99_ms: floor.p99_ms },
      baseline: { ...pg.baseline, ...lite.baseline },
      dataset:
        `preset ${preset}${given ? ' (node given by ATLAS_BENCH_RPC_URL)' : ''}: ${pg.orchestrators} orchestrators, ${pg.delegators} bonded delegators; PostgreSQL 15 (figures without suffix)${kinds.includes('pglite') ? ' and embedded PGlite (_pglite)' : ''}, ${os.cpus().length} cores shared by server, database and load generator; ` +
        'database vacuumed and analyzed after indexing, then a full garbage collection of the serving process; PostgreSQL read through the API\'s own pool as `atlas serve` opens it (10 sessions, all open from the start and kept while idle); ' +
        `autocannon in a second process at ${RATE} req/s target, ${CONNECTIONS} connections, ${DURATION_S} s per endpoint (directory: 4 sort orders; account: every bonded delegator in turn); ` +
        'baseline: the same reads as plain SQL per request behind a bare node:http server (no app layer, no cache); ' +
        'account_gc_* and account_loop_delay_*: the serving process\'s garbage-collection pauses and event-loop delay during the account load; ' +
        `floor_*: a bare node:http server answering a constant body under the same load in the same run (the machine's own floor); load average ${os.loadavg()[0]!.toFixed(1)} at the end`,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await stop?.();
  }
}
