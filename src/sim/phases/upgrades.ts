import { maxUint256, zeroAddress, type Address } from 'viem';
import { viewAbi } from '../../chain/abis.js';
import type { Action } from '../actions.js';
import { callTx, SIM_OPERATOR } from '../deploy.js';
import { contractId, deltaSetup, MINTER_ROLE, prepareConstruction } from '../livepeer/deploy.js';
import { commitOf, registeredName, stepPlacements, type UpgradeStep } from '../livepeer/upgrades.js';
import { deriveAddress } from '../population.js';
import { units } from '../rng.js';
import type { RoundPlan, SimRun, UpgradeProbe } from '../run.js';
import type { SimTx } from '../simRpc.js';

/**
 * The upgrade path's switches and the operations each fix touched. A version is deployed in the round before its
 * switch (slot 1) and registered as the switch round opens, before `initializeRound`, by the Controller's owner.
 * Around every switch, accounts of their own (never drawn by the agent model) send, just before and just after it:
 * a full transferBond (the sender left with a null delegate), a transferBond to that unbonded account, a full
 * unbond then rebondFromUnbonded into a pool that has no factors for the round yet, a move of the stake received
 * while unbonded, a claim spanning the versions, and a third party's bond for an owner (after the owner's
 * orchestrator called reward, as the last BondingManager requires).
 */

const PROBE_ROLES = ['fullTransfer', 'partialTransfer', 'rebond', 'thirdParty', 'owner', 'claim'] as const;
type ProbeRole = (typeof PROBE_ROLES)[number];
const PROBE_BOND = units(1_000);

const probeAddress = (run: SimRun, step: number, role: ProbeRole): Address => deriveAddress(run.scenario.seed, `upgrade-${role}`, step);
const receiverAddress = (run: SimRun, step: number): Address => deriveAddress(run.scenario.seed, 'upgrade-receiver', step);
const freshOwnerAddress = (run: SimRun, step: number, side: 'before' | 'after'): Address => deriveAddress(run.scenario.seed, `upgrade-fresh-owner-${side}`, step);

const tag = (what: string): Action => ({ kind: 'setup', what });

/** Transactions that open scenario round k before initializeRound: the registrations due now. */
export async function upgradeOpening(run: SimRun, k: number): Promise<SimTx<Action>[]> {
  const u = run.upgrades;
  if (!u) return [];
  const out: SimTx<Action>[] = [];
  const d = run.d;
  for (const s of u.path.steps.filter((x) => x.round === k)) {
    const owner = u.owner;
    const what = `upgrade ${s.contract} v${s.version}`;
    const ownerTx = (key: Parameters<typeof callTx>[2], fn: string, args: readonly unknown[]) => callTx<Action>(d, owner, key, fn, args, tag(what));
    if (s.contract === 'Minter') {
      // As mainnet switched Minters: the running one hands its LPT (every bonded token) and ETH (fees) to the new
      // one while it is still registered, then the new one is registered and may mint.
      const old = d.addresses.Minter;
      out.push(ownerTx('Minter', 'migrateToNewMinter', [s.address]));
      out.push(ownerTx('Controller', 'setContractInfo', [contractId(registeredName(s)), s.address, commitOf(s.artifact)]));
      out.push(callTx<Action>(d, SIM_OPERATOR, 'LivepeerToken', 'grantRole', [MINTER_ROLE, s.address], tag(what)));
      out.push(callTx<Action>(d, SIM_OPERATOR, 'LivepeerToken', 'revokeRole', [MINTER_ROLE, old], tag(what)));
      d.addresses.Minter = s.address;
      continue;
    }
    out.push(ownerTx('Controller', 'setContractInfo', [contractId(registeredName(s)), s.address, commitOf(s.artifact)]));
    if (s.delta) {
      out.push(...deltaSetup(d, owner, run.params, commitOf(s.artifact), u.path.deltaTargets).map((t) => ({ ...t, tag: tag(what) })));
      // Stake checkpoints for every account with stake, as mainnet's upgrade did, so votes weigh from the start.
      const accounts = [...new Set([...run.population.orchestrators.map((o) => o.address), ...run.delViews.keys(), ...run.extraAccounts])];
      const dels = await run.rpc.reads<readonly bigint[]>(accounts.map((a) => ({ address: d.addresses.BondingManager, abi: viewAbi, functionName: 'getDelegator', args: [a] })));
      accounts.forEach((a, i) => {
        if (dels[i]![0]! > 0n) out.push(callTx<Action>(d, SIM_OPERATOR, 'BondingManager', 'checkpointBondingState', [a], tag(what)));
      });
      // From here on the treasury governs: the Controller is handed to its timelock, as the simulator's own network is.
      out.push(ownerTx('Controller', 'transferOwnership', [d.addresses.Treasury]));
      u.owner = d.addresses.Treasury;
      run.features = { governance: true, treasuryCut: true };
    }
  }
  return out;
}

