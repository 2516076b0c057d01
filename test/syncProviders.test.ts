import { sql } from 'kysely';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { priceExtension } from '../src/prices/projection.js';
import { priceSources } from '../src/prices/sources.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { sharedChain, type SharedChain } from './helpers/chains.js';
import { readProviderLimits } from '../src/sync/checkpoint.js';
import { providerProfiles, unshaped, type ProviderProfile } from '../src/sync/testkit/provider/profiles.js';
import { startProviderServer, type ProviderServer, type ProviderStats } from '../src/sync/testkit/provider/providerServer.js';
import { planReplay, recordHistory, ReplayChain, type ReplayPlan } from '../src/sync/testkit/provider/replayChain.js';
import { replayNetwork } from '../src/sync/testkit/provider/replayNetwork.js';
import type { DayRow } from '../src/sync/testkit/provider/timeline.js';
import { openTestDb, type TestDb } from './helpers/db.js';
import { dumpProjections } from './helpers/dump.js';

/**
 * The indexer against the same replayed history through every provider profile — its caps, its exact
 * error replies, its rate limit and its server errors — must end in the very state a sync against the
 * unshaped node reaches. Rates and caps are scaled so each run takes seconds and still meets every
 * limit; latencies are a few milliseconds. PGlite only: the sync path is the same on both databases.
 */

// Forty days of uneven activity (a quiet stretch, a busy one) over four million blocks.
const days: DayRow[] = Array.from({ length: 40 }, (_, i) => ({
  dateS: 1_644_883_200 + i * 86_400,
  volumeEth: i >= 10 && i < 14 ? 0 : i >= 25 && i < 30 ? 8 : 1,
  activeTranscoderCount: i >= 10 && i < 14 ? 0 : 100,
  delegatorsCount: 3_000 + ((i * 37) % 11),
}));
const GENESIS = 5_856_156;
const timeline = { anchors: [{ block: GENESIS, time: days[0]!.dateS }, { block: GENESIS + 4_000_000, time: days[0]!.dateS + 40 * 86_400 }] };

/** A profile's shape at test speed: its caps (the result caps lowered so every run splits), errors and a rate it reaches in seconds. */
function atTestSpeed(p: ProviderProfile): ProviderProfile {
  const scaled: Record<string, { units: number; maxResults?: number }> = {
    alchemy: { units: 25_000, maxResults: 2_000 },
    infura: { units: 100_000, maxResults: 1_000 },
    quicknode: { units: 800 },
  };
  const s = scaled[p.name];
  return {
    ...p,
    latency: { meanMs: 2, jitterMs: 2 },
    serverErrorRate: p.rate ? 0.02 : 0,
    rate: p.rate && s ? { ...p.rate, unitsPerSecond: s.units, burstSeconds: 0.2 } : p.rate,
    getLogs: { ...p.getLogs, ...(s?.maxResults !== undefined ? { maxResults: s.maxResults } : {}) },
  };
}

