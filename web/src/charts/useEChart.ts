import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type RefObject } from 'react';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts instance on a div: created once, resized with its box, disposed on unmount. The option is set
 * again only when its content changes (compared as JSON), so pages pass fresh objects on every render without
 * memoizing them and a re-render keeps the reader's zoom.
 */
export function useEChart(option: ChartOption): RefObject<HTMLDivElement | null> {
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
  // Functions (axis label formatters) do not survive JSON; the rest of the option says when it changed.
  const key = JSON.stringify(option);
  const latest = useRef(option);
  latest.current = option;
  useEffect(() => {
    chart.current?.setOption(latest.current, { notMerge: true });
  }, [key]);
  return el;
}
