import type { Action } from '../actions.js';
import { readMintedTokens, readRoundSummary } from '../groundTruth.js';
import type { SimulatedMarket } from '../priceFeeds.js';
import type { RoundPlan, RoundSchedule, SimRun } from '../run.js';
import type { SimTx } from '../simRpc.js';
import { upgradeOpening } from './upgrades.js';
import type { Hex } from 'viem';

/** A round lasts as long as on the network in late 2025: 6377 L1 blocks of 12 s, whatever its length in blocks. */
export const ROUND_SECONDS = 6377 * 12;

/** The schedule of a run whose rounds last as long as on the network, round k opening k rounds after `startTime`. */
export function l1Schedule(startTime: number): RoundSchedule {
  return { roundStart: (k) => startTime + k * ROUND_SECONDS, roundSeconds: () => ROUND_SECONDS };
}

/**
 * Open round k of the scenario in its first block: initialize it and post the ETH/USD price (slot 0), then read
 * what the agents decide on (orchestrator records, the round's network figures). The LPT market trades in slot 1.
 */
export async function openRound(run: SimRun, market: SimulatedMarket, k: number): Promise<RoundPlan> {
  const s = run.scenario;
  const r = run.firstRound + k;
  const R = BigInt(r);
  const startTime = run.schedule.roundStart(k);
  run.simTime = Math.max(run.simTime + 1, startTime);
  await run.waitForRound(r);
  run.ctx = { round: r, blockInRound: 0 };
  const keeper = run.rng.pick(run.genesisOrchs).address;
  // Versions due this round are registered before the round is initialized (the upgrade path).
  const opening: SimTx<Action>[] = [...(await upgradeOpening(run, k)), run.tx(keeper, 'RoundsManager', 'initializeRound', [], { kind: 'initializeRound' })];
  const prices = await market.roundTxs(run.rpc);
  opening.push(...prices.opening);
  const B = run.params.roundLength;
  // A round of one block has nowhere else for the market's trades.
  if (B < 2) opening.push(...prices.trading);
  run.applyReceipts(await run.mine(opening, run.simTime));
  const A = run.d.addresses;
  const [bh] = await run.rpc.reads<Hex>([{ address: A.RoundsManager, abi: run.d.abis.RoundsManager, functionName: 'blockHashForRound', args: [R] }]);
  run.blockHashes.set(r, bh!);

  await run.refreshOrchestrators();
  const listed = [...run.orchViews.values()].filter((o) => o.registered || o.agent.joinRound === 0).map((o) => o.agent.address);
  const summary = await readRoundSummary(run.rpc, run.d, r, listed, run.features.treasuryCut);
  run.gt.rounds.push(summary);
  if (run.hooks.onRound) await run.hooks.onRound(summary);

  const slots: SimTx<Action>[][] = Array.from({ length: B }, () => []);
  if (B >= 2) slots[1]!.push(...prices.trading);
  return {
    k,
    r,
    R,
    B,
    startTime,
    summary,
    slots,
    activeNow: [...run.orchViews.values()].filter((o) => o.registered && o.activation <= R && R < o.deactivation),
    rewardBlock: new Map(),
  };
}

/** Unix seconds of each block of a round opening at `start` and lasting `seconds` (block 0 opens it). */
export function slotTimes(start: number, seconds: number, B: number): number[] {
  return Array.from({ length: B }, (_, b) => start + Math.floor((b / (B - 1)) * 0.95 * seconds));
}

/** Mine blocks 1..B−1 of a planned round, one per slot, and note what the receipts reveal. */
export async function mineRound(run: SimRun, plan: RoundPlan, onMined: ((res: Awaited<ReturnType<SimRun['mine']>>) => void)[]): Promise<void> {
  const { B, r, startTime } = plan;
  const times = slotTimes(startTime, run.schedule.roundSeconds(plan.k), B);
  for (let b = 1; b < B; b++) {
    run.ctx = { round: r, blockInRound: b };
    const res = await run.mine(plan.slots[b]!, times[b]!);
    run.applyReceipts(res);
    for (const f of onMined) f(res);
  }
  plan.summary.minted = await readMintedTokens(run.rpc, run.d);
  run.simTime = times[B - 1]! + 1;
}