/** Resolves once the server has received no call for 300 ms. */
async function quiet(server: ProviderServer): Promise<void> {
  let calls = -1;
  while (server.stats().calls !== calls) {
    calls = server.stats().calls;
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('indexer under provider profiles (caps, errors, rate limits)', () => {
  let sim: SharedChain;
  let plan: ReplayPlan;
  // The unshaped sync runs beside the profiles' syncs; each comparison awaits it.
  let reference: Promise<Record<string, string[]>>;
  let history: Awaited<ReturnType<typeof recordHistory>>;
  const open: { server?: ProviderServer; db?: TestDb }[] = [];

  async function sync(
    profile: ProviderProfile,
    opts: { db?: TestDb; server?: ProviderServer; stopAtBlock?: number; batchLogs?: number } = {},
  ): Promise<{ db: TestDb; server: ProviderServer; indexer: ProtocolIndexer }> {
    const server = opts.server ?? (await startProviderServer({ chain: new ReplayChain(plan), profile, upstream: sim.rpcUrl, seed: 3 }));
    const db = opts.db ?? (await openTestDb('pglite', { migrate: true }));
    open.push({ server, db });
    const network = replayNetwork(plan.genesis);
    const ac = new AbortController();
    const indexer = new ProtocolIndexer({
      db: db.db,
      rpcUrl: server.url,
      network,
      confirmations: 0,
      ...(opts.batchLogs !== undefined ? { batchLogs: opts.batchLogs } : {}),
      extensions: [priceExtension(priceSources(network).map((s) => ({ ...s, startBlock: plan.genesis })))],
      onProgress: (p) => {
        if (opts.stopAtBlock !== undefined && p.block >= opts.stopAtBlock) ac.abort();
      },
    });
    await indexer.backfill(ac.signal);
    return { db, server, indexer };
  }

  beforeAll(async () => {
    // The run's shared `test` chain: this file only reads it (recorded, then replayed through the provider profiles).
    sim = await sharedChain('test');
    history = await recordHistory(sim.rpcUrl);
    plan = planReplay(history, { days, timeline, chainId: 42161 });
    reference = sync(unshaped).then(({ db }) => dumpProjections(db.db));
    // Awaited by every test; this keeps a failure from counting as unhandled before the first one does.
    reference.catch(() => undefined);
  });

  afterAll(async () => {
    for (const o of open) {
      await o.server?.close();
      await o.db?.close();
    }
  });

  // Every sync below has a provider server and a database of its own: they run at once (most of a sync is waiting on
  // the provider's latency and rate limit), each test still asserting on its own.
  it.concurrent('the reference sync holds the whole replayed history', async ({ expect }) => {
    const logs = plan.blocks.reduce((a, b) => a + b.tx.logs.length, 0);
    expect(logs).toBeGreaterThan(10_000);
    const ref = await reference;
    // Every protocol log is one chain_event row; the price feeds' logs go to their own tables.
    expect(ref.chain_event!.length).toBeGreaterThan(10_000);
    expect(ref.protocol_round!.length).toBeGreaterThan(10);
  });

  // A shaped sync's time is the provider's latency and rate limit, which stretch with the machine's load (five run at
  // once beside other test files): more room than the suite's default, so a busy machine does not fail a correct sync.
  it.concurrent.for(providerProfiles.map((p) => [p.name, p] as const))('%s: completes under its caps and errors, in the state of the unshaped sync', { timeout: 300_000 }, async ([, base], { expect }) => {
    const profile = atTestSpeed(base);
    const { db, server } = await sync(profile);
    expect(await dumpProjections(db.db)).toEqual(await reference);

    const st: ProviderStats = server.stats();
    const caps = profile.getLogs;
    // Never was an answer wider or longer than the provider allows…
    if (caps.maxRange !== undefined) expect(st.widestLogSpan).toBeLessThanOrEqual(caps.maxRange);
    if (caps.maxResults !== undefined) expect(st.mostLogs).toBeLessThanOrEqual(caps.maxResults);
    // …and the limits were met for real, not avoided by luck.
    if (caps.maxRange !== undefined) expect(st.refused.rangeTooLarge).toBeGreaterThan(0);
    if (caps.maxResults !== undefined) expect(st.refused.tooManyResults).toBeGreaterThan(0);
    if (profile.rate) expect(st.refused.rateLimited).toBeGreaterThan(0);
    if (profile.serverErrorRate > 0) expect(st.refused.serverError).toBeGreaterThan(0);
    // Blocks with logs come with their transactions: no call per transaction, and one block read per block that holds logs.
    expect(st.served.eth_getTransactionByHash ?? 0).toBe(0);
    expect(st.served.eth_getBlockByNumber).toBeLessThanOrEqual(plan.blocks.length + 2);

    // What it learned of the caps is remembered with the checkpoints.
    const remembered = Object.values(await readProviderLimits(db.db));
    expect(remembered).toHaveLength(caps.maxRange !== undefined || caps.maxResults !== undefined || profile.rate ? 1 : 0);
    if (remembered[0]) {
      expect(remembered[0].maxRange).toBe(caps.maxRange ?? null);
      expect(remembered[0].maxResults).toBe(caps.maxResults ?? null);
    }
  });

  it.concurrent('follows the tip with each new block read together with its transactions: none is asked for by hash', async ({ expect }) => {
    const livePlan = planReplay(history, { days, timeline, chainId: 42161, liveTxs: 6 });
    const chain = new ReplayChain(livePlan);
    const server = await startProviderServer({ chain, profile: atTestSpeed(unshaped), upstream: sim.rpcUrl, seed: 5 });
    const db = await openTestDb('pglite', { migrate: true });
    open.push({ server, db });
    const network = replayNetwork(livePlan.genesis);
    // Blocks within `confirmations` of the head are the unconfirmed tip, read block by block as they come.
    const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: server.url, network, confirmations: 8, pollIntervalMs: 20 });
    await indexer.backfill();
    const before = server.stats().served.eth_getTransactionByHash ?? 0;
    const released = chain.startLive({ blocksPerSecond: 40, everyBlocks: 2 });
    const last = released.at(-1)!.number;
    const ac = new AbortController();
    const following = indexer.follow(ac.signal);
    while ((indexer.status().indexedBlock ?? 0) < last) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await following.catch(() => undefined);
    expect(server.stats().served.eth_getTransactionByHash ?? 0).toBe(before);
    // Each live transaction is stored with its sender, as the node describes it.
    const rows = await sql<{ hash: string; from_address: string }>`select hash, from_address from chain_tx where block_number > ${livePlan.head}`.execute(db.db);
    const fromByHash = new Map(rows.rows.map((r) => [r.hash, r.from_address]));
    const liveTxs = livePlan.live.map((b) => b.tx);
    expect(fromByHash.size).toBe(liveTxs.length);
    for (const t of liveTxs) expect(fromByHash.get(t.hash.toLowerCase())).toBe(String(t.tx.from).toLowerCase());
  });

  it.concurrent('a restarted indexer starts from the caps and rate it remembered: the refusals do not come again', async ({ expect }) => {
    const profile = atTestSpeed(providerProfiles.find((p) => p.name === 'quicknode')!);
    const half = plan.blocks[Math.floor(plan.blocks.length / 2)]!.number;
    const first = await sync(profile, { stopAtBlock: half, batchLogs: 500 });
    const cp = await sql<{ block: string }>`select min(block)::text as block from sync_checkpoint`.execute(first.db.db);
    expect(Number(cp.rows[0]!.block)).toBeLessThan(plan.head);
    expect(first.server.stats().refused.rangeTooLarge).toBeGreaterThan(0);
    const [limits] = Object.values(await readProviderLimits(first.db.db));
    expect(limits?.maxRange).toBe(10_000);
    expect(limits?.rate).toBeGreaterThan(0);

    // The same endpoint (limits are remembered per endpoint), counted afresh.
    // A restart is a new process: the first run's calls still in flight when it stopped are over first.
    await quiet(first.server);
    first.server.resetStats();
    const second = await sync(profile, { db: first.db, server: first.server });
    const st = second.server.stats();
    expect(st.refused.rangeTooLarge).toBe(0);
    // Paced from the first request at the remembered rate: hardly a call refused for rate.
    expect(st.refused.rateLimited).toBeLessThan(st.calls * 0.05);
    expect(await dumpProjections(second.db.db)).toEqual(await reference);
  });
});
