import { sql } from 'kysely';
import { createPublicClient, http, parseAbi, parseUnits, type Abi, type Address } from 'viem';
import { ApiData } from '../../src/api/data.js';
import { createApp } from '../../src/api/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyPolls, pollVotes } from '../../src/read/polls.js';
import { atlasContracts, livepeerContracts } from '../../src/sim/backend.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../../src/sim/simulator.js';
import { dbKinds } from '../helpers/db.js';
import { sharedPath } from '../helpers/sharedDir.mjs';
import { compareHistories, historyRecorder, INTENDED_DIFFERENCES } from '../helpers/protocolHistory.js';
import { logsPerContract, roundDifferences, simulateAndIndex, type IndexedBackend } from '../helpers/conformanceChecks.js';
import { contractTally, runShortPolls, type ShortPoll } from '../helpers/shortPolls.js';

/**
 * The deployed Livepeer contracts (../shared/livepeer-protocol, compiled with solc 0.8.9) on anvil, driven by the
 * seeded agent model, indexed by Atlas on every database backend: every value Atlas derives must equal the
 * contracts' own views to the wei, at several rounds and at the head.
 */
const SCENARIO = resolveScenario({ preset: 'test', rounds: 30, snapshotRounds: [4, 12, 22, 30] });
const CHECKOUT = sharedPath('livepeer-protocol');
const REAL = livepeerContracts(CHECKOUT);
const POLL_ABI = parseAbi(['function endBlock() view returns (uint256)', 'event Vote(address indexed voter, uint256 choiceID)']);
const POLL_CREATOR_ABI = parseAbi(['function QUORUM() view returns (uint256)', 'function QUOTA() view returns (uint256)']);
/** IGovernor.ProposalState in its on-chain order. */
const PROPOSAL_STATES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'] as const;

/**
 * The event kinds the scenario exists to exercise (the conformance issue's list: first rewards and skipped rounds,
 * a full active set with evictions, resigning and returning, tickets from a reserve, the treasury ceiling and the
 * cut restored, proposals executed through the timelock, transferBond, one-round claims, legacy polls): each must
 * occur, or the values compared above prove nothing about it.
 */
const EXERCISED: Record<string, string[]> = {
  BondingManager: ['Bond', 'Unbond', 'Rebond', 'WithdrawStake', 'WithdrawFees', 'EarningsClaimed', 'TransferBond', 'Reward', 'TreasuryReward', 'TranscoderUpdate', 'TranscoderActivated', 'TranscoderDeactivated', 'ParameterUpdate'],
  TicketBroker: ['DepositFunded', 'ReserveFunded', 'ReserveClaimed', 'WinningTicketRedeemed', 'WinningTicketTransfer', 'Unlock', 'UnlockCancelled', 'Withdrawal'],
  RoundsManager: ['NewRound'],
  Minter: ['SetCurrentRewardTokens'],
  BondingVotes: ['DelegateChanged', 'DelegateVotesChanged', 'DelegatorBondedAmountChanged'],
  LivepeerGovernor: ['ProposalCreated', 'VoteCast', 'ProposalQueued', 'ProposalExecuted'],
  Treasury: ['CallScheduled', 'CallSalt', 'CallExecuted'],
  PollCreator: ['PollCreated'],
  Poll: ['Vote'],
  ServiceRegistry: ['ServiceURIUpdate'],
  AIServiceRegistry: ['ServiceURIUpdate'],
  LivepeerToken: ['Transfer', 'Approval', 'Mint'],
};

type Row = Record<string, string | null>;

