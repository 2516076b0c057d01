import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEventLog, type Hex } from 'viem';
import { governorEvents, viewAbi } from '../chain/abis.js';
import { ProposalTally, quorumVotes, voteSucceeded } from '../protocol/index.js';
import type { AnvilNode } from './anvil.js';
import { protocolLayout } from './deploy.js';
import type { MinedTx } from './driver.js';
import { ExpectationModel } from './expectations.js';
import { makePopulation } from './population.js';
import { defaultProtocolParams, resolveScenario } from './scenario.js';
import { runSimulation, type Action, type SimulationResult } from './simulator.js';
import { SimRpc } from './simRpc.js';

describe('simulator: default test scenario on anvil', () => {
  const scenario = resolveScenario({ preset: 'test', snapshotRounds: [4, 9, 14] });
  const population = makePopulation(scenario);
  const params = { ...defaultProtocolParams(), l1CirculatingSupply: population.l1CirculatingSupply };
  const model = new ExpectationModel(protocolLayout(), params, population);
  model.genesis(params);
  const mined: MinedTx<Action>[] = [];
  let result: SimulationResult;
  let snapshotValuesChecked = 0;
  const modelTreasuryAtRound = new Map<number, bigint>();
  let node: AnvilNode | null;

  beforeAll(async () => {
    result = await runSimulation({
      scenario,
      keepNode: true,
      hooks: {
        onMined: (m, ctx) => {
          model.onMined(m, ctx);
          mined.push(...m);
        },
        onRound: (summary) => {
          modelTreasuryAtRound.set(summary.round, model.treasuryBalance);
        },
        onSnapshot: (snap) => {
          snapshotValuesChecked += model.checkSnapshot(snap);
        },
      },
    });
    node = result.node;
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('replays every action through the protocol math with identical events', () => {
    expect(model.mismatches).toEqual([]);
    expect(model.txsReplayed).toBeGreaterThan(2000);
    expect(model.eventsChecked).toBeGreaterThan(3000);
  });

  it('matches the contracts view by view at every snapshot round', () => {
    expect(result.groundTruth.snapshots.map((s) => s.round - result.groundTruth.firstRound + 1)).toEqual([4, 9, 14]);
    expect(model.mismatches).toEqual([]);
    expect(snapshotValuesChecked).toBeGreaterThan(3000);
    const last = result.groundTruth.snapshots.at(-1)!;
    const withRewards = Object.values(last.delegators).filter((d) => d.pendingStake > d.bondedAmount);
    const withFees = Object.values(last.delegators).filter((d) => d.pendingFees > 0n);
    expect(withRewards.length).toBeGreaterThan(100);
    expect(withFees.length).toBeGreaterThan(50);
  });

  it('stays within the calibrated ranges of the real network', () => {
    for (const r of result.groundTruth.rounds) {
      const participation = Number((r.totalActiveStake * 1_000_000n) / r.globalSupply) / 1e6;
      expect(participation).toBeGreaterThanOrEqual(0.4);
      expect(participation).toBeLessThanOrEqual(0.55);
      expect(Number(r.inflation) / 1e9).toBeGreaterThanOrEqual(0.0002);
      expect(Number(r.inflation) / 1e9).toBeLessThanOrEqual(0.0007);
      expect(r.activeOrchestrators).toBe(100);
      expect(r.mintable).toBe((r.globalSupply * r.inflation) / 1_000_000_000n);
    }
  });

  it('tracks the treasury balance, its ceiling and the cut switch', () => {
    const rounds = result.groundTruth.rounds;
    for (const r of rounds) expect(r.treasuryBalance).toBe(modelTreasuryAtRound.get(r.round));
    const hit = rounds.findIndex((r) => r.treasuryBalance >= params.treasuryBalanceCeiling);
    expect(hit).toBeGreaterThan(0);
    // Rewards called in the round the ceiling is seen switch the cut off from the next round.
    expect(rounds.slice(hit + 1).some((r) => r.treasuryRewardCutRate === 0n)).toBe(true);
    expect(rounds[0]!.treasuryRewardCutRate).toBe(10n ** 26n);
  });

  it('produces unbonding locks that mature after the unbonding period', () => {
    const withdrawals = mined.filter((m) => m.ok && m.tx.tag.kind === 'withdrawStake');
    expect(withdrawals.length).toBeGreaterThan(0);
    expect(mined.filter((m) => m.ok && m.tx.tag.kind === 'unbond').length).toBeGreaterThan(10);
  });

  it('runs governance whose tallies equal the governor views, with overrides', async () => {
    const rpc = new SimRpc(result.rpcUrl);
    const gov = result.deployment.addresses.LivepeerGovernor;
    const tallies = new Map<bigint, ProposalTally>();
    const snapshotOf = new Map<bigint, bigint>();
    let overrides = 0;
    for (const m of mined) {
      for (const l of m.logs) {
        if (l.address.toLowerCase() !== gov.toLowerCase()) continue;
        const ev = decodeEventLog({ abi: governorEvents, data: l.data, topics: l.topics as [Hex, ...Hex[]] });
        if (ev.eventName === 'ProposalCreated') {
          tallies.set(ev.args.proposalId, new ProposalTally());
          snapshotOf.set(ev.args.proposalId, ev.args.voteStart);
        }
        if (ev.eventName === 'VoteCast') {
          const [, delegate] = (await rpc.reads<readonly [bigint, `0x${string}`]>([
            { address: result.deployment.addresses.BondingVotes, abi: result.deployment.abis.BondingVotes, functionName: 'delegatedAt', args: [ev.args.voter, snapshotOf.get(ev.args.proposalId)!] },
          ]))[0]!;
          if (delegate.toLowerCase() !== ev.args.voter.toLowerCase()) overrides++;
          tallies.get(ev.args.proposalId)!.castVote({ voter: ev.args.voter, delegate, support: ev.args.support, weight: ev.args.weight });
        }
      }
    }
    expect(tallies.size).toBeGreaterThanOrEqual(3);
    expect(overrides).toBeGreaterThan(0);
    const states: number[] = [];
    for (const [id, t] of tallies) {
      const [chain] = await rpc.reads<readonly [bigint, bigint, bigint]>([
        { address: gov, abi: result.deployment.abis.LivepeerGovernor, functionName: 'proposalVotes', args: [id] },
      ]);
      const totals = t.totals();
      expect([totals.againstVotes, totals.forVotes, totals.abstainVotes]).toEqual([...chain!]);
      const [state] = await rpc.reads<number>([{ address: gov, abi: result.deployment.abis.LivepeerGovernor, functionName: 'state', args: [id] }]);
      states.push(Number(state));
      const [supply] = await rpc.reads<bigint>([
        { address: result.deployment.addresses.BondingVotes, abi: result.deployment.abis.BondingVotes, functionName: 'getPastTotalSupply', args: [snapshotOf.get(id)!] },
      ]);
      const reached = totals.forVotes + totals.againstVotes + totals.abstainVotes >= quorumVotes(supply!, params.quorum);
      const passes = reached && voteSucceeded(totals, params.quota);
      if (Number(state) === 7) expect(passes).toBe(true);
      if (Number(state) === 3) expect(passes).toBe(false);
    }
    expect(states).toContain(7); // executed
    expect(states).toContain(3); // defeated
    void viewAbi;
  });
});

describe('simulator: determinism', () => {
  it('gives the same chain for the same seed', async () => {
    const s = resolveScenario({ preset: 'test', rounds: 2, delegators: 60, orchestrators: 105 });
    const a = await runSimulation({ scenario: s });
    const b = await runSimulation({ scenario: s });
    expect(a.groundTruth.rounds).toEqual(b.groundTruth.rounds);
    expect(a.groundTruth.stats.logs).toBe(b.groundTruth.stats.logs);
    const c = await runSimulation({ scenario: { ...s, seed: 7 } });
    expect(c.groundTruth.rounds.map((r) => r.totalActiveStake)).not.toEqual(a.groundTruth.rounds.map((r) => r.totalActiveStake));
  });
});

describe('simulator: accounts the agent model did not draw', () => {
  it("a transfer's receiver approves BondingManager before it bonds LPT of its own: nothing reverts", async () => {
    // Seed 7 over 45 rounds: a receiver of transferBond unbonds, withdraws and bonds half its LPT again (round 44).
    const approvals: string[] = [];
    const res = await runSimulation({
      scenario: resolveScenario({ preset: 'test', rounds: 45, orchestrators: 40, delegators: 150, seed: '7' }),
      hooks: { onMined: (m) => void approvals.push(...m.filter((x) => x.ok && x.tx.tag.kind === 'setup' && x.tx.tag.what === 'approve').map((x) => x.tx.from)) },
    });
    expect(res.groundTruth.stats.revertReasons).toEqual({});
    expect(res.groundTruth.stats.reverted).toBe(0);
    // Beyond the genesis approvals of the drawn population: the receiver's own.
    const drawn = new Set<string>([...res.population.orchestrators, ...res.population.delegators].map((a) => a.address));
    expect(approvals.filter((a) => !drawn.has(a)).length).toBeGreaterThan(0);
  }, 300_000);
});