/** Round plan additions: deploy what registers next round, set the probe accounts up, and probe around switches. */
export async function planUpgrades(run: SimRun, plan: RoundPlan): Promise<void> {
  const u = run.upgrades;
  if (!u) return;
  const { k } = plan;
  if (k === 1) setUpProbes(run, plan);
  for (const s of u.path.steps.filter((x) => x.round === k + 1)) {
    let minterArgs: readonly [bigint, bigint, bigint] = [0n, 0n, 0n];
    if (s.contract === 'Minter') {
      const m = run.d.addresses.Minter;
      const [inflation, change, target] = await run.rpc.reads<bigint>(['inflation', 'inflationChange', 'targetBondingRate'].map((functionName) => ({ address: m, abi: run.d.abis.Minter, functionName })));
      minterArgs = [inflation!, change!, target!];
    }
    const placements = stepPlacements(u.path, s, run.d.addresses, minterArgs);
    const { txs, finish } = await prepareConstruction(run.driver, placements);
    plan.slots[1]!.push(...txs.map((t) => ({ ...t, tag: tag(`deploy ${s.contract} v${s.version}`) })));
    u.finish.push(finish);
  }
  const i = u.path.steps.findIndex((s) => s.round === k + 1 || s.round === k);
  if (i >= 0) await planProbes(run, plan, i, u.path.steps[i]!);
}

/** Once a round is mined, the code its constructors returned becomes the code at their addresses. */
export async function finishUpgradeRound(run: SimRun): Promise<void> {
  const u = run.upgrades;
  if (!u) return;
  for (const f of u.finish.splice(0)) await f();
}

/** LPT for every probe account (bridged in, approved), and their bonds to the most staked genesis orchestrators. */
function setUpProbes(run: SimRun, plan: RoundPlan): void {
  const u = run.upgrades!;
  const top = run.genesisOrchs.slice(0, 3).map((o) => o.address);
  u.path.steps.forEach((_, i) => {
    for (const role of PROBE_ROLES) {
      const a = probeAddress(run, i, role);
      run.extraAccounts.push(a);
      plan.slots[1]!.push(run.bridge(a, PROBE_BOND * 2n), run.tx(a, 'LivepeerToken', 'approve', [run.d.addresses.BondingManager, maxUint256], tag('approve')));
      if (role !== 'thirdParty') {
        const to = top[i % top.length]!;
        plan.slots[2]!.push(run.tx(a, 'BondingManager', 'bond', [PROBE_BOND, to], { kind: 'bond', delegator: a, to, amount: PROBE_BOND }));
      }
    }
    // The receiver moves its bond with LPT of its own: the first BondingManagers refuse a move of nothing from a null delegate.
    const receiver = receiverAddress(run, i);
    run.extraAccounts.push(receiver, freshOwnerAddress(run, i, 'before'), freshOwnerAddress(run, i, 'after'));
    plan.slots[1]!.push(run.bridge(receiver, units(10)), run.tx(receiver, 'LivepeerToken', 'approve', [run.d.addresses.BondingManager, maxUint256], tag('approve')));
  });
}

