// The simulated chains the tests share: each is mined once per test run by the first test file that asks for it,
// on a node that then serves every test file of the run (read-only: a test that mines forks it first). The same
// chain indexed into a database is shared too: a PGlite dump kept across runs (keyed by the sources) and a
// PostgreSQL template database per run. test/helpers/globalSetup.ts makes the run's folder and stops it all.
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { createPublicClient, http, type PublicClient } from 'viem';
import type { NetworkConfig } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { startAnvil, stopAnvilPid, type AnvilNode } from '../../src/sim/anvil.js';
import { protocolLayout, type Deployment } from '../../src/sim/deploy.js';
import type { GroundTruth } from '../../src/sim/groundTruth.js';
import { makePopulation, type Population } from '../../src/sim/population.js';
import { resolveScenario, type PresetName, type Scenario, type ScenarioInput } from '../../src/sim/scenario.js';
import { runSimulation } from '../../src/sim/simulator.js';
import { atlasDbFromPGlite, pgliteParsers } from '../../src/store/db.js';
import { buildOnce, CACHE_DIR, contentKey, pruneCache, writeAtomically } from './cache.js';
import { openTestDb, openTestDbFromTemplate, saveTemplate, type DbKind, type TestDb } from './db.js';

/** The chains tests share, by name. */
const SPECS = {
  /** The `test` preset (14 rounds): what most API, analytics and dashboard tests index. */
  test: { preset: 'test', snapshotRounds: [7, 14] },
  /** The `test` preset run 17 rounds: every governance outcome the agent model plans, executed grants, polls. */
  governance: { preset: 'test', rounds: 17 },
  /** The `demo` preset: what `atlas start` shows (the dashboard bench). */
  demo: { preset: 'demo' },
} satisfies Record<string, ScenarioInput & { preset: PresetName }>;

export type ChainName = keyof typeof SPECS;

export interface SharedChain {
  rpcUrl: string;
  /** The chain as a network to index (the contracts from the chain's first block). */
  network: NetworkConfig;
  scenario: Scenario;
  groundTruth: GroundTruth;
  deployment: Deployment;
  population: Population;
  client: PublicClient;
}

/** Where this run keeps its shared nodes' addresses and ground truths (set by globalSetup; else one per process). */
function runDir(): string {
  let dir = process.env.ATLAS_TEST_RUN_DIR;
  if (!dir) {
    dir = path.join(os.tmpdir(), `atlas-test-run-${process.pid}`);
    process.env.ATLAS_TEST_RUN_DIR = dir;
    // Without globalSetup the nodes live as long as this process.
    process.once('exit', () => stopRun(dir!));
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

// Ground truth round-trips with its bigints tagged, so amounts stay exact.
const toJson = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? { $big: x.toString() } : x));
const fromJson = <T>(text: string) =>
  JSON.parse(text, (_k, v: unknown) => (v && typeof v === 'object' && '$big' in v && Object.keys(v).length === 1 ? BigInt((v as { $big: string }).$big) : v)) as T;

interface ChainRecord {
  url: string;
  pid: number;
  network: NetworkConfig;
}

const chains = new Map<ChainName, Promise<SharedChain>>();

/** The run's node serving a chain, mined by the first caller; do not mine on it (use forkChain). */
export function sharedChain(name: ChainName): Promise<SharedChain> {
  let c = chains.get(name);
  if (!c) {
    c = (async () => {
      const scenario = resolveScenario(SPECS[name]);
      const marker = path.join(runDir(), `chain-${name}.json`);
      const truthFile = path.join(runDir(), `chain-${name}.truth.json`);
      const record = await buildOnce(
        marker,
        async () => {
          const sim = await runSimulation({ scenario, keepNode: true, detachNode: true });
          writeAtomically(truthFile, toJson(sim.groundTruth));
          writeAtomically(marker, JSON.stringify({ url: sim.rpcUrl, pid: sim.node!.pid, network: sim.network } satisfies ChainRecord));
        },
        () => JSON.parse(readFileSync(marker, 'utf8')) as ChainRecord,
      );
      return {
        rpcUrl: record.url,
        network: record.network,
        scenario,
        groundTruth: fromJson<GroundTruth>(readFileSync(truthFile, 'utf8')),
        deployment: protocolLayout(),
        population: makePopulation(scenario),
        client: createPublicClient({ transport: http(record.url) }) as PublicClient,
      };
    })();
    chains.set(name, c);
  }
  return c;
}

