import { decodeEventLog, type Address, type Hex } from 'viem';
import { bondingManagerEvents, viewAbi } from '../chain/abis.js';
import type { ContractKey } from '../chain/networks.js';
import type { Action, ProposalEffect, RoundContext } from './actions.js';
import { callTx, SIM_OPERATOR, type Deployment, type ProtocolParams } from './deploy.js';
import type { ChainDriver, MinedTx } from './driver.js';
import type { UpgradePath } from './livepeer/upgrades.js';
import type { GroundTruth, RoundSummary, Snapshot } from './groundTruth.js';
import type { DelegatorAgent, OrchestratorAgent, Population } from './population.js';
import { Rng, units } from './rng.js';
import type { Scenario } from './scenario.js';
import type { SimRpc, SimTx } from './simRpc.js';

export interface SimulationHooks {
  /** Before a batch is mined at `timestamp` (unix s): a living network waits here until its clock gets there. */
  beforeMine?: (timestamp: number) => void | Promise<void>;
  /** Every mined batch, in chain order, with decoded receipts and its block time (unix s); the expectation model hooks here. */
  onMined?: (mined: MinedTx<Action>[], ctx: RoundContext, timestamp: number) => void | Promise<void>;
  onRound?: (summary: RoundSummary) => void | Promise<void>;
  /** A ground-truth snapshot right after it was read (state is that of the snapshot's round). */
  onSnapshot?: (snapshot: Snapshot) => void | Promise<void>;
  onProgress?: (p: { round: number; roundsDone: number; roundsTotal: number; txs: number; logs: number }) => void;
}

/** An orchestrator as the agents see it: refreshed from the contracts each round and from receipts. */
export interface OrchView {
  agent: OrchestratorAgent;
  registered: boolean;
  activation: bigint;
  deactivation: bigint;
  lastRewardRound: bigint;
  totalStake: bigint;
  rewardCut: bigint;
  feeShare: bigint;
}

export interface Lock {
  amount: bigint;
  withdrawRound: bigint;
}

export interface DelegatorView {
  address: Address;
  delegate: Address | null;
  bonded: bigint; // principal as of the last action; pending rewards only add to it
  liquid: bigint;
  startRound: bigint;
  locks: Map<bigint, Lock>;
  favourite: number;
  /** Whether BondingManager may take its LPT (approved at genesis; a transfer's receiver approves before its first bond). */
  approved: boolean;
}

export interface GatewayView {
  address: Address;
  privateKey: Hex;
  deposit: bigint;
  reserve: bigint;
  nonce: bigint;
  weight: number;
  capabilities: number[];
  underfunded: boolean;
  unlockedAt: number | null;
  /** Round of its last withdrawal: it pays no tickets that round (its unlock ends only with the refund). */
  withdrawnIn: number | null;
}

export type ProposalKind = 'pass' | 'fail' | 'no-quorum' | 'override' | 'restore-cut';

export interface PlannedProposal {
  index: number;
  id: bigint | null;
  kind: ProposalKind;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  descriptionHash: Hex;
  createdRound: number;
  votes: { voter: Address; round: number; support: number; reason: string }[];
  effect: ProposalEffect;
  done: boolean;
}

export interface PlannedPoll {
  index: number;
  createdRound: number;
  /** Known once the creation is mined. */
  address: Address | null;
  voters: Address[];
}

/** One round being planned: transactions per block (slot 0 opens the round) and what the phases share. */
export interface RoundPlan {
  /** 1-based round of the scenario. */
  k: number;
  /** Protocol round number. */
  r: number;
  R: bigint;
  /** Blocks in the round (RoundsManager.roundLength): slot b is block r × B + b. */
  B: number;
  startTime: number;
  summary: RoundSummary;
  slots: SimTx<Action>[][];
  /** Orchestrators active this round (as refreshed at its start). */
  activeNow: OrchView[];
  /** Slot of each orchestrator's reward call this round. */
  rewardBlock: Map<Address, number>;
}

/** A winning ticket a demand model wants redeemed in the round being planned. */
export interface TicketDraw {
  gateway: Address;
  orchestrator: Address;
  capability: number;
  faceValue: bigint;
  /** The round it was created in: the round being planned or the one before. */
  creationRound: number;
  /** Block slot of the round it is redeemed in (1..B−1). */
  slot: number;
}

