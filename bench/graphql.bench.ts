import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print, Kind, type OperationDefinitionNode } from 'graphql';
import { sql } from 'kysely';
import { createApp, startServer } from '../src/api/index.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { freshDatabase, postgresAdminUrl } from './databases.js';
import { round2, writeResult } from './results.js';

// GraphQL under the Livepeer Explorer's load: its home page operations (protocol, days, the activity feed, the
// orchestrator table) and its account page, at a fixed rate, against the same data through REST.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RATE = 200; // requests/s, overall
const DURATION_S = 10;
const CONNECTIONS = 16;

interface Load {
  p50_ms: number;
  p99_ms: number;
  requests_per_s: number;
  errors: number;
}

interface Req {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** autocannon in a second process at RATE req/s, cycling through the requests. */
function load(baseUrl: string, requests: Req[]): Promise<Load> {
  const worker = `
    const autocannon = require('autocannon');
    const reqs = JSON.parse(require('node:fs').readFileSync(process.env.BENCH_REQS_FILE, 'utf8'));
    let i = 0;
    autocannon({
      url: process.env.BENCH_URL, connections: ${CONNECTIONS}, duration: ${DURATION_S}, overallRate: ${RATE},
      requests: [{ setupRequest: (req) => { const r = reqs[i++ % reqs.length]; return { ...req, method: r.method, path: r.path, body: r.body, headers: { ...req.headers, 'content-type': 'application/json' } }; } }],
    }, (err, r) => {
      if (err) { console.error(err); process.exit(1); }
      process.stdout.write(JSON.stringify({ p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.non2xx + r.timeouts }));
    });`;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-gql-')), 'reqs.json');
  writeFileSync(file, JSON.stringify(requests));
  return new Promise<Load>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', worker], { cwd: repo, env: { ...process.env, BENCH_URL: baseUrl, BENCH_REQS_FILE: file }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(path.dirname(file), { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`autocannon worker exited with ${code}`));
      const r = JSON.parse(out) as { p50: number; p99: number; rps: number; errors: number };
      resolve({ p50_ms: r.p50, p99_ms: r.p99, requests_per_s: round2(r.rps), errors: r.errors });
    });
  });
}

/** The Explorer's operation by name, from the vendored copies. */
function operation(file: string, name?: string): string {
  const doc = parse(readFileSync(path.join(repo, 'vendor/livepeer-explorer-queries', file), 'utf8'));
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (name === undefined || d.name?.value === name))!;
  return print(op);
}

const gql = (query: string, variables: Record<string, unknown>): Req => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query, variables }) });

