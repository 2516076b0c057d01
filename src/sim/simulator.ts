import { decodeEventLog, encodeAbiParameters, encodeFunctionData, keccak256, maxUint256, parseAbi, toBytes, toHex, type Address, type Hex } from 'viem';
import { bondingManagerEvents, viewAbi } from '../chain/abis.js';
import { startAnvil, type AnvilNode } from './anvil.js';
import { callTx, deployProtocol, handOverToGovernance, SIM_OPERATOR, type Deployment, type ProtocolParams } from './deploy.js';
import { ChainDriver, type MinedTx } from './driver.js';
import { readRoundSummary, takeSnapshot, type GroundTruth, type RoundSummary, type Snapshot } from './groundTruth.js';
import { deriveAddress, makePopulation, type DelegatorAgent, type OrchestratorAgent, type Population } from './population.js';
import { Rng, units } from './rng.js';
import { defaultProtocolParams, type Scenario } from './scenario.js';
import { SimRpc, type SimTx } from './simRpc.js';
import { SimulatedMarket } from './priceFeeds.js';

const MAX_ROUND = maxUint256;
const pollAbi = parseAbi(['function vote(uint256 _choiceID)']);
const L1_BLOCK_SECONDS = 12;

/** What a simulator transaction stands for; tests and the expectation model read it back. */
export type Action =
  | { kind: 'setup'; what: string }
  | { kind: 'clock' }
  | { kind: 'initializeRound' }
  | { kind: 'reward'; orchestrator: Address }
  | { kind: 'ticket'; gateway: Address; orchestrator: Address; faceValue: bigint; capability: number; creationRound: number }
  | { kind: 'tickets'; orchestrator: Address; tickets: { gateway: Address; faceValue: bigint; capability: number; creationRound: number }[] }
  | { kind: 'bond'; delegator: Address; to: Address; amount: bigint }
  | { kind: 'unbond'; delegator: Address; amount: bigint }
  | { kind: 'rebond'; delegator: Address; lockId: bigint; to: Address | null }
  | { kind: 'transferBond'; delegator: Address; receiver: Address; amount: bigint }
  | { kind: 'withdrawStake'; delegator: Address; lockId: bigint }
  | { kind: 'withdrawFees'; delegator: Address; amount: bigint }
  | { kind: 'claim'; delegator: Address }
  | { kind: 'cut'; orchestrator: Address; rewardCut: bigint; feeShare: bigint }
  | { kind: 'serviceUri'; orchestrator: Address; uri: string }
  | { kind: 'gateway'; gateway: Address; what: 'fund' | 'reserve' | 'unlock' | 'withdraw' | 'cancelUnlock' }
  | { kind: 'bridge'; to: Address; amount: bigint }
  | { kind: 'governance'; what: 'propose' | 'vote' | 'queue' | 'execute'; proposal: number; voter?: Address; support?: number; effect?: ProposalEffect }
  | { kind: 'poll'; what: 'create' | 'vote'; poll: number; voter?: Address; choice?: number };

/** What an executed proposal changes. */
export type ProposalEffect = { grant: { to: Address; amount: bigint } } | { treasuryRewardCutRate: bigint };

export interface RoundContext {
  round: number;
  blockInRound: number;
}

export interface SimulationHooks {
  /** Every mined batch, in chain order, with decoded receipts; the expectation model hooks here. */
  onMined?: (mined: MinedTx<Action>[], ctx: RoundContext) => void | Promise<void>;
  onRound?: (summary: RoundSummary) => void | Promise<void>;
  /** A ground-truth snapshot right after it was read (state is that of the snapshot's round). */
  onSnapshot?: (snapshot: Snapshot) => void | Promise<void>;
  onProgress?: (p: { round: number; roundsDone: number; roundsTotal: number; txs: number; logs: number }) => void;
}

export interface SimulationOptions {
  scenario: Scenario;
  params?: Partial<ProtocolParams>;
  /** Use an existing node; otherwise anvil is started and stopped (or kept with keepNode). */
  rpcUrl?: string;
  keepNode?: boolean;
  hooks?: SimulationHooks;
  /** Called once the node answers, before anything is mined. */
  onStart?: (rpcUrl: string) => void | Promise<void>;
}

export interface SimulationResult {
  rpcUrl: string;
  node: AnvilNode | null;
  deployment: Deployment;
  population: Population;
  groundTruth: GroundTruth;
  params: ProtocolParams;
  elapsedMs: number;
}

interface OrchView {
  agent: OrchestratorAgent;
  registered: boolean;
  activation: bigint;
  deactivation: bigint;
  lastRewardRound: bigint;
  totalStake: bigint;
  rewardCut: bigint;
  feeShare: bigint;
}

interface Lock {
  amount: bigint;
  withdrawRound: bigint;
}

interface DelegatorView {
  address: Address;
  delegate: Address | null;
  bonded: bigint; // principal as of the last action; pending rewards only add to it
  liquid: bigint;
  startRound: bigint;
  locks: Map<bigint, Lock>;
  favourite: number;
}

interface GatewayView {
  address: Address;
  deposit: bigint;
  reserve: bigint;
  nonce: bigint;
  weight: number;
  capabilities: number[];
  underfunded: boolean;
  unlockedAt: number | null;
}

type ProposalKind = 'pass' | 'fail' | 'no-quorum' | 'override' | 'restore-cut';