/** What a demand model sees of the round being planned. */
export interface DemandRound {
  r: number;
  B: number;
  /** Unix seconds of each block slot (slot 0 opens the round) and when the next round opens. */
  slotTimes: number[];
  end: number;
  /** Orchestrators active this round and gateways that can pay (lower-case addresses). */
  active: ReadonlySet<string>;
  payable: ReadonlySet<string>;
}

/** Decides the round's winning tickets instead of the random draw (the living demo: from its gateways' jobs). */
export type TicketDemand = (round: DemandRound) => TicketDraw[];

/** When the rounds of a run happen on the block clock. */
export interface RoundSchedule {
  /** Unix seconds at which round k (1-based) of the run opens. */
  roundStart(k: number): number;
  /** Seconds round k lasts; its blocks are spread over the first 95% of it. */
  roundSeconds(k: number): number;
}

/** What the running protocol versions can do: the first Arbitrum One deployment had no treasury or governor. */
export interface ProtocolFeatures {
  /** LivepeerGovernor, Treasury and BondingVotes exist (proposals, votes, the timelock). */
  governance: boolean;
  /** BondingManager takes the treasury cut (treasuryRewardCutRate and its views exist). */
  treasuryCut: boolean;
}

/** One operation the upgrade path sends around a switch, or why it did not (the chain refused it at planning). */
export interface UpgradeProbe {
  /** Index of the switch in the upgrade path. */
  step: number;
  round: number;
  side: 'before' | 'after';
  probe: string;
  sent: boolean;
  reason?: string;
}

/** An upgrade path being run: its switches, who owns the Controller, code to finish placing, the probes sent. */
export interface UpgradeRun {
  path: UpgradePath;
  owner: Address;
  finish: (() => Promise<void>)[];
  probes: UpgradeProbe[];
}

export interface RunSetup {
  scenario: Scenario;
  population: Population;
  params: ProtocolParams;
  driver: ChainDriver;
  deployment: Deployment;
  hooks: SimulationHooks;
  firstRound: number;
  startTime: number;
  schedule: RoundSchedule;
  /** Last round (1-based) the run plans for; Infinity when it goes on until stopped. */
  horizon: number;
  demand?: TicketDemand;
  /** The upgrade path to run (the real contracts from their first versions), if any. */
  upgrades?: UpgradePath;
}

/**
 * The state of one simulation run shared by its phases: the seeded random streams, the agents' local views
 * of the chain, planned governance, and the mining clock. Phases read and update it; nothing else does.
 */
export class SimRun {
  readonly scenario: Scenario;
  readonly population: Population;
  readonly params: ProtocolParams;
  readonly driver: ChainDriver;
  readonly rpc: SimRpc;
  readonly d: Deployment;
  readonly hooks: SimulationHooks;
  readonly rng: Rng;
  /** Legacy polls draw from their own stream, so adding them leaves every other random choice unchanged. */
  readonly pollRng: Rng;
  readonly firstRound: number;
  readonly schedule: RoundSchedule;
  /** Last round (1-based) planned for: agents start nothing they could not finish by then. */
  readonly horizon: number;
  readonly demand: TicketDemand | undefined;
  ctx: RoundContext;
  simTime: number;

  readonly orchViews = new Map<Address, OrchView>();
  readonly delViews = new Map<Address, DelegatorView>();
  gwViews: GatewayView[] = [];
  genesisOrchs: OrchestratorAgent[] = [];
  readonly proposals: PlannedProposal[] = [];
  readonly polls: PlannedPoll[] = [];
  readonly blockHashes = new Map<number, Hex>();
  extraDelegators = 0;
  features: ProtocolFeatures = { governance: true, treasuryCut: true };
  readonly upgrades: UpgradeRun | null;
  /** Accounts the snapshots cover beside the agents' (the upgrade path's probe accounts). */
  readonly extraAccounts: Address[] = [];
  scheduledProposals = 0;
  readonly gt: GroundTruth;

