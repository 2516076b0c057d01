import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { percent, shortAddress } from '../format.js';
import { Link, navigate } from '../router.js';
import { Empty, ErrorBox, Loading, Segmented, Stat } from '../ui.js';
import { latency, type ReliabilityAnswer } from './telemetryApi.js';

const DAYS: [string, string][] = [
  ['1', '24 h'],
  ['7', '7 days'],
  ['30', '30 days'],
];

/** Pick an orchestrator by address (the leaderboard links here directly). */
export function ReliabilityIndex() {
  const [text, setText] = useState('');
  const ok = /^0x[0-9a-fA-F]{40}$/.test(text.trim());
  return (
    <div className="page">
      <h1>Orchestrator reliability</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) navigate(`/reliability/${text.trim().toLowerCase()}`);
        }}
      >
        <label>
          Orchestrator address
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="0x…" maxLength={42} data-testid="rel-address" />
        </label>
        <button type="submit" disabled={!ok}>
          Show
        </button>
      </form>
      <p className="crumbs">
        Or pick one on the <Link href="/leaderboard">leaderboard</Link>.
      </p>
    </div>
  );
}

/** One orchestrator's reliability from gateway reports: hourly success rate and p95, errors, regions, gateway events. */
export default function Reliability({ address }: { address: string }) {
  const [days, setDays] = useState('7');
  const q = useQuery({ queryKey: ['tl-rel', address, days], queryFn: () => api<ReliabilityAnswer>(`/api/v1/telemetry/orchestrators/${address}/reliability`, { days }) });
  const x = useMemo(() => (q.data?.hours ?? []).map((h) => h.hour.slice(5, 16).replace('T', ' ')), [q.data]);
  const series = useMemo(
    () => [
      { name: 'Success rate', type: 'line' as const, data: (q.data?.hours ?? []).map((h) => (h.jobs === 0 ? null : h.successes / h.jobs)), area: true },
      { name: 'p95 latency (s)', type: 'line' as const, data: (q.data?.hours ?? []).map((h) => (h.p95Ms === null ? null : h.p95Ms / 1000)), yAxis: 1 as const },
    ],
    [q.data],
  );
  const jobs = useMemo(() => [{ name: 'Jobs per hour', type: 'bar' as const, data: (q.data?.hours ?? []).map((h) => h.jobs) }], [q.data]);
  if (q.isPending) return <Loading what="Loading reliability" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const r = q.data;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/leaderboard">Leaderboard</Link> / reliability
      </p>
      <h1>
        Reliability of <Link href={`/orchestrators/${address}`}>{shortAddress(address)}</Link>
      </h1>
      <Segmented label="Window" value={days} options={DAYS} onChange={setDays} />
      {r.jobs === 0 ? (
        <Empty>No gateway reported a job with this orchestrator in this window.</Empty>
      ) : (
        <>
          <section className="cards">
            <Stat label="Jobs" value={r.jobs.toLocaleString('en-US')} testId="rel-jobs" />
            <Stat label="Success rate" value={percent(r.successRate, 2)} testId="rel-success" />
            <Stat label="Pipelines" value={r.pipelines.length} sub={r.pipelines.join(', ')} />
            <Stat label="Errors" value={(r.jobs - r.successes).toLocaleString('en-US')} sub={r.errors[0] ? `most: ${r.errors[0].errorCode}` : undefined} />
          </section>
          <section className="panel">
            <h2>Success rate and p95 latency per hour</h2>
            <Chart x={x} series={series} yNames={['success', 'p95 (s)']} percentAxis={[true]} testId="rel-chart" />
          </section>
          <section className="panel">
            <h2>Jobs per hour</h2>
            <Chart x={x} series={jobs} height={180} zoom={false} />
          </section>
          <section className="panel">
            <h2>By region</h2>
            <div className="table-wrap">
              <table data-testid="rel-regions">
                <thead>
                  <tr>
                    <th>Region</th>
                    <th>Jobs</th>
                    <th>Success</th>
                    <th>p50</th>
                    <th>p95</th>
                    <th className="wide">p99</th>
                  </tr>
                </thead>
                <tbody>
                  {r.byRegion.map((g) => (
                    <tr key={g.region}>
                      <td>{g.region}</td>
                      <td className="num">{g.jobs.toLocaleString('en-US')}</td>
                      <td className="num">{percent(g.jobs === 0 ? null : g.successes / g.jobs, 1)}</td>
                      <td className="num">{latency(g.p50Ms)}</td>
                      <td className="num">{latency(g.p95Ms)}</td>
                      <td className="num wide">{latency(g.p99Ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="panel">
            <h2>Errors reported by gateways</h2>
            {r.errors.length === 0 ? (
              <Empty>No failed job.</Empty>
            ) : (
              <table data-testid="rel-errors">
                <tbody>
                  {r.errors.map((e) => (
                    <tr key={e.errorCode}>
                      <td>{e.errorCode}</td>
                      <td className="num">{e.count.toLocaleString('en-US')}</td>
                      <td className="num">{percent(e.count / r.jobs, 2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {r.events.length > 0 && (
              <p className="crumbs">Gateway events naming it: {r.events.map((e) => `${e.type}${e.subtype ? ` (${e.subtype})` : ''} × ${e.count}`).join(', ')}</p>
            )}
          </section>
        </>
      )}
    </div>
  );
}
