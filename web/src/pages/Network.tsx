import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { line } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Stat } from '../components/ui.js';
import { count, dateTime, decimal, latency, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** The network as gateways and delegators meet it: discovery of every orchestrator, versions, price floors, market cut rates and delegators' responses. */
export default function NetworkPage() {
  const discovery = useApi('/api/v1/discovery', { query: { polls: 30 } });
  const reach = useApi('/api/v1/discovery/orchestrators', { query: { days: 7, sort: 'reachability', limit: 20 } });
  const versions = useApi('/api/v1/trends/versions', { query: { days: 30 } });
  const prices = useApi('/api/v1/trends/prices', { query: { days: 30, bucket: 'day' } });
  const cuts = useApi('/api/v1/trends/cuts', { query: { rounds: 90 } });
  const responses = useApi('/api/v1/staking/cut-changes', { query: { window: 5, limit: 20 } });
  const overrides = useApi('/api/v1/governance/overrides');
  if (!discovery.data) return <ApiState q={[discovery]} what="Loading discovery" />;
  const latest = discovery.data.latest;
  return (
    <div className="page">
      <h1>Network: discovery, prices and market rates</h1>
      <p className="muted">
        Atlas asks every orchestrator registered on chain for its offer the way a gateway does (go-livepeer’s GetOrchestrator over gRPC and TLS), on a schedule with timeouts and backoff. Offers feed{' '}
        <Link href="/match">Match</Link> and <Link href="/market">Market</Link>; signed adverts, where an orchestrator publishes one, take precedence.
      </p>
      {latest ? (
        <section className="cards">
          <Stat label="Answered, latest poll" value={<span data-testid="discovery-answered">{`${count(latest.answered)} of ${count(latest.targets)}`}</span>} sub={`${dateTime(latest.at)} · ${latest.wallMs} ms`} />
          <Stat label="Failed" value={count(latest.failed)} sub={discovery.data.failures.map((f) => `${f.kind} ${f.count}`).join(' · ') || 'none'} />
          <Stat label="Backing off" value={count(latest.skipped)} sub="not asked until their pause ends" />
        </section>
      ) : (
        <Empty>No discovery poll yet.</Empty>
      )}
      {reach.data && reach.data.data.length > 0 && (
        <>
          <h2>Least reachable orchestrators, last 7 days</h2>
          <DataTable
            rows={reach.data.data}
            rowKey={(r) => r.orchestrator}
            testId="reachability"
            columns={[
              { head: 'Orchestrator', cell: (r) => <Link href={`/orchestrators/${r.orchestrator}`}>{shortAddress(r.orchestrator)}</Link> },
              { head: 'Answered', num: true, cell: (r) => `${r.answered} of ${r.asked} (${percent(r.reachability, 0)})` },
              { head: 'Median latency', num: true, cell: (r) => latency(r.medianLatencyMs) },
              { head: 'Version', cell: (r) => r.version ?? '—' },
              { head: 'Last failure', cell: (r) => r.lastFailure ?? '—' },
            ]}
          />
        </>
      )}
      {versions.data && versions.data.distribution.length > 0 && (
        <>
          <h2>Node versions against gateways’ minimums</h2>
          <DataTable
            rows={versions.data.distribution}
            rowKey={(v) => v.version}
            testId="versions"
            columns={[
              { head: 'go-livepeer', cell: (v) => v.version },
              { head: 'Orchestrators', num: true, cell: (v) => count(v.orchestrators) },
              { head: 'Share', num: true, cell: (v) => percent(v.share) },
            ]}
          />
          <DataTable
            rows={versions.data.minimums}
            rowKey={(m) => `${m.gateway}-${m.jobClass}`}
            testId="version-minimums"
            columns={[
              { head: 'Gateway job class', cell: (m) => `${shortAddress(m.gateway)} · ${m.jobClass}` },
              { head: 'Minimum', cell: (m) => m.minVersion },
              { head: 'Orchestrators meeting it', num: true, cell: (m) => `${count(m.meeting)} (${percent(m.share, 0)})` },
            ]}
          />
        </>
      )}
      {prices.data && prices.data.series.length > 0 && (
        <>
          <h2>Price floors per capability and model (latest day)</h2>
          <DataTable
            rows={prices.data.series}
            rowKey={(s) => `${s.capability}-${s.model}`}
            testId="price-floors"
            columns={[
              { head: 'Capability', cell: (s) => s.capabilityName },
              { head: 'Model', cell: (s) => s.model ?? '—' },
              { head: 'Quoting', num: true, cell: (s) => count(s.latest.offers) },
              { head: 'Floor (wei/unit)', num: true, cell: (s) => decimal(s.latest.floor.weiPerUnit) },
              { head: 'Median (wei/unit)', num: true, cell: (s) => decimal(s.latest.median.weiPerUnit) },
            ]}
          />
        </>
      )}
      {cuts.data && cuts.data.data.length > 0 && (
        <>
          <h2>Market rate of reward cut and fee share per round</h2>
          <Chart
            x={cuts.data.data.map((c) => String(c.round))}
            series={[
              line('Reward cut, median (%)', cuts.data.data.map((c) => c.rewardCut?.median ?? null)),
              line('Reward cut, p90 (%)', cuts.data.data.map((c) => c.rewardCut?.p90 ?? null)),
              line('Fee share, median (%)', cuts.data.data.map((c) => c.feeShare?.median ?? null)),
            ]}
            testId="cuts-chart"
            zoom={false}
          />
        </>
      )}
      {responses.data && (
        <>
          <h2>How delegators respond to cut changes ({responses.data.window} rounds before and after)</h2>
          <DataTable
            rows={responses.data.summary}
            rowKey={(s) => s.change}
            testId="cut-responses"
            columns={[
              { head: 'Change', cell: (s) => s.change },
              { head: 'Changes', num: true, cell: (s) => count(s.changes) },
              { head: 'Mean net stake in, before', num: true, cell: (s) => token(s.meanNetFlowBefore, 0) },
              { head: 'After', num: true, cell: (s) => token(s.meanNetFlowAfter, 0) },
            ]}
          />
        </>
      )}
      {overrides.data && overrides.data.data.length > 0 && (
        <>
          <h2>Delegators overriding their delegate, and why</h2>
          <DataTable
            rows={overrides.data.data}
            rowKey={(o) => o.proposalId}
            testId="overrides"
            columns={[
              { head: 'Proposal', cell: (o) => <Link href={`/proposals/${o.proposalId}`}>{o.title ?? o.proposalId.slice(0, 10)}</Link> },
              { head: 'Overrides', num: true, cell: (o) => count(o.overrides) },
              { head: 'Weight', num: true, cell: (o) => token(o.weight, 0) },
              { head: 'Reasons given', cell: (o) => o.reasons.filter((r) => r.reason).map((r) => `“${r.reason}” (${r.votes})`).join(', ') || '—' },
            ]}
          />
        </>
      )}
      {discovery.data.polls.length > 1 && (
        <>
          <h2>Polls</h2>
          <Chart x={[...discovery.data.polls].reverse().map((p) => day(p.at))} series={[line('Answered', [...discovery.data.polls].reverse().map((p) => p.answered)), line('Failed', [...discovery.data.polls].reverse().map((p) => p.failed))]} testId="polls-chart" zoom={false} />
        </>
      )}
    </div>
  );
}
