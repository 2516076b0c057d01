import { placeMulticall } from './multicall.js';
import type { Hex } from 'viem';
import { simulatorNetwork, type NetworkConfig } from '../chain/networks.js';
import { startAnvil, type AnvilNode, type AnvilOptions } from './anvil.js';
import { atlasContracts, type ProtocolBackend } from './backend.js';
import type { Deployment, ProtocolParams } from './deploy.js';
import { ChainDriver } from './driver.js';
import { takeSnapshot, type GroundTruth } from './groundTruth.js';
import { planBridge } from './phases/bridge.js';
import { planDelegators } from './phases/delegators.js';
import { planGateways } from './phases/gateways.js';
import { genesis } from './phases/genesis.js';
import { planGovernance, recordProposals } from './phases/governance.js';
import { planOrchestrators } from './phases/orchestrators.js';
import { planPolls, recordPolls } from './phases/polls.js';
import { planRewards } from './phases/rewards.js';
import { l1Schedule, mineRound, openRound } from './phases/round.js';
import { planTickets } from './phases/tickets.js';
import { finishUpgradeRound, planUpgrades } from './phases/upgrades.js';
import { makePopulation, type Population } from './population.js';
import { SimulatedMarket } from './priceFeeds.js';
import { SimRun, type RoundSchedule, type SimulationHooks, type TicketDemand, type UpgradeProbe } from './run.js';
import { defaultProtocolParams, type Scenario } from './scenario.js';
import { SimRpc } from './simRpc.js';

export type { Action, ProposalEffect, RoundContext } from './actions.js';
export type { DemandRound, RoundSchedule, SimulationHooks, TicketDemand, TicketDraw, UpgradeProbe } from './run.js';

export interface SimulationOptions {
  scenario: Scenario;
  /** Which Solidity runs the protocol: Atlas's own contracts (default) or a livepeer/protocol checkout. */
  contracts?: ProtocolBackend;
  params?: Partial<ProtocolParams>;
  /** Use an existing node; otherwise anvil is started and stopped (or kept with keepNode). */
  rpcUrl?: string;
  keepNode?: boolean;
  /** With keepNode: the node outlives this process (see AnvilOptions.detached), for test files that share it. */
  detachNode?: boolean;
  hooks?: SimulationHooks;
  /** When rounds open and how long they last (default: as on the L1 clock, from the scenario's startTime). */
  schedule?: RoundSchedule;
  /**
   * Living mode: after the scenario's rounds the network goes on, round after round, until this signal aborts
   * (a `beforeMine` hook paces the blocks on a clock; the run then ends with that hook's AbortError).
   */
  liveUntil?: AbortSignal;
  /** Decides each round's winning tickets (default: demand drawn at random by gateway weight and capability). */
  demand?: TicketDemand;
  /** Called once the node answers, before anything is mined. */
  onStart?: (rpcUrl: string) => void | Promise<void>;
}

export interface SimulationResult {
  rpcUrl: string;
  /** The simulated chain as a network to index: the real contract addresses, from the chain's first block. */
  network: NetworkConfig;
  node: AnvilNode | null;
  deployment: Deployment;
  population: Population;
  groundTruth: GroundTruth;
  params: ProtocolParams;
  elapsedMs: number;
  /** On the upgrade path: every operation sent around a switch, or why the chain refused it at planning. */
  upgradeProbes?: UpgradeProbe[];
}

/**
 * How to start a node for a scenario: mining only when told, its clock just before the scenario's, and its first
 * block a round before the genesis round (deployment fits before it; round numbers are the scenario's).
 */
export function simulatorNodeOptions(s: Scenario): AnvilOptions {
  return { noMining: true, timestamp: s.startTime - 60, number: (s.firstRound - 1) * s.blocksPerRound, pruneHistory: s.pruneHistory ? 8 : undefined };
}

