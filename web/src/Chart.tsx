import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export interface Series {
  name: string;
  type: 'line' | 'bar';
  data: (number | null)[];
  yAxis?: 0 | 1;
  color?: string;
  area?: boolean;
}

export interface ChartProps {
  x: (string | number)[];
  series: Series[];
  yNames?: [string, string?];
  height?: number;
  /** Slider under the chart for picking a range (also wheel/drag zoom). */
  zoom?: boolean;
  testId?: string;
  percentAxis?: [boolean, boolean?];
}

const PALETTE = ['#1f8a4c', '#3867d6', '#e58e26', '#8854d0', '#eb3b5a'];

export default function Chart({ x, series, yNames, height = 260, zoom = true, testId, percentAxis }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const axes = yNames?.[1] ? [0, 1] : [0];
    chart.current?.setOption(
      {
        animation: false,
        color: PALETTE,
        // ECharts 6 keeps axis labels inside the grid by default (outerBounds), so no containLabel.
        grid: { left: 8, right: 8, top: 36, bottom: zoom ? 56 : 24 },
        tooltip: { trigger: 'axis', confine: true },
        legend: { top: 0, type: 'scroll' },
        xAxis: { type: 'category', data: x, boundaryGap: series.some((s) => s.type === 'bar') },
        yAxis: axes.map((i) => ({
          type: 'value',
          name: yNames?.[i] ?? '',
          // Bars are read by their length, so an axis with bars starts at zero; lines may zoom to their range.
          scale: !series.some((s) => s.type === 'bar' && (s.yAxis ?? 0) === i),
          splitLine: { show: i === 0 },
          // Small percentages (inflation per round ≈ 0.06%) need more digits than shares like participation.
          ...(percentAxis?.[i] ? { axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 1)}%` } } : {}),
        })),
        dataZoom: zoom ? [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 8 }] : [],
        series: series.map((s, i) => ({
          name: s.name,
          type: s.type,
          data: s.data,
          yAxisIndex: s.yAxis ?? 0,
          showSymbol: false,
          areaStyle: s.area ? { opacity: 0.15 } : undefined,
          itemStyle: s.color ? { color: s.color } : { color: PALETTE[i % PALETTE.length] },
        })),
      },
      { notMerge: true },
    );
  }, [x, series, yNames, zoom, percentAxis]);

  return <div ref={el} className="chart" style={{ height }} data-testid={testId} role="img" aria-label={series.map((s) => s.name).join(', ')} />;
}
