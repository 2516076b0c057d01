import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { FanPoint } from './telemetryApi.js';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** History as a line, then the forecast median with its 25–75% and 10–90% bands as stacked areas. */
export default function FanChart({ x, history, forecast, name, testId }: { x: string[]; history: number[]; forecast: FanPoint[]; name: string; testId?: string }) {
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
    };
  }, []);
  useEffect(() => {
    const last = x[x.length - 1];
    const base = last ? Date.parse(`${last}T00:00:00Z`) : Date.now();
    const fx = forecast.map((p) => new Date(base + p.ahead * 86_400_000).toISOString().slice(0, 10));
    const allX = [...x, ...fx];
    const pad = (vals: (number | null)[]) => [...new Array<null>(x.length).fill(null), ...vals];
    const band = (lo: (p: FanPoint) => number, hi: (p: FanPoint) => number, stack: string, color: string, label: string) => [
      { name: `${label} low`, type: 'line', stack, data: pad(forecast.map(lo)), lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false } },
      { name: label, type: 'line', stack, data: pad(forecast.map((p) => hi(p) - lo(p))), lineStyle: { opacity: 0 }, symbol: 'none', areaStyle: { color, opacity: 1 } },
    ];
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 8, right: 8, top: 36, bottom: 24 },
        tooltip: { trigger: 'axis', confine: true },
        legend: { top: 0, data: [name, 'Forecast median', '10–90%', '25–75%'] },
        xAxis: { type: 'category', data: allX, boundaryGap: false },
        yAxis: { type: 'value' },
        series: [
          { name, type: 'line', data: [...history, ...new Array<null>(fx.length).fill(null)], symbol: 'none', color: '#3867d6' },
          ...band((p) => p.p10, (p) => p.p90, 'outer', 'rgba(31,138,76,0.15)', '10–90%'),
          ...band((p) => p.p25, (p) => p.p75, 'inner', 'rgba(31,138,76,0.3)', '25–75%'),
          { name: 'Forecast median', type: 'line', data: pad(forecast.map((p) => p.p50)), symbol: 'none', color: '#1f8a4c', lineStyle: { type: 'dashed' } },
        ],
      },
      true,
    );
  }, [x, history, forecast, name]);
  return <div ref={el} style={{ height: 260, width: '100%' }} data-testid={testId} />;
}
