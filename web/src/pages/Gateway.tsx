import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address, LabelBadge, useLabels } from '../components/labels.js';
import { OtherRoles } from '../components/roles.js';
import { Empty, Panel, Stat, TokenAmount } from '../components/ui.js';
import { count, percent, token } from '../format.js';
import { Link } from '../router.js';

/** A gateway's hub: its TicketBroker funds, the fees its winning tickets paid (per day and per orchestrator), and its telemetry. */
export default function GatewayPage({ address }: { address: string }) {
  const q = useApi('/api/v1/gateways/{address}', { params: { address } });
  const recipients = q.data?.orchestrators.map((o) => o.orchestrator) ?? [];
  const labels = useLabels([address, ...recipients]);
  if (!q.data) return <ApiState q={q} what="Loading the gateway" />;
  const g = q.data;
  const t = g.telemetry;
  return (
    <div className="page">
      <p className="crumbs">Gateway /</p>
      <h1 className="mono break" data-testid="gateway-address">
        {g.address}
      </h1>
      <LabelBadge label={labels.get(g.address)} />
      <p>
        {g.onChain ? <span className="badge on">TicketBroker sender</span> : <span className="badge off">telemetry only</span>}
        <OtherRoles address={g.address} current="gateway" />
      </p>
      <section className="cards">
        <Stat label="Deposit" value={<TokenAmount amount={g.deposit} digits={4} usd={g.depositUsd} testId="gateway-deposit" />} sub={g.withdrawRound ? `unlocking: withdrawable from round ${g.withdrawRound}` : 'pays winning tickets'} />
        <Stat label="Reserve" value={<TokenAmount amount={g.reserve} digits={4} usd={g.reserveUsd} testId="gateway-reserve" />} sub="covers tickets when the deposit runs out" />
        <Stat label="Fees paid" value={<TokenAmount amount={g.feesPaid} digits={4} usd={g.feesPaidUsd} testId="gateway-fees" />} sub={`${count(g.winningTickets)} winning tickets, face value ${token(g.faceValue, 4)}`} />
        <Stat label="Jobs reported" value={<span data-testid="gateway-jobs">{count(t.jobs)}</span>} sub={t.jobs > 0 ? `success ${percent(t.successRate, 1)} · ${t.firstDay} to ${t.lastDay}` : 'no signed telemetry'} />
      </section>
      <Panel title="Fees paid per day" testId="gateway-fees-per-day">
        {g.perDay.length === 0 ? (
          <Empty>No winning ticket paid yet.</Empty>
        ) : (
          <Chart x={g.perDay.map((d) => d.date)} series={[bar('Fees paid (ETH)', g.perDay.map((d) => plot(d.paid)))]} yNames={['ETH']} testId="chart-gateway-fees" />
        )}
      </Panel>
      <div className="grid2">
        <Panel title="Orchestrators paid">
          <DataTable
            rows={g.orchestrators}
            rowKey={(o) => o.orchestrator}
            testId="gateway-orchestrators"
            empty="No winning tickets."
            columns={[
              { head: 'Orchestrator', cell: (o) => <Address address={o.orchestrator} label={labels.get(o.orchestrator)} href={`/orchestrators/${o.orchestrator}`} /> },
              { head: 'Paid', num: true, cell: (o) => token(o.paid, 4) },
              { head: 'Tickets', num: true, cell: (o) => count(o.tickets) },
            ]}
          />
        </Panel>
        <Panel title="Demand it reported">
          <DataTable
            rows={t.byPipeline}
            rowKey={(p) => p.pipeline}
            testId="gateway-pipelines"
            empty="This gateway has sent no signed job reports."
            columns={[
              { head: 'Pipeline', cell: (p) => <Link href={`/leaderboard?pipeline=${encodeURIComponent(p.pipeline)}`}>{p.pipeline}</Link> },
              { head: 'Jobs', num: true, cell: (p) => count(p.jobs) },
              { head: 'Success', num: true, cell: (p) => percent(p.successRate, 1) },
              { head: 'Reported paid', num: true, wide: true, cell: (p) => token(p.reportedPaid, 6) },
            ]}
          />
          <p className="muted">
            From its signed job reports (telemetry). The <Link href="/demand">demand page</Link> sets them beside what its tickets paid on chain.
          </p>
        </Panel>
      </div>
    </div>
  );
}
