import { sql } from 'kysely';
import { createPublicClient, http, type Abi, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { atlasContracts, livepeerContracts } from '../../src/sim/backend.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../../src/sim/simulator.js';
import { dbKinds, openTestDb, type TestDb } from '../helpers/db.js';
import { sharedPath } from '../helpers/sharedDir.mjs';
import { compareHistories, historyRecorder, INTENDED_DIFFERENCES } from '../helpers/protocolHistory.js';
import { compareWithSnapshot, type Mismatch } from '../helpers/snapshotCompare.js';

/**
 * The deployed Livepeer contracts (../shared/livepeer-protocol, compiled with solc 0.8.9) on anvil, driven by the
 * seeded agent model, indexed by Atlas on every database backend: every value Atlas derives must equal the
 * contracts' own views to the wei, at several rounds and at the head.
 */
const SCENARIO = resolveScenario({ preset: 'test', rounds: 30, snapshotRounds: [4, 12, 22, 30] });
const REAL = livepeerContracts(sharedPath('livepeer-protocol'));

type Row = Record<string, string | null>;

interface Backend {
  kind: (typeof dbKinds)[number];
  db: TestDb;
  indexer?: ProtocolIndexer;
  mismatches: Mismatch[];
  checked: number;
}

describe('Atlas equals the deployed Livepeer contracts', () => {
  let sim: SimulationResult;
  const backends: Backend[] = [];
  const realHistory = historyRecorder();

  beforeAll(async () => {
    for (const kind of dbKinds) backends.push({ kind, db: await openTestDb(kind, { migrate: true }), mismatches: [], checked: 0 });
    let rpcUrl = '';
    let network = simulatorNetwork();
    sim = await runSimulation({
      scenario: SCENARIO,
      contracts: REAL,
      keepNode: true,
      onStart: async (url) => {
        rpcUrl = url;
        // Logs can only be in blocks after the node's first block, as the simulation reports it at the end.
        const first = Number(await createPublicClient({ transport: http(url) }).getBlockNumber());
        network = simulatorNetwork(31337, first + 1);
      },
      hooks: {
        onMined: realHistory.onMined,
        // Index up to each snapshot's block and compare there: values at several rounds, not only at the end.
        onSnapshot: async (snap) => {
          for (const b of backends) {
            b.indexer ??= new ProtocolIndexer({ db: b.db.db, rpcUrl, network, confirmations: 0 });
            await b.indexer.backfill();
            b.checked += await compareWithSnapshot(b.db, snap, b.mismatches);
          }
        },
      },
    });
    for (const b of backends) await b.indexer!.backfill();
  });

  afterAll(async () => {
    await sim?.node?.stop();
    for (const b of backends) await b.db.close();
  });

  it('ran the scenario on the real contracts without a reverted transaction', () => {
    expect(sim.groundTruth.stats.revertReasons).toEqual({});
    expect(sim.groundTruth.stats.reverted).toBe(0);
    expect(sim.groundTruth.rounds.length).toBeGreaterThanOrEqual(30);
    expect(sim.population.orchestrators.length).toBeGreaterThanOrEqual(100);
  });

  it.each(dbKinds)('%s: every delegator and orchestrator field, pending stake and fees equal the contracts at several rounds', (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    expect(b.mismatches).toEqual([]);
    expect(b.checked).toBeGreaterThan(10_000);
  });

  it.each(dbKinds)('%s: no divergence from the contracts and no unknown log', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    expect((await sql<Row>`select * from ledger_divergence`.execute(b.db.db)).rows).toEqual([]);
    expect((await sql<Row>`select * from unknown_log`.execute(b.db.db)).rows).toEqual([]);
    expect(b.indexer!.stats.unknownLogs).toBe(0);
    expect(b.indexer!.stats.predictionsChecked).toBeGreaterThan(1000);
  });

  it.each(dbKinds)('%s: every protocol log of the chain is indexed, contract by contract', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const client = createPublicClient({ transport: http(sim.rpcUrl) });
    // chain_event names the contract an event came from; a log Atlas could not name would be in unknown_log.
    const indexed = new Map(
      (await sql<{ contract: string; n: string }>`select contract, count(*)::text as n from chain_event group by contract`.execute(b.db.db)).rows.map((r) => [r.contract, Number(r.n)]),
    );
    const from = BigInt(sim.network.contracts.BondingManager.startBlock);
    for (const [key, address] of Object.entries(sim.deployment.addresses)) {
      const onChain = await client.getLogs({ address: address as Address, fromBlock: from, toBlock: 'latest' });
      expect({ key, logs: indexed.get(key) ?? 0 }).toEqual({ key, logs: onChain.length });
    }
  });

  it.each(dbKinds)('%s: rounds (Minter mintable and inflation, total active stake, supply, treasury cut and balance) equal the contracts', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const rows = new Map((await sql<Row>`select * from protocol_round`.execute(b.db.db)).rows.map((r) => [Number(r.round), r]));
    for (const t of sim.groundTruth.rounds) {
      const r = rows.get(t.round);
      expect(r, `round ${t.round}`).toBeDefined();
      expect({ round: t.round, mintable: r!.mintable, inflation: r!.inflation, tas: r!.total_active_stake, l2: r!.l2_supply, treasury: r!.treasury_balance, cut: r!.treasury_reward_cut_rate, active: Number(r!.active_transcoders) }).toEqual({
        round: t.round,
        mintable: t.mintable.toString(),
        inflation: t.inflation.toString(),
        tas: t.totalActiveStake.toString(),
        l2: t.l2Supply.toString(),
        treasury: t.treasuryBalance.toString(),
        cut: t.treasuryRewardCutRate.toString(),
        active: t.activeOrchestrators,
      });
    }
  });

  it.each(dbKinds)('%s: at the head, every earnings pool, unbonding lock, sender, active flag and proposal equals the contracts', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const client = createPublicClient({ transport: http(sim.rpcUrl, { batch: { batchSize: 200 } }) });
    const A = sim.deployment.addresses;
    const abi = sim.deployment.abis;
    const read = <T>(address: Address, a: Abi, functionName: string, args: readonly unknown[]) => client.readContract({ address, abi: a, functionName, args }) as Promise<T>;
    const bad: string[] = [];
    let checked = 0;
    const eq = (what: string, expected: unknown, actual: unknown) => {
      checked++;
      if (String(expected) !== String(actual) && bad.length < 50) bad.push(`${what}: contracts ${String(expected)}, Atlas ${String(actual)}`);
    };

    const pools = (await sql<Row>`select * from earnings_pool`.execute(b.db.db)).rows;
    const views = await Promise.all(pools.map((p) => read<readonly bigint[]>(A.BondingManager, abi.BondingManager, 'getTranscoderEarningsPoolForRound', [p.transcoder, BigInt(p.round!)])));
    pools.forEach((p, i) => {
      const [totalStake, rewardCut, feeShare, crf, cff] = views[i]!;
      const at = `pool ${p.transcoder}@${p.round}`;
      eq(`${at}.totalStake`, totalStake, p.total_stake);
      eq(`${at}.transcoderRewardCut`, rewardCut, p.reward_cut);
      eq(`${at}.transcoderFeeShare`, feeShare, p.fee_share);
      eq(`${at}.cumulativeRewardFactor`, crf, p.cumulative_reward_factor);
      eq(`${at}.cumulativeFeeFactor`, cff, p.cumulative_fee_factor);
    });

    const dels = (await sql<{ address: string; next_unbonding_lock_id: string; unbonding_locks: unknown }>`select address, next_unbonding_lock_id::text, unbonding_locks from delegator`.execute(b.db.db)).rows;
    for (const d of dels) {
      const locks = (typeof d.unbonding_locks === 'string' ? JSON.parse(d.unbonding_locks) : d.unbonding_locks) as { id: string; amount: string; withdrawRound: string }[];
      const open = new Map(locks.map((l) => [l.id, l]));
      const ids = Array.from({ length: Number(d.next_unbonding_lock_id) }, (_, i) => BigInt(i));
      const got = await Promise.all(ids.map((id) => read<readonly [bigint, bigint]>(A.BondingManager, abi.BondingManager, 'getDelegatorUnbondingLock', [d.address, id])));
      ids.forEach((id, i) => {
        const [amount, withdrawRound] = got[i]!;
        const l = open.get(id.toString());
        eq(`lock ${d.address}#${id}.amount`, amount, l?.amount ?? 0n);
        eq(`lock ${d.address}#${id}.withdrawRound`, withdrawRound, l?.withdrawRound ?? 0n);
      });
    }

    const gateways = (await sql<Row>`select * from gateway`.execute(b.db.db)).rows;
    expect(gateways.length).toBeGreaterThan(0);
    for (const g of gateways) {
      const [sender, reserve] = await read<readonly [{ deposit: bigint; withdrawRound: bigint }, { fundsRemaining: bigint; claimedInCurrentRound: bigint }]>(A.TicketBroker, abi.TicketBroker, 'getSenderInfo', [g.address]);
      eq(`sender ${g.address}.deposit`, sender.deposit, g.deposit);
      eq(`sender ${g.address}.withdrawRound`, sender.withdrawRound, g.withdraw_round ?? 0n);
      eq(`sender ${g.address}.reserve`, reserve.fundsRemaining, g.reserve);
    }

    const head = await sql<{ r: string }>`select max(round)::text as r from protocol_round`.execute(b.db.db);
    const current = BigInt(head.rows[0]!.r);
    const trs = (await sql<Row>`select address, activation_round::text as a, deactivation_round::text as d, total_stake::text as s from transcoder`.execute(b.db.db)).rows;
    const active = await Promise.all(trs.map((t) => read<boolean>(A.BondingManager, abi.BondingManager, 'isActiveTranscoder', [t.address])));
    const totals = await Promise.all(trs.map((t) => read<bigint>(A.BondingManager, abi.BondingManager, 'transcoderTotalStake', [t.address])));
    trs.forEach((t, i) => {
      eq(`transcoder ${t.address}.active`, active[i], BigInt(t.a!) <= current && current < BigInt(t.d!));
      eq(`transcoder ${t.address}.transcoderTotalStake`, totals[i], t.s);
    });
    expect(active.filter(Boolean).length).toBe(sim.params.numActiveTranscoders);

    const proposals = (await sql<Row>`select id, for_votes::text as f, against_votes::text as a, abstain_votes::text as x from proposal`.execute(b.db.db)).rows;
    expect(proposals.length).toBeGreaterThanOrEqual(3);
    for (const p of proposals) {
      const [against, forVotes, abstain] = await read<readonly [bigint, bigint, bigint]>(A.LivepeerGovernor, abi.LivepeerGovernor, 'proposalVotes', [BigInt(p.id!)]);
      eq(`proposal ${p.id}.for`, forVotes, p.f);
      eq(`proposal ${p.id}.against`, against, p.a);
      eq(`proposal ${p.id}.abstain`, abstain, p.x);
    }

    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });
  describe("the same scenario on Atlas's own contracts (the offline simulator's)", () => {
    let own: SimulationResult;
    const ownHistory = historyRecorder();

    beforeAll(async () => {
      // The deployed contracts fix some parameters (governor periods, the poll period): Atlas's own run with them.
      own = await runSimulation({ scenario: SCENARIO, contracts: atlasContracts, params: REAL.params, hooks: { onMined: ownHistory.onMined } });
    });

    it('gives the same protocol history: every transaction from genesis on, its outcome and every log, but for the intended differences', () => {
      // Deployment is not part of it: the deployed contracts go in as their scripts do (proxies, targets, roles).
      const c = compareHistories(ownHistory.history, realHistory.history);
      expect(c.differences).toEqual([]);
      expect(c.broken).toEqual([]);
      expect(c.txs).toBe(realHistory.history.length);
      expect(c.txs).toBeGreaterThan(6000);
      expect(c.logs).toBeGreaterThan(20_000);
      // Each intended difference occurs (so each is known and its check ran), and only in the fields named.
      for (const key of Object.keys(INTENDED_DIFFERENCES) as (keyof typeof INTENDED_DIFFERENCES)[]) expect(c.intended[key], key).toBeGreaterThan(0);
      expect(own.groundTruth.stats.reverted).toBe(0);
    });

    it('gives the same views: round figures after every initializeRound and every delegator and orchestrator at each snapshot', () => {
      expect(own.params).toEqual(sim.params);
      expect(own.groundTruth.rounds).toEqual(sim.groundTruth.rounds);
      // A snapshot names the block it was read at; block hashes differ (see INTENDED_DIFFERENCES).
      const views = (r: SimulationResult) => r.groundTruth.snapshots.map(({ blockHash: _, ...rest }) => rest);
      expect(views(own)).toEqual(views(sim));
      expect(sim.groundTruth.snapshots.length).toBe(SCENARIO.snapshotRounds.length);
    });
  });
});
