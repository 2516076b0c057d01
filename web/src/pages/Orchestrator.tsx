import { useApi, useApiPages } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line, plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable, moreOf } from '../components/DataTable.js';
import { LabelBadge, useLabels } from '../components/labels.js';
import { Empty, Panel, Stat, TokenAmount } from '../components/ui.js';
import { dateTime, decimal, host, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { OtherRoles } from '../components/roles.js';
import { OrchestratorHub } from './OrchestratorHub.js';

const cut = (percent: number) => `${decimal(String(percent))}%`;

export default function OrchestratorPage({ address }: { address: string }) {
  const q = useApi('/api/v1/orchestrators/{address}', { params: { address }, query: { historyRounds: 1000 } });
  const dels = useApiPages('/api/v1/orchestrators/{address}/delegators', { params: { address }, query: { limit: 25 } });
  const delegatorRows = dels.data?.pages.flatMap((p) => p.data) ?? [];
  const labels = useLabels([address, ...delegatorRows.map((d) => d.address)]);
  if (!q.data) return <ApiState q={q} what="Loading the orchestrator" />;
  const { orchestrator: o, cutChanges, history } = q.data;
  const x = history.map((p) => String(p.round));
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/orchestrators">Orchestrators</Link> /
      </p>
      <h1 className="mono break" data-testid="orch-address">
        {o.address}
      </h1>
      <LabelBadge label={labels.get(o.address)} />
      <p>
        {o.active ? <span className="badge on">active</span> : <span className="badge off">inactive</span>} <span className="muted">service</span>{' '}
        <span data-testid="orch-service">{host(o.serviceUri)}</span>
        {o.aiServiceUri && <span className="muted"> · AI {host(o.aiServiceUri)}</span>}
        <OtherRoles address={o.address} current="orchestrator" />
      </p>
      <section className="cards">
        <Stat
          label="Total stake"
          value={<TokenAmount amount={o.totalStake} digits={2} usd={o.usd.totalStake} testId="orch-stake" usdTestId="usd-orch-stake" />}
          sub={`${o.delegators} delegators`}
        />
        <Stat label="Reward cut" value={<span data-testid="orch-rewardcut">{decimal(String(o.rewardCut.percent), 2)}%</span>} sub="kept of rewards" />
        <Stat label="Fee cut" value={<span data-testid="orch-feecut">{decimal(String(o.feeCut.percent), 2)}%</span>} sub={`fee share ${decimal(String(o.feeShare.percent), 2)}% to delegators`} />
        <Stat
          label="Fees, 30 days"
          value={<TokenAmount amount={o.fees30d} digits={4} usd={o.usd.fees30d} testId="orch-fees30" usdTestId="usd-orch-fees30" />}
          sub={
            <>
              90 days: <TokenAmount amount={o.fees90d} digits={4} usd={o.usd.fees90d} />
            </>
          }
        />
        <Stat label="Reward calls, 90 rounds" value={<span data-testid="orch-calls">{percent(o.rewardCalls90.ratio, 0)}</span>} sub={`${o.rewardCalls90.called} of ${o.rewardCalls90.eligible} rounds`} />
        <Stat label="Age" value={o.ageRounds === null ? '—' : `${o.ageRounds} rounds`} sub={o.firstSeenRound ? `first seen in round ${o.firstSeenRound}` : undefined} />
      </section>

      <OrchestratorHub o={o} />

      <Panel title="Stake and earnings per round">
        {history.length === 0 ? (
          <Empty>No earnings pools yet.</Empty>
        ) : (
          <div className="grid2">
            <Chart x={x} series={[line('Pool stake (LPT)', history.map((p) => plot(p.totalStake)), { area: true })]} yNames={['LPT']} testId="chart-stake" />
            <Chart
              x={x}
              series={[bar('Rewards (LPT)', history.map((p) => plot(p.rewards))), line('Fees (ETH)', history.map((p) => plot(p.fees)), { yAxis: 1 })]}
              yNames={['LPT', 'ETH']}
              testId="chart-earnings"
            />
          </div>
        )}
      </Panel>

      <Panel title="Pools and reward calls">
        <DataTable
          rows={[...history].reverse()}
          rowKey={(p) => p.round}
          testId="pools"
          columns={[
            { head: 'Round', cell: (p) => p.round },
            { head: 'Reward call', cell: (p) => (p.rewardCalled ? <span className="badge on">called</span> : <span className="badge off">missed</span>) },
            {
              head: 'Pool stake',
              num: true,
              cell: (p) => <TokenAmount amount={p.totalStake} digits={0} usd={p.usd.totalStake} />,
            },
            {
              head: 'Rewards',
              num: true,
              cell: (p) => <TokenAmount amount={p.rewards} digits={2} usd={p.usd.rewards} usdTestId="usd-pool-rewards" />,
            },
            {
              head: 'Fees',
              num: true,
              cell: (p) => <TokenAmount amount={p.fees} digits={4} usd={p.usd.fees} usdTestId="usd-pool-fees" />,
            },
            { head: 'Cuts (reward / fee)', num: true, wide: true, cell: (p) => `${cut(p.rewardCut.percent)} / ${cut(100 - p.feeShare.percent)}` },
          ]}
        />
      </Panel>

      <Panel title="Cut history">
        <DataTable
          rows={cutChanges}
          rowKey={(c) => `${c.blockNumber}-${c.txHash}`}
          testId="cut-changes"
          empty="No TranscoderUpdate events."
          columns={[
            { head: 'Round', cell: (c) => c.round ?? '—' },
            { head: 'When', cell: (c) => dateTime(c.time) },
            { head: 'Reward cut', num: true, cell: (c) => cut(c.rewardCut.percent) },
            { head: 'Fee cut', num: true, cell: (c) => cut(100 - c.feeShare.percent) },
          ]}
        />
      </Panel>

      <Panel
        title={
          <>
            Delegators <span className="muted" data-testid="delegator-total">{dels.data?.pages[0]?.total ?? ''}</span>
          </>
        }
      >
        <ApiState q={dels}>
          {() => (
            <DataTable
              rows={delegatorRows}
              rowKey={(d) => d.address}
              testId="delegators"
              empty="Nobody is bonded to this orchestrator."
              more={moreOf(dels)}
              columns={[
                {
                  head: 'Account',
                  cell: (d) => (
                    <>
                      <Link href={`/accounts/${d.address}`} className="mono">
                        {shortAddress(d.address)}
                      </Link>{' '}
                      <LabelBadge label={labels.get(d.address)} />
                    </>
                  ),
                },
                { head: 'Bonded', num: true, cell: (d) => token(d.bondedAmount, 2) },
                { head: 'Since round', num: true, wide: true, cell: (d) => d.startRound },
              ]}
            />
          )}
        </ApiState>
      </Panel>
    </div>
  );
}