/** A node of the caller's own on top of a shared chain (anvil --fork-url): mine, snapshot and revert freely. */
export async function forkChain(name: ChainName): Promise<SharedChain & { node: AnvilNode }> {
  const shared = await sharedChain(name);
  const node = await startAnvil({ noMining: true, forkUrl: shared.rpcUrl });
  return { ...shared, rpcUrl: node.url, node, client: createPublicClient({ transport: http(node.url) }) as PublicClient };
}

export interface IndexedChain {
  db: TestDb;
  groundTruth: GroundTruth;
  /** Last block the indexer processed. */
  headBlock: number;
}

async function indexInto(db: TestDb, chain: SharedChain): Promise<number> {
  await new ProtocolIndexer({ db: db.db, rpcUrl: chain.rpcUrl, network: chain.network, confirmations: 0 }).backfill();
  const head = await sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`.execute(db.db);
  return Number(head.rows[0]?.b ?? 0);
}

const PGLITE_FIXTURES = path.join(CACHE_DIR, 'indexed');

/**
 * A database of `kind` holding the chain as the protocol indexer writes it, the caller's own copy. The indexing
 * happens once: a PGlite dump kept across runs while the simulator and indexer sources are unchanged, and a
 * PostgreSQL template database per run.
 */
export async function indexedChain(name: ChainName, kind: DbKind): Promise<IndexedChain> {
  if (kind === 'postgres') {
    const marker = path.join(runDir(), `indexed-${name}-postgres.json`);
    const meta = await buildOnce(
      marker,
      async () => {
        const chain = await sharedChain(name);
        const db = await openTestDb('postgres', { migrate: true });
        const headBlock = await indexInto(db, chain);
        const template = await saveTemplate(db);
        writeAtomically(marker, JSON.stringify({ template, headBlock }));
      },
      () => JSON.parse(readFileSync(marker, 'utf8')) as { template: string; headBlock: number },
    );
    return { db: await openTestDbFromTemplate(meta.template), groundTruth: (await sharedChain(name)).groundTruth, headBlock: meta.headBlock };
  }
  const key = `${name}-${contentKey(['src'], JSON.stringify(SPECS[name]))}`;
  const dump = path.join(PGLITE_FIXTURES, `${key}.tar`);
  const metaFile = path.join(PGLITE_FIXTURES, `${key}.json`);
  const meta = await buildOnce(
    metaFile,
    async () => {
      pruneCache(PGLITE_FIXTURES, key);
      const chain = await sharedChain(name);
      const db = await openTestDb('pglite', { migrate: true });
      try {
        const headBlock = await indexInto(db, chain);
        writeAtomically(dump, new Uint8Array(await (await db.dumpDataDir!()).arrayBuffer()));
        writeAtomically(metaFile, toJson({ headBlock, groundTruth: chain.groundTruth }));
      } finally {
        await db.close();
      }
    },
    () => fromJson<{ headBlock: number; groundTruth: GroundTruth }>(readFileSync(metaFile, 'utf8')),
  );
  const pglite = await PGlite.create({ parsers: pgliteParsers, loadDataDir: new Blob([readFileSync(dump)]) });
  const db: TestDb = { ...atlasDbFromPGlite(pglite), config: { kind: 'pglite' }, databaseName: undefined };
  return { db, groundTruth: meta.groundTruth, headBlock: meta.headBlock };
}

/** Stops the run's shared nodes (globalSetup's teardown; or this process's exit without one). */
export function stopRun(dir: string): void {
  for (const name of Object.keys(SPECS)) {
    try {
      stopAnvilPid((JSON.parse(readFileSync(path.join(dir, `chain-${name}.json`), 'utf8')) as ChainRecord).pid);
    } catch {
      // never started in this run
    }
  }
}
