import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createApp, DEFAULT_RATE_LIMIT, startServer } from '../src/api/index.js';
import { ApiData } from '../src/api/data.js';
import { graphqlExecutor } from '../src/api/graphql/executor.js';
import { clientKey, TokenBuckets } from '../src/api/rateLimit.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { loadConfig } from '../src/cli/config.js';
import { apiLimits, openApiPool } from '../src/cli/database.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb, type AtlasDb, type DbKind } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { freshDatabase, postgresAdminUrl } from './databases.js';
import { round2, writeResult } from './results.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The costliest query the default budget admits (250,000): three nested lists of 60 (cost 223,260). */
/** How often the data version moves during the attack, as a live indexer's batches move it (ms). */
const LIVE_BATCH_MS = 250;
const WORST_ALLOWED = '{transcoders(first:60){delegators(first:60){delegate{delegators(first:60){id}}}}}';
const ATTACKERS = 4;
const DURATION_S = 20;
const HEALTH_EVERY_MS = 20;

interface Measured {
  health_p50_ms: number;
  health_p99_ms: number;
  health_max_ms: number;
  query_p50_ms: number;
  query_p99_ms: number;
  queries_answered: number;
  queries_refused_rate_limit: number;
  errors: number;
}

/**
 * The load, from a second process so the server's event loop is all the server's: ATTACKERS clients (each its
 * own address, as behind a proxy) send the query back to back, waiting out every 429's Retry-After (that is, at
 * their rate limit); one monitor checks /health every HEALTH_EVERY_MS.
 */
function attack(url: string): Promise<Measured> {
  const worker = `
    const url = process.env.BENCH_URL, query = process.env.BENCH_QUERY, until = Date.now() + ${DURATION_S * 1000};
    const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
    const health = [], answered = [];
    let limited = 0, errors = 0;
    async function attacker(ip) {
      while (Date.now() < until) {
        const t = performance.now();
        const r = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ query }) });
        const body = await r.text();
        const ms = performance.now() - t;
        if (r.status === 200 && !body.includes('"errors"')) answered.push(ms);
        else if (r.status === 429) { limited++; await sleep(Math.min(Number(r.headers.get('retry-after')) * 1000, until - Date.now())); }
        else errors++;
      }
    }
    async function monitor() {
      while (Date.now() < until) {
        const t = performance.now();
        const r = await fetch(url + '/health');
        await r.text();
        health.push(performance.now() - t);
        if (r.status !== 200) errors++;
        await sleep(${HEALTH_EVERY_MS});
      }
    }
    const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null; };
    Promise.all([monitor(), ...Array.from({ length: ${ATTACKERS} }, (_, i) => attacker('203.0.113.' + (i + 1)))]).then(() => {
      process.stdout.write(JSON.stringify({ health_p50_ms: pct(health, 50), health_p99_ms: pct(health, 99), health_max_ms: Math.max(...health),
        query_p50_ms: pct(answered, 50), query_p99_ms: pct(answered, 99), queries_answered: answered.length, queries_refused_rate_limit: limited, errors }));
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', worker], { cwd: repo, env: { ...process.env, BENCH_URL: url, BENCH_QUERY: WORST_ALLOWED }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`attack worker exited with ${code}`));
      const r = JSON.parse(out) as Record<keyof Measured, number | null>;
      resolve(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? -1 : round2(v)])) as unknown as Measured);
    });
  });
}

/**
 * The unprotected peer: what the API did before cost analysis and the worker. GraphQL runs on the thread that
 * answers /health, with no cost check, and the rate limit counts a query as one request like any other.
 */
function unprotectedServer(db: AtlasDb): Promise<{ url: string; close: () => Promise<void> }> {
  const execute = graphqlExecutor(ApiData.shared(db.db), () => undefined);
  const limiter = new TokenBuckets(DEFAULT_RATE_LIMIT);
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      const client = clientKey(String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress));
      const take = limiter.take(client);
      if (!take.ok) return res.writeHead(429, { 'retry-after': String(take.retryAfterSec) }).end();
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const answer = await execute(JSON.parse(Buffer.concat(chunks).toString()) as never, 'application/json');
      res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    }),
  );
}

async function loadOne(kind: DbKind, rpcUrl: string): Promise<{ figures: Record<string, number>; baseline: Record<string, number>; transcoders: number; delegators: number }> {
  const fresh = kind === 'postgres' ? await freshDatabase(postgresAdminUrl(), 'abuse') : null;
  const atlas = await createDb(fresh ? { kind: 'postgres', url: fresh.url } : { kind: 'pglite' });
  let apiPool: AtlasDb | null = null;
  try {
    await migrate(atlas.db);
    process.stderr.write(`abuse bench (${kind}): indexing…\n`);
    await new ProtocolIndexer({ db: atlas.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
    await sql`vacuum analyze`.execute(atlas.db);
    const count = async (t: string) => Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(t)}`.execute(atlas.db)).rows[0]!.n);
    // As `atlas serve` runs: on PostgreSQL the API's own pool with its statement timeout; the default budget,
    // time limit and rate limit; the client address from X-Forwarded-For (behind a load balancer).
    const cfg = loadConfig({ DATABASE_URL: fresh?.url ?? '' });
    apiPool = fresh ? await openApiPool(cfg.database, cfg.api) : null;
    const app = createApp({ db: (apiPool ?? atlas).db, dbKind: kind, status: () => ({ headBlock: null, indexedBlock: null, lagBlocks: 0, phase: 'bench' }), trustProxy: true, webDir: null, ...apiLimits(cfg, apiPool) });
    const server = await startServer({ app, port: 0 });
    const peer = await unprotectedServer(apiPool ?? atlas);
    try {
      // Warm-up (JIT, the worker, the snapshot), unmeasured.
      await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: WORST_ALLOWED }) }).then((r) => r.text());
      // As with a live indexer, the data changes every quarter second (each batch advances the checkpoints), so
      // answers kept for a data version do not serve the attack from memory.
      let guarded: Measured;
      let open: Measured;
      const liveWrites = setInterval(() => void sql`update sync_checkpoint set updated_at = now()`.execute(atlas.db).catch(() => undefined), LIVE_BATCH_MS);
      try {
        process.stderr.write(`abuse bench (${kind}): attacking the API…\n`);
        guarded = await attack(server.url);
        process.stderr.write(`abuse bench (${kind}): attacking the unprotected peer…\n`);
        open = await attack(peer.url);
      } finally {
        clearInterval(liveWrites);
      }
      const sfx = kind === 'postgres' ? '' : `_${kind}`;
      const named = (m: Measured) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`${k}${sfx}`, v]));
      return { figures: named(guarded), baseline: named(open), transcoders: await count('transcoder'), delegators: await count('delegator') };
    } finally {
      await peer.close();
      await server.close();
    }
  } finally {
    await apiPool?.close();
    await atlas.close();
    await fresh?.drop();
  }
}

