import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import { units } from '../rng.js';
import type { GatewayView, RoundPlan, SimRun, TicketDraw } from '../run.js';
import { slotTimes } from './round.js';
import { firstWinningTicket, type Ticket } from '../ticketSigning.js';

const MAX_WIN_PROB = 2n ** 256n - 1n;

// Face values per winning ticket by capability family, in ETH (AI jobs pay more per ticket).
const FACE_VALUE_ETH: Record<number, number> = { 0: 0.004, 1: 0.004, 2: 0.004, 8: 0.005, 27: 0.02, 28: 0.018, 29: 0.04, 30: 0.01, 31: 0.006, 32: 0.012, 33: 0.008, 34: 0.006, 35: 0.05, 36: 0.006 };

interface TicketMeta {
  gateway: Address;
  faceValue: bigint;
  capability: number;
  creationRound: number;
}

interface TicketGroup {
  b: number;
  orchestrator: Address;
  items: { ticket: Ticket; sig: Hex; recipientRand: bigint; meta: TicketMeta }[];
}

/**
 * Winning tickets: by the run's demand model when it has one, else demand with a weekly rhythm, a slow trend and
 * noise, spread over gateways by weight and over the orchestrators serving each capability. Gateways sign every
 * ticket they send; the first one that wins against the orchestrator's recipientRand is redeemed, and each
 * orchestrator redeems what it won in a block together.
 */
export async function planTickets(run: SimRun, plan: RoundPlan): Promise<void> {
  const { rng } = run;
  const groups = new Map<string, TicketGroup>();
  const gateways = new Map(run.gwViews.map((g) => [g.address.toLowerCase(), g]));
  for (const d of run.demand ? demandDraws(run, plan) : randomDraws(run, plan)) {
    const g = gateways.get(d.gateway.toLowerCase())!;
    const { faceValue: face, creationRound } = d;
    const recipientRand = rng.bigint(2n ** 255n);
    const aux = encodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], [BigInt(creationRound), run.blockHashes.get(creationRound)!]);
    const drawn: Ticket = {
      recipient: d.orchestrator,
      sender: g.address,
      faceValue: face,
      winProb: MAX_WIN_PROB / BigInt(rng.int(1, 5)),
      senderNonce: g.nonce,
      recipientRandHash: keccak256(encodeAbiParameters([{ type: 'uint256' }], [recipientRand])),
      auxData: aux,
    };
    const { ticket, sig, sent } = await firstWinningTicket(drawn, g.privateKey, recipientRand);
    g.nonce += BigInt(sent);
    // Past its deposit a ticket draws on the reserve (at most its share per orchestrator and round, so the view
    // runs dry no later than the reserve does).
    if (face > g.deposit) g.reserve = g.reserve > face - g.deposit ? g.reserve - (face - g.deposit) : 0n;
    g.deposit = g.deposit > face ? g.deposit - face : 0n;
    const key = `${d.slot}|${d.orchestrator}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { b: d.slot, orchestrator: d.orchestrator, items: [] }));
    group.items.push({ ticket, sig, recipientRand, meta: { gateway: g.address, faceValue: face, capability: d.capability, creationRound } });
  }
  // An orchestrator redeems the tickets it won in a block together, as nodes batch to save gas.
  for (const grp of groups.values()) {
    const one = grp.items[0]!;
    if (grp.items.length === 1) {
      plan.slots[grp.b]!.push(run.tx(grp.orchestrator, 'TicketBroker', 'redeemWinningTicket', [one.ticket, one.sig, one.recipientRand], { kind: 'ticket', orchestrator: grp.orchestrator, ...one.meta }));
    } else {
      plan.slots[grp.b]!.push(
        run.tx(grp.orchestrator, 'TicketBroker', 'batchRedeemWinningTickets', [grp.items.map((x) => x.ticket), grp.items.map((x) => x.sig), grp.items.map((x) => x.recipientRand)], {
          kind: 'tickets',
          orchestrator: grp.orchestrator,
          tickets: grp.items.map((x) => x.meta),
        }),
      );
    }
  }
}

/** The round's tickets as the run's demand model decides them, kept to what the chain can redeem now. */
function demandDraws(run: SimRun, plan: RoundPlan): TicketDraw[] {
  const active = new Set(plan.activeNow.map((o) => o.agent.address.toLowerCase()));
  const payable = new Set(run.gwViews.filter((g) => canPay(g, plan.r)).map((g) => g.address.toLowerCase()));
  const draws = run.demand!({ r: plan.r, B: plan.B, slotTimes: slotTimes(plan.startTime, run.schedule.roundSeconds(plan.k), plan.B), end: run.schedule.roundStart(plan.k + 1), active, payable });
  return draws.filter((d) => active.has(d.orchestrator.toLowerCase()) && payable.has(d.gateway.toLowerCase()) && run.blockHashes.has(d.creationRound) && d.slot >= 1 && d.slot < plan.B);
}

/**
 * Whether a gateway pays tickets in round r: locked, not withdrawn this round, and with a deposit or reserve left
 * (TicketBroker refuses a ticket of a sender whose deposit and reserve are both empty).
 */
function canPay(g: GatewayView, r: number): boolean {
  return g.unlockedAt === null && g.withdrawnIn !== r && (g.deposit > 0n || g.reserve > 0n);
}

/** Demand with a weekly rhythm, a slow trend and noise, over gateways by weight and the orchestrators serving each capability. */
function* randomDraws(run: SimRun, plan: RoundPlan): Generator<TicketDraw> {
  const { rng } = run;
  const { r, k, B, activeNow } = plan;
  const dayOfWeek = Math.floor(plan.startTime / 86400) % 7;
  const demand = (1 + 0.15 * Math.sin((2 * Math.PI * dayOfWeek) / 7)) * (1 + 0.004 * k) * rng.lognormal(1, 0.25);
  const nTickets = Math.round(run.scenario.ticketsPerRound * demand);
  const payable = run.gwViews.filter((g) => canPay(g, r));
  const redeemBlock = new Map<Address, number>();
  for (let t = 0; t < nTickets && payable.length > 0 && activeNow.length > 0; t++) {
    const g = payable[rng.weighted(payable.map((x) => x.weight))]!;
    const cap = rng.pick(g.capabilities);
    const servers = activeNow.filter((o) => o.agent.capabilities.includes(cap));
    const pool = servers.length > 0 ? servers : activeNow;
    const o = pool[rng.weighted(pool.map((x) => Math.sqrt(x.agent.weight)))]!;
    const face = units((FACE_VALUE_ETH[cap] ?? 0.005) * rng.lognormal(1, 0.3));
    const creationRound = rng.chance(0.2) && run.blockHashes.has(r - 1) ? r - 1 : r;
    // Orchestrators mostly redeem what they won in one go per round.
    let b = redeemBlock.get(o.agent.address);
    if (b === undefined || rng.chance(0.3)) {
      b = rng.int(1, B - 1);
      if (!redeemBlock.has(o.agent.address)) redeemBlock.set(o.agent.address, b);
    }
    yield { gateway: g.address, orchestrator: o.agent.address, capability: cap, faceValue: face, creationRound, slot: b };
  }
}