/** A probe the chain accepts at planning time (checked with eth_call); one it refuses is noted as skipped. */
async function accepted(run: SimRun, t: SimTx<Action>): Promise<string | null> {
  try {
    await run.rpc.call('eth_call', [{ from: t.from, to: t.to, data: t.data }, 'latest']);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

async function planProbes(run: SimRun, plan: RoundPlan, i: number, s: UpgradeStep): Promise<void> {
  const u = run.upgrades!;
  const after = s.round === plan.k;
  const side = after ? 'after' : 'before';
  const A = run.d.addresses;
  const bm = A.BondingManager;
  const p = (role: ProbeRole) => probeAddress(run, i, role);
  const receiver = receiverAddress(run, i);
  const pending = async (a: Address) => (await run.rpc.reads<bigint>([{ address: bm, abi: viewAbi, functionName: 'pendingStake', args: [a, 0n] }]))[0]!;
  const delegateOf = async (a: Address) => (await run.rpc.reads<readonly [bigint, bigint, Address]>([{ address: bm, abi: viewAbi, functionName: 'getDelegator', args: [a] }]))[0]![2];
  const planned: { probe: string; slot: number; tx: SimTx<Action> }[] = [];
  const add = (probe: string, slot: number, from: Address, fn: string, args: readonly unknown[], action: Action) =>
    planned.push({ probe, slot, tx: run.tx(from, 'BondingManager', fn, args, action) });
  // Orchestrators whose pool for this round has no factors at slot 1: active, and not rewarding in slot 1.
  const noPoolYet = plan.activeNow.filter((o) => plan.rewardBlock.get(o.agent.address) !== 1).map((o) => o.agent.address);
  const hints = [zeroAddress, zeroAddress, zeroAddress, zeroAddress] as const;

  if (!after) {
    const full = await pending(p('fullTransfer'));
    add('transferBond from a delegator left with a null delegate', 1, p('fullTransfer'), 'transferBond', [receiver, full, ...hints], { kind: 'transferBond', delegator: p('fullTransfer'), receiver, amount: full });
    const all = await pending(p('rebond'));
    add('full unbond', 1, p('rebond'), 'unbond', [all], { kind: 'unbond', delegator: p('rebond'), amount: all });
  } else {
    const to = noPoolYet.find((o) => !plan.rewardBlock.has(o)) ?? noPoolYet[0];
    if (to) add('rebondFromUnbonded into a pool without factors', 1, p('rebond'), 'rebondFromUnbonded', [to, 0n], { kind: 'rebond', delegator: p('rebond'), lockId: 0n, to });
    const current = await delegateOf(receiver);
    const move = run.genesisOrchs.map((o) => o.address).find((o) => o.toLowerCase() !== current.toLowerCase())!;
    add('move of a bond received while unbonded', 1, receiver, 'bond', [units(1), move], { kind: 'bond', delegator: receiver, to: move, amount: units(1) });
    const part = (await pending(p('partialTransfer'))) / 3n;
    add('transferBond to an unbonded delegator (null delegate)', 1, p('partialTransfer'), 'transferBond', [p('fullTransfer'), part, ...hints], { kind: 'transferBond', delegator: p('partialTransfer'), receiver: p('fullTransfer'), amount: part });
    add('claim across the switch', 1, p('claim'), 'claimEarnings', [plan.R], { kind: 'claim', delegator: p('claim') });
  }
  // A third party's bond for a bonded owner, after the owner's orchestrator called reward this round (the last
  // BondingManager requires it); when that orchestrator does not reward early enough, for an owner still unbonded.
  const owner = p('owner');
  const ownerDelegate = await delegateOf(owner);
  const rewardSlot = [...plan.rewardBlock.entries()].find(([o]) => o.toLowerCase() === ownerDelegate.toLowerCase())?.[1];
  const amount = units(10);
  const early = rewardSlot !== undefined && rewardSlot < plan.B - 1;
  const forOwner = early ? owner : freshOwnerAddress(run, i, side);
  planned.push({
    probe: 'third-party bond',
    slot: early ? rewardSlot + 1 : 1,
    tx: run.tx(p('thirdParty'), 'BondingManager', 'bondForWithHint', [amount, forOwner, ownerDelegate, ...hints], { kind: 'bond', delegator: forOwner, to: ownerDelegate, amount }),
  });

  for (const x of planned) {
    // Slot 1 probes are checked against the chain as it is now (the round opened); later ones depend on the round.
    const reason = x.slot === 1 ? await accepted(run, x.tx) : null;
    const probe: UpgradeProbe = { step: i, round: plan.r, side, probe: x.probe, sent: reason === null, reason: reason ?? undefined };
    u.probes.push(probe);
    if (reason === null) plan.slots[x.slot]!.unshift(x.tx);
  }
}
