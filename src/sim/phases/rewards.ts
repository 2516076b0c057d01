import type { RoundPlan, SimRun } from '../run.js';

/** Reward calls: reliable orchestrators early in the round, others whenever. */
export function planRewards(run: SimRun, plan: RoundPlan): void {
  const { rng } = run;
  const { B } = plan;
  for (const o of plan.activeNow) {
    if (!rng.chance(o.agent.rewardProbability)) continue;
    const b = o.agent.rewardProbability > 0.9 ? rng.int(1, Math.max(1, Math.floor(B / 3))) : rng.int(1, B - 2);
    plan.rewardBlock.set(o.agent.address, b);
    plan.slots[b]!.push(run.tx(o.agent.address, 'BondingManager', 'reward', [], { kind: 'reward', orchestrator: o.agent.address }));
  }
}
