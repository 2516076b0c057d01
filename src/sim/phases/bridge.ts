import type { SimulatedMarket } from '../priceFeeds.js';
import { units } from '../rng.js';
import type { RoundPlan, SimRun } from '../run.js';

/** Delegators bringing LPT from L1 over the bridge: the L2 gateway mints it, global supply stays the same. */
export function planBridge(run: SimRun, plan: RoundPlan, market: SimulatedMarket): void {
  const { rng, population } = run;
  if (!rng.chance(0.2) || population.delegators.length === 0) return;
  const slot = plan.slots[plan.B - 1]!;
  const who = rng.pick(population.delegators).address;
  const amount = units(rng.int(100, 20_000));
  slot.push(...market.bridgeIn(who, amount));
  run.delViews.get(who)!.liquid += amount;
}
