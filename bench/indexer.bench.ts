import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer, type IndexerStats } from '../src/projections/indexer.js';
import { freePort, type AnvilNode } from '../src/sim/anvil.js';
import { presets, resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb, type DbKind } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { round2, writeResult } from './results.js';

/**
 * Backfill throughput of the chain indexer: every protocol log of a simulator chain, end to end into
 * the database (fetch, decode, replay, write, commit), on PGlite and on PostgreSQL. The baseline is a
 * minimal Ponder project (bench/ponder) storing the same logs as raw rows, on the same node and servers.
 *
 * Environment:
 * - ATLAS_BENCH_RPC_URL: a simulator chain already generated (otherwise one is generated).
 * - ATLAS_BENCH_PRESET: preset to generate, or the preset the given node was generated with (default large).
 * - ATLAS_BENCH_DATABASE_URL / ATLAS_TEST_DATABASE_URL: a PostgreSQL server where fresh databases may be
 *   created (otherwise scripts/ci-postgres.sh starts the throwaway test cluster).
 * - ATLAS_BENCH_BATCH_BLOCKS, ATLAS_BENCH_RPC_RETRIES: override the indexer's batchBlocks (also its widest
 *   eth_getLogs span) and its RPC retries, to measure past a default that does not suit a dataset; the
 *   recorded dataset line says when they were set.
 * - ATLAS_BENCH_RUNS: comma-separated subset of atlas-postgres, atlas-pglite, ponder-postgres, ponder-pglite
 *   (for profiling one of them; a subset is printed, not recorded).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const ponderRoot = path.join(here, 'ponder');

const ALL_RUNS = ['atlas-postgres', 'atlas-pglite', 'ponder-postgres', 'ponder-pglite'] as const;
type RunName = (typeof ALL_RUNS)[number];

interface Dataset {
  rpcUrl: string;
  head: number;
  preset: string;
  /** Logs the simulator says it emitted; null for a node generated elsewhere. */
  logs: number | null;
  node: AnvilNode | null;
}

interface AtlasRun {
  wallS: number;
  setupS: number;
  stats: IndexerStats;
  rows: number;
  staticRows: number;
}

interface PonderRun {
  wallS: number;
  startupS: number;
  rows: number;
}

