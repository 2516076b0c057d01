import { units } from '../rng.js';
import type { RoundPlan, SimRun } from '../run.js';

/** Gateways top up deposits, fund reserves, and now and then unlock, withdraw and fund again. */
export function planGateways(run: SimRun, plan: RoundPlan): void {
  const { rng } = run;
  const { r, B, slots } = plan;
  for (const g of run.gwViews) {
    if (g.unlockedAt !== null) {
      if (r >= g.unlockedAt + run.params.ticketUnlockPeriod) {
        slots[1]!.push(run.tx(g.address, 'TicketBroker', 'withdraw', [], { kind: 'gateway', gateway: g.address, what: 'withdraw' }));
        g.unlockedAt = null;
        g.withdrawnIn = r;
        g.deposit = 0n;
        g.reserve = 0n;
        const dep = units(rng.int(5, 30));
        const res = units(rng.int(1, 5));
        slots[2]!.push(run.tx(g.address, 'TicketBroker', 'fundDepositAndReserve', [dep, res], { kind: 'gateway', gateway: g.address, what: 'fund' }, dep + res));
        g.deposit = dep;
        g.reserve = res;
      }
      continue;
    }
    if (!g.underfunded && g.deposit < units(3)) {
      const amt = units(rng.int(5, 30));
      slots[1]!.push(run.tx(g.address, 'TicketBroker', 'fundDeposit', [], { kind: 'gateway', gateway: g.address, what: 'fund' }, amt));
      g.deposit += amt;
    } else if (g.underfunded && g.reserve === 0n && rng.chance(0.2)) {
      const amt = units(rng.int(1, 3));
      slots[1]!.push(run.tx(g.address, 'TicketBroker', 'fundReserve', [], { kind: 'gateway', gateway: g.address, what: 'reserve' }, amt));
      g.reserve = amt;
    } else if (rng.chance(0.01)) {
      slots[1]!.push(run.tx(g.address, 'TicketBroker', 'unlock', [], { kind: 'gateway', gateway: g.address, what: 'unlock' }));
      g.unlockedAt = r;
      if (rng.chance(0.3)) {
        slots[B - 1]!.push(run.tx(g.address, 'TicketBroker', 'cancelUnlock', [], { kind: 'gateway', gateway: g.address, what: 'cancelUnlock' }));
        g.unlockedAt = null;
      }
    }
  }
}
