import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Panel, Segmented, Stat } from '../components/ui.js';
import { count, latency, percent, shortAddress } from '../format.js';
import { Link, navigate } from '../router.js';

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
  const q = useApi('/api/v1/telemetry/orchestrators/{address}/reliability', { params: { address }, query: { days } }, { keepPrevious: true });
  if (!q.data) return <ApiState q={q} what="Loading reliability" />;
  const r = q.data;
  const x = r.hours.map((h) => h.hour.slice(5, 16).replace('T', ' '));
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
            <Stat label="Jobs" value={count(r.jobs)} testId="rel-jobs" />
            <Stat label="Success rate" value={percent(r.successRate, 2)} testId="rel-success" />
            <Stat label="Pipelines" value={r.pipelines.length} sub={r.pipelines.join(', ')} />
            <Stat label="Errors" value={count(r.jobs - r.successes)} sub={r.errors[0] ? `most: ${r.errors[0].errorCode}` : undefined} />
          </section>
          <Panel title="Success rate and p95 latency per hour">
            <Chart
              x={x}
              series={[
                line('Success rate', r.hours.map((h) => (h.jobs === 0 ? null : h.successes / h.jobs)), { area: true }),
                line('p95 latency (s)', r.hours.map((h) => (h.p95Ms === null ? null : h.p95Ms / 1000)), { yAxis: 1 }),
              ]}
              yNames={['success', 'p95 (s)']}
              percentAxis={[true]}
              testId="rel-chart"
            />
          </Panel>
          <Panel title="Jobs per hour">
            <Chart x={x} series={[bar('Jobs per hour', r.hours.map((h) => h.jobs))]} height={180} zoom={false} />
          </Panel>
          <Panel title="By region">
            <DataTable
              rows={r.byRegion}
              rowKey={(g) => g.region}
              testId="rel-regions"
              columns={[
                { head: 'Region', cell: (g) => g.region },
                { head: 'Jobs', num: true, cell: (g) => count(g.jobs) },
                { head: 'Success', num: true, cell: (g) => percent(g.jobs === 0 ? null : g.successes / g.jobs, 1) },
                { head: 'p50', num: true, cell: (g) => latency(g.p50Ms) },
                { head: 'p95', num: true, cell: (g) => latency(g.p95Ms) },
                { head: 'p99', num: true, wide: true, cell: (g) => latency(g.p99Ms) },
              ]}
            />
          </Panel>
          <Panel title="Errors reported by gateways">
            <DataTable
              rows={r.errors}
              rowKey={(e) => e.errorCode}
              testId="rel-errors"
              empty="No failed job."
              columns={[
                { head: 'Error', cell: (e) => e.errorCode },
                { head: 'Jobs', num: true, cell: (e) => count(e.count) },
                { head: 'Share', num: true, cell: (e) => percent(e.count / r.jobs, 2) },
              ]}
            />
            {r.events.length > 0 && <p className="crumbs">Gateway events naming it: {r.events.map((e) => `${e.type}${e.subtype ? ` (${e.subtype})` : ''} × ${e.count}`).join(', ')}</p>}
          </Panel>
        </>
      )}
    </div>
  );
}