export async function graphqlBench(presetArg?: PresetName): Promise<void> {
  const preset = presetArg ?? (process.env.ATLAS_BENCH_PRESET as PresetName | undefined) ?? 'demo';
  const given = process.env.ATLAS_BENCH_RPC_URL;
  let rpcUrl = given;
  let stop: (() => Promise<void>) | null = null;
  if (!rpcUrl) {
    process.stderr.write(`graphql bench: simulating preset ${preset}…\n`);
    const sim = await runSimulation({ scenario: resolveScenario({ preset }), keepNode: true });
    rpcUrl = sim.rpcUrl;
    stop = async () => sim.node?.stop();
  }
  const fresh = await freshDatabase(postgresAdminUrl(), 'graphql');
  const atlas = await createDb({ kind: 'postgres', url: fresh.url });
  try {
    await migrate(atlas.db);
    process.stderr.write('graphql bench: indexing…\n');
    await new ProtocolIndexer({ db: atlas.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
    await stop?.();
    stop = null;
    await sql`vacuum analyze`.execute(atlas.db);
    const q = async (text: ReturnType<typeof sql<Record<string, string>>>) => (await text.execute(atlas.db)).rows;
    const delegators = (await q(sql`select address from delegator where bonded_amount > 0 order by address`)).map((r) => r.address!);
    const orchestrators = (await q(sql`select address from transcoder where total_stake > 0 order by address`)).map((r) => r.address!);
    const round = (await q(sql`select max(round)::text as r from protocol_round`))[0]!.r!;
    const accounts = [...orchestrators, ...delegators];

    const home: Req[] = [
      gql(operation('protocol.graphql'), {}),
      gql(operation('days.graphql'), { first: 365, orderBy: 'date', orderDirection: 'desc' }),
      gql(operation('events.graphql'), { first: 100 }),
      gql(operation('orchestrators.graphql'), { currentRound: round, currentRoundString: round, first: 100, skip: 0 }),
    ];
    const account = accounts.map((a) => gql(operation('account.graphql'), { account: a }));
    const homeRest: Req[] = [
      { method: 'GET', path: '/api/v1/network' },
      { method: 'GET', path: '/api/v1/rounds?limit=365' },
      { method: 'GET', path: '/api/v1/events?limit=100' },
      { method: 'GET', path: '/api/v1/orchestrators?limit=100&active=true&sort=fees30d' },
    ];
    const accountRest: Req[] = accounts.map((a) => ({ method: 'GET', path: `/api/v1/delegators/${a}` }));

    const app = createApp({ db: atlas.db, dbKind: 'postgres', status: () => ({ headBlock: null, indexedBlock: null, lagBlocks: 0, phase: 'bench' }), rateLimit: false, webDir: null });
    const server = await startServer({ app, port: 0 });
    try {
      for (const r of [...home, account[0]!]) {
        const res = await fetch(`${server.url}${r.path}`, { method: r.method, headers: { 'content-type': 'application/json' }, body: r.body });
        const body = (await res.json()) as { errors?: unknown };
        if (res.status !== 200 || body.errors) throw new Error(`graphql bench: warm-up request failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
      process.stderr.write('graphql bench: loading…\n');
      const loadBefore = os.loadavg()[0]!;
      const h = await load(server.url, home);
      const a = await load(server.url, account);
      const hr = await load(server.url, homeRest);
      const ar = await load(server.url, accountRest);
      const loadAfter = os.loadavg()[0]!;
      const r = writeResult({
        bench: 'graphql',
        figures: { home_p50_ms: h.p50_ms, home_p99_ms: h.p99_ms, home_requests_per_s: h.requests_per_s, home_errors: h.errors, account_p50_ms: a.p50_ms, account_p99_ms: a.p99_ms, account_requests_per_s: a.requests_per_s, account_errors: a.errors },
        baseline: { home_p50_ms: hr.p50_ms, home_p99_ms: hr.p99_ms, home_requests_per_s: hr.requests_per_s, home_errors: hr.errors, account_p50_ms: ar.p50_ms, account_p99_ms: ar.p99_ms, account_requests_per_s: ar.requests_per_s, account_errors: ar.errors },
        dataset:
          `preset ${preset}${given ? ' (node given by ATLAS_BENCH_RPC_URL)' : ''}: ${orchestrators.length} orchestrators, ${delegators.length} bonded delegators; PostgreSQL 15; ${os.cpus().length} cores shared by server, database, load generator and other sessions' test runs (1-minute load average ${loadBefore.toFixed(1)} before the loads, ${loadAfter.toFixed(1)} after); ` +
          `autocannon in a second process at ${RATE} req/s overall, ${CONNECTIONS} connections, ${DURATION_S} s per load; home: the Explorer's protocol, days, events (first 100) and orchestrators (first 100) operations in turn; account: its account operation for every orchestrator and bonded delegator in turn; ` +
          'GraphQL keeps answers and statements per data version (the indexer is idle here, so the home operations repeat from memory after their first run; account requests are distinct accounts, the statements they share kept); ' +
          'baseline: the same data through REST (network, rounds, events, orchestrators; delegators/{address})',
      });
      console.log(JSON.stringify(r, null, 2));
    } finally {
      await server.close();
    }
  } finally {
    await atlas.close();
    await fresh.drop();
    await stop?.();
  }
}
