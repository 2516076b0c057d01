import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Panel, Segmented } from '../components/ui.js';
import { count, latency, percent, shortAddress } from '../format.js';
import { Link, useLocation } from '../router.js';

const WINDOWS: [string, string][] = [
  ['24', '24 h'],
  ['168', '7 days'],
  ['720', '30 days'],
];

/** The latency histogram's buckets that hold jobs, with one empty bucket either side. */
function histogram(bounds: number[], counts: number[]): { x: string[]; data: number[] } | null {
  const lo = counts.findIndex((c) => c > 0);
  if (lo < 0) return null;
  const hi = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  const from = Math.max(0, lo - 1);
  const to = Math.min(bounds.length - 1, hi + 1);
  return { x: bounds.slice(from, to + 1).map((b) => `≤ ${latency(b)}`), data: counts.slice(from, to + 1) };
}

/** Orchestrator leaderboard from gateway job reports, by pipeline, model and region, with the latency distribution. */
export default function Leaderboard() {
  const { search } = useLocation();
  const [pipeline, setPipeline] = useState(search.get('pipeline') ?? '');
  const [model, setModel] = useState('');
  const [region, setRegion] = useState('GLOBAL');
  const [hours, setHours] = useState('168');
  const pipes = useApi('/api/pipelines', { query: { days: 30 } });
  const list = pipes.data?.pipelines ?? [];
  // By default the busiest pipeline: where most of the window's jobs went.
  const busiest = list.reduce<(typeof list)[number] | undefined>((best, p) => (!best || p.jobs > best.jobs ? p : best), undefined);
  const current = list.find((p) => p.id === pipeline) ?? busiest;
  const chosen = current?.id ?? '';
  const board = useApi('/api/v1/telemetry/leaderboard', { query: { pipeline: chosen, model, region, hours } }, { enabled: chosen !== '', keepPrevious: true });

  if (!pipes.data) return <ApiState q={pipes} what="Loading pipelines" />;
  if (!current) return <Empty>No gateway has reported jobs yet. Gateways POST signed batches to /api/v1/telemetry/reports.</Empty>;
  return (
    <div className="page">
      <h1>Performance leaderboard</h1>
      <p className="crumbs">
        From signed gateway job reports. {board.data?.ai ? 'Score = 0.65 × success rate + 0.35 × e^(−k·RTT), k so the median round trip scores 0.8' : 'Score = success rate × (1 − e^(−segment duration / RTT))'}, with
        the success rate taken at its 95% lower bound given the number of jobs: a perfect record over a handful of jobs ranks below a near-perfect one over many. The
        Livepeer score (raw success rate) is shown beside it. Latency percentiles are interpolated within the histogram&apos;s buckets.
      </p>
      <div className="filters">
        <label>
          Pipeline
          <select value={chosen} onChange={(e) => (setPipeline(e.target.value), setModel(''))} data-testid="tl-pipeline">
            {list.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id} ({count(p.jobs)} jobs)
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="tl-model">
            <option value="">All models</option>
            {current.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <select value={region} onChange={(e) => setRegion(e.target.value)} data-testid="tl-region">
            <option value="GLOBAL">Global</option>
            {current.regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <Segmented label="Window" value={hours} options={WINDOWS} onChange={setHours} />
      </div>
      <ApiState q={board} what="Scoring orchestrators">
        {(b) => {
          const hist = b.regions[region] ?? Object.values(b.regions)[0];
          const shown = hist ? histogram(b.bucketBoundsMs, hist.histogram) : null;
          return (
            <>
              <Panel title="Round-trip latency of successful jobs" actions={<span className="crumbs">median {latency(hist?.medianRoundTripSec == null ? null : hist.medianRoundTripSec * 1000)}</span>}>
                {shown ? <Chart x={shown.x} series={[bar('Jobs', shown.data)]} zoom={false} height={200} testId="tl-histogram" /> : <Empty>No successful job in this selection.</Empty>}
              </Panel>
              <Panel>
                <DataTable
                  rows={b.entries}
                  rowKey={(e) => `${e.orchestrator}-${e.region}`}
                  row={() => ({ 'data-testid': 'tl-row' })}
                  testId="tl-table"
                  empty="No jobs for this selection."
                  columns={[
                    { head: '#', num: true, cell: (_, i) => i + 1 },
                    { head: 'Orchestrator', cell: (e) => <Link href={`/orchestrators/${e.orchestrator}`} className="mono">{shortAddress(e.orchestrator)}</Link> },
                    { head: 'Score', num: true, testId: 'tl-score', cell: (e) => e.rankScore.toFixed(3) },
                    { head: 'Jobs', num: true, testId: 'tl-jobs', cell: (e) => count(e.jobs) },
                    { head: 'Success', num: true, title: (e) => `${e.successes} of ${e.jobs}; at least ${percent(e.successRateLow, 1)} with 95% confidence`, cell: (e) => `${percent(e.successRate, 1)} (≥ ${percent(e.successRateLow, 0)})` },
                    { head: 'Livepeer score', num: true, wide: true, cell: (e) => e.score.toFixed(3) },
                    { head: 'Latency score', num: true, wide: true, cell: (e) => e.roundTripScore.toFixed(3) },
                    { head: 'p50', num: true, cell: (e) => latency(e.p50Ms) },
                    { head: 'p95', num: true, cell: (e) => latency(e.p95Ms) },
                    { head: 'p99', num: true, wide: true, cell: (e) => latency(e.p99Ms) },
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
