import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { percent } from '../format.js';
import { Empty, ErrorBox, Loading, Segmented } from '../ui.js';
import { latency, type CapacityRow } from './telemetryApi.js';

const DAYS: [string, string][] = [
  ['1', '24 h'],
  ['7', '7 days'],
  ['30', '30 days'],
];

/** Served capacity per pipeline, model and region: how many orchestrators completed jobs, throughput, peaks and unserved requests. */
export default function Capacity() {
  const [days, setDays] = useState('7');
  const q = useQuery({ queryKey: ['tl-capacity', days], queryFn: () => api<{ data: CapacityRow[] }>('/api/v1/telemetry/capacity', { days }) });
  const byPipeline = useMemo(() => {
    const m = new Map<string, { jobs: number; peak: number; orchestrators: number }>();
    for (const r of q.data?.data ?? []) {
      const e = m.get(r.capability) ?? { jobs: 0, peak: 0, orchestrators: 0 };
      e.jobs += r.jobs;
      e.peak += r.peakHourJobs;
      e.orchestrators = Math.max(e.orchestrators, r.orchestrators);
      m.set(r.capability, e);
    }
    return [...m.entries()].sort((a, b) => b[1].jobs - a[1].jobs);
  }, [q.data]);
  if (q.isPending) return <Loading what="Loading capacity" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const rows = q.data.data;
  return (
    <div className="page">
      <h1>Capacity</h1>
      <p className="crumbs">What gateways were served, per pipeline, model and region. Peak = the busiest hour's jobs (summed over regions in the chart).</p>
      <Segmented label="Window" value={days} options={DAYS} onChange={setDays} />
      {rows.length === 0 ? (
        <Empty>No gateway has reported jobs in this window.</Empty>
      ) : (
        <>
          <section className="panel">
            <h2>Jobs and peak hour by pipeline</h2>
            <Chart
              x={byPipeline.map(([k]) => k)}
              series={[
                { name: 'Jobs', type: 'bar', data: byPipeline.map(([, v]) => v.jobs) },
                { name: 'Peak hour jobs', type: 'bar', data: byPipeline.map(([, v]) => v.peak), yAxis: 1 },
              ]}
              yNames={['jobs', 'peak / h']}
              zoom={false}
              testId="cap-chart"
            />
          </section>
          <section className="panel">
            <div className="table-wrap">
              <table data-testid="cap-table">
                <thead>
                  <tr>
                    <th>Pipeline</th>
                    <th>Model</th>
                    <th>Region</th>
                    <th>Orchestrators</th>
                    <th>Jobs</th>
                    <th className="wide">Peak / h</th>
                    <th className="wide">Mean / h</th>
                    <th>Success</th>
                    <th>p95</th>
                    <th>Unserved</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.capability}|${r.model}|${r.region}`}>
                      <td>{r.capability}</td>
                      <td className="ellipsis">{r.model || '—'}</td>
                      <td>{r.region}</td>
                      <td className="num">{r.orchestrators}</td>
                      <td className="num">{r.jobs.toLocaleString('en-US')}</td>
                      <td className="num wide">{r.peakHourJobs.toLocaleString('en-US')}</td>
                      <td className="num wide">{r.meanHourJobs.toFixed(1)}</td>
                      <td className="num">{percent(r.successRate, 1)}</td>
                      <td className="num">{latency(r.p95Ms)}</td>
                      <td className="num">{r.unserved}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
