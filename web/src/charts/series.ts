import type { Amount } from '../format.js';

/** One series of a chart: values in the order of the x axis; null leaves a gap. */
export interface Series {
  name: string;
  type: 'line' | 'bar';
  data: (number | null)[];
  /** 1: the right-hand axis. */
  yAxis?: 0 | 1;
  color?: string;
  area?: boolean;
  /** A dashed line (forecasts, medians). */
  dashed?: boolean;
}

type Style = Omit<Series, 'name' | 'type' | 'data'>;

export const line = (name: string, data: (number | null)[], style: Style = {}): Series => ({ name, type: 'line', data, ...style });
export const bar = (name: string, data: (number | null)[], style: Style = {}): Series => ({ name, type: 'bar', data, ...style });

/**
 * An amount as a number for drawing: the only place the dashboard turns token amounts into floats, and only for
 * a chart's geometry (labels and tables show the exact amount).
 */
export function plot(a: Amount | null | undefined): number | null {
  return a ? Number(a.formatted) : null;
}

/** A decimal string (USD, a price) as a number for drawing; null stays a gap. */
export function plotDecimal(s: string | null | undefined): number | null {
  return s === null || s === undefined ? null : Number(s);
}

type Triple = readonly [low: number | null, mid: number | null, high: number | null];

/** Percentile bands of a forecast (P10/P50/P90 or low/mid/high) as three lines of one colour, the outer two dashed. */
export function bands<T>(name: string, points: readonly T[], pick: (p: T) => Triple, labels: readonly [string, string, string] = ['P10', 'P50', 'P90'], style: Style = {}): Series[] {
  const at = (i: 0 | 1 | 2) => points.map((p) => pick(p)[i]);
  const family = { color: '#3867d6', ...style };
  return [line(`${name} ${labels[0]}`, at(0), { ...family, dashed: true }), line(`${name} ${labels[1]}`, at(1), family), line(`${name} ${labels[2]}`, at(2), { ...family, dashed: true })];
}

/** P10, P50 and P90 of a simulated figure, scaled (e.g. parts per billion to percent). */
export const percentiles = (f: { p10: number; p50: number; p90: number }, scale = 1): Triple => [f.p10 * scale, f.p50 * scale, f.p90 * scale];
