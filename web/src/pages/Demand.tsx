import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import FanChart from '../charts/FanChart.js';
import { bar, line, plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Panel, Segmented, Stat } from '../components/ui.js';
import { count, percent, shortAddress, sumAmounts, token, tokenNumber } from '../format.js';

type By = 'gateway' | 'capability' | 'model' | 'orchestrator';
const BY: [By, string][] = [
  ['gateway', 'Gateway'],
  ['capability', 'Pipeline'],
  ['model', 'Model'],
  ['orchestrator', 'Orchestrator'],
];
const DAYS: [string, string][] = [
  ['7', '7 days'],
  ['30', '30 days'],
  ['90', '90 days'],
];

const label = (k: string) => (/^0x[0-9a-f]{40}$/.test(k) ? shortAddress(k) : k === '' ? '(none)' : k);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Demand from gateway reports joined with on-chain winning tickets, with a forecast and the unserved share. */
export default function Demand() {
  const [by, setBy] = useState<By>('gateway');
  const [days, setDays] = useState('30');
  const q = useApi('/api/v1/telemetry/demand', { query: { by, days, horizon: 14 } }, { keepPrevious: true });
  if (!q.data) return <ApiState q={q} what="Loading demand" />;
  const d = q.data;
  const byName = BY.find(([b]) => b === by)![1];
  const onchain = sumAmounts(d.totals.onchain, 'ETH');
  return (
    <div className="page">
      <h1>Demand</h1>
      <div className="filters">
        <Segmented label="Group by" value={by} options={BY} onChange={setBy} />
        <Segmented label="Window" value={days} options={DAYS} onChange={setDays} />
      </div>
      <section className="cards">
        <Stat label="Jobs reported" value={count(sum(d.totals.jobs))} testId="dem-jobs" />
        <Stat label="Fees reported" value={token(sumAmounts(d.totals.reported, 'ETH'), 4)} />
        <Stat label="Paid on chain" value={token(onchain, 4)} sub="winning tickets" testId="dem-onchain" />
        <Stat label="Unserved demand" value={percent(d.unserved.share, 2)} sub={`${d.unserved.unserved} of ${d.unserved.requests} requests`} testId="dem-unserved" />
      </section>
      {d.series.length === 0 && onchain.wei === '0' ? (
        <Empty>No reports or tickets in this window.</Empty>
      ) : (
        <>
          <Panel title={`Fees reported per day by ${byName.toLowerCase()} (ETH)`}>
            <Chart x={d.days} series={d.series.map((s) => bar(label(s.key), s.reported.map(plot)))} testId="dem-by" />
          </Panel>
          <Panel title="Reported fees against tickets paid on chain">
            <Chart
              x={d.days}
              series={[bar('Paid on chain (ETH)', d.totals.onchain.map(plot)), line('Reported by gateways (ETH)', d.totals.reported.map(plot)), line('Ticket expected value (ETH)', d.totals.paymentEv.map(plot))]}
              testId="dem-chain"
            />
          </Panel>
          <Panel title="Jobs and the share no orchestrator could serve">
            <Chart x={d.days} series={[bar('Jobs', d.totals.jobs), line('Unserved share', d.unserved.dailyShare, { yAxis: 1 })]} yNames={['jobs', 'unserved']} percentAxis={[false, true]} zoom={false} />
          </Panel>
          <Panel title={`Forecast: ETH paid on chain per day, next ${d.forecast.onchainEth.length} days`}>
            <FanChart x={d.days} history={d.totals.onchain.map(plot)} forecast={d.forecast.onchainEth} name="Paid on chain (ETH)" testId="dem-fan" />
            <p className="crumbs">Trend of log(1 + daily ETH) by least squares; bands are 10–90% and 25–75% prediction intervals.</p>
          </Panel>
          <Panel>
            <DataTable
              rows={d.series}
              rowKey={(s) => s.key}
              testId="dem-table"
              columns={[
                { head: byName, cell: (s) => label(s.key) },
                { head: 'Jobs', num: true, cell: (s) => count(sum(s.jobs)) },
                { head: 'Reported (ETH)', num: true, cell: (s) => tokenNumber(sumAmounts(s.reported, 'ETH'), 6) },
                { head: 'On chain (ETH)', num: true, cell: (s) => tokenNumber(sumAmounts(s.onchain, 'ETH'), 6) },
              ]}
            />
          </Panel>
        </>
      )}
    </div>
  );
}
