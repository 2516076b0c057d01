import type { FanPoint } from '../api/types.js';
import { useEChart } from './useEChart.js';

const DAY_MS = 86_400_000;

/** Daily history as a line, then the forecast median with its 25–75% and 10–90% bands as stacked areas. */
export default function FanChart({ x, history, forecast, name, testId }: { x: string[]; history: (number | null)[]; forecast: FanPoint[]; name: string; testId?: string }) {
  const last = x[x.length - 1];
  const base = last ? Date.parse(`${last}T00:00:00Z`) : 0;
  const fx = forecast.map((p) => new Date(base + p.ahead * DAY_MS).toISOString().slice(0, 10));
  const pad = (vals: (number | null)[]) => [...new Array<null>(x.length).fill(null), ...vals];
  const band = (lo: (p: FanPoint) => number, hi: (p: FanPoint) => number, stack: string, color: string, label: string) => [
    { name: `${label} low`, type: 'line', stack, data: pad(forecast.map(lo)), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
    { name: label, type: 'line', stack, data: pad(forecast.map((p) => hi(p) - lo(p))), lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color, opacity: 1 } },
  ];
  const el = useEChart({
    animation: false,
    grid: { left: 8, right: 8, top: 36, bottom: 24 },
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0, data: [name, 'Forecast median', '10–90%', '25–75%'] },
    xAxis: { type: 'category', data: [...x, ...fx], boundaryGap: false },
    yAxis: { type: 'value' },
    series: [
      { name, type: 'line', data: [...history, ...new Array<null>(fx.length).fill(null)], symbol: 'none', color: '#3867d6' },
      ...band((p) => p.p10, (p) => p.p90, 'outer', 'rgba(31,138,76,0.15)', '10–90%'),
      ...band((p) => p.p25, (p) => p.p75, 'inner', 'rgba(31,138,76,0.3)', '25–75%'),
      { name: 'Forecast median', type: 'line', data: pad(forecast.map((p) => p.p50)), symbol: 'none', color: '#1f8a4c', lineStyle: { type: 'dashed' } },
    ],
  });
  return <div ref={el} className="chart" style={{ height: 260 }} data-testid={testId} role="img" aria-label={`${name} with forecast`} />;
}
