import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { createApp, startServer } from '../src/api/index.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { priceExtension } from '../src/prices/projection.js';
import { priceSources } from '../src/prices/sources.js';
import { ProtocolIndexer, type IndexerStats } from '../src/projections/indexer.js';
import { presets, resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import { fewestGetLogsCalls, rateFloor } from '../src/sync/testkit/provider/floor.js';
import { providerProfiles, type ProviderProfile } from '../src/sync/testkit/provider/profiles.js';
import type { ProviderStats } from '../src/sync/testkit/provider/providerServer.js';
import { planReplay, recordHistory, type ReplayPlan } from '../src/sync/testkit/provider/replayChain.js';
import { replayNetwork } from '../src/sync/testkit/provider/replayNetwork.js';
import { arbitrumOneTimeline, dailyHistorySchema } from '../src/sync/testkit/provider/timeline.js';
import { freshDatabase, postgresAdminUrl } from './databases.js';
import { PonderTimeout, runPonder, type PonderRun } from './ponderRunner.js';
import { round2, writeResult, type BenchResult } from './results.js';

/**
 * A full-history sync through hosted JSON-RPC providers, the way a user meets Livepeer's history on
 * Arbitrum One: the simulator's history (preset `demo` by default), recorded and re-timed onto Arbitrum
 * One's blocks 5,856,156 → head with the real network's daily activity (vendored daily history), served
 * by a provider-shaped server (its own process) under each provider profile. Per profile: Atlas's
 * backfill into PostgreSQL, Ponder 0.16.10's on the same server, the calls each made, and the floor —
 * the fewest calls the provider's caps allow, at the rate it allows (or, without a rate limit, the
 * indexer's own busiest stage: decode and replay, or the database's whole share). Then live lag: the
 * chain grows at Arbitrum's 4 blocks per second with new Livepeer transactions, and the time from each
 * block to its events in the REST API and on SSE.
 *
 * Environment: ATLAS_BENCH_PRESET (default demo), ATLAS_BENCH_PROFILES (comma list: a subset, or all of them in the order to run),
 * ATLAS_BENCH_SYNC_PONDER=0 (Atlas only), ATLAS_BENCH_PONDER_TIMEOUT_S (default: 5× Atlas's time + 2 min, so a
 * Ponder run stopped at its limit still shows whether Atlas is at least 5× faster),
 * ATLAS_BENCH_DATABASE_URL / ATLAS_TEST_DATABASE_URL (PostgreSQL server for fresh databases).
 * ATLAS_BENCH_SYNC_LIVE_ONLY=1 measures only the live lag and puts it into the recorded result (whose dataset line then
 * says when and at which load). A subset of profiles skips the live lag; with Ponder it replaces only its profiles'
 * figures in the recorded result, naming them in its dataset line; a run without Ponder is printed and not recorded.
 * ATLAS_BENCH_SYNC_CPU_PROF=dir writes a CPU profile of each Atlas backfill (the indexer's process) into dir.
 * ATLAS_BENCH_SYNC_RUNS=N syncs N times per profile (Atlas only) and keeps the run with the median ratio to its floor.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const HISTORY_FILE = path.resolve(here, '../vendor/network-daily-history/network-daily-history.json');
/** Transactions kept back from the history and released on the live chain. */
const LIVE_TXS = 200;
const LIVE_BLOCKS_PER_SECOND = 4;
/** A kept-back transaction every this many live blocks. */
const LIVE_EVERY_BLOCKS = 2;
/** The profile the live chain is followed through. */
const LIVE_PROFILE = 'alchemy';
/** How the API and the indexer are run for the live measurement (not the defaults: see the dataset line). */
const LIVE_SETTINGS = { pollIntervalMs: 250, ssePollMs: 250, cacheTtlMs: 250 };

const log = (msg: string): void => {
  process.stderr.write(`  ${msg}\n`);
};

interface ProviderHandle {
  url: string;
  stats(): Promise<ProviderStats>;
  reset(): Promise<void>;
  live(blocksPerSecond: number, everyBlocks: number): Promise<{ number: number; producedAt: number; logs: number }[]>;
  stop(): Promise<void>;
}

/** The provider-shaped server for `profile` in a child process. */
async function startProvider(planFile: string, profile: string, upstream: string): Promise<ProviderHandle> {
  const child: ChildProcess = fork(path.join(here, 'sync', 'providerProcess.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ATLAS_PROVIDER_PROCESS: JSON.stringify({ planFile, profile, upstream }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (m: Record<string, unknown>) => void>();
  child.on('message', (m: Record<string, unknown>) => {
    const k = String(m.kind);
    waiting.get(k)?.(m);
    waiting.delete(k);
  });
  const ask = (kind: string, extra: object = {}): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      waiting.set(kind, resolve);
      child.send({ kind, ...extra });
    });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    waiting.set('ready', resolve);
    child.once('exit', (code) => reject(new Error(`provider process exited (${code}) before it was ready`)));
  });
  return {
    url: String(ready.url),
    stats: async () => (await ask('stats')).stats as ProviderStats,
    reset: async () => void (await ask('reset')),
    live: async (bps, every) => (await ask('live', { blocksPerSecond: bps, everyBlocks: every })).blocks as { number: number; producedAt: number; logs: number }[],
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ kind: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

interface AtlasRun {
  wallS: number;
  stats: IndexerStats;
  events: number;
  /** chain_event rows outside legacy polls (which the Ponder project does not index). */
  staticRows: number;
}

function indexerFor(db: Kysely<Database>, rpcUrl: string, plan: ReplayPlan, confirmations: number, pollIntervalMs?: number): ProtocolIndexer {
  const network = replayNetwork(plan.genesis);
  return new ProtocolIndexer({
    db,
    rpcUrl,
    network,
    confirmations,
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    extensions: [priceExtension(priceSources(network).map((s) => ({ ...s, startBlock: plan.genesis })))],
  });
}

async function runAtlas(adminUrl: string, rpcUrl: string, plan: ReplayPlan): Promise<AtlasRun> {
  const target = await freshDatabase(adminUrl, 'sync');
  const db = await createDb({ kind: 'postgres', url: target.url });
  try {
    await migrate(db.db);
    const indexer = indexerFor(db.db, rpcUrl, plan, 0);
    const profiling = process.env.ATLAS_BENCH_SYNC_CPU_PROF ? new Session() : null;
    if (profiling) {
      profiling.connect();
      await profiling.post('Profiler.enable');
      await profiling.post('Profiler.start');
    }
    const t0 = performance.now();
    await indexer.backfill();
    const wallS = (performance.now() - t0) / 1000;
    if (profiling) {
      const { profile } = await profiling.post('Profiler.stop');
      const file = path.join(process.env.ATLAS_BENCH_SYNC_CPU_PROF!, `sync-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      profiling.disconnect();
      log(`cpu profile of the backfill: ${file}`);
    }
    const count = async (where: string): Promise<number> =>
      Number((await sql<{ n: string }>`select count(*)::text as n from chain_event ${sql.raw(where)}`.execute(db.db)).rows[0]!.n);
    return { wallS, stats: { ...indexer.stats }, events: await count(''), staticRows: await count(`where contract not in ('Poll', 'PollCreator')`) };
  } finally {
    await db.close();
    await target.drop();
  }
}

/** The fewest calls the history needs through `profile`: eth_getLogs the caps allow, a header per block with logs, the state reads. */
function floorCalls(plan: ReplayPlan, profile: ProviderProfile, stateReads: number): Record<string, number> {
  const blocks = plan.blocks.map((b) => ({ number: b.number, logs: b.tx.logs.length }));
  return {
    eth_blockNumber: 1,
    eth_getLogs: fewestGetLogsCalls(blocks, plan.genesis, plan.head, profile.getLogs),
    // Every block with a log, plus the head's for the checkpoint.
    eth_getBlockByNumber: blocks.length + 1,
    eth_call: stateReads,
  };
}

/** Decoding and replaying the logs, the indexer's in-memory stage, in seconds. */
const decodeReplayS = (stats: IndexerStats): number => (stats.decodeMs + stats.applyMs) / 1000;

/**
 * The database's whole share of a backfill, in seconds: every batch transaction (rows, checkpoints, COMMIT), one after
 * another, and the deferred index builds and statistics that follow the last one. No pipeline can overlap these with
 * each other.
 */
const databaseStageS = (stats: IndexerStats): number => (stats.transactionMs + stats.indexMs) / 1000;

/** Without a rate to wait for, the floor is the indexer's busiest stage (decode and replay, or the database's share), in seconds. */
const processingFloorS = (stats: IndexerStats): number => Math.max(decodeReplayS(stats), databaseStageS(stats));

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/**
 * Follows the chain through `provider` from the history's head while it grows at 4 blocks per second:
 * for every live block whose transaction emitted protocol events, the time from its appearance to the
 * first REST answer that lists them, and to the first SSE `update` at or past it.
 */
async function measureLiveLag(plan: ReplayPlan, planFile: string, upstream: string, adminUrl: string): Promise<{ api: number[]; sse: number[]; blocks: number }> {
  const priceAddresses = new Set(priceSources(simulatorNetwork()).flatMap((s) => s.addresses.map((a) => a.toLowerCase())));
  const target = await freshDatabase(adminUrl, 'sync_live');
  const db = await createDb({ kind: 'postgres', url: target.url });
  const backfillFrom = await startProvider(planFile, 'unshaped', upstream);
  const provider = await startProvider(planFile, LIVE_PROFILE, upstream);
  const controller = new AbortController();
  try {
    await migrate(db.db);
    // The history itself comes in through an unshaped node (what is measured here is the tip).
    await indexerFor(db.db, backfillFrom.url, plan, 20).backfill();
    await backfillFrom.stop();
    const indexer = indexerFor(db.db, provider.url, plan, 20, LIVE_SETTINGS.pollIntervalMs);
    const api = await startServer({
      app: createApp({ db: db.db, dbKind: 'postgres', status: () => indexer.status(), rateLimit: false, webDir: null, cacheTtlMs: LIVE_SETTINGS.cacheTtlMs, live: { pollMs: LIVE_SETTINGS.ssePollMs } }),
    });
    const following = indexer.follow(controller.signal).catch((e: unknown) => log(`live follow stopped: ${(e as Error).message}`));
    // SSE: every `update` names the newest indexed block.
    const sseSeen: { at: number; block: number }[] = [];
    const sse = await fetch(`${api.url}/events?types=update`, { signal: controller.signal });
    const reading = (async () => {
      const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: update$/m.test(frame) && data) sseSeen.push({ at: Date.now(), block: Number((JSON.parse(data) as { blockNumber: number }).blockNumber) });
        }
      }
    })().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2 * LIVE_SETTINGS.pollIntervalMs + LIVE_SETTINGS.ssePollMs));
    const released = await provider.live(LIVE_BLOCKS_PER_SECOND, LIVE_EVERY_BLOCKS);
    const liveTxByBlock = new Map(released.map((b, i) => [b.number, plan.live[i]!]));
    // Blocks whose transaction emitted protocol events (price-feed logs go to other tables).
    const watched = released.filter((b) => liveTxByBlock.get(b.number)!.tx.logs.some((l) => !priceAddresses.has(l.address.toLowerCase())));
    const apiSeen = new Map<number, number>();
    const deadline = released.at(-1)!.producedAt + 30_000;
    while (apiSeen.size < watched.length && Date.now() < deadline) {
      const pending = watched.filter((b) => !apiSeen.has(b.number) && b.producedAt <= Date.now());
      if (pending.length > 0) {
        const res = await fetch(`${api.url}/api/v1/events?fromBlock=${pending[0]!.number}&order=asc&limit=1000`);
        const body = (await res.json()) as { data: { blockNumber: number }[] };
        const now = Date.now();
        const present = new Set(body.data.map((e) => e.blockNumber));
        for (const b of pending) if (present.has(b.number)) apiSeen.set(b.number, now);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    controller.abort();
    await following;
    await reading;
    await api.close();
    const apiLag = watched.filter((b) => apiSeen.has(b.number)).map((b) => apiSeen.get(b.number)! - b.producedAt);
    const sseLag = watched.map((b) => sseSeen.find((s) => s.block >= b.number)).map((s, i) => (s ? s.at - watched[i]!.producedAt : Number.NaN)).filter((x) => Number.isFinite(x));
    if (apiLag.length < watched.length) log(`live: ${watched.length - apiLag.length} of ${watched.length} blocks never showed in the API`);
    return { api: apiLag, sse: sseLag, blocks: watched.length };
  } finally {
    controller.abort();
    await provider.stop();
    await backfillFrom.stop();
    await db.close();
    await target.drop();
  }
}

/**
 * A partial re-run written into the recorded result: the recorded figures and baseline keys the run `owns` give way
 * to the run's, the dataset line loses what it said of them (`stale`) and gains `note`; the rest of it stands.
 */
/** How the dataset line states the floor (a re-run of some profiles brings the recorded line up to date). */
const FLOOR_DEFINITION =
  "Floor = max(fewest calls the caps allow × the provider's cost per call, less its burst, ÷ its rate; Atlas's busiest stage: " +
  "decode+replay, or the database's share, which is every batch transaction from BEGIN to COMMIT plus the deferred index builds and statistics after the last).";

function mergeIntoRecorded(run: { owns: (key: string) => boolean; figures: Record<string, number>; baseline: Record<string, number>; stale: RegExp[]; note: string }): BenchResult {
  const recorded = JSON.parse(readFileSync(path.resolve(here, 'results/sync.json'), 'utf8')) as BenchResult;
  const keep = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([k]) => !run.owns(k)));
  const current = recorded.dataset.replace(/Floor = max\(.*?\)\. (?=Live: )/, `${FLOOR_DEFINITION} `);
  const dataset = run.stale.reduce((d, re) => d.replace(re, ''), current) + run.note;
  return writeResult({ bench: 'sync', figures: { ...keep(recorded.figures), ...run.figures }, baseline: { ...keep(recorded.baseline), ...run.baseline }, dataset });
}

/** When and how a re-run was made: its time, commit, the load around it and a raised priority. */
function rerunStamp(loadAtStart: number): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here }).stdout.toString().trim();
  return `${new Date().toISOString()} at ${head} (load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end${os.getPriority() < 0 ? `, at raised priority (nice ${os.getPriority()})` : ''})`;
}

/** The figures of the profiles this run measured replace theirs in the recorded result; one note per profile. */
function recordProfiles(names: string[], figures: Record<string, number>, baseline: Record<string, number>, notes: string[], loadAtStart: number): BenchResult {
  const prefixes = names.map((n) => `${n.replaceAll('-', '_')}_`);
  const stamp = rerunStamp(loadAtStart);
  return mergeIntoRecorded({
    owns: (k) => prefixes.some((pre) => k.startsWith(pre)),
    figures,
    baseline,
    // A later re-run of a profile replaces its note, and the full run's note on that profile's Ponder run.
    stale: [new RegExp(` \\[(${names.join('|')}) re-run [^\\]]*\\]`, 'g'), new RegExp(`; ponder on (${names.join('|')}): [^;\\[]*`, 'g')],
    note: names.map((n) => ` [${n} re-run ${stamp}${notes.filter((x) => x.includes(` ${n}:`)).map((x) => `; ${x}`).join('')}]`).join(''),
  });
}

/** The live figures of this run replace those of the recorded result. */
function recordLiveLag(figures: Record<string, number>, loadAtStart: number): BenchResult {
  return mergeIntoRecorded({
    owns: (k) => k.startsWith('live_'),
    figures: Object.fromEntries(Object.entries(figures).filter(([k]) => k.startsWith('live_'))),
    baseline: {},
    stale: [/ \[live re-run [^\]]*\]/g, / Live figures re-measured [^[]*/g],
    note: ` [live re-run ${rerunStamp(loadAtStart)}]`,
  });
}

export async function syncBench(): Promise<void> {
  const preset = (process.env.ATLAS_BENCH_PRESET ?? 'demo') as PresetName;
  if (!(preset in presets)) throw new Error(`ATLAS_BENCH_PRESET must be one of ${Object.keys(presets).join(', ')}`);
  // ATLAS_BENCH_PROFILES names a subset, or all of them in the order to run (e.g. the CPU-bound ones first).
  const wanted = process.env.ATLAS_BENCH_PROFILES?.split(',').map((s) => s.trim());
  const profiles = wanted ? wanted.map((n) => providerProfiles.find((p) => p.name === n)).filter((p) => p !== undefined) : providerProfiles;
  if (wanted && profiles.length !== wanted.length) throw new Error(`ATLAS_BENCH_PROFILES: profiles are ${providerProfiles.map((p) => p.name).join(', ')}`);
  const subset = new Set(profiles.map((p) => p.name)).size < providerProfiles.length;
  const withPonder = process.env.ATLAS_BENCH_SYNC_PONDER !== '0';
  const liveOnly = process.env.ATLAS_BENCH_SYNC_LIVE_ONLY === '1';
  const runs = Math.max(1, Number(process.env.ATLAS_BENCH_SYNC_RUNS ?? 1));
  const loadAtStart = os.loadavg()[0]!;

  log(`generating the ${preset} chain…`);
  const sim = await runSimulation({ scenario: resolveScenario({ preset }), keepNode: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-sync-'));
  try {
    const history = await recordHistory(sim.rpcUrl);
    const days = dailyHistorySchema.parse(JSON.parse(readFileSync(HISTORY_FILE, 'utf8'))).dayData;
    const plan = planReplay(history, { days, timeline: arbitrumOneTimeline(days[0]!.dateS), chainId: 42161, liveTxs: LIVE_TXS });
    const planFile = path.join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const logs = plan.blocks.reduce((a, b) => a + b.tx.logs.length, 0);
    log(`replay: ${logs} logs in ${plan.blocks.length} blocks over ${plan.genesis}…${plan.head} (${LIVE_TXS} transactions kept for the live chain)`);
    const admin = postgresAdminUrl();

    const figures: Record<string, number> = { history_logs: logs, history_blocks_with_logs: plan.blocks.length, history_block_range: plan.head - plan.genesis + 1 };
    const baseline: Record<string, number> = {};
    const notes: string[] = [];
    const runProfiles = async (): Promise<void> => {
      for (const profile of profiles) {
        const p = profile.name.replaceAll('-', '_');
        const provider = await startProvider(planFile, profile.name, sim.rpcUrl);
        try {
          // Several runs on request (single runs vary): the one with the median ratio to its floor stands.
          const measured: { atlas: AtlasRun; stats: ProviderStats; ratio: number }[] = [];
          for (let i = 0; i < runs; i++) {
            if (i > 0) await provider.reset();
            log(`${profile.name}: atlas${runs > 1 ? ` (run ${i + 1} of ${runs})` : ''}…`);
            const a = await runAtlas(admin, provider.url, plan);
            const s = await provider.stats();
            const ratio = a.wallS / Math.max(rateFloor(profile, floorCalls(plan, profile, s.served.eth_call ?? 0)).seconds, processingFloorS(a.stats));
            if (runs > 1) log(`${profile.name}: run ${i + 1}: ${a.wallS.toFixed(2)} s, busiest stage ${processingFloorS(a.stats).toFixed(2)} s (decode ${(a.stats.decodeMs / 1000).toFixed(2)} + replay ${(a.stats.applyMs / 1000).toFixed(2)}; database ${databaseStageS(a.stats).toFixed(2)}: transactions ${(a.stats.transactionMs / 1000).toFixed(2)} of which rows ${(a.stats.writeMs / 1000).toFixed(2)}, then indexes and statistics ${(a.stats.indexMs / 1000).toFixed(2)}), ${ratio.toFixed(2)}× its floor`);
            measured.push({ atlas: a, stats: s, ratio });
          }
          const median = [...measured].sort((x, y) => x.ratio - y.ratio)[Math.floor((measured.length - 1) / 2)]!;
          const atlas = median.atlas;
          const aStats = median.stats;
          const calls = floorCalls(plan, profile, aStats.served.eth_call ?? 0);
          const rpc = rateFloor(profile, calls);
          const processingS = processingFloorS(atlas.stats);
          const floorS = Math.max(rpc.seconds, processingS);
          log(`${profile.name}: atlas ${atlas.wallS.toFixed(1)} s, ${aStats.calls} calls (${aStats.refused.rateLimited} refused for rate), floor ${floorS.toFixed(1)} s (${sum(calls)} calls)`);
          Object.assign(figures, {
            [`${p}_wall_s`]: round2(atlas.wallS),
            [`${p}_floor_s`]: round2(floorS),
            [`${p}_rate_floor_s`]: round2(rpc.seconds),
            [`${p}_processing_floor_s`]: round2(processingS),
            [`${p}_decode_replay_s`]: round2(decodeReplayS(atlas.stats)),
            [`${p}_transactions_s`]: round2(atlas.stats.transactionMs / 1000),
            [`${p}_rows_written_s`]: round2(atlas.stats.writeMs / 1000),
            [`${p}_indexes_s`]: round2(atlas.stats.indexMs / 1000),
            [`${p}_vs_floor`]: round2(atlas.wallS / floorS),
            // Against the busiest stage counted as the row writes alone (no COMMITs, no index builds): the floor's
            // earlier, lower measure, kept for comparison.
            [`${p}_vs_rows_written_floor`]: round2(atlas.wallS / Math.max(rpc.seconds, decodeReplayS(atlas.stats), atlas.stats.writeMs / 1000)),
            [`${p}_calls`]: aStats.calls,
            [`${p}_floor_calls`]: sum(calls),
            [`${p}_get_logs_calls`]: aStats.served.eth_getLogs ?? 0,
            [`${p}_floor_get_logs_calls`]: calls.eth_getLogs!,
            [`${p}_units`]: aStats.unitsCharged,
            [`${p}_floor_units`]: rpc.units,
            [`${p}_refused_for_rate`]: aStats.refused.rateLimited,
            [`${p}_refused_for_caps`]: aStats.refused.rangeTooLarge + aStats.refused.tooManyResults,
            [`${p}_events`]: atlas.events,
          });
          if (!withPonder) continue;
          await provider.reset();
          log(`${profile.name}: ponder…`);
          const timeoutS = Number(process.env.ATLAS_BENCH_PONDER_TIMEOUT_S ?? Math.ceil(5 * Math.max(atlas.wallS, floorS) + 120));
          let ponder: PonderRun | null = null;
          let stopped: PonderTimeout | null = null;
          try {
            ponder = await runPonder('postgres', { rpcUrl: provider.url, chainId: plan.chainId, startBlock: plan.genesis, endBlock: plan.head }, admin, atlas.staticRows, timeoutS * 1000);
          } catch (e) {
            if (e instanceof PonderTimeout) stopped = e;
            const msg = (e as Error).message.split('\n')[0]!;
            notes.push(`ponder on ${profile.name}: ${msg}`);
            log(`${profile.name}: ponder failed: ${(e as Error).message}`);
          }
          const pStats = await provider.stats();
          // A run that did not finish counts its time limit: a lower bound.
          const pWall = ponder ? ponder.wallS : timeoutS;
          log(`${profile.name}: ponder ${ponder ? `${pWall.toFixed(1)} s` : `did not finish in ${timeoutS} s`}, ${pStats.calls} calls`);
          Object.assign(baseline, {
            [`${p}_wall_s`]: round2(pWall),
            [`${p}_floor_s`]: round2(floorS),
            [`${p}_vs_floor`]: round2(pWall / floorS),
            [`${p}_calls`]: pStats.calls,
            [`${p}_floor_calls`]: sum(calls),
            [`${p}_get_logs_calls`]: pStats.served.eth_getLogs ?? 0,
            [`${p}_floor_get_logs_calls`]: calls.eth_getLogs!,
            [`${p}_units`]: pStats.unitsCharged,
            [`${p}_floor_units`]: rpc.units,
            [`${p}_refused_for_rate`]: pStats.refused.rateLimited,
            [`${p}_refused_for_caps`]: pStats.refused.rangeTooLarge + pStats.refused.tooManyResults,
            [`${p}_events`]: ponder?.rows ?? 0,
          });
          figures[`${p}_speedup_vs_ponder`] = round2(pWall / atlas.wallS);
          const indexedShare = stopped?.indexedTo != null ? Math.max(0, (stopped.indexedTo - plan.genesis + 1) / (plan.head - plan.genesis + 1)) : 0;
          if (stopped && Math.max(indexedShare, stopped.progressPct / 100) > 0) {
            // Where Ponder was stopped: the share of the block range done, the larger of the ranges it said it indexed
            // and its own progress figure (which counts what it fetched ahead), and the wall time that pace would take
            // for the whole range: the shorter of the two projections.
            const share = Math.max(indexedShare, stopped.progressPct / 100);
            const projected = stopped.backfillS / share;
            Object.assign(baseline, { [`${p}_progress_at_limit_pct`]: round2(share * 100), [`${p}_projected_wall_s`]: Math.round(projected) });
            figures[`${p}_projected_speedup_vs_ponder`] = round2(projected / atlas.wallS);
            log(`${profile.name}: ponder had done ${(share * 100).toFixed(2)}% of the range in ${stopped.backfillS.toFixed(0)} s of backfill: ~${Math.round(projected)} s for the whole range`);
          }
        } finally {
          await provider.stop();
        }
      }
      if (subset && withPonder) console.log(JSON.stringify(recordProfiles(profiles.map((pr) => pr.name), figures, baseline, notes, loadAtStart), null, 2));
    };
    // Live lag first: it is the figure most sensitive to other work on the machine. A subset keeps the recorded one.
    if (subset && !liveOnly) return await runProfiles();
    log(`live lag through ${LIVE_PROFILE} at ${LIVE_BLOCKS_PER_SECOND} blocks/s…`);
    const lag = await measureLiveLag(plan, planFile, sim.rpcUrl, admin);
    Object.assign(figures, {
      live_blocks_measured: lag.blocks,
      live_lag_api_p50_ms: Math.round(quantile(lag.api, 0.5)),
      live_lag_api_p99_ms: Math.round(quantile(lag.api, 0.99)),
      live_lag_sse_p50_ms: Math.round(quantile(lag.sse, 0.5)),
      live_lag_sse_p99_ms: Math.round(quantile(lag.sse, 0.99)),
    });
    log(`live: API p50 ${figures.live_lag_api_p50_ms} ms p99 ${figures.live_lag_api_p99_ms} ms; SSE p50 ${figures.live_lag_sse_p50_ms} ms p99 ${figures.live_lag_sse_p99_ms} ms`);
    if (liveOnly) {
      console.log(JSON.stringify(recordLiveLag(figures, loadAtStart), null, 2));
      return;
    }

    await runProfiles();
    if (subset && withPonder) return;

    const loadAtEnd = os.loadavg()[0]!;
    const dataset =
      `simulator preset ${preset} (${logs} logs in ${plan.blocks.length} transactions, each its own block) re-timed onto Arbitrum One blocks ${plan.genesis}…${plan.head} ` +
      `by the daily network history (vendor/network-daily-history: fees, active orchestrators, delegator changes per day, 2022-02-15…2025-10-13), ` +
      `served by a provider-shaped JSON-RPC server in its own process; profiles: ${profiles.map((pr) => `${pr.name} = ${pr.plan}, ${pr.latency.meanMs}±${pr.latency.jitterMs} ms, ${pr.serverErrorRate * 100}% server errors`).join('; ')}. ` +
      `Atlas: ProtocolIndexer.backfill() with defaults (confirmations 0) into a fresh PostgreSQL 15 database; Ponder 0.16.10 (bench/ponder, raw rows of the protocol contracts) on the same server and database server, ` +
      `timed from its backfill start to 'Completed indexing'; a run stopped at its time limit counts the limit (a lower bound) and its projected time is the backfill time over the share of the block range Ponder had done by then (the larger of the ranges its 'Indexed block range' lines name and its own progress figure, so the shorter projection). ${FLOOR_DEFINITION} ` +
      `Live: ${LIVE_TXS} held-back transactions, one every ${LIVE_EVERY_BLOCKS} blocks at ${LIVE_BLOCKS_PER_SECOND} blocks/s through ${LIVE_PROFILE}; lag from a block's appearance to its events in GET /api/v1/events and to the first SSE update at or past it, ` +
      `with the indexer polling every ${LIVE_SETTINGS.pollIntervalMs} ms, SSE polling every ${LIVE_SETTINGS.ssePollMs} ms and the API cache re-checking every ${LIVE_SETTINGS.cacheTtlMs} ms. ` +
      `${os.cpus().length} cores shared with other work (load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end)` +
      (notes.length ? `; ${notes.join('; ')}` : '');
    const result = { bench: 'sync', figures, baseline, dataset };
    if (withPonder) console.log(JSON.stringify(writeResult(result), null, 2));
    else console.log(JSON.stringify({ ...result, note: 'without Ponder: not recorded' }, null, 2));
  } finally {
    await sim.node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
