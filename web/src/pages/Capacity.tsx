import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import type { Answer } from '../api/client.js';
import Chart from '../charts/Chart.js';
import { bar } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Panel, Segmented } from '../components/ui.js';
import { count, latency, percent } from '../format.js';

const DAYS: [string, string][] = [
  ['1', '24 h'],
  ['7', '7 days'],
  ['30', '30 days'],
];

type Row = Answer<'/api/v1/telemetry/capacity'>['data'][number];

/** Jobs, peak-hour jobs (summed over regions) and most orchestrators per pipeline, busiest first. */
function byPipeline(rows: Row[]): [string, { jobs: number; peak: number; orchestrators: number }][] {
  const m = new Map<string, { jobs: number; peak: number; orchestrators: number }>();
  for (const r of rows) {
    const e = m.get(r.capability) ?? { jobs: 0, peak: 0, orchestrators: 0 };
    e.jobs += r.jobs;
    e.peak += r.peakHourJobs;
    e.orchestrators = Math.max(e.orchestrators, r.orchestrators);
    m.set(r.capability, e);
  }
  return [...m.entries()].sort((a, b) => b[1].jobs - a[1].jobs);
}

/** Served capacity per pipeline, model and region: how many orchestrators completed jobs, throughput, peaks and unserved requests. */
export default function Capacity() {
  const [days, setDays] = useState('7');
  const q = useApi('/api/v1/telemetry/capacity', { query: { days } }, { keepPrevious: true });
  return (
    <div className="page">
      <h1>Capacity</h1>
      <p className="crumbs">What gateways were served, per pipeline, model and region. Peak = the busiest hour's jobs (summed over regions in the chart).</p>
      <Segmented label="Window" value={days} options={DAYS} onChange={setDays} />
      <ApiState q={q} what="Loading capacity">
        {({ data: rows }) => {
          if (rows.length === 0) return <Empty>No gateway has reported jobs in this window.</Empty>;
          const pipes = byPipeline(rows);
          return (
            <>
              <Panel title="Jobs and peak hour by pipeline">
                <Chart
                  x={pipes.map(([k]) => k)}
                  series={[bar('Jobs', pipes.map(([, v]) => v.jobs)), bar('Peak hour jobs', pipes.map(([, v]) => v.peak), { yAxis: 1 })]}
                  yNames={['jobs', 'peak / h']}
                  zoom={false}
                  testId="cap-chart"
                />
              </Panel>
              <Panel>
                <DataTable
                  rows={rows}
                  rowKey={(r) => `${r.capability}|${r.model}|${r.region}`}
                  testId="cap-table"
                  columns={[
                    { head: 'Pipeline', cell: (r) => r.capability },
                    { head: 'Model', className: 'ellipsis', cell: (r) => r.model || '—' },
                    { head: 'Region', cell: (r) => r.region },
                    { head: 'Orchestrators', num: true, cell: (r) => r.orchestrators },
                    { head: 'Jobs', num: true, cell: (r) => count(r.jobs) },
                    { head: 'Peak / h', num: true, wide: true, cell: (r) => count(r.peakHourJobs) },
                    { head: 'Mean / h', num: true, wide: true, cell: (r) => r.meanHourJobs.toFixed(1) },
                    { head: 'Success', num: true, cell: (r) => percent(r.successRate, 1) },
                    { head: 'p95', num: true, cell: (r) => latency(r.p95Ms) },
                    { head: 'Unserved', num: true, cell: (r) => r.unserved },
                  ]}
                />
              </Panel>
            </>
          );
        }}
      </ApiState>
    </div>
  );
}
