// Dilution: how a holder's share of all LPT moves over time when it stays liquid versus when it is staked
// with the network-average pool, from the rounds as indexed and, forward, from simulated issuance paths.
import { fanOf, type Fan } from './random.js';
import type { IssuancePath } from './issuanceForecast.js';

/** One indexed round: supply and the LPT minted into pools that round (all LPT-wei). */
export interface SupplyRound {
  round: bigint;
  time: number;
  /** Global supply at the round's start (L2 totalSupply + L1 circulating), LPT-wei. */
  supply: bigint;
  /** Total active stake snapshotted at the round's start, LPT-wei. */
  totalActiveStake: bigint;
  /** Reward.amount summed over the round (after the treasury part), LPT-wei. */
  rewards: bigint;
}

/** Ownership of a holder relative to the first round, parts per 1e9 (1e9 = unchanged). */
export interface DilutionPoint {
  round: bigint;
  time: number;
  /** Share of supply of 1 LPT held liquid, relative to the start: supply_0 / supply_t, parts per 1e9. */
  liquidShare: bigint;
  /** Share of supply of 1 LPT staked at the network-average growth, relative to the start, parts per 1e9. */
  stakedShare: bigint;
  /** Average staked growth since the start, parts per 1e9 (1e9 = no growth). */
  stakedGrowth: bigint;
}

const PPB = 1_000_000_000n;
const SCALE = 10n ** 27n;

/**
 * Past dilution over the rounds (sorted): a liquid holder keeps supply_0/supply_t of its share; a staked holder's
 * LPT grows each round by rewards/totalActiveStake (the network-average pool before commission), so its share is
 * growth × supply_0/supply_t. Growth is chained at 1e27 precision, then shown in parts per 1e9.
 */
export function pastDilution(rounds: readonly SupplyRound[]): DilutionPoint[] {
  const first = rounds[0];
  if (!first) return [];
  let growth = SCALE;
  return rounds.map((r, i) => {
    // Rewards of round i raise stake from the next round on; the first round's rewards count from round 1.
    if (i > 0) {
      const prev = rounds[i - 1]!;
      if (prev.totalActiveStake > 0n) growth += (growth * prev.rewards) / prev.totalActiveStake;
    }
    const liquid = r.supply === 0n ? PPB : (first.supply * PPB) / r.supply;
    return {
      round: r.round,
      time: r.time,
      liquidShare: liquid,
      stakedGrowth: (growth * PPB) / SCALE,
      stakedShare: r.supply === 0n ? PPB : (growth * first.supply * PPB) / (SCALE * r.supply),
    };
  });
}

/** Forecast dilution per step: fans of liquid and staked share relative to the start (fractions, 1 = unchanged). */
export interface DilutionForecastStep {
  step: number;
  liquidShare: Fan;
  stakedShare: Fan;
}

/**
 * Forward dilution from issuance paths: liquid share = supply_0/supply_t; a staked holder with the network-average
 * pool grows each round by inflation/participation × (1 − treasury cut) × minted share (LPT minted per bonded LPT).
 */
export function forecastDilution(
  paths: readonly IssuancePath[],
  start: { supply: number; participation: number; inflation: number },
  treasuryCut: number,
  mintedShare: number,
  roundsPerStep = 1,
): DilutionForecastStep[] {
  const steps = paths[0]?.supply.length ?? 0;
  const liquid: number[][] = Array.from({ length: steps }, () => []);
  const staked: number[][] = Array.from({ length: steps }, () => []);
  for (const p of paths) {
    let growth = 1;
    for (let k = 0; k < steps; k++) {
      const part = Math.max(1e-6, p.participation[k]!);
      growth *= Math.pow(1 + ((p.inflation[k]! / 1e9) * (1 - treasuryCut) * mintedShare) / part, roundsPerStep);
      liquid[k]!.push(start.supply / p.supply[k]!);
      staked[k]!.push((growth * start.supply) / p.supply[k]!);
    }
  }
  return liquid.map((l, k) => ({ step: k + 1, liquidShare: fanOf(l), stakedShare: fanOf(staked[k]!) }));
}