/**
 * /health and the cost-limited query under the worst admitted GraphQL query sent at the rate limit, against the
 * same load on the unprotected peer (no cost analysis, no worker): PostgreSQL (no suffix) and embedded PGlite (_pglite).
 */
export async function abuseBench(presetArg?: PresetName): Promise<void> {
  const preset = presetArg ?? 'demo';
  const loadAtStart = os.loadavg()[0]!;
  process.stderr.write(`abuse bench: simulating preset ${preset}…\n`);
  const sim = await runSimulation({ scenario: resolveScenario({ preset }), keepNode: true });
  try {
    const kinds = (process.env.ATLAS_BENCH_ABUSE_KINDS ?? 'postgres,pglite').split(',') as DbKind[];
    const runs = [];
    for (const k of kinds) runs.push(await loadOne(k, sim.rpcUrl));
    const r = writeResult({
      bench: 'abuse',
      figures: Object.assign({}, ...runs.map((x) => x.figures)) as Record<string, number>,
      baseline: Object.assign({}, ...runs.map((x) => x.baseline)) as Record<string, number>,
      dataset:
        `preset ${preset}: ${runs[0]!.transcoders} orchestrators, ${runs[0]!.delegators} delegators; ${kinds.map((k) => (k === 'postgres' ? 'PostgreSQL 15 (no suffix)' : 'embedded PGlite (_pglite)')).join(' and ')}; ` +
        `${ATTACKERS} clients each sending ${WORST_ALLOWED} (cost 223,260, the most the default budget of 250,000 admits) back to back, waiting out each 429, for ${DURATION_S} s, and /health checked every ${HEALTH_EVERY_MS} ms, from a second process; ` +
        'the API as atlas serve runs it (rate limit 20/s burst 60 per client, a query charged one token per 5,000 of cost, GraphQL in its worker, on PostgreSQL the API pool with its statement timeout); ' +
        'baseline: the same load on the unprotected peer (GraphQL on the serving thread, no cost analysis, the rate limit counting a query as one request); ' +
        `the data version moved every ${LIVE_BATCH_MS} ms throughout, as a live indexer's batches move it, so answers kept per version did not serve the attack; ` +
        `${os.cpus().length} cores shared by server, database and load generator, and by other work: load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sim.node?.stop();
  }
}
