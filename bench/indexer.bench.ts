import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { simulatorNetwork } from '../src/chain/networks.js';
import { RpcClient, toHexQuantity } from '../src/chain/rpc.js';
import { priceSources } from '../src/prices/sources.js';
import { ProtocolIndexer, type IndexerStats } from '../src/projections/indexer.js';
import type { AnvilNode } from '../src/sim/anvil.js';
import { presets, resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb, type DbKind } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { freshDatabase, postgresAdminUrl } from './databases.js';
import { runPonder, type PonderRun } from './ponderRunner.js';
import { round2, writeResult } from './results.js';

// Other benchmarks take their databases from here.
export { freshDatabase, postgresAdminUrl } from './databases.js';

/**
 * Backfill throughput of the chain indexer: every protocol log of a simulator chain, end to end into
 * the database (fetch, decode, replay, write, commit), on PGlite and on PostgreSQL. The baseline is a
 * minimal Ponder project (bench/ponder) storing the same logs as raw rows, on the same node and servers.
 *
 * Environment:
 * - ATLAS_BENCH_RPC_URL: a simulator chain already generated (otherwise one is generated).
 * - ATLAS_BENCH_PRESET (or `npm run bench -- indexer <preset>`): preset to generate, or the preset the given
 *   node was generated with (default demo; `large`, 1.83M logs, takes about an hour to generate).
 * - ATLAS_BENCH_DATABASE_URL / ATLAS_TEST_DATABASE_URL: a PostgreSQL server where fresh databases may be
 *   created (otherwise scripts/ci-postgres.sh starts the throwaway test cluster).
 * - ATLAS_BENCH_BATCH_BLOCKS, ATLAS_BENCH_RPC_RETRIES: override the indexer's batchBlocks (also its widest
 *   eth_getLogs span) and its RPC retries, to measure past a default that does not suit a dataset; the
 *   recorded dataset line says when they were set.
 * - ATLAS_BENCH_RUNS: comma-separated subset of atlas-postgres, atlas-pglite, ponder-postgres, ponder-pglite
 *   (for profiling one of them; a subset is printed, not recorded).
 */

const ALL_RUNS = ['atlas-postgres', 'atlas-pglite', 'ponder-postgres', 'ponder-pglite'] as const;
type RunName = (typeof ALL_RUNS)[number];

interface Dataset {
  rpcUrl: string;
  head: number;
  preset: string;
  /** Logs the simulator says it emitted; null for a node generated elsewhere. */
  logs: number | null;
  /** Of those, the price feeds' (indexed into the price tables, not counted as protocol logs). */
  priceLogs: number;
  node: AnvilNode | null;
}

interface AtlasRun {
  wallS: number;
  setupS: number;
  stats: IndexerStats;
  rows: number;
  staticRows: number;
}


export async function indexerBench(preset?: PresetName): Promise<void> {
  const runs = selectedRuns();
  const dataset = await openDataset(preset);
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
    const expected = atlas.postgres?.staticRows ?? atlas.pglite?.staticRows ?? (dataset.logs === null ? null : dataset.logs - dataset.priceLogs);
    for (const kind of ['postgres', 'pglite'] as const) {
      if (!runs.has(`ponder-${kind}`)) continue;
      log(`ponder → ${kind}…`);
      try {
        const r = await runPonder(kind, { rpcUrl: dataset.rpcUrl, chainId: 31337, startBlock: 0, endBlock: dataset.head }, admin, expected);
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
    const logsTotal = pgRun?.stats.logs ?? liteRun?.stats.logs ?? (dataset.logs === null ? 0 : dataset.logs - dataset.priceLogs);
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
      `preset ${dataset.preset}: ${logsTotal} protocol logs (plus ${dataset.priceLogs} price-feed logs, indexed into the price tables and not counted) in ${dataset.head + 1} blocks, ${os.cpus().length} cores; ` +
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

async function openDataset(chosen?: PresetName): Promise<Dataset> {
  const preset = chosen ?? process.env.ATLAS_BENCH_PRESET ?? 'demo';
  const given = process.env.ATLAS_BENCH_RPC_URL;
  if (given) {
    const head = await blockNumber(given);
    return { rpcUrl: given, head, preset, logs: null, priceLogs: await priceLogCount(given, head), node: null };
  }
  if (!(preset in presets)) throw new Error(`ATLAS_BENCH_PRESET must be one of ${Object.keys(presets).join(', ')}`);
  log(`generating the ${preset} chain…`);
  const sim = await runSimulation({ scenario: resolveScenario({ preset: preset as PresetName }), keepNode: true });
  log(`generated ${sim.groundTruth.stats.logs} logs in ${(sim.elapsedMs / 1000).toFixed(0)} s at ${sim.rpcUrl}`);
  const head = await blockNumber(sim.rpcUrl);
  return { rpcUrl: sim.rpcUrl, head, preset, logs: sim.groundTruth.stats.logs, priceLogs: await priceLogCount(sim.rpcUrl, head), node: sim.node };
}

/** Logs of the simulator's price feeds, which the indexer writes to the price tables rather than as protocol logs. */
async function priceLogCount(rpcUrl: string, head: number): Promise<number> {
  const address = priceSources(simulatorNetwork()).flatMap((s) => s.addresses);
  const logs = await new RpcClient({ url: rpcUrl }).request<unknown[]>('eth_getLogs', [{ address, fromBlock: '0x0', toBlock: toHexQuantity(head) }]);
  return logs.length;
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
    if (dataset.logs !== null && st.logs !== dataset.logs - dataset.priceLogs) {
      throw new Error(`atlas on ${kind}: indexed ${st.logs} protocol logs, the simulator emitted ${dataset.logs - dataset.priceLogs} (and ${dataset.priceLogs} price-feed logs)`);
    }
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

