import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { pendingEarnings } from '../src/analytics/pendingEarnings.js';
import { createApp, startServer } from '../src/api/index.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import { ensureWebBuilt, WEB_DIST } from '../test/e2e/browser.js';
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
 * Load one endpoint from a separate Node process with autocannon at a fixed overall rate, cycling through
 * `paths` (e.g. every delegator's account page), so the server process shares no CPU time with the client's
 * bookkeeping beyond what the machine forces.
 */
function autocannon(baseUrl: string, paths: string[], durationS = DURATION_S): Promise<Load> {
  const worker = `
    const autocannon = require('autocannon');
    const paths = JSON.parse(process.env.BENCH_PATHS);
    let i = 0;
    autocannon({
      url: process.env.BENCH_URL, connections: ${CONNECTIONS}, duration: ${durationS}, overallRate: ${RATE},
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    }, (err, r) => {
      if (err) { console.error(err); process.exit(1); }
      process.stdout.write(JSON.stringify({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx + r.timeouts }));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', worker], { cwd: repo, env: { ...process.env, BENCH_URL: baseUrl, BENCH_PATHS: JSON.stringify(paths) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon worker exited with ${code}`));
      const r = JSON.parse(out) as { p50: number; p99: number; rps: number; errors: number };
      resolve({ p50_ms: r.p50, p99_ms: r.p99, requests_per_s: round2(r.rps), errors: r.errors });
    });
  });
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

/** Gzip size of the built dashboard (every file a first visit can fetch: index.html and all assets). */
function webBundleGzipKb(): number {
  ensureWebBuilt();
  let total = gzipSync(readFileSync(path.join(WEB_DIST, 'index.html')), { level: 9 }).length;
  for (const f of readdirSync(path.join(WEB_DIST, 'assets'))) if (/\.(js|css)$/.test(f)) total += gzipSync(readFileSync(path.join(WEB_DIST, 'assets', f)), { level: 9 }).length;
  return round2(total / 1024);
}

export async function apiBench(preset: PresetName = 'demo'): Promise<void> {
  const atlas = await createDb({ kind: 'pglite' });
  try {
    await migrate(atlas.db);
    const scenario = resolveScenario({ preset });
    process.stderr.write(`api bench: simulating preset ${preset}…\n`);
    const sim = await runSimulation({ scenario, keepNode: true });
    try {
      process.stderr.write('api bench: indexing…\n');
      await new ProtocolIndexer({ db: atlas.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
    } finally {
      await sim.node?.stop();
    }
    const delegators = (await sql<{ address: string }>`select address from delegator where bonded_amount > 0 order by address`.execute(atlas.db)).rows.map((r) => r.address);
    const directoryPaths = ['stake', 'fees30d', 'rewardCut', 'rewardCallRatio90'].map((s) => `/api/v1/orchestrators?limit=50&sort=${s}`);
    const accountPaths = delegators.map((a) => `/api/v1/delegators/${a}?limit=50`);

    const app = createApp({
      db: atlas.db,
      dbKind: atlas.kind,
      status: () => ({ headBlock: null, indexedBlock: null, lagBlocks: 0, phase: 'bench' }),
      // All load comes from one client address: the per-IP limiter would (correctly) refuse most of it.
      rateLimit: false,
      webDir: null,
    });
    const server = await startServer({ app, port: 0 });
    const peer = await sqlOnlyServer(atlas.db);
    try {
      process.stderr.write('api bench: loading the API…\n');
      // Unmeasured warm-up: the JIT, the directory snapshot and the per-version account figures (built on the
      // first account request), as in a server that has been running. Each account's history stays cold.
      await autocannon(server.url, directoryPaths.slice(0, 1), 3);
      await fetch(`${server.url}${accountPaths[0]}`);
      const directory = await autocannon(server.url, directoryPaths);
      const account = await autocannon(server.url, accountPaths);
      process.stderr.write('api bench: loading the SQL-only peer…\n');
      const peerDirectory = await autocannon(peer.url, ['/api/v1/orchestrators']);
      const peerAccount = await autocannon(peer.url, accountPaths);
      const r = writeResult({
        bench: preset === 'demo' ? 'api' : `api-${preset}`,
        figures: {
          directory_p50_ms: directory.p50_ms,
          directory_p99_ms: directory.p99_ms,
          directory_requests_per_s: directory.requests_per_s,
          directory_errors: directory.errors,
          account_p50_ms: account.p50_ms,
          account_p99_ms: account.p99_ms,
          account_requests_per_s: account.requests_per_s,
          account_errors: account.errors,
          web_bundle_gzip_kb: webBundleGzipKb(),
        },
        baseline: {
          directory_p50_ms: peerDirectory.p50_ms,
          directory_p99_ms: peerDirectory.p99_ms,
          directory_requests_per_s: peerDirectory.requests_per_s,
          account_p50_ms: peerAccount.p50_ms,
          account_p99_ms: peerAccount.p99_ms,
          account_requests_per_s: peerAccount.requests_per_s,
        },
        dataset:
          `preset ${preset}, seed ${scenario.seed}: ${scenario.rounds} rounds, ${scenario.orchestrators} orchestrators, ${delegators.length} bonded delegators, embedded PGlite; ` +
          `autocannon in a second process at ${RATE} req/s target, ${CONNECTIONS} connections, ${DURATION_S} s per endpoint (directory: 4 sort orders; account: every bonded delegator in turn); ` +
          'baseline: the same reads as plain SQL per request behind a bare node:http server (no app layer, no cache)',
      });
      console.log(JSON.stringify(r, null, 2));
    } finally {
      await peer.close();
      await server.close();
    }
  } finally {
    await atlas.close();
  }
}
