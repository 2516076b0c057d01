import { SIM_OPERATOR } from '../deploy.js';
import { units } from '../rng.js';
import type { RoundPlan, SimRun } from '../run.js';

/** Bridge deposits from L1 keep LPT Mint events flowing without changing global supply. */
export function planBridge(run: SimRun, plan: RoundPlan): void {
  const { rng, population } = run;
  if (!rng.chance(0.2) || population.delegators.length === 0) return;
  const slot = plan.slots[plan.B - 1]!;
  const who = rng.pick(population.delegators).address;
  const amount = units(rng.int(100, 20_000));
  slot.push(run.bridge(who, amount));
  slot.push(run.tx(SIM_OPERATOR, 'L2LPTDataCache', 'setL1CirculatingSupply', [population.l1CirculatingSupply - amount], { kind: 'setup', what: 'l1-supply' }));
  population.l1CirculatingSupply -= amount;
  run.delViews.get(who)!.liquid += amount;
}
