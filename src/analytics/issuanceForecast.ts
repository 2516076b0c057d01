// Issuance forecast: participation as a fitted mean-reverting walk, inflation by the Minter's rule (Minter.setInflation)
// applied round by round on each simulated participation path, supply grown by what reward calls mint.
import { fanOf, normalFrom, seededUniform, type Fan } from './random.js';

/**
 * The Minter's adjustment at initializeRound (Minter.setInflation), all in parts per 1e9: below the target bonding rate
 * inflation rises by `change`, above it falls by `change` (not below 0), at the target it stays.
 */
export function nextInflation(inflation: bigint, bondingRate: bigint, target: bigint, change: bigint): bigint {
  if (bondingRate < target) return inflation + change;
  if (bondingRate > target) return inflation > change ? inflation - change : 0n;
  return inflation;
}

/** Bonding rate of the Minter, parts per 1e9: floor(totalActiveStake * 1e9 / globalSupply) (both LPT-wei). */
export function bondingRate(totalActiveStake: bigint, globalSupply: bigint): bigint {
  return globalSupply === 0n ? 0n : (totalActiveStake * 1_000_000_000n) / globalSupply;
}

/** Participation per step: Δp = drift + kappa·(mean − p) + sigma·z (fractions of supply per step). */
export interface ParticipationModel {
  drift: number;
  kappa: number;
  mean: number;
  sigma: number;
}

/**
 * Fits the participation walk on a series (fractions 0..1, one per step) by least squares of Δp on p: a negative
 * slope is mean reversion (kappa = −slope, mean = intercept/kappa); otherwise a random walk with the mean Δp as drift.
 */
export function fitParticipation(series: readonly number[]): ParticipationModel {
  const xs = series.slice(0, -1);
  const ds = series.slice(1).map((p, i) => p - series[i]!);
  const n = ds.length;
  if (n < 2) return { drift: 0, kappa: 0, mean: series[series.length - 1] ?? 0.5, sigma: 0 };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const md = ds.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxd = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxd += (xs[i]! - mx) * (ds[i]! - md);
  }
  const slope = sxx > 0 ? sxd / sxx : 0;
  if (slope < 0 && slope > -1) {
    const kappa = -slope;
    const intercept = md - slope * mx;
    const mean = intercept / kappa;
    const resid = ds.map((d, i) => d - (intercept + slope * xs[i]!));
    return { drift: 0, kappa, mean, sigma: std(resid) };
  }
  return { drift: md, kappa: 0, mean: mx, sigma: std(ds.map((d) => d - md)) };
}

function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** Everything the forecast assumes; shown to users next to the fan. */
export interface IssuanceAssumptions {
  /** Inflation per round at the start, parts per 1e9. */
  inflation: number;
  /** Bonded share of supply at the start (0..1). */
  participation: number;
  /** Global supply at the start, LPT (float: forecasts only). */
  supply: number;
  /** Minter inflationChange per round, parts per 1e9. */
  inflationChange: number;
  /** Minter targetBondingRate, parts per 1e9. */
  targetBondingRate: number;
  /** Rounds per forecast step (1 for a per-round forecast, ~1.13 for per-day steps since roundLength 6377). */
  roundsPerStep: number;
  /** Share of each round's mintable that reward calls actually mint (0..1). */
  mintedShare: number;
  participationModel: ParticipationModel;
}

/** One forecast step: fans of inflation (ppb per round), participation (0..1) and supply (LPT). */
export interface IssuanceStep {
  step: number;
  inflation: Fan;
  participation: Fan;
  supply: Fan;
}

/** A simulated path: per step inflation (ppb), participation and supply. */
export interface IssuancePath {
  inflation: number[];
  participation: number[];
  supply: number[];
}

/** Rounds falling in step k when steps are `roundsPerStep` rounds long: floor((k+1)ρ) − floor(kρ). */
export function roundsInStep(k: number, roundsPerStep: number): number {
  return Math.floor((k + 1) * roundsPerStep + 1e-9) - Math.floor(k * roundsPerStep + 1e-9);
}

/** Simulates `paths` seeded paths of `steps` steps under the assumptions; value at index k is the end of step k+1. */
export function simulateIssuance(a: IssuanceAssumptions, steps: number, paths: number, seed: number): IssuancePath[] {
  const z = normalFrom(seededUniform(seed));
  const target = a.targetBondingRate / 1e9;
  const out: IssuancePath[] = [];
  for (let p = 0; p < paths; p++) {
    let infl = a.inflation;
    let part = a.participation;
    let supply = a.supply;
    const path: IssuancePath = { inflation: [], participation: [], supply: [] };
    for (let k = 0; k < steps; k++) {
      const m = a.participationModel;
      part = Math.min(1, Math.max(0, part + m.drift + m.kappa * (m.mean - part) + m.sigma * z()));
      for (let r = roundsInStep(k, a.roundsPerStep); r > 0; r--) {
        // The rule compares at the start of each round; ties are measure-zero for a continuous walk.
        infl = part < target ? infl + a.inflationChange : part > target ? Math.max(0, infl - a.inflationChange) : infl;
        supply += (supply * infl * a.mintedShare) / 1e9;
      }
      path.inflation.push(infl);
      path.participation.push(part);
      path.supply.push(supply);
    }
    out.push(path);
  }
  return out;
}

/** P10/P50/P90 per step across simulated paths. */
export function issuanceFan(paths: readonly IssuancePath[]): IssuanceStep[] {
  const steps = paths[0]?.inflation.length ?? 0;
  const res: IssuanceStep[] = [];
  for (let k = 0; k < steps; k++) {
    res.push({
      step: k + 1,
      inflation: fanOf(paths.map((p) => p.inflation[k]!)),
      participation: fanOf(paths.map((p) => p.participation[k]!)),
      supply: fanOf(paths.map((p) => p.supply[k]!)),
    });
  }
  return res;
}

/** Issuance fan for `steps` steps (default 400 seeded paths). */
export function forecastIssuance(a: IssuanceAssumptions, steps: number, opts: { paths?: number; seed?: number } = {}): IssuanceStep[] {
  return issuanceFan(simulateIssuance(a, steps, opts.paths ?? 400, opts.seed ?? 1));
}