interface PlannedProposal {
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

// Face values per winning ticket by capability family, in ETH (AI jobs pay more per ticket).
const FACE_VALUE_ETH: Record<number, number> = { 0: 0.004, 1: 0.004, 2: 0.004, 8: 0.005, 27: 0.02, 28: 0.018, 29: 0.04, 30: 0.01, 31: 0.006, 32: 0.012, 33: 0.008, 34: 0.006, 35: 0.05, 36: 0.006 };

/** Run a seeded Livepeer network on anvil and return its ground truth. */
export async function runSimulation(opts: SimulationOptions): Promise<SimulationResult> {
  const started = Date.now();
  const s = opts.scenario;
  const rng = new Rng(`${s.seed}/run`);
  const population = makePopulation(s);
  const params: ProtocolParams = { ...defaultProtocolParams(), l1CirculatingSupply: population.l1CirculatingSupply, ...opts.params };
  const node = opts.rpcUrl ? null : await startAnvil({ noMining: true, timestamp: s.startTime - 60, pruneHistory: s.pruneHistory ? 8 : undefined });
  const rpcUrl = opts.rpcUrl ?? node!.url;
  const rpc = new SimRpc(rpcUrl);
  if (opts.onStart) await opts.onStart(rpcUrl);
  const driver = new ChainDriver(rpc, s.maxTxPerBlock);
  const hooks = opts.hooks ?? {};
  const roundSeconds = params.roundLength * L1_BLOCK_SECONDS;
  let simTime = s.startTime;
  let ctx: RoundContext = { round: 0, blockInRound: 0 };

  const mine = async (txs: SimTx<Action>[], timestamp: number): Promise<MinedTx<Action>[]> => {
    const mined = await driver.mine(txs, timestamp);
    if (hooks.onMined) await hooks.onMined(mined, ctx);
    return mined;
  };

  try {
    await driver.init(simTime - 1);
    const d = await deployProtocol(driver, params, simTime);
    // Price feeds (ETH/USD aggregator, LPT/WETH pool) at their real addresses; posted once per round below.
    const market = new SimulatedMarket(s.seed);
    await market.deploy(driver, simTime);
    const A = d.addresses;
    const tx = (from: Address, key: Parameters<typeof callTx>[2], fn: string, args: readonly unknown[], action: Action, value?: bigint) =>
      callTx<Action>(d, from, key, fn, args, action, value);

    const firstRound = Math.floor(params.l1StartBlock / params.roundLength);
    let l1 = params.l1StartBlock;
    const roundStartL1 = (r: number) => r * params.roundLength;
    const clockTx = (n: number): SimTx<Action> => tx(SIM_OPERATOR, 'RoundsManager', 'setL1BlockNumber', [BigInt(n)], { kind: 'clock' });

    // ---------------------------------------------------------------- genesis
    const everyoneEth = [...population.gateways.map((g) => g.address), ...population.orchestrators.map((o) => o.address)];
    await rpc.batch(everyoneEth.map((a) => ({ method: 'anvil_setBalance', params: [a, '0x152d02c7e14af6800000'] })));
    ctx = { round: firstRound, blockInRound: 0 };
    await mine([clockTx(l1), tx(population.orchestrators[0]!.address, 'RoundsManager', 'initializeRound', [], { kind: 'initializeRound' })], simTime);

    const genesisOrchs = population.orchestrators.filter((o) => o.joinRound === 0).sort((a, b) => (b.selfStake > a.selfStake ? 1 : -1));
    const setup: SimTx<Action>[] = [];
    const bridge = (to: Address, amount: bigint) => tx(SIM_OPERATOR, 'LivepeerToken', 'mint', [to, amount], { kind: 'bridge', to, amount });
    for (const o of population.orchestrators) setup.push(bridge(o.address, o.selfStake + units(5_000)));
    for (const dl of population.delegators) setup.push(bridge(dl.address, dl.initialBond + dl.liquid));
    setup.push(bridge(A.Treasury, population.treasuryGenesis));
    for (const o of population.orchestrators) setup.push(tx(o.address, 'LivepeerToken', 'approve', [A.BondingManager, maxUint256], { kind: 'setup', what: 'approve' }));
    for (const dl of population.delegators) setup.push(tx(dl.address, 'LivepeerToken', 'approve', [A.BondingManager, maxUint256], { kind: 'setup', what: 'approve' }));
    await mine(setup, (simTime += 30));

    const reg: SimTx<Action>[] = [];
    for (const o of genesisOrchs) reg.push(...registerOrchestrator(o));
    await mine(reg, (simTime += 30));

    const bonds: SimTx<Action>[] = [];
    for (const dl of population.delegators) {
      if (dl.initialBond === 0n) continue;
      const to = population.orchestrators[dl.favourite]!.address;
      bonds.push(tx(dl.address, 'BondingManager', 'bond', [dl.initialBond, to], { kind: 'bond', delegator: dl.address, to, amount: dl.initialBond }));
    }
    const gw: SimTx<Action>[] = population.gateways.map((g) =>
      tx(g.address, 'TicketBroker', 'fundDepositAndReserve', [g.deposit, g.reserve], { kind: 'gateway', gateway: g.address, what: 'fund' }, g.deposit + g.reserve),
    );
    const mined = await mine([...bonds, ...gw], (simTime += 30));
    await handOverToGovernance(driver, d, (simTime += 30));

    // Local views the agents act on; refreshed from chain each round and from receipts.
    const orchViews = new Map<Address, OrchView>();
    for (const o of population.orchestrators) {
      orchViews.set(o.address, { agent: o, registered: o.joinRound === 0, activation: 0n, deactivation: 0n, lastRewardRound: 0n, totalStake: 0n, rewardCut: o.rewardCut, feeShare: o.feeShare });
    }
    const delViews = new Map<Address, DelegatorView>();
    for (const dl of population.delegators) delViews.set(dl.address, newDelegatorView(dl));
    for (const o of population.orchestrators) delViews.set(o.address, { address: o.address, delegate: null, bonded: 0n, liquid: units(5_000), startRound: 0n, locks: new Map(), favourite: -1 });
    const gwViews = population.gateways.map<GatewayView>((g) => ({ address: g.address, deposit: g.deposit, reserve: g.reserve, nonce: 0n, weight: g.weight, capabilities: g.capabilities, underfunded: g.underfunded, unlockedAt: null }));
    applyReceipts(mined);

    const gt: GroundTruth = { seed: s.seed, firstRound: firstRound + 1, lastRound: firstRound + s.rounds, rounds: [], snapshots: [], stats: { blocks: 0, txs: 0, reverted: 0, logs: 0, revertReasons: {} } };
    const proposals: PlannedProposal[] = [];
    // Legacy polls draw from their own stream, so adding them leaves every other random choice unchanged.
    const pollRng = new Rng(`${s.seed}/polls`);
    const polls: { index: number; createdRound: number; address: Address | null; voters: Address[] }[] = [];
    const blockHashes = new Map<number, Hex>();
    let extraDelegators = 0;
    let scheduledProposals = 0;

    // ---------------------------------------------------------------- rounds
    for (let k = 1; k <= s.rounds; k++) {
      const r = firstRound + k;
      const R = BigInt(r);
      const roundStartTime = s.startTime + k * roundSeconds;
      simTime = Math.max(simTime + 1, roundStartTime);
      l1 = roundStartL1(r) + 1 + rng.int(0, 20);
      ctx = { round: r, blockInRound: 0 };
      const opening: SimTx<Action>[] = [clockTx(l1)];
      const keeper = rng.pick(genesisOrchs).address;
      opening.push(tx(keeper, 'RoundsManager', 'initializeRound', [], { kind: 'initializeRound' }));
      opening.push(...market.roundTxs<Action>({ kind: 'setup', what: 'prices' }));
      applyReceipts(await mine(opening, simTime));
      const [bh] = await rpc.reads<Hex>([{ address: A.RoundsManager, abi: d.abis.RoundsManager, functionName: 'blockHashForRound', args: [R] }]);
      blockHashes.set(r, bh!);

      await refreshOrchestrators(r);
      const summary = await readRoundSummary(rpc, d, r, [...orchViews.values()].filter((o) => o.registered || o.agent.joinRound === 0).map((o) => o.agent.address));
      gt.rounds.push(summary);
      if (hooks.onRound) await hooks.onRound(summary);

      const B = s.blocksPerRound;
      const plan: SimTx<Action>[][] = Array.from({ length: B }, () => []);
      const activeNow = [...orchViews.values()].filter((o) => o.registered && o.activation <= R && R < o.deactivation);
      const rewardBlock = new Map<Address, number>();

      // Reward calls: reliable orchestrators early, others whenever.
      for (const o of activeNow) {
        if (!rng.chance(o.agent.rewardProbability)) continue;
        const b = o.agent.rewardProbability > 0.9 ? rng.int(1, Math.max(1, Math.floor(B / 3))) : rng.int(1, B - 2);
        rewardBlock.set(o.agent.address, b);
        const caller = o.agent.rewardCaller;
        plan[b]!.push(
          caller
            ? tx(caller, 'BondingManager', 'rewardForTranscoder', [o.agent.address], { kind: 'reward', orchestrator: o.agent.address })
            : tx(o.agent.address, 'BondingManager', 'reward', [], { kind: 'reward', orchestrator: o.agent.address }),
        );
      }

      // Gateways: top up deposits, sometimes unlock and later withdraw.
      for (const g of gwViews) {
        if (g.unlockedAt !== null) {
          if (r >= g.unlockedAt + params.ticketUnlockPeriod) {
            plan[1]!.push(tx(g.address, 'TicketBroker', 'withdraw', [], { kind: 'gateway', gateway: g.address, what: 'withdraw' }));
            g.unlockedAt = null;
            g.deposit = 0n;
            g.reserve = 0n;
            const dep = units(rng.int(5, 30));
            const res = units(rng.int(1, 5));
            plan[2]!.push(tx(g.address, 'TicketBroker', 'fundDepositAndReserve', [dep, res], { kind: 'gateway', gateway: g.address, what: 'fund' }, dep + res));
            g.deposit = dep;
            g.reserve = res;
          }
          continue;
        }
        if (!g.underfunded && g.deposit < units(3)) {
          const amt = units(rng.int(5, 30));
          plan[1]!.push(tx(g.address, 'TicketBroker', 'fundDeposit', [], { kind: 'gateway', gateway: g.address, what: 'fund' }, amt));
          g.deposit += amt;
        } else if (g.underfunded && g.reserve === 0n && rng.chance(0.2)) {
          const amt = units(rng.int(1, 3));
          plan[1]!.push(tx(g.address, 'TicketBroker', 'fundReserve', [], { kind: 'gateway', gateway: g.address, what: 'reserve' }, amt));
          g.reserve = amt;
        } else if (rng.chance(0.01)) {
          plan[1]!.push(tx(g.address, 'TicketBroker', 'unlock', [], { kind: 'gateway', gateway: g.address, what: 'unlock' }));
          g.unlockedAt = r;
          if (rng.chance(0.3)) {
            plan[B - 1]!.push(tx(g.address, 'TicketBroker', 'cancelUnlock', [], { kind: 'gateway', gateway: g.address, what: 'cancelUnlock' }));
            g.unlockedAt = null;
          }
        }
      }

      // Winning tickets: demand with a weekly rhythm, a slow trend and noise.
      const dayOfWeek = Math.floor(roundStartTime / 86400) % 7;
      const demand = (1 + 0.15 * Math.sin((2 * Math.PI * dayOfWeek) / 7)) * (1 + 0.004 * k) * rng.lognormal(1, 0.25);
      const nTickets = Math.round(s.ticketsPerRound * demand);
      const payable = gwViews.filter((g) => g.unlockedAt === null);
      const redeemBlock = new Map<Address, number>();
      const ticketGroups = new Map<string, { b: number; orchestrator: Address; items: { ticket: Record<string, unknown>; recipientRand: bigint; meta: { gateway: Address; faceValue: bigint; capability: number; creationRound: number } }[] }>();
      for (let t = 0; t < nTickets && payable.length > 0 && activeNow.length > 0; t++) {
        const g = payable[rng.weighted(payable.map((x) => x.weight))]!;
        const cap = rng.pick(g.capabilities);
        const servers = activeNow.filter((o) => o.agent.capabilities.includes(cap));
        const pool = servers.length > 0 ? servers : activeNow;
        const o = pool[rng.weighted(pool.map((x) => Math.sqrt(x.agent.weight)))]!;
        const face = units((FACE_VALUE_ETH[cap] ?? 0.005) * rng.lognormal(1, 0.3));
        const creationRound = rng.chance(0.2) && blockHashes.has(r - 1) ? r - 1 : r;
        // Orchestrators mostly redeem what they won in one go per round.
        let b = redeemBlock.get(o.agent.address);
        if (b === undefined || rng.chance(0.3)) {
          b = rng.int(1, B - 1);
          if (!redeemBlock.has(o.agent.address)) redeemBlock.set(o.agent.address, b);
        }
        const recipientRand = rng.bigint(2n ** 255n);
        const aux = encodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], [BigInt(creationRound), blockHashes.get(creationRound)!]);
        const ticket = {
          recipient: o.agent.address,
          sender: g.address,
          faceValue: face,
          winProb: 2n ** 256n / BigInt(rng.int(50, 5000)),
          senderNonce: g.nonce++,
          recipientRandHash: keccak256(encodeAbiParameters([{ type: 'uint256' }], [recipientRand])),
          auxData: aux,
        };
        g.deposit = g.deposit > face ? g.deposit - face : 0n;
        const key = `${b}|${o.agent.address}`;
        let group = ticketGroups.get(key);
        if (!group) ticketGroups.set(key, (group = { b, orchestrator: o.agent.address, items: [] }));
        group.items.push({ ticket, recipientRand, meta: { gateway: g.address, faceValue: face, capability: cap, creationRound } });
      }
      // An orchestrator redeems the tickets it won in a block together, as nodes batch to save gas.
      for (const grp of ticketGroups.values()) {
        const one = grp.items[0]!;
        if (grp.items.length === 1) {
          plan[grp.b]!.push(tx(grp.orchestrator, 'TicketBroker', 'redeemWinningTicket', [one.ticket, '0x', one.recipientRand], { kind: 'ticket', orchestrator: grp.orchestrator, ...one.meta }));
        } else {
          plan[grp.b]!.push(
            tx(grp.orchestrator, 'TicketBroker', 'batchRedeemWinningTickets', [grp.items.map((x) => x.ticket), grp.items.map(() => '0x'), grp.items.map((x) => x.recipientRand)], {
              kind: 'tickets',
              orchestrator: grp.orchestrator,
              tickets: grp.items.map((x) => x.meta),
            }),
          );
        }
      }

      // Orchestrator decisions: cut changes (after their reward call, before the round lock), URIs, joins and exits.
      const lateBlock = Math.max(2, Math.floor((B - 1) * 0.8));
      for (const o of orchViews.values()) {
        const a = o.agent;
        if (a.joinRound === k) {
          plan[1]!.push(...registerOrchestrator(a));
          o.registered = true;
          continue;
        }
        if (!o.registered) continue;
        const isActive = o.activation <= R && R < o.deactivation;
        const rb = rewardBlock.get(a.address);
        const at = rb !== undefined ? rb + 1 : rng.int(1, lateBlock);
        const canChange = at <= lateBlock && (!isActive || rb !== undefined);
        if (canChange && rng.chance(0.025)) {
          const spike = rng.chance(0.15);
          const rewardCut = spike ? 1_000_000n : BigInt(Math.min(1_000_000, Math.max(0, Number(o.rewardCut) + rng.int(-5, 8) * 10_000)));
          const feeShare = BigInt(Math.min(1_000_000, Math.max(0, Number(o.feeShare) + rng.int(-10, 10) * 10_000)));
          plan[at]!.push(tx(a.address, 'BondingManager', 'transcoder', [rewardCut, feeShare], { kind: 'cut', orchestrator: a.address, rewardCut, feeShare }));
          o.rewardCut = rewardCut;
          o.feeShare = feeShare;
        }
        if (rng.chance(0.01)) {
          const uri = `https://${rng.pick(['fra', 'nyc', 'sin', 'lax'])}-${rng.int(1, 99)}.orch.atlas-sim.net:8935`;
          plan[at]!.push(tx(a.address, 'ServiceRegistry', 'setServiceURI', [uri], { kind: 'serviceUri', orchestrator: a.address, uri }));
        }
        if (k > 2 && rng.chance(0.002) && !isActive && o.totalStake > 0n) {
          const self = delViews.get(a.address)!;
          if (self.bonded > 0n && self.startRound <= R) {
            plan[at]!.push(tx(a.address, 'BondingManager', 'unbond', [self.bonded], { kind: 'unbond', delegator: a.address, amount: self.bonded }));
            o.registered = false;
          }
        }
      }

      // Delegators: a share of them act each round, after most reward calls.
      const actingCount = Math.round(population.delegators.length * s.delegatorActivity * rng.lognormal(1, 0.3));
      const acting = new Set<Address>();
      const allDels = [...delViews.values()].filter((x) => !orchViews.has(x.address));
      for (let i = 0; i < actingCount && allDels.length > 0; i++) acting.add(rng.pick(allDels).address);
      const actingList = [...acting];
      const states = await rpc.reads<readonly [bigint, bigint, Address, bigint, bigint, bigint, bigint]>(
        actingList.map((x) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'getDelegator', args: [x] })),
      );
      const fees = await rpc.reads<bigint>(actingList.map((x) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'pendingFees', args: [x, 0n] })));
      const rewardedBy = (addr: Address, b: number) => {
        const rbk = rewardBlock.get(addr);
        return rbk !== undefined && rbk < b;
      };
      const safeTarget = (to: Address, b: number) => {
        const v = orchViews.get(to);
        if (!v) return true;
        const pendingDeactivation = v.activation <= R && R < v.deactivation && v.deactivation !== MAX_ROUND;
        return !pendingDeactivation || rewardedBy(to, b);
      };
      const pickOrch = () => {
        const cands = activeNow.length > 0 ? activeNow : [...orchViews.values()].filter((o) => o.registered);
        return cands[rng.weighted(cands.map((o) => o.agent.weight * (1.2 - Number(o.rewardCut) / 1e6)))]!.agent.address;
      };
      actingList.forEach((addr, i) => {
        const dv = delViews.get(addr)!;
        const st = states[i]!;
        dv.bonded = st[0];
        dv.delegate = st[0] > 0n ? st[2] : null;
        dv.startRound = st[4];
        const b = rng.int(Math.max(1, Math.floor(B / 2)), B - 1);
        const bondedNow = dv.bonded > 0n && dv.startRound <= R;
        const matured = [...dv.locks.entries()].filter(([, l]) => l.withdrawRound <= R);
        const x = rng.next();
        if (matured.length > 0 && x < 0.5) {
          const [lockId] = matured[0]!;
          plan[b]!.push(tx(addr, 'BondingManager', 'withdrawStake', [lockId], { kind: 'withdrawStake', delegator: addr, lockId }));
          return;
        }
        if (dv.locks.size > 0 && x < 0.62) {
          const [lockId] = [...dv.locks.entries()][0]!;
          if (dv.bonded > 0n) {
            if (dv.delegate && safeTarget(dv.delegate, b)) plan[b]!.push(tx(addr, 'BondingManager', 'rebond', [lockId], { kind: 'rebond', delegator: addr, lockId, to: null }));
          } else {
            const to = pickOrch();
            if (safeTarget(to, b)) plan[b]!.push(tx(addr, 'BondingManager', 'rebondFromUnbonded', [to, lockId], { kind: 'rebond', delegator: addr, lockId, to }));
          }
          return;
        }
        if (!bondedNow) {
          if (dv.bonded === 0n && dv.liquid > units(1)) {
            const to = dv.favourite >= 0 && rng.chance(0.5) ? population.orchestrators[dv.favourite]!.address : pickOrch();
            const amount = dv.liquid / 2n;
            if (safeTarget(to, b) && orchViews.get(to)?.registered) {
              plan[b]!.push(tx(addr, 'BondingManager', 'bond', [amount, to], { kind: 'bond', delegator: addr, to, amount }));
              dv.liquid -= amount;
            }
          }
          return;
        }
        const y = rng.next();
        if (y < 0.22 && dv.liquid > units(1)) {
          const amount = dv.liquid / BigInt(rng.int(2, 5));
          if (dv.delegate && safeTarget(dv.delegate, b)) {
            plan[b]!.push(tx(addr, 'BondingManager', 'bond', [amount, dv.delegate], { kind: 'bond', delegator: addr, to: dv.delegate, amount }));
            dv.liquid -= amount;
          }
        } else if (y < 0.34) {
          const amount = dv.bonded / BigInt(rng.int(2, 10));
          if (amount > 0n) plan[b]!.push(tx(addr, 'BondingManager', 'unbond', [amount], { kind: 'unbond', delegator: addr, amount }));
        } else if (y < 0.4) {
          plan[b]!.push(tx(addr, 'BondingManager', 'unbond', [dv.bonded], { kind: 'unbond', delegator: addr, amount: dv.bonded }));
        } else if (y < 0.52) {
          const to = pickOrch();
          if (to !== dv.delegate && safeTarget(to, b) && (!dv.delegate || safeTarget(dv.delegate, b))) {
            plan[b]!.push(tx(addr, 'BondingManager', 'bond', [0n, to], { kind: 'bond', delegator: addr, to, amount: 0n }));
          }
        } else if (y < 0.72) {
          plan[b]!.push(tx(addr, 'BondingManager', 'claimEarnings', [R], { kind: 'claim', delegator: addr }));
        } else if (y < 0.85 && fees[i]! > 0n) {
          plan[b]!.push(tx(addr, 'BondingManager', 'withdrawFees', [addr, fees[i]!], { kind: 'withdrawFees', delegator: addr, amount: fees[i]! }));
        } else if (y < 0.92 && dv.delegate && safeTarget(dv.delegate, b)) {
          const receiver = deriveAddress(s.seed, 'delegator-extra', extraDelegators++);
          const amount = dv.bonded / BigInt(rng.int(2, 6));
          if (amount > 0n) {
            plan[b]!.push(tx(addr, 'BondingManager', 'transferBond', [receiver, amount], { kind: 'transferBond', delegator: addr, receiver, amount }));
            delViews.set(receiver, { address: receiver, delegate: null, bonded: 0n, liquid: 0n, startRound: 0n, locks: new Map(), favourite: -1 });
          }
        }
      });

      // Governance: propose on schedule, vote in the voting window, queue and execute what passed.
      if (s.proposalEvery > 0 && k >= 3 && (k - 3) % s.proposalEvery === 0 && k + 5 <= s.rounds + 1) {
        const kinds: ProposalKind[] = ['fail', 'override', 'pass', 'no-quorum'];
        const scheduled = kinds[scheduledProposals++ % kinds.length]!;
        const restoring = proposals.some((p) => p.kind === 'restore-cut' && !p.done);
        const wanted: ProposalKind[] = summary.treasuryRewardCutRate === 0n && !restoring ? [scheduled, 'restore-cut'] : [scheduled];
        const proposer = topOrchestrators(1)[0]!;
        for (const kind of wanted) {
          const p = planProposal(proposals.length, kind, r, summary);
          if (!p) continue;
          proposals.push(p);
          plan[1]!.push(tx(proposer, 'LivepeerGovernor', 'propose', [p.targets, p.values, p.calldatas, p.description], { kind: 'governance', what: 'propose', proposal: p.index }));
        }
      }
      for (const p of proposals) {
        if (p.done || p.id === null) continue;
        for (const v of p.votes.filter((x) => x.round === r)) {
          plan[2]!.push(tx(v.voter, 'LivepeerGovernor', 'castVoteWithReason', [p.id, v.support, v.reason], { kind: 'governance', what: 'vote', proposal: p.index, voter: v.voter, support: v.support }));
        }
        if (r === p.createdRound + 1 + 3 + 1) {
          const [st] = await rpc.reads<number>([{ address: A.LivepeerGovernor, abi: d.abis.LivepeerGovernor, functionName: 'state', args: [p.id] }]);
          if (st === 4) {
            const q = [p.targets, p.values, p.calldatas, p.descriptionHash] as const;
            plan[1]!.push(tx(SIM_OPERATOR, 'LivepeerGovernor', 'queue', q, { kind: 'governance', what: 'queue', proposal: p.index }));
            plan[2]!.push(tx(SIM_OPERATOR, 'LivepeerGovernor', 'execute', q, { kind: 'governance', what: 'execute', proposal: p.index, effect: p.effect }));
          }
          p.done = true;
        }
      }

      // Legacy polls: one every other governance period, votes over two rounds, some voters change their mind.
      if (s.proposalEvery > 0 && k >= 2 && (k - 2) % (2 * s.proposalEvery) === 0 && k + 4 <= s.rounds) {
        const creator = topOrchestrators(1)[0]!;
        const index = polls.length;
        // Turnout differs per poll, so some reach quorum and some do not.
        const orchVoters = topOrchestrators(index % 2 === 0 ? 14 : 6).filter(() => pollRng.chance(0.7));
        const bonded = [...delViews.values()].filter((v) => v.bonded > 0n && v.delegate !== null && !orchViews.has(v.address));
        const delVoters = Array.from({ length: Math.min(12, bonded.length) }, () => bonded[pollRng.int(0, bonded.length - 1)]!.address);
        polls.push({ index, createdRound: r, address: null, voters: [...new Set([...orchVoters, ...delVoters])] });
        const proposal = toHex(`lip-poll-${index}:${s.seed}`);
        plan[1]!.push(tx(creator, 'PollCreator', 'createPoll', [proposal], { kind: 'poll', what: 'create', poll: index }));
      }
      for (const p of polls) {
        // The poll's address is known once its creation is mined; it runs two rounds of L1 blocks from there.
        if (p.address === null || r !== p.createdRound + 1) continue;
        for (const voter of p.voters) {
          const first = pollRng.int(2, Math.max(2, B - 3));
          const votes = [[first, pollRng.chance(0.6) ? 0 : 1]];
          // A fifth change their mind later in the round: the last vote counts.
          if (pollRng.chance(0.2)) votes.push([pollRng.int(first + 1, B - 1), pollRng.chance(0.5) ? 0 : 1]);
          for (const [b, choice] of votes) {
            plan[b!]!.push({ from: voter, to: p.address, data: encodeFunctionData({ abi: pollAbi, functionName: 'vote', args: [BigInt(choice!)] }), tag: { kind: 'poll', what: 'vote', poll: p.index, voter, choice } });
          }
        }
      }

      // Bridge deposits from L1 keep LPT Mint events flowing without changing global supply.
      if (rng.chance(0.2) && population.delegators.length > 0) {
        const who = rng.pick(population.delegators).address;
        const amount = units(rng.int(100, 20_000));
        plan[B - 1]!.push(bridge(who, amount));
        plan[B - 1]!.push(tx(SIM_OPERATOR, 'L2LPTDataCache', 'setL1CirculatingSupply', [population.l1CirculatingSupply - amount], { kind: 'setup', what: 'l1-supply' }));
        population.l1CirculatingSupply -= amount;
        delViews.get(who)!.liquid += amount;
      }

      for (let b = 1; b < B; b++) {
        ctx = { round: r, blockInRound: b };
        const frac = (b / (B - 1)) * 0.95;
        l1 = roundStartL1(r) + 1 + Math.floor(frac * (params.roundLength - 2));
        const t = roundStartTime + Math.floor(frac * roundSeconds);
        const res = await mine([clockTx(l1), ...plan[b]!], t);
        applyReceipts(res);
        for (const m of res) {
          if (m.ok && m.tx.tag.kind === 'poll' && m.tx.tag.what === 'create' && m.logs[0]?.topics[1]) {
            polls[m.tx.tag.poll]!.address = `0x${m.logs[0].topics[1].slice(26)}` as Address;
          }
          if (m.ok && m.tx.tag.kind === 'governance' && m.tx.tag.what === 'propose') {
            const p = proposals[m.tx.tag.proposal]!;
            p.id = BigInt(m.logs[0] ? decodeProposalId(m.logs[0].data) : 0n);
          }
        }
      }
      simTime = roundStartTime + Math.floor(0.95 * roundSeconds) + 1;

      if (s.snapshotRounds.includes(k)) {
        const orchAddrs = population.orchestrators.map((o) => o.address);
        const snap = await takeSnapshot(rpc, d, r, orchAddrs, [...delViews.keys()]);
        gt.snapshots.push(snap);
        if (hooks.onSnapshot) await hooks.onSnapshot(snap);
      }
      hooks.onProgress?.({ round: r, roundsDone: k, roundsTotal: s.rounds, txs: driver.txsMined, logs: driver.logsEmitted });
    }

    gt.stats = {
      blocks: driver.blocksMined,
      txs: driver.txsMined,
      reverted: driver.txsReverted,
      logs: driver.logsEmitted,
      revertReasons: Object.fromEntries(driver.revertReasons),
    };
    if (node && !opts.keepNode) await node.stop();
    return { rpcUrl, node: opts.keepNode ? node : null, deployment: d, population, groundTruth: gt, params, elapsedMs: Date.now() - started };

    // ---------------------------------------------------------------- helpers (closures over run state)

    function registerOrchestrator(o: OrchestratorAgent): SimTx<Action>[] {
      const out: SimTx<Action>[] = [
        tx(o.address, 'BondingManager', 'bond', [o.selfStake, o.address], { kind: 'bond', delegator: o.address, to: o.address, amount: o.selfStake }),
        tx(o.address, 'BondingManager', 'transcoder', [o.rewardCut, o.feeShare], { kind: 'cut', orchestrator: o.address, rewardCut: o.rewardCut, feeShare: o.feeShare }),
        tx(o.address, 'ServiceRegistry', 'setServiceURI', [o.serviceUri], { kind: 'serviceUri', orchestrator: o.address, uri: o.serviceUri }),
      ];
      if (o.aiServiceUri) out.push(tx(o.address, 'AIServiceRegistry', 'setServiceURI', [o.aiServiceUri], { kind: 'serviceUri', orchestrator: o.address, uri: o.aiServiceUri }));
      if (o.rewardCaller) out.push(tx(o.address, 'BondingManager', 'setRewardCaller', [o.rewardCaller], { kind: 'setup', what: 'reward-caller' }));
      return out;
    }

    function applyReceipts(res: MinedTx<Action>[]): void {
      for (const m of res) {
        if (!m.ok) continue;
        for (const log of m.logs) {
          if (log.address.toLowerCase() !== A.BondingManager.toLowerCase()) continue;
          let ev;
          try {
            ev = decodeEventLog({ abi: bondingManagerEvents, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
          } catch {
            continue;
          }
          switch (ev.eventName) {
            case 'Bond': {
              const v = delViews.get(ev.args.delegator);
              if (v) {
                v.delegate = ev.args.newDelegate;
                v.bonded = ev.args.bondedAmount;
                if (ev.args.oldDelegate.toLowerCase() !== ev.args.newDelegate.toLowerCase()) v.startRound = BigInt(ctx.round + 1);
              }
              break;
            }
            case 'Unbond': {
              const v = delViews.get(ev.args.delegator);
              if (v) {
                v.locks.set(ev.args.unbondingLockId, { amount: ev.args.amount, withdrawRound: ev.args.withdrawRound });
                v.bonded = v.bonded > ev.args.amount ? v.bonded - ev.args.amount : 0n;
                if (v.bonded === 0n) v.delegate = null;
              }
              break;
            }
            case 'TransferBond': {
              const from = delViews.get(ev.args.oldDelegator);
              from?.locks.delete(ev.args.oldUnbondingLockId);
              break;
            }
            case 'Rebond': {
              const v = delViews.get(ev.args.delegator);
              if (v) {
                v.locks.delete(ev.args.unbondingLockId);
                v.bonded += ev.args.amount;
                v.delegate = ev.args.delegate;
              }
              break;
            }
            case 'WithdrawStake': {
              const v = delViews.get(ev.args.delegator);
              if (v) {
                v.locks.delete(ev.args.unbondingLockId);
                v.liquid += ev.args.amount;
              }
              break;
            }
            case 'Reward': {
              const o = orchViews.get(ev.args.transcoder);
              if (o) o.lastRewardRound = BigInt(ctx.round);
              break;
            }
            default:
              break;
          }
        }
      }
    }

    async function refreshOrchestrators(r: number): Promise<void> {
      const list = [...orchViews.values()];
      const tr = await rpc.reads<readonly bigint[]>(list.map((o) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'getTranscoder', args: [o.agent.address] })));
      const st = await rpc.reads<bigint>(list.map((o) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'transcoderTotalStake', args: [o.agent.address] })));
      const reg = await rpc.reads<bigint>(list.map((o) => ({ address: A.BondingManager, abi: d.abis.BondingManager, functionName: 'transcoderStatus', args: [o.agent.address] })));
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
      void r;
    }

    function topOrchestrators(n: number): Address[] {
      return [...orchViews.values()]
        .filter((o) => o.registered)
        .sort((a, b) => (b.totalStake > a.totalStake ? 1 : b.totalStake < a.totalStake ? -1 : 0))
        .slice(0, n)
        .map((o) => o.agent.address);
    }

    function planProposal(index: number, kind: ProposalKind, r: number, summary: RoundSummary): PlannedProposal | null {
      const grantee = population.grantRecipients[index % population.grantRecipients.length]!;
      const amount = units(rng.int(10, 60) * 1000);
      const targets: Address[] = [kind === 'restore-cut' ? A.BondingManager : A.LivepeerToken];
      const calldatas: Hex[] = [
        kind === 'restore-cut'
          ? encodeFunctionData({ abi: d.abis.BondingManager, functionName: 'setTreasuryRewardCutRate', args: [params.treasuryRewardCutRate] })
          : encodeFunctionData({ abi: d.abis.LivepeerToken, functionName: 'transfer', args: [grantee, amount] }),
      ];
      if (kind !== 'restore-cut' && summary.treasuryBalance < amount) return null;
      const description =
        kind === 'restore-cut'
          ? `# LIP-101: restore the treasury reward cut to 10%\nProposal ${index} (round ${r}).`
          : `# SPE grant ${index}: ${Number(amount / 10n ** 18n)} LPT\nFunds a special purpose entity for one quarter (round ${r}).`;
      const ranked = topOrchestrators(60);
      const votes: PlannedProposal['votes'] = [];
      const voteRound = () => r + 2 + rng.int(0, 2);
      const reasons = ['', '', 'Aligned with the roadmap', 'Budget too large', 'Needs more detail'];
      const add = (voter: Address, support: number) => votes.push({ voter, round: voteRound(), support, reason: rng.pick(reasons) });
      if (kind === 'pass' || kind === 'restore-cut') {
        for (const o of ranked.slice(0, 40)) if (rng.chance(0.75)) add(o, rng.chance(0.85) ? 1 : rng.chance(0.5) ? 0 : 2);
      } else if (kind === 'fail') {
        for (const o of ranked.slice(0, 40)) if (rng.chance(0.75)) add(o, rng.chance(0.8) ? 0 : 1);
      } else if (kind === 'no-quorum') {
        for (const o of ranked.slice(30, 33)) add(o, 1);
      } else {
        for (const [i, o] of ranked.slice(0, 12).entries()) add(o, i % 2 === 0 ? 1 : 0);
        const forVoters = new Set(votes.filter((v) => v.support === 1).map((v) => v.voter.toLowerCase()));
        for (const dv of delViews.values()) {
          if (dv.delegate && forVoters.has(dv.delegate.toLowerCase()) && dv.bonded > 0n && rng.chance(0.35)) add(dv.address, 0);
        }
      }
      return {
        index, id: null, kind, targets, values: [0n], calldatas, description,
        descriptionHash: keccak256(toBytes(description)), createdRound: r, votes, done: false,
        effect: kind === 'restore-cut' ? { treasuryRewardCutRate: params.treasuryRewardCutRate } : { grant: { to: grantee, amount } },
      };
    }
  } catch (e) {
    if (node) await node.stop();
    throw e;
  }
}

function newDelegatorView(dl: DelegatorAgent): DelegatorView {
  return { address: dl.address, delegate: null, bonded: 0n, liquid: dl.liquid, startRound: 0n, locks: new Map(), favourite: dl.favourite };
}

function decodeProposalId(data: Hex): bigint {
  return BigInt(`0x${data.slice(2, 66)}`);
}