  constructor(setup: RunSetup) {
    this.scenario = setup.scenario;
    this.population = setup.population;
    this.params = setup.params;
    this.driver = setup.driver;
    this.rpc = setup.driver.rpc;
    this.d = setup.deployment;
    this.hooks = setup.hooks;
    this.firstRound = setup.firstRound;
    this.schedule = setup.schedule;
    this.horizon = setup.horizon;
    this.demand = setup.demand;
    this.upgrades = setup.upgrades ? { path: setup.upgrades, owner: SIM_OPERATOR, finish: [], probes: [] } : null;
    if (setup.upgrades) this.features = { governance: false, treasuryCut: false };
    this.simTime = setup.startTime;
    this.rng = new Rng(`${setup.scenario.seed}/run`);
    this.pollRng = new Rng(`${setup.scenario.seed}/polls`);
    this.ctx = { round: 0, blockInRound: 0 };
    const s = setup.scenario;
    this.gt = {
      seed: s.seed,
      firstRound: setup.firstRound + 1,
      lastRound: setup.firstRound + s.rounds,
      rounds: [],
      snapshots: [],
      stats: { blocks: 0, txs: 0, reverted: 0, logs: 0, revertReasons: {} },
    };
  }

  /** A call of `fn` on a protocol contract, tagged with the action it stands for. */
  tx(from: Address, key: ContractKey, fn: string, args: readonly unknown[], action: Action, value?: bigint): SimTx<Action> {
    return callTx<Action>(this.d, from, key, fn, args, action, value);
  }

  /** Mine empty blocks so that the next block mined is the first of round `r` (the round clock counts blocks). */
  async waitForRound(r: number): Promise<void> {
    const head = await this.driver.head();
    const first = r * this.params.roundLength;
    if (head >= first) throw new Error(`round ${r} began at block ${first}, the chain is at ${head}`);
    await this.driver.mineEmptyBlocks(first - 1 - head, 1);
  }

  /** LPT arriving over the bridge: the gateway mints on L2. */
  bridge(to: Address, amount: bigint): SimTx<Action> {
    return this.tx(SIM_OPERATOR, 'LivepeerToken', 'mint', [to, amount], { kind: 'bridge', to, amount });
  }

  /** Mine a batch at `timestamp` and hand it to the hooks. */
  async mine(txs: SimTx<Action>[], timestamp: number): Promise<MinedTx<Action>[]> {
    if (this.hooks.beforeMine) await this.hooks.beforeMine(timestamp);
    // The driver never mines a block at or before the previous one's time.
    const blockTime = Math.max(Math.floor(timestamp), this.driver.timestamp + 1);
    const mined = await this.driver.mine(txs, timestamp);
    if (this.hooks.onMined) await this.hooks.onMined(mined, this.ctx, blockTime);
    return mined;
  }

  /** Start the agents' views once genesis is mined. */
  initViews(): void {
    for (const o of this.population.orchestrators) {
      this.orchViews.set(o.address, { agent: o, registered: o.joinRound === 0, activation: 0n, deactivation: 0n, lastRewardRound: 0n, totalStake: 0n, rewardCut: o.rewardCut, feeShare: o.feeShare });
    }
    for (const dl of this.population.delegators) this.delViews.set(dl.address, newDelegatorView(dl));
    for (const o of this.population.orchestrators) this.delViews.set(o.address, emptyDelegatorView(o.address, units(5_000), true));
    this.gwViews = this.population.gateways.map<GatewayView>((g) => ({ address: g.address, privateKey: g.privateKey, deposit: g.deposit, reserve: g.reserve, nonce: 0n, weight: g.weight, capabilities: g.capabilities, underfunded: g.underfunded, unlockedAt: null, withdrawnIn: null }));
  }

