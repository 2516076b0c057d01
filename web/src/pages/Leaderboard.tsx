import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { percent, shortAddress } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Segmented } from '../ui.js';
import { latency, type LeaderboardAnswer, type PipelinesAnswer } from './telemetryApi.js';

const WINDOWS: [string, string][] = [
  ['24', '24 h'],
  ['168', '7 days'],
  ['720', '30 days'],
];

/** Orchestrator leaderboard from gateway job reports, by pipeline, model and region, with the latency distribution. */
export default function Leaderboard() {
  const [pipeline, setPipeline] = useState('');
  const [model, setModel] = useState('');
  const [region, setRegion] = useState('GLOBAL');
  const [hours, setHours] = useState('168');
  const pipes = useQuery({ queryKey: ['tl-pipelines'], queryFn: () => api<PipelinesAnswer>('/api/pipelines', { days: 30 }) });
  const current = pipes.data?.pipelines.find((p) => p.id === pipeline) ?? pipes.data?.pipelines.find((p) => p.id !== 'transcoding') ?? pipes.data?.pipelines[0];
  const chosen = current?.id ?? '';
  const board = useQuery({
    queryKey: ['tl-board', chosen, model, region, hours],
    queryFn: () => api<LeaderboardAnswer>('/api/v1/telemetry/leaderboard', { pipeline: chosen, model, region, hours }),
    enabled: chosen !== '',
    placeholderData: keepPreviousData,
  });
  const hist = board.data?.regions[region] ?? Object.values(board.data?.regions ?? {})[0];
  const histSeries = useMemo(() => {
    if (!board.data || !hist) return null;
    const bounds = board.data.bucketBoundsMs;
    let lo = hist.histogram.findIndex((c) => c > 0);
    let hi = hist.histogram.length - 1 - [...hist.histogram].reverse().findIndex((c) => c > 0);
    if (lo < 0) return null;
    lo = Math.max(0, lo - 1);
    hi = Math.min(bounds.length - 1, hi + 1);
    return { x: bounds.slice(lo, hi + 1).map((b) => `≤ ${latency(b)}`), data: hist.histogram.slice(lo, hi + 1) };
  }, [board.data, hist]);

  if (pipes.isPending) return <Loading what="Loading pipelines" />;
  if (pipes.isError) return <ErrorBox error={pipes.error} retry={() => void pipes.refetch()} />;
  if (!current) return <Empty>No gateway has reported jobs yet. Gateways POST signed batches to /api/v1/telemetry/reports.</Empty>;
  const rows = board.data?.entries ?? [];
  return (
    <div className="page">
      <h1>Performance leaderboard</h1>
      <p className="crumbs">
        From signed gateway job reports. {board.data?.ai ? 'AI score = 0.65 × success rate + 0.35 × e^(−k·RTT), k so the median round trip scores 0.8.' : 'Transcoding score = success rate × (1 − e^(−segment duration / RTT)).'}
      </p>
      <div className="filters">
        <label>
          Pipeline
          <select value={chosen} onChange={(e) => (setPipeline(e.target.value), setModel(''))} data-testid="tl-pipeline">
            {pipes.data.pipelines.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id}
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
      {board.isError ? (
        <ErrorBox error={board.error} retry={() => void board.refetch()} />
      ) : board.isPending ? (
        <Loading what="Scoring orchestrators" />
      ) : (
        <>
          <section className="panel">
            <div className="panel-head">
              <h2>Round-trip latency of successful jobs</h2>
              <span className="crumbs">median {latency(hist?.medianRoundTripSec === null || hist === undefined ? null : hist.medianRoundTripSec * 1000)}</span>
            </div>
            {histSeries ? <Chart x={histSeries.x} series={[{ name: 'Jobs', type: 'bar', data: histSeries.data }]} zoom={false} height={200} testId="tl-histogram" /> : <Empty>No successful job in this selection.</Empty>}
          </section>
          <section className="panel">
            <div className="table-wrap">
              <table data-testid="tl-table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Orchestrator</th>
                    <th>Score</th>
                    <th>Success</th>
                    <th className="wide">Latency score</th>
                    <th>p50</th>
                    <th>p95</th>
                    <th className="wide">p99</th>
                    <th>Jobs</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.length === 0 && (
                    <tr>
                      <td colSpan={9}>
                        <Empty>No jobs for this selection.</Empty>
                      </td>
                    </tr>
                  )}
                  {rows.map((e, i) => (
                    <tr key={`${e.orchestrator}-${e.region}`} data-testid="tl-row">
                      <td className="num">{i + 1}</td>
                      <td>
                        <Link href={`/reliability/${e.orchestrator}`}>{shortAddress(e.orchestrator)}</Link>
                      </td>
                      <td className="num" data-testid="tl-score">
                        {e.score.toFixed(3)}
                      </td>
                      <td className="num">{percent(e.successRate, 1)}</td>
                      <td className="num wide">{e.roundTripScore.toFixed(3)}</td>
                      <td className="num">{latency(e.p50Ms)}</td>
                      <td className="num">{latency(e.p95Ms)}</td>
                      <td className="num wide">{latency(e.p99Ms)}</td>
                      <td className="num">{e.jobs.toLocaleString('en-US')}</td>
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