describe('Atlas equals the deployed Livepeer contracts', () => {
  let sim: SimulationResult;
  let shortPolls: ShortPoll[] = [];
  let backends: IndexedBackend[] = [];
  const realHistory = historyRecorder();

  beforeAll(async () => {
    ({ sim, backends } = await simulateAndIndex({ scenario: SCENARIO, contracts: REAL, onMined: realHistory.onMined }));
    // Legacy polls that end within the run (see shortPolls.ts), voted on and weighed after the scenario.
    shortPolls = await runShortPolls({ rpcUrl: sim.rpcUrl, deployment: sim.deployment, checkout: CHECKOUT, orchestrators: sim.population.orchestrators.map((o) => o.address), delegators: sim.population.delegators.map((d) => d.address) });
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
    const counts = await logsPerContract(b.db, sim);
    expect(counts.filter((c) => c.indexed !== c.onChain)).toEqual([]);
    expect(counts.find((c) => c.key === 'BondingManager')!.onChain).toBeGreaterThan(0);
  });

  it.each(dbKinds)('%s: rounds (Minter mintable, minted and inflation, total active stake, supply, treasury cut and balance) equal the contracts', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    expect(await roundDifferences(b.db, sim.groundTruth.rounds)).toEqual([]);
    expect(sim.groundTruth.rounds.length).toBeGreaterThanOrEqual(30);
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
    // LivepeerGovernor.state of every proposal, as the API reports it.
    const api = await new ApiData(b.db.db).snapshot();
    expect(api.proposals.length).toBe(proposals.length);
    const states = await Promise.all(api.proposals.map((p) => read<number>(A.LivepeerGovernor, abi.LivepeerGovernor, 'state', [BigInt(p.id)])));
    api.proposals.forEach((p, i) => eq(`proposal ${p.id}.state`, PROPOSAL_STATES[states[i]!], p.status));
    // The scenario's proposals end every way a proposal can here: executed, defeated, and still voting or queued.
    expect(new Set(states.map((x) => PROPOSAL_STATES[x]))).toContain('executed');
    expect(new Set(states.map((x) => PROPOSAL_STATES[x]))).toContain('defeated');

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
  it.each(dbKinds)('%s: the scenario exercises every event kind it claims, one-round claims and the treasury cut both ways', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const counts = (await sql<{ contract: string; name: string; n: string }>`select contract, name, count(*)::text as n from chain_event group by contract, name`.execute(b.db.db)).rows;
    const seen = new Map(counts.map((r) => [`${r.contract}.${r.name}`, Number(r.n)]));
    const missing = Object.entries(EXERCISED).flatMap(([c, names]) => names.map((n) => `${c}.${n}`)).filter((k) => !(seen.get(k)! > 0));
    expect(missing).toEqual([]);
    const claims = (await sql<{ args: unknown }>`select args from chain_event where contract = 'BondingManager' and name = 'EarningsClaimed'`.execute(b.db.db)).rows;
    const arg = (r: { args: unknown }, k: string) => String((typeof r.args === 'string' ? JSON.parse(r.args) : r.args)[k]);
    expect(claims.filter((r) => arg(r, 'startRound') === arg(r, 'endRound')).length).toBeGreaterThan(0);
    // Past the ceiling a reward() sets next round's cut to 0 (BondingManager.rewardWithHint); a proposal restores it.
    const cuts = (await sql<{ cut: string }>`select treasury_reward_cut_rate::text as cut from protocol_round order by round`.execute(b.db.db)).rows.map((r) => r.cut);
    const zero = cuts.indexOf('0');
    expect(zero).toBeGreaterThan(0);
    expect(cuts.slice(zero).some((c) => c !== '0')).toBe(true);
  });

  // The scenario's polls come from the deployed PollCreator and run its 57,600 blocks: still open at the end. The
  // short polls after it (shortPolls.ts) end within the run, and their tallies are weighed here.
  it.each(dbKinds)("%s: legacy poll tallies (API and GraphQL) equal the contracts' stake at each poll's end block", async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const client = createPublicClient({ transport: http(sim.rpcUrl, { batch: { batchSize: 200 } }) });
    const A = sim.deployment.addresses;
    const [quorum, quota] = await Promise.all([client.readContract({ address: A.PollCreator, abi: POLL_CREATOR_ABI, functionName: 'QUORUM' }), client.readContract({ address: A.PollCreator, abi: POLL_CREATOR_ABI, functionName: 'QUOTA' })]);
    const app = createApp({ db: b.db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
    const gql = (await (
      await app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ polls(where: { id_in: ${JSON.stringify(shortPolls.map((p) => p.address.toLowerCase()))} }) { id endBlock tally { yes no } passed quorumReached } }` }),
      })
    ).json()) as { data: { polls: { id: string; endBlock: string; tally: { yes: string; no: string }; passed: boolean; quorumReached: boolean }[] }; errors?: unknown };
    expect(gql.errors).toBeUndefined();
    expect(shortPolls.length).toBe(2);
    const head = await client.getBlockNumber();
    const outcomes: boolean[] = [];
    for (const p of shortPolls) {
      const end = await contractTally(client, A.BondingManager, p, p.endBlock);
      const cast = end.yes + end.no;
      const reached = cast > 0n && cast * 1_000_000n >= end.totalBonded * quorum;
      const truth = { yes: end.yes, no: end.no, totalStake: end.totalBonded, voters: end.voters.length, quorumReached: reached, passed: reached && end.yes * 1_000_000n >= cast * quota };
      outcomes.push(truth.passed);
      const res = await app.request(`/api/v1/governance/polls/${p.address}`);
      expect(res.status).toBe(200);
      const rest = ((await res.json()) as { poll: { status: string; endBlock: number; tally: { yes: { wei: string }; no: { wei: string }; totalStake: { wei: string }; voters: number; quorumReached: boolean; passed: boolean } } }).poll;
      expect([rest.status, rest.endBlock]).toEqual(['ended', Number(p.endBlock)]);
      const t = rest.tally;
      expect({ yes: BigInt(t.yes.wei), no: BigInt(t.no.wei), totalStake: BigInt(t.totalStake.wei), voters: t.voters, quorumReached: t.quorumReached, passed: t.passed }, `REST ${p.address}`).toEqual(truth);
      const g = gql.data.polls.find((x) => x.id === p.address.toLowerCase())!;
      expect({ endBlock: BigInt(g.endBlock), yes: parseUnits(g.tally.yes, 18), no: parseUnits(g.tally.no, 18), passed: g.passed, quorumReached: g.quorumReached }, `GraphQL ${p.address}`).toEqual({ endBlock: p.endBlock, yes: truth.yes, no: truth.no, passed: truth.passed, quorumReached: truth.quorumReached });

      // What makes the comparison mean something: stake moved after the votes and before the end, and again after it
      // (the head's stake gives another tally); a delegator voted against its own orchestrator; votes changed.
      const atFirstVotes = await contractTally(client, A.BondingManager, p, p.createdBlock + 1n);
      const moved = atFirstVotes.voters.filter((v) => {
        const e = end.voters.find((x) => x.voter === v.voter)!;
        return e.pendingStake !== v.pendingStake || e.transcoderTotalStake !== v.transcoderTotalStake || e.delegate !== v.delegate;
      });
      expect(moved.length).toBeGreaterThan(1);
      const later = await contractTally(client, A.BondingManager, p, head);
      expect([later.yes, later.no]).not.toEqual([end.yes, end.no]);
      const orchestrator = (v: (typeof end.voters)[number]) => v.registered && v.delegate === v.voter;
      expect(end.voters.filter((v) => !orchestrator(v) && end.voters.some((o) => orchestrator(o) && o.voter === v.delegate && o.choice !== v.choice)).length).toBeGreaterThan(0);
      expect(end.voters.filter(orchestrator).length).toBeGreaterThan(1);
      const votes = await client.getLogs({ address: p.address, event: POLL_ABI[1], fromBlock: p.createdBlock, toBlock: head });
      expect(new Set(votes.map((v) => v.args.voter)).size).toBeLessThan(votes.length);
      expect(end.yes > 0n && end.no > 0n).toBe(true);
    }
    // One poll passes (its quorum reached), one does not.
    expect(outcomes.sort()).toEqual([false, true]);
    // A vote cast in a poll's end block counts.
    const first = shortPolls[0]!;
    expect((await client.getLogs({ address: first.address, event: POLL_ABI[1], fromBlock: first.endBlock, toBlock: first.endBlock })).length).toBe(1);
  });

  it.each(dbKinds)("%s: legacy polls: every Poll contract's end block and every vote it logged, as indexed", async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const client = createPublicClient({ transport: http(sim.rpcUrl) });
    const polls = await legacyPolls(b.db.db);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    for (const p of polls) {
      const address = p.address as Address;
      expect(await client.readContract({ address, abi: POLL_ABI, functionName: 'endBlock' })).toBe(p.endBlock);
      const logged = await client.getLogs({ address, event: POLL_ABI[1], fromBlock: p.createdBlock, toBlock: 'latest' });
      expect(logged.length).toBeGreaterThan(0);
      const indexed = await pollVotes(b.db.db, p.address);
      expect(indexed.map((v) => [v.voter, v.choiceId, v.blockNumber])).toEqual(logged.map((l) => [l.args.voter!.toLowerCase(), l.args.choiceID!, l.blockNumber]));
    }
  });
});
