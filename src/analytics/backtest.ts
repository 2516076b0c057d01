// Backtest of the issuance forecast on a daily history (the explorer's export): from many origins,
// fit on what was known then, forecast h days ahead, compare with what happened, against a no-change baseline.
import { fitParticipation, forecastIssuance, type IssuanceAssumptions, type ParticipationModel } from './issuanceForecast.js';

/** One day of history: inflation per round (parts per 1e9) and participation (0..1). */
export interface HistoryDay {
  time: number;
  inflation: number;
  participation: number;
}

export interface BacktestOptions {
  horizons: number[];
  /** Days between forecast origins. */
  every: number;
  /** Days of history before the first origin. */
  warmup: number;
  /** Trailing days the participation walk is fitted on. */
  fitDays: number;
  /** Trailing days the rounds-per-day rate is measured on. */
  rateDays: number;
  inflationChange: number;
  targetBondingRate: number;
  paths: number;
  /** How participation moves: the fitted mean-reverting walk, or a driftless random walk with the fitted noise. */
  participation: 'mean-reverting' | 'random-walk';
}

export const DEFAULT_BACKTEST: BacktestOptions = {
  horizons: [30, 90],
  every: 7,
  warmup: 180,
  fitDays: 180,
  rateDays: 60,
  inflationChange: 500,
  targetBondingRate: 500_000_000,
  paths: 200,
  participation: 'random-walk',
};

/** Error of the forecast (P50) and of the no-change baseline at one horizon. */
export interface HorizonError {
  horizonDays: number;
  origins: number;
  /** Mean absolute percentage error of inflation, percent. */
  inflationMapePercent: number;
  /** Mean absolute error of inflation, parts per 1e9 per round. */
  inflationMaePpb: number;
  /** Mean absolute error of participation, percentage points. */
  participationMaePp: number;
  /** Share of origins whose actual inflation fell inside the P10–P90 band, percent. */
  inflationCoveragePercent: number;
  baseline: { inflationMapePercent: number; inflationMaePpb: number; participationMaePp: number };
}

/**
 * Rounds per day measured from the history itself: each round moves inflation by exactly inflationChange, so the
 * mean absolute daily move over the window divided by inflationChange counts rounds (days at the 0 floor excluded).
 */
export function roundsPerDay(days: readonly HistoryDay[], inflationChange: number): number {
  const moves: number[] = [];
  for (let i = 1; i < days.length; i++) if (days[i]!.inflation > 0 && days[i - 1]!.inflation > 0) moves.push(Math.abs(days[i]!.inflation - days[i - 1]!.inflation) / inflationChange);
  if (moves.length === 0) return 1;
  const m = moves.reduce((a, b) => a + b, 0) / moves.length;
  return m > 0 ? m : 1;
}

/** The participation walk of the chosen kind fitted on a series (fractions per step). */
export function participationModel(series: readonly number[], kind: BacktestOptions['participation']): ParticipationModel {
  const fit = fitParticipation(series);
  if (kind === 'mean-reverting') return fit;
  const ds = series.slice(1).map((p, i) => p - series[i]!);
  const m = ds.reduce((a, b) => a + b, 0) / Math.max(1, ds.length);
  const sigma = ds.length > 1 ? Math.sqrt(ds.reduce((a, b) => a + (b - m) ** 2, 0) / (ds.length - 1)) : 0;
  return { drift: 0, kappa: 0, mean: series[series.length - 1] ?? 0.5, sigma };
}

/** Forecast assumptions from the days up to and including `origin` (index). */
export function assumptionsAt(days: readonly HistoryDay[], origin: number, o: BacktestOptions): IssuanceAssumptions {
  const d = days[origin]!;
  return {
    inflation: d.inflation,
    participation: d.participation,
    supply: 1,
    inflationChange: o.inflationChange,
    targetBondingRate: o.targetBondingRate,
    roundsPerStep: roundsPerDay(days.slice(Math.max(0, origin - o.rateDays), origin + 1), o.inflationChange),
    mintedShare: 1,
    participationModel: participationModel(days.slice(Math.max(0, origin - o.fitDays), origin + 1).map((x) => x.participation), o.participation),
  };
}

/** Runs the backtest over every origin `every` days apart after the warm-up, for each horizon. */
export function backtestIssuance(days: readonly HistoryDay[], options: Partial<BacktestOptions> = {}): HorizonError[] {
  const o = { ...DEFAULT_BACKTEST, ...options };
  const maxH = Math.max(...o.horizons);
  const acc = new Map<number, { n: number; ape: number; ae: number; pe: number; cover: number; bApe: number; bAe: number; bPe: number }>();
  for (const h of o.horizons) acc.set(h, { n: 0, ape: 0, ae: 0, pe: 0, cover: 0, bApe: 0, bAe: 0, bPe: 0 });
  for (let origin = o.warmup; origin < days.length - 1; origin += o.every) {
    const a = assumptionsAt(days, origin, o);
    const fan = forecastIssuance(a, maxH, { paths: o.paths, seed: origin + 1 });
    for (const h of o.horizons) {
      const actual = days[origin + h];
      if (!actual || actual.inflation <= 0) continue;
      const f = fan[h - 1]!;
      const s = acc.get(h)!;
      s.n++;
      s.ae += Math.abs(f.inflation.p50 - actual.inflation);
      s.ape += Math.abs(f.inflation.p50 - actual.inflation) / actual.inflation;
      s.pe += Math.abs(f.participation.p50 - actual.participation);
      if (actual.inflation >= f.inflation.p10 && actual.inflation <= f.inflation.p90) s.cover++;
      s.bAe += Math.abs(a.inflation - actual.inflation);
      s.bApe += Math.abs(a.inflation - actual.inflation) / actual.inflation;
      s.bPe += Math.abs(a.participation - actual.participation);
    }
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return o.horizons.map((h) => {
    const s = acc.get(h)!;
    const n = Math.max(1, s.n);
    return {
      horizonDays: h,
      origins: s.n,
      inflationMapePercent: r2((100 * s.ape) / n),
      inflationMaePpb: r2(s.ae / n),
      participationMaePp: r2((100 * s.pe) / n),
      inflationCoveragePercent: r2((100 * s.cover) / n),
      baseline: { inflationMapePercent: r2((100 * s.bApe) / n), inflationMaePpb: r2(s.bAe / n), participationMaePp: r2((100 * s.bPe) / n) },
    };
  });
}

/** Reads the explorer's daily export ({dayData: [{dateS, inflation, participationRate}]}) into history days. */
export function historyFromExport(json: unknown): HistoryDay[] {
  const dayData = (json as { dayData?: unknown }).dayData;
  if (!Array.isArray(dayData)) throw new Error('history export has no dayData array');
  return dayData
    .map((d: { dateS?: unknown; inflation?: unknown; participationRate?: unknown }) => ({ time: Number(d.dateS), inflation: Number(d.inflation), participation: Number(d.participationRate) }))
    .filter((d) => Number.isFinite(d.time) && Number.isFinite(d.inflation) && Number.isFinite(d.participation))
    .sort((a, b) => a.time - b.time);
}