  /** Update the views from the BondingManager events of mined transactions. */
  applyReceipts(res: MinedTx<Action>[]): void {
    const bm = this.d.addresses.BondingManager.toLowerCase();
    for (const m of res) {
      if (!m.ok) continue;
      for (const log of m.logs) {
        if (log.address.toLowerCase() !== bm) continue;
        let ev;
        try {
          ev = decodeEventLog({ abi: bondingManagerEvents, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
        } catch {
          continue;
        }
        switch (ev.eventName) {
          case 'Bond': {
            const v = this.delViews.get(ev.args.delegator);
            if (v) {
              v.delegate = ev.args.newDelegate;
              v.bonded = ev.args.bondedAmount;
              if (ev.args.oldDelegate.toLowerCase() !== ev.args.newDelegate.toLowerCase()) v.startRound = BigInt(this.ctx.round + 1);
            }
            break;
          }
          case 'Unbond': {
            const v = this.delViews.get(ev.args.delegator);
            if (v) {
              v.locks.set(ev.args.unbondingLockId, { amount: ev.args.amount, withdrawRound: ev.args.withdrawRound });
              v.bonded = v.bonded > ev.args.amount ? v.bonded - ev.args.amount : 0n;
              if (v.bonded === 0n) v.delegate = null;
            }
            break;
          }
          case 'TransferBond':
            this.delViews.get(ev.args.oldDelegator)?.locks.delete(ev.args.oldUnbondingLockId);
            break;
          case 'Rebond': {
            const v = this.delViews.get(ev.args.delegator);
            if (v) {
              v.locks.delete(ev.args.unbondingLockId);
              v.bonded += ev.args.amount;
              v.delegate = ev.args.delegate;
            }
            break;
          }
          case 'WithdrawStake': {
            const v = this.delViews.get(ev.args.delegator);
            if (v) {
              v.locks.delete(ev.args.unbondingLockId);
              v.liquid += ev.args.amount;
            }
            break;
          }
          case 'Reward': {
            const o = this.orchViews.get(ev.args.transcoder);
            if (o) o.lastRewardRound = BigInt(this.ctx.round);
            break;
          }
          default:
            break;
        }
      }
    }
  }

  /** Re-read every orchestrator's record, stake and registration from the BondingManager. */
  async refreshOrchestrators(): Promise<void> {
    const A = this.d.addresses;
    const list = [...this.orchViews.values()];
    const tr = await this.rpc.reads<readonly bigint[]>(list.map((o) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'getTranscoder', args: [o.agent.address] })));
    const st = await this.rpc.reads<bigint>(list.map((o) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'transcoderTotalStake', args: [o.agent.address] })));
    const reg = await this.rpc.reads<bigint>(list.map((o) => ({ address: A.BondingManager, abi: this.d.abis.BondingManager, functionName: 'transcoderStatus', args: [o.agent.address] })));
    list.forEach((o, i) => {
      const t = tr[i]!;
      o.lastRewardRound = t[0]!;
      o.rewardCut = t[1]!;
      o.feeShare = t[2]!;
      o.activation = t[4]!;
      o.deactivation = t[5]!;
      o.totalStake = st[i]!;
      o.registered = Number(reg[i]) === 1;
    });
  }

  /** The `n` registered orchestrators with the most stake. */
  topOrchestrators(n: number): Address[] {
    return [...this.orchViews.values()]
      .filter((o) => o.registered)
      .sort((a, b) => (b.totalStake > a.totalStake ? 1 : b.totalStake < a.totalStake ? -1 : 0))
      .slice(0, n)
      .map((o) => o.agent.address);
  }

  /** Bond, set cuts and service URIs of a joining orchestrator. */
  registerOrchestrator(o: OrchestratorAgent): SimTx<Action>[] {
    const out: SimTx<Action>[] = [
      this.tx(o.address, 'BondingManager', 'bond', [o.selfStake, o.address], { kind: 'bond', delegator: o.address, to: o.address, amount: o.selfStake }),
      this.tx(o.address, 'BondingManager', 'transcoder', [o.rewardCut, o.feeShare], { kind: 'cut', orchestrator: o.address, rewardCut: o.rewardCut, feeShare: o.feeShare }),
      this.tx(o.address, 'ServiceRegistry', 'setServiceURI', [o.serviceUri], { kind: 'serviceUri', orchestrator: o.address, uri: o.serviceUri }),
    ];
    if (o.aiServiceUri) out.push(this.tx(o.address, 'AIServiceRegistry', 'setServiceURI', [o.aiServiceUri], { kind: 'serviceUri', orchestrator: o.address, uri: o.aiServiceUri }));
    return out;
  }
}

function newDelegatorView(dl: DelegatorAgent): DelegatorView {
  return { address: dl.address, delegate: null, bonded: 0n, liquid: dl.liquid, startRound: 0n, locks: new Map(), favourite: dl.favourite, approved: true };
}

/** A view of an account the agent model did not draw (an orchestrator's own bond, a transfer's receiver). */
export function emptyDelegatorView(address: Address, liquid = 0n, approved = false): DelegatorView {
  return { address, delegate: null, bonded: 0n, liquid, startRound: 0n, locks: new Map(), favourite: -1, approved };
}
