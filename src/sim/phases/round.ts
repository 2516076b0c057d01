import type { Action } from '../actions.js';
import { readRoundSummary } from '../groundTruth.js';
import type { SimulatedMarket } from '../priceFeeds.js';
import type { RoundPlan, SimRun } from '../run.js';
import type { SimTx } from '../simRpc.js';
import type { Hex } from 'viem';

const L1_BLOCK_SECONDS = 12;

/** Seconds a round lasts on the L1 clock. */
export function roundSeconds(run: SimRun): number {
  return run.params.roundLength * L1_BLOCK_SECONDS;
}

/** First L1 block of protocol round `r`. */
export function roundStartL1(run: SimRun, r: number): number {
  return r * run.params.roundLength;
}

/**
 * Open round k of the scenario: move the clock into it, initialize it and post prices (slot 0), then read
 * what the agents decide on (orchestrator records, the round's network figures).
 */
export async function openRound(run: SimRun, market: SimulatedMarket, k: number): Promise<RoundPlan> {
  const s = run.scenario;
  const r = run.firstRound + k;
  const R = BigInt(r);
  const startTime = s.startTime + k * roundSeconds(run);
  run.simTime = Math.max(run.simTime + 1, startTime);
  const l1 = roundStartL1(run, r) + 1 + run.rng.int(0, 20);
  run.ctx = { round: r, blockInRound: 0 };
  const opening: SimTx<Action>[] = [run.clockTx(l1)];
  const keeper = run.rng.pick(run.genesisOrchs).address;
  opening.push(run.tx(keeper, 'RoundsManager', 'initializeRound', [], { kind: 'initializeRound' }));
  opening.push(...market.roundTxs<Action>({ kind: 'setup', what: 'prices' }));
  run.applyReceipts(await run.mine(opening, run.simTime));
  const A = run.d.addresses;
  const [bh] = await run.rpc.reads<Hex>([{ address: A.RoundsManager, abi: run.d.abis.RoundsManager, functionName: 'blockHashForRound', args: [R] }]);
  run.blockHashes.set(r, bh!);

  await run.refreshOrchestrators();
  const listed = [...run.orchViews.values()].filter((o) => o.registered || o.agent.joinRound === 0).map((o) => o.agent.address);
  const summary = await readRoundSummary(run.rpc, run.d, r, listed);
  run.gt.rounds.push(summary);
  if (run.hooks.onRound) await run.hooks.onRound(summary);

  const B = s.blocksPerRound;
  return {
    k,
    r,
    R,
    B,
    startTime,
    summary,
    slots: Array.from({ length: B }, () => []),
    activeNow: [...run.orchViews.values()].filter((o) => o.registered && o.activation <= R && R < o.deactivation),
    rewardBlock: new Map(),
  };
}

/** Mine slots 1..B−1 of a planned round, the L1 clock advancing through it, and note what the receipts reveal. */
export async function mineRound(run: SimRun, plan: RoundPlan, onMined: ((res: Awaited<ReturnType<SimRun['mine']>>) => void)[]): Promise<void> {
  const { B, r, startTime } = plan;
  const seconds = roundSeconds(run);
  for (let b = 1; b < B; b++) {
    run.ctx = { round: r, blockInRound: b };
    const frac = (b / (B - 1)) * 0.95;
    const l1 = roundStartL1(run, r) + 1 + Math.floor(frac * (run.params.roundLength - 2));
    const t = startTime + Math.floor(frac * seconds);
    const res = await run.mine([run.clockTx(l1), ...plan.slots[b]!], t);
    run.applyReceipts(res);
    for (const f of onMined) f(res);
  }
  run.simTime = startTime + Math.floor(0.95 * seconds) + 1;
}
