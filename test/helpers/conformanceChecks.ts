import { sql } from 'kysely';
import { createPublicClient, http, type Address } from 'viem';
import { simulatorNetwork, type NetworkConfig } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import type { RoundSummary } from '../../src/sim/groundTruth.js';
import { runSimulation, type SimulationOptions, type SimulationResult } from '../../src/sim/simulator.js';
import { dbKinds, openTestDb, type TestDb } from './db.js';
import { compareWithSnapshot, type Mismatch } from './snapshotCompare.js';

/** One database backend indexing a conformance run, with what its snapshot comparisons found. */
export interface IndexedBackend {
  kind: (typeof dbKinds)[number];
  db: TestDb;
  indexer?: ProtocolIndexer;
  mismatches: Mismatch[];
  checked: number;
}

/**
 * Runs a simulation on given contracts and indexes it on every database backend up to each snapshot's block,
 * comparing there (values at several rounds, not only at the end), then to the head. `targetVersions` is the rule
 * table the indexer follows the contracts' registrations with; `verifyState` reads every batch back from the chain.
 */
export async function simulateAndIndex(
  opts: Pick<SimulationOptions, 'scenario' | 'contracts' | 'params'> & { targetVersions?: NetworkConfig['targetVersions']; verifyState?: boolean; onMined?: NonNullable<SimulationOptions['hooks']>['onMined'] },
): Promise<{ sim: SimulationResult; backends: IndexedBackend[] }> {
  const backends: IndexedBackend[] = [];
  for (const kind of dbKinds) backends.push({ kind, db: await openTestDb(kind, { migrate: true }), mismatches: [], checked: 0 });
  let rpcUrl = '';
  let network = simulatorNetwork();
  const sim = await runSimulation({
    scenario: opts.scenario,
    contracts: opts.contracts,
    ...(opts.params ? { params: opts.params } : {}),
    keepNode: true,
    onStart: async (url) => {
      rpcUrl = url;
      // Logs can only be in blocks after the node's first block, as the simulation reports it at the end.
      const first = Number(await createPublicClient({ transport: http(url) }).getBlockNumber());
      network = simulatorNetwork(31337, first + 1, opts.targetVersions);
    },
    hooks: {
      ...(opts.onMined ? { onMined: opts.onMined } : {}),
      onSnapshot: async (snap) => {
        for (const b of backends) {
          b.indexer ??= new ProtocolIndexer({ db: b.db.db, rpcUrl, network, confirmations: 0, verifyState: opts.verifyState ?? false });
          await b.indexer.backfill();
          b.checked += await compareWithSnapshot(b.db, snap, b.mismatches);
        }
      },
    },
  });
  return { sim, backends };
}

/**
 * Every contract of a simulated deployment with the logs it emitted on chain and the events Atlas indexed for it
 * (chain_event names the contract an event came from; a log Atlas could not name would be in unknown_log).
 */
export async function logsPerContract(db: TestDb, sim: SimulationResult): Promise<{ key: string; indexed: number; onChain: number }[]> {
  const client = createPublicClient({ transport: http(sim.rpcUrl) });
  const indexed = new Map(
    (await sql<{ contract: string; n: string }>`select contract, count(*)::text as n from chain_event group by contract`.execute(db.db)).rows.map((r) => [r.contract, Number(r.n)]),
  );
  const from = BigInt(sim.network.contracts.BondingManager.startBlock);
  const out: { key: string; indexed: number; onChain: number }[] = [];
  for (const [key, address] of Object.entries(sim.deployment.addresses)) {
    const onChain = await client.getLogs({ address: address as Address, fromBlock: from, toBlock: 'latest' });
    out.push({ key, indexed: indexed.get(key) ?? 0, onChain: onChain.length });
  }
  return out;
}

/**
 * Each round's figures as Atlas indexed them (protocol_round) against the contracts' (mintable, minted = Reward plus
 * TreasuryReward amounts, inflation, total active stake, L2 supply, treasury balance and cut, active orchestrators):
 * one line per difference, `label` naming what ran in a round.
 */
export async function roundDifferences(db: TestDb, rounds: RoundSummary[], label: (round: number) => string = () => ''): Promise<string[]> {
  const rows = new Map((await sql<Record<string, string | null>>`select * from protocol_round`.execute(db.db)).rows.map((r) => [Number(r.round), r]));
  const bad: string[] = [];
  for (const t of rounds) {
    const at = `round ${t.round}${label(t.round)}`;
    const r = rows.get(t.round);
    if (!r) {
      bad.push(`${at}: not indexed`);
      continue;
    }
    const got: Record<string, string> = {
      mintable: r.mintable!,
      minted: (BigInt(r.rewards!) + BigInt(r.treasury_rewards!)).toString(),
      inflation: r.inflation!,
      totalActiveStake: r.total_active_stake!,
      l2Supply: r.l2_supply!,
      treasuryBalance: r.treasury_balance!,
      treasuryRewardCutRate: r.treasury_reward_cut_rate!,
      activeOrchestrators: String(Number(r.active_transcoders)),
    };
    const want: Record<string, bigint | number> = {
      mintable: t.mintable,
      minted: t.minted,
      inflation: t.inflation,
      totalActiveStake: t.totalActiveStake,
      l2Supply: t.l2Supply,
      treasuryBalance: t.treasuryBalance,
      treasuryRewardCutRate: t.treasuryRewardCutRate,
      activeOrchestrators: t.activeOrchestrators,
    };
    for (const [f, v] of Object.entries(want)) if (String(v) !== got[f]) bad.push(`${at}: ${f}: contracts ${String(v)}, Atlas ${got[f]}`);
  }
  return bad;
}