/** Run a seeded Livepeer network on anvil and return its ground truth. */
export async function runSimulation(opts: SimulationOptions): Promise<SimulationResult> {
  const started = Date.now();
  const s = opts.scenario;
  const population = makePopulation(s);
  const backend = opts.contracts ?? atlasContracts;
  const params: ProtocolParams = { ...defaultProtocolParams(s.blocksPerRound), l1CirculatingSupply: population.l1CirculatingSupply, ...backend.params, ...opts.params };
  const node = opts.rpcUrl ? null : await startAnvil({ ...simulatorNodeOptions(s), detached: opts.detachNode });
  const rpcUrl = opts.rpcUrl ?? node!.url;
  try {
    if (opts.onStart) await opts.onStart(rpcUrl);
    const driver = new ChainDriver(new SimRpc(rpcUrl), s.rpcBatchSize);
    const [chainId, earliest] = await driver.rpc.batch<Hex | { number: Hex }>([
      { method: 'eth_chainId', params: [] },
      { method: 'eth_getBlockByNumber', params: ['earliest', false] },
    ]);
    // Logs can only be in blocks after the node's genesis block (whose parent an indexer could not fetch).
    // On the upgrade path the implementations of every version sit at their Arbitrum One addresses: index with its table.
    const network = simulatorNetwork(Number(chainId as Hex), Number((earliest as { number: Hex }).number) + 1, backend.upgrades ? 'arbitrum-one' : undefined);
    await driver.init(s.startTime - 1);
    const deployment = await backend.deploy(driver, params, s.startTime);
    await placeMulticall(driver.rpc);
    // Price feeds (ETH/USD aggregator, LPT/WETH pool) at their real addresses; posted once per round.
    const market = new SimulatedMarket(s.seed, population);
    await market.deploy(driver, s.startTime);
    const run = new SimRun({
      scenario: s,
      population,
      params,
      driver,
      deployment,
      hooks: opts.hooks ?? {},
      // The genesis round: the first to begin after deployment.
      firstRound: Math.floor((await driver.head()) / params.roundLength) + 1,
      startTime: s.startTime,
      schedule: opts.schedule ?? l1Schedule(s.startTime),
      horizon: opts.liveUntil ? Infinity : s.rounds,
      demand: opts.demand,
      upgrades: backend.upgrades,
    });
    await genesis(run);
    for (let k = 1; k <= s.rounds; k++) await simulateRound(run, market, k);
    for (let k = s.rounds + 1; opts.liveUntil && !opts.liveUntil.aborted; k++) await simulateRound(run, market, k);

    run.gt.stats = {
      blocks: driver.blocksMined,
      txs: driver.txsMined,
      reverted: driver.txsReverted,
      logs: driver.logsEmitted,
      revertReasons: Object.fromEntries(driver.revertReasons),
    };
    if (node && !opts.keepNode) await node.stop();
    return { rpcUrl, network, node: opts.keepNode ? node : null, deployment, population, groundTruth: run.gt, params, elapsedMs: Date.now() - started, upgradeProbes: run.upgrades?.probes };
  } catch (e) {
    if (node) await node.stop();
    throw e;
  }
}

/** One round: open it, let every agent plan its transactions, mine them, and snapshot if asked. */
async function simulateRound(run: SimRun, market: SimulatedMarket, k: number): Promise<void> {
  const plan = await openRound(run, market, k);
  planRewards(run, plan);
  planGateways(run, plan);
  await planTickets(run, plan);
  planOrchestrators(run, plan);
  await planDelegators(run, plan);
  await planGovernance(run, plan);
  planPolls(run, plan);
  planBridge(run, plan, market);
  await planUpgrades(run, plan);
  await mineRound(run, plan, [(res) => recordPolls(run, res), (res) => recordProposals(run, res)]);
  await finishUpgradeRound(run);

  const s = run.scenario;
  if (s.snapshotRounds.includes(k)) {
    const snap = await takeSnapshot(run.rpc, run.d, plan.r, run.population.orchestrators.map((o) => o.address), [...run.delViews.keys(), ...run.extraAccounts]);
    run.gt.snapshots.push(snap);
    if (run.hooks.onSnapshot) await run.hooks.onSnapshot(snap);
  }
  run.hooks.onProgress?.({ round: plan.r, roundsDone: k, roundsTotal: s.rounds, txs: run.driver.txsMined, logs: run.driver.logsEmitted });
}
