/** One forecast day: the median and the 10/25/75/90% quantiles. */
export interface FanPoint {
  /** Days after the last observed day (1 = tomorrow). */
  ahead: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

const Z90 = 1.2815515655446004;
const Z75 = 0.6744897501960817;

/**
 * Fan forecast of a daily non-negative series: a straight-line trend fitted to log(1 + y) by least squares;
 * the spread is the residual standard deviation, widened for the distance from the fitted window as the
 * prediction interval of the regression. Fewer than 3 observations give a flat fan around their mean.
 */
export function fanForecast(series: readonly number[], horizon: number): FanPoint[] {
  const n = series.length;
  const out: FanPoint[] = [];
  if (n === 0 || horizon <= 0) return out;
  const y = series.map((v) => Math.log1p(Math.max(0, v)));
  const xm = (n - 1) / 2;
  const ym = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - xm) ** 2;
    sxy += (i - xm) * (y[i]! - ym);
  }
  const slope = n >= 3 && sxx > 0 ? sxy / sxx : 0;
  const icpt = ym - slope * xm;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - (icpt + slope * i)) ** 2;
  const sigma = n >= 3 ? Math.sqrt(sse / (n - 2)) : Math.sqrt(y.reduce((a, v) => a + (v - ym) ** 2, 0) / Math.max(1, n));
  for (let h = 1; h <= horizon; h++) {
    const x = n - 1 + h;
    const mu = icpt + slope * x;
    const s = sigma * Math.sqrt(1 + 1 / n + (sxx > 0 ? (x - xm) ** 2 / sxx : 0));
    const back = (z: number) => Math.max(0, Math.expm1(mu + z * s));
    out.push({ ahead: h, p10: back(-Z90), p25: back(-Z75), p50: back(0), p75: back(Z75), p90: back(Z90) });
  }
  return out;
}
