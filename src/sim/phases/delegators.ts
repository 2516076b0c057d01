import { maxUint256, zeroAddress, type Address } from 'viem';
import { viewAbi } from '../../chain/abis.js';
import { deriveAddress } from '../population.js';
import { units } from '../rng.js';
import type { Action } from '../actions.js';
import { emptyDelegatorView, type DelegatorView, type RoundPlan, type SimRun } from '../run.js';
import type { SimTx } from '../simRpc.js';

/**
 * Delegators: a share of them act each round, after most reward calls: withdraw matured locks, rebond,
 * bond liquid LPT, unbond part or all, move stake, claim, withdraw fees, or transfer part of their bond.
 */
export async function planDelegators(run: SimRun, plan: RoundPlan): Promise<void> {
  const { rng, population, orchViews, delViews } = run;
  const { R, B, slots, activeNow, rewardBlock } = plan;
  const A = run.d.addresses;
  const actingCount = Math.round(population.delegators.length * run.scenario.delegatorActivity * rng.lognormal(1, 0.3));
  const acting = new Set<Address>();
  const allDels = [...delViews.values()].filter((x) => !orchViews.has(x.address));
  for (let i = 0; i < actingCount && allDels.length > 0; i++) acting.add(rng.pick(allDels).address);
  const actingList = [...acting];
  const states = await run.rpc.reads<readonly [bigint, bigint, Address, bigint, bigint, bigint, bigint]>(
    actingList.map((x) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'getDelegator', args: [x] })),
  );
  const fees = await run.rpc.reads<bigint>(actingList.map((x) => ({ address: A.BondingManager, abi: viewAbi, functionName: 'pendingFees', args: [x, 0n] })));
  const rewardedBy = (addr: Address, b: number) => {
    const rbk = rewardBlock.get(addr);
    return rbk !== undefined && rbk < b;
  };
  // Moving stake to or from an orchestrator about to leave the set waits for its reward call.
  const safeTarget = (to: Address, b: number) => {
    const v = orchViews.get(to);
    if (!v) return true;
    const pendingDeactivation = v.activation <= R && R < v.deactivation && v.deactivation !== maxUint256;
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
      slots[b]!.push(run.tx(addr, 'BondingManager', 'withdrawStake', [lockId], { kind: 'withdrawStake', delegator: addr, lockId }));
      return;
    }
    if (dv.locks.size > 0 && x < 0.62) {
      const [lockId] = [...dv.locks.entries()][0]!;
      if (dv.bonded > 0n) {
        if (dv.delegate && safeTarget(dv.delegate, b)) slots[b]!.push(run.tx(addr, 'BondingManager', 'rebond', [lockId], { kind: 'rebond', delegator: addr, lockId, to: null }));
      } else {
        const to = pickOrch();
        if (safeTarget(to, b)) slots[b]!.push(run.tx(addr, 'BondingManager', 'rebondFromUnbonded', [to, lockId], { kind: 'rebond', delegator: addr, lockId, to }));
      }
      return;
    }
    if (!bondedNow) {
      if (dv.bonded === 0n && dv.liquid > units(1)) {
        const to = dv.favourite >= 0 && rng.chance(0.5) ? population.orchestrators[dv.favourite]!.address : pickOrch();
        const amount = dv.liquid / 2n;
        if (safeTarget(to, b) && orchViews.get(to)?.registered) {
          slots[b]!.push(...approval(run, dv), run.tx(addr, 'BondingManager', 'bond', [amount, to], { kind: 'bond', delegator: addr, to, amount }));
          dv.liquid -= amount;
        }
      }
      return;
    }
    const y = rng.next();
    if (y < 0.22 && dv.liquid > units(1)) {
      const amount = dv.liquid / BigInt(rng.int(2, 5));
      if (dv.delegate && safeTarget(dv.delegate, b)) {
        slots[b]!.push(...approval(run, dv), run.tx(addr, 'BondingManager', 'bond', [amount, dv.delegate], { kind: 'bond', delegator: addr, to: dv.delegate, amount }));
        dv.liquid -= amount;
      }
    } else if (y < 0.34) {
      const amount = dv.bonded / BigInt(rng.int(2, 10));
      if (amount > 0n) slots[b]!.push(run.tx(addr, 'BondingManager', 'unbond', [amount], { kind: 'unbond', delegator: addr, amount }));
    } else if (y < 0.4) {
      slots[b]!.push(run.tx(addr, 'BondingManager', 'unbond', [dv.bonded], { kind: 'unbond', delegator: addr, amount: dv.bonded }));
    } else if (y < 0.52) {
      const to = pickOrch();
      if (to !== dv.delegate && safeTarget(to, b) && (!dv.delegate || safeTarget(dv.delegate, b))) {
        slots[b]!.push(run.tx(addr, 'BondingManager', 'bond', [0n, to], { kind: 'bond', delegator: addr, to, amount: 0n }));
      }
    } else if (y < 0.72) {
      slots[b]!.push(run.tx(addr, 'BondingManager', 'claimEarnings', [R], { kind: 'claim', delegator: addr }));
    } else if (y < 0.85 && fees[i]! > 0n) {
      slots[b]!.push(run.tx(addr, 'BondingManager', 'withdrawFees', [addr, fees[i]!], { kind: 'withdrawFees', delegator: addr, amount: fees[i]! }));
    } else if (y < 0.92 && dv.delegate && safeTarget(dv.delegate, b)) {
      const receiver = deriveAddress(run.scenario.seed, 'delegator-extra', run.extraDelegators++);
      const amount = dv.bonded / BigInt(rng.int(2, 6));
      if (amount > 0n) {
        slots[b]!.push(run.tx(addr, 'BondingManager', 'transferBond', [receiver, amount, zeroAddress, zeroAddress, zeroAddress, zeroAddress], { kind: 'transferBond', delegator: addr, receiver, amount }));
        delViews.set(receiver, emptyDelegatorView(receiver));
      }
    }
  });
}

/** The approval an account without one gives BondingManager before it bonds LPT of its own (a transfer's receiver). */
function approval(run: SimRun, dv: DelegatorView): SimTx<Action>[] {
  if (dv.approved) return [];
  dv.approved = true;
  return [run.tx(dv.address, 'LivepeerToken', 'approve', [run.d.addresses.BondingManager, maxUint256], { kind: 'setup', what: 'approve' })];
}
