import { useEChart } from './useEChart.js';
import type { Series } from './series.js';

export interface ChartProps {
  x: (string | number)[];
  series: Series[];
  /** Axis titles: left, and right when a series sits on the right axis. */
  yNames?: [string, string?];
  height?: number;
  /** Slider under the chart for picking a range (also wheel/drag zoom). */
  zoom?: boolean;
  testId?: string;
  /** Axes whose values are ratios, labelled as percentages. */
  percentAxis?: [boolean, boolean?];
  /** Both value axes start at zero with aligned ticks (two units of one quantity, e.g. ETH and its USD value). */
  fromZero?: boolean;
}

export const PALETTE = ['#1f8a4c', '#3867d6', '#e58e26', '#8854d0', '#eb3b5a', '#0fb9b1', '#a5673f'];

// Small percentages (inflation per round ≈ 0.06%) need more digits than shares like participation.
const percentLabel = (v: number) => `${(v * 100).toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 1)}%`;

/** Line and bar series over one category axis, with up to two value axes: every chart of the dashboard. */
export default function Chart({ x, series, yNames, height = 260, zoom = true, testId, percentAxis, fromZero }: ChartProps) {
  const axes = yNames?.[1] || series.some((s) => s.yAxis === 1) ? [0, 1] : [0];
  // Bars are read by their length, so an axis with bars starts at zero; lines may zoom to their range.
  const zeroBased = axes.map((i) => fromZero || series.some((s) => s.type === 'bar' && (s.yAxis ?? 0) === i));
  const colorOf = (s: Series, i: number) => s.color ?? PALETTE[i % PALETTE.length]!;
  const named = axes.some((i) => yNames?.[i]);
  const el = useEChart({
    animation: false,
    color: PALETTE,
    // ECharts 6 keeps axis labels inside the grid by default (outerBounds), so no containLabel. The legend has its
    // own line above the axis titles, so the two never overlap.
    grid: { left: 8, right: 8, top: named ? 58 : 34, bottom: zoom ? 56 : 24 },
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: x, boundaryGap: series.some((s) => s.type === 'bar') },
    yAxis: axes.map((i) => ({
      type: 'value',
      name: yNames?.[i] ?? '',
      nameGap: 10,
      scale: !zeroBased[i],
      ...(fromZero ? { min: 0, alignTicks: i === 1 } : {}),
      splitLine: { show: i === 0 },
      ...(percentAxis?.[i] ? { axisLabel: { formatter: percentLabel } } : {}),
    })),
    dataZoom: zoom ? [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 8 }] : [],
    series: series.map((s, i) => ({
      name: s.name,
      type: s.type,
      data: s.data,
      yAxisIndex: s.yAxis ?? 0,
      showSymbol: false,
      areaStyle: s.area ? { opacity: 0.15 } : undefined,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      itemStyle: { color: colorOf(s, i) },
    })),
  });
  // What is drawn, readable from the page (the canvas is not): each series' colour, axis and lowest value, and
  // which value axes start at zero.
  const drawn = series.map((s, i) => ({ name: s.name, color: colorOf(s, i), axis: s.yAxis ?? 0, min: lowest(s.data) }));
  return (
    <div
      ref={el}
      className="chart"
      style={{ height }}
      data-testid={testId}
      data-first-x={x[0]}
      data-series={JSON.stringify(drawn)}
      data-zero-based={zeroBased.join(' ')}
      role="img"
      aria-label={series.map((s) => s.name).join(', ')}
    />
  );
}

function lowest(data: readonly (number | null)[]): number | null {
  let m: number | null = null;
  for (const v of data) if (v !== null && (m === null || v < m)) m = v;
  return m;
}