export async function indexerBench(): Promise<void> {
  const runs = selectedRuns();
  const dataset = await openDataset();
  const admin = postgresAdminUrl();
  try {
    const atlas: Partial<Record<DbKind, AtlasRun>> = {};
    const ponder: Partial<Record<DbKind, PonderRun>> = {};
    const notes: string[] = [];
    for (const kind of ['postgres', 'pglite'] as const) {
      if (!runs.has(`atlas-${kind}`)) continue;
      log(`atlas → ${kind}…`);
      try {
        const r = await runAtlas(kind, dataset, admin);
        atlas[kind] = r;
        log(`atlas → ${kind}: ${r.stats.logs} logs in ${r.wallS.toFixed(1)} s = ${Math.round(r.stats.logs / r.wallS)} logs/s`);
      } catch (e) {
        // Recorded rather than thrown: a backfill that cannot finish is itself the finding, and the
        // baseline still runs on the same data.
        notes.push(`atlas on ${kind} failed: ${(e as Error).message}`);
        log(`atlas → ${kind} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
    if (atlas.postgres && atlas.pglite && atlas.postgres.rows !== atlas.pglite.rows) {
      throw new Error(`atlas wrote ${atlas.postgres.rows} chain_event rows on postgres but ${atlas.pglite.rows} on pglite`);
    }
    // The Ponder project indexes the protocol contracts without legacy polls: compare with those of Atlas's events.
    const expected = atlas.postgres?.staticRows ?? atlas.pglite?.staticRows ?? dataset.logs;
    for (const kind of ['postgres', 'pglite'] as const) {
      if (!runs.has(`ponder-${kind}`)) continue;
      log(`ponder → ${kind}…`);
      try {
        const r = await runPonder(kind, dataset, admin, expected);
        ponder[kind] = r;
        log(`ponder → ${kind}: ${r.rows} rows in ${r.wallS.toFixed(1)} s = ${Math.round(r.rows / r.wallS)} logs/s`);
      } catch (e) {
        // The baseline failing must not lose the indexer's own figures; the note says what happened.
        notes.push(`ponder on ${kind} failed: ${(e as Error).message}`);
        log(`ponder → ${kind} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }

    const figures: Record<string, number> = {};
    const pgRun = atlas.postgres;
    const liteRun = atlas.pglite;
    const logsTotal = pgRun?.stats.logs ?? liteRun?.stats.logs ?? dataset.logs ?? 0;
    figures.logs_total = logsTotal;
    if (pgRun) {
      figures.logs_per_s_postgres = round2(pgRun.stats.logs / pgRun.wallS);
      figures.wall_s_postgres = round2(pgRun.wallS);
      figures.decode_ms = Math.round(pgRun.stats.decodeMs);
      figures.apply_ms = Math.round(pgRun.stats.applyMs);
      figures.write_ms = Math.round(pgRun.stats.writeMs);
      // What is left of the wall time: fetching, waiting on the node, commits and checkpoint upkeep.
      figures.other_ms = Math.round(pgRun.wallS * 1000 - pgRun.stats.decodeMs - pgRun.stats.applyMs - pgRun.stats.writeMs);
      // The tables that take most of the write phase, largest first.
      const byTable = Object.entries(pgRun.stats.writeMsByTable).sort((a, b) => b[1] - a[1]);
      log(`atlas → postgres write phase by table (ms): ${byTable.map(([t, ms]) => `${t} ${Math.round(ms)}`).join(', ')}`);
      for (const [t, ms] of byTable.slice(0, 4)) figures[`write_${t}_ms`] = Math.round(ms);
      figures.events_postgres = pgRun.rows;
      figures.divergences = pgRun.stats.divergences;
      figures.param_read_failures = pgRun.stats.paramReadFailures;
    }
    if (liteRun) {
      figures.logs_per_s_pglite = round2(liteRun.stats.logs / liteRun.wallS);
      figures.wall_s_pglite = round2(liteRun.wallS);
      figures.decode_ms_pglite = Math.round(liteRun.stats.decodeMs);
      figures.apply_ms_pglite = Math.round(liteRun.stats.applyMs);
      figures.write_ms_pglite = Math.round(liteRun.stats.writeMs);
      figures.events_pglite = liteRun.rows;
    }
    const baseline: Record<string, number> = {};
    for (const kind of ['postgres', 'pglite'] as const) {
      const r = ponder[kind];
      if (!r) continue;
      baseline[`logs_per_s_${kind}`] = round2(r.rows / r.wallS);
      baseline[`wall_s_${kind}`] = round2(r.wallS);
      baseline[`startup_s_${kind}`] = round2(r.startupS);
      baseline[`rows_${kind}`] = r.rows;
    }
    const tuning = indexerTuning();
    const tuned = Object.entries(tuning).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`);
    const desc =
      `preset ${dataset.preset}: ${logsTotal} logs in ${dataset.head + 1} blocks, ${os.cpus().length} cores; ` +
      `Atlas: ProtocolIndexer.backfill() with ${tuned.length ? `defaults except ${tuned.join(', ')}` : 'defaults'} (confirmations 0), chain_event plus every projection, ` +
      'PGlite on disk in a temp dir, PostgreSQL 15 fresh database; ' +
      'baseline: Ponder 0.16.10 (bench/ponder) storing each log of the protocol contracts as one raw row (legacy polls, PollCreator and the poll contracts it creates, are indexed by Atlas only), ' +
      "timed from its 'Started backfill indexing' to 'Completed indexing across all chains' (end block = head)" +
      (notes.length ? `; ${notes.join('; ')}` : '');
    const complete = ALL_RUNS.every((r) => runs.has(r));
    const result = { bench: 'indexer', figures, baseline, dataset: desc };
    if (complete) console.log(JSON.stringify(writeResult(result), null, 2));
    else console.log(JSON.stringify({ ...result, note: 'subset of runs: not recorded' }, null, 2));
  } finally {
    await dataset.node?.stop();
  }
}

function selectedRuns(): Set<RunName> {
  const raw = process.env.ATLAS_BENCH_RUNS;
  if (!raw) return new Set(ALL_RUNS);
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names) if (!(ALL_RUNS as readonly string[]).includes(n)) throw new Error(`ATLAS_BENCH_RUNS: unknown run ${n} (one of ${ALL_RUNS.join(', ')})`);
  return new Set(names as RunName[]);
}

function log(msg: string): void {
  process.stderr.write(`  ${msg}\n`);
}

async function openDataset(): Promise<Dataset> {
  const preset = process.env.ATLAS_BENCH_PRESET ?? 'large';
  const given = process.env.ATLAS_BENCH_RPC_URL;
  if (given) {
    const head = await blockNumber(given);
    return { rpcUrl: given, head, preset, logs: null, node: null };
  }
  if (!(preset in presets)) throw new Error(`ATLAS_BENCH_PRESET must be one of ${Object.keys(presets).join(', ')}`);
  log(`generating the ${preset} chain…`);
  const sim = await runSimulation({ scenario: resolveScenario({ preset: preset as PresetName }), keepNode: true });
  log(`generated ${sim.groundTruth.stats.logs} logs in ${(sim.elapsedMs / 1000).toFixed(0)} s at ${sim.rpcUrl}`);
  return { rpcUrl: sim.rpcUrl, head: await blockNumber(sim.rpcUrl), preset, logs: sim.groundTruth.stats.logs, node: sim.node };
}

async function blockNumber(rpcUrl: string): Promise<number> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
  });
  const body = (await res.json()) as { result?: string };
  if (!body.result) throw new Error(`${rpcUrl} did not answer eth_blockNumber`);
  return Number.parseInt(body.result, 16);
}

/** A server where this bench may create and drop databases of its own. */
export function postgresAdminUrl(): string {
  const url = process.env.ATLAS_BENCH_DATABASE_URL ?? process.env.ATLAS_TEST_DATABASE_URL;
  if (url) return url;
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/ci-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /ATLAS_TEST_DATABASE_URL=(\S+)/.exec(out);
  if (!m) throw new Error('scripts/ci-postgres.sh printed no ATLAS_TEST_DATABASE_URL');
  return m[1]!;
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new empty database per run, so runs start equal and never see a test's or each other's tables. */
export async function freshDatabase(adminUrl: string, tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atlas_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(adminUrl, (c) => c.query(`create database "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => withAdmin(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

async function runAtlas(kind: DbKind, dataset: Dataset, adminUrl: string): Promise<AtlasRun> {
  const t0 = performance.now();
  const target = kind === 'postgres' ? await freshDatabase(adminUrl, 'atlas') : null;
  const dir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-pglite-')) : null;
  const db = await createDb(target ? { kind: 'postgres', url: target.url } : { kind: 'pglite', dataDir: dir! });
  try {
    await migrate(db.db);
    const tuning = indexerTuning();
    const indexer = new ProtocolIndexer({
      db: db.db,
      rpcUrl: dataset.rpcUrl,
      network: simulatorNetwork(),
      confirmations: 0,
      ...(tuning.batchBlocks !== undefined ? { batchBlocks: tuning.batchBlocks } : {}),
      ...(tuning.maxRetries !== undefined ? { rpcOptions: { maxRetries: tuning.maxRetries } } : {}),
    });
    const t1 = performance.now();
    await indexer.backfill();
    const t2 = performance.now();
    const st = indexer.stats;
    const rows = Number((await sql<{ n: string }>`select count(*)::text as n from chain_event`.execute(db.db)).rows[0]!.n);
    if (rows !== st.events) throw new Error(`atlas on ${kind}: ${rows} chain_event rows for ${st.events} decoded events`);
    if (dataset.logs !== null && st.logs !== dataset.logs) throw new Error(`atlas on ${kind}: indexed ${st.logs} logs, the simulator emitted ${dataset.logs}`);
    if (st.divergences > 0) {
      // Which predictions diverge, and from which block: a pruned node's failed parameter reads show up as
      // a run of one kind starting where a parameter could not be read.
      const kinds = await sql<{ what: string; n: string; first: string; last: string }>`
        select what, count(*)::text as n, min(block_number)::text as first, max(block_number)::text as last from ledger_divergence group by what order by count(*) desc`.execute(db.db);
      log(`atlas on ${kind}: ${st.divergences} ledger divergences: ${kinds.rows.map((k) => `${k.what} ${k.n} (blocks ${k.first}–${k.last})`).join('; ')}`);
    }
    if (st.unknownLogs > 0) log(`atlas on ${kind}: ${st.unknownLogs} logs no ABI decodes`);
    // Legacy polls (PollCreator and the poll contracts it creates) came after the Ponder project, which omits them.
    const staticRows = Number((await sql<{ n: string }>`select count(*)::text as n from chain_event where contract not in ('Poll', 'PollCreator')`.execute(db.db)).rows[0]!.n);
    return { wallS: (t2 - t1) / 1000, setupS: (t1 - t0) / 1000, stats: { ...st }, rows, staticRows };
  } finally {
    await db.close();
    await target?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function indexerTuning(): { batchBlocks?: number; maxRetries?: number } {
  const int = (name: string): number | undefined => {
    const v = process.env[name];
    if (v === undefined || v === '') return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number`);
    return Number(v);
  };
  return { batchBlocks: int('ATLAS_BENCH_BATCH_BLOCKS'), maxRetries: int('ATLAS_BENCH_RPC_RETRIES') };
}

function ponderBin(): string {
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
  error?: { message?: string };
}

/**
 * Runs `ponder start` on bench/ponder until it reports that the end block (the chain head) is indexed,
 * then counts its rows through the project's own endpoint and stops it.
 */
async function runPonder(kind: DbKind, dataset: Dataset, adminUrl: string, expected: number | null): Promise<PonderRun> {
  const target = kind === 'postgres' ? await freshDatabase(adminUrl, 'ponder') : null;
  const dir = kind === 'pglite' ? mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-ponder-')) : null;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: 'true',
    ATLAS_PONDER_RPC_URL: dataset.rpcUrl,
    ATLAS_PONDER_END_BLOCK: String(dataset.head),
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  if (target) env.DATABASE_URL = target.url;
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
    const { started, completed } = await watchPonder(child, tail, ponderTimeoutMs());
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    if (ready.status !== 200) throw new Error(`/ready answered ${ready.status} after the end block was indexed`);
    const count = (await (await fetch(`http://127.0.0.1:${port}/bench/count`)).json()) as { rows: number };
    if (expected !== null && count.rows !== expected) throw new Error(`ponder on ${kind} wrote ${count.rows} rows, expected ${expected} (atlas events, else the simulator's logs)`);
    return { wallS: (completed - started) / 1000, startupS: (started - spawnedAt) / 1000, rows: count.rows };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- last ponder output ---\n${tail.join('\n')}`);
  } finally {
    await stopChild(child);
    await target?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function ponderTimeoutMs(): number {
  const s = Number(process.env.ATLAS_BENCH_PONDER_TIMEOUT_S ?? 3 * 3600);
  return s * 1000;
}

/** Resolves with Ponder's own timestamps of the backfill start and of the end block being indexed. */
function watchPonder(child: ChildProcess, tail: string[], timeoutMs: number): Promise<{ started: number; completed: number }> {
  return new Promise((resolve, reject) => {
    let started: number | null = null;
    let done = false;
    let buf = '';
    const keep = (line: string): void => {
      tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      if (tail.length > 30) tail.shift();
    };
    const timer = setTimeout(() => finish(new Error(`no completion within ${timeoutMs / 1000} s`)), timeoutMs);
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

async function stopChild(child: ChildProcess): Promise<void> {
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
