import type { RoundPlan, SimRun } from '../run.js';

/** Orchestrator decisions: joins, cut changes (after their reward call, before the round lock), URIs and exits. */
export function planOrchestrators(run: SimRun, plan: RoundPlan): void {
  const { rng } = run;
  const { k, R, B, slots } = plan;
  const lateBlock = Math.max(2, Math.floor((B - 1) * 0.8));
  for (const o of run.orchViews.values()) {
    const a = o.agent;
    if (a.joinRound === k) {
      slots[1]!.push(...run.registerOrchestrator(a));
      o.registered = true;
      continue;
    }
    if (!o.registered) continue;
    const isActive = o.activation <= R && R < o.deactivation;
    const rb = plan.rewardBlock.get(a.address);
    const at = rb !== undefined ? rb + 1 : rng.int(1, lateBlock);
    const canChange = at <= lateBlock && (!isActive || rb !== undefined);
    if (canChange && rng.chance(0.025)) {
      const spike = rng.chance(0.15);
      const rewardCut = spike ? 1_000_000n : BigInt(Math.min(1_000_000, Math.max(0, Number(o.rewardCut) + rng.int(-5, 8) * 10_000)));
      const feeShare = BigInt(Math.min(1_000_000, Math.max(0, Number(o.feeShare) + rng.int(-10, 10) * 10_000)));
      slots[at]!.push(run.tx(a.address, 'BondingManager', 'transcoder', [rewardCut, feeShare], { kind: 'cut', orchestrator: a.address, rewardCut, feeShare }));
      o.rewardCut = rewardCut;
      o.feeShare = feeShare;
    }
    if (rng.chance(0.01)) {
      const uri = `https://${rng.pick(['fra', 'nyc', 'sin', 'lax'])}-${rng.int(1, 99)}.orch.atlas-sim.net:8935`;
      slots[at]!.push(run.tx(a.address, 'ServiceRegistry', 'setServiceURI', [uri], { kind: 'serviceUri', orchestrator: a.address, uri }));
    }
    if (k > 2 && rng.chance(0.002) && !isActive && o.totalStake > 0n) {
      const self = run.delViews.get(a.address)!;
      if (self.bonded > 0n && self.startRound <= R) {
        slots[at]!.push(run.tx(a.address, 'BondingManager', 'unbond', [self.bonded], { kind: 'unbond', delegator: a.address, amount: self.bonded }));
        o.registered = false;
      }
    }
  }
}
