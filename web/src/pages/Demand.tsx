import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { decimal, percent, shortAddress, token } from '../format.js';
import { Empty, ErrorBox, Loading, Segmented, Stat } from '../ui.js';
import FanChart from './FanChart.js';
import type { DemandAnswer } from './telemetryApi.js';

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
const ethSum = (xs: { wei: string }[]) => xs.reduce((a, x) => a + BigInt(x.wei), 0n);

/** Demand from gateway reports joined with on-chain winning tickets, with a forecast and the unserved share. */
export default function Demand() {
  const [by, setBy] = useState<By>('gateway');
  const [days, setDays] = useState('30');
  const q = useQuery({ queryKey: ['tl-demand', by, days], queryFn: () => api<DemandAnswer>('/api/v1/telemetry/demand', { by, days, horizon: 14 }) });
  const d = q.data;
  const feeSeries = useMemo(() => (d?.series ?? []).map((s) => ({ name: label(s.key), type: 'bar' as const, data: s.reported.map((a) => Number(a.formatted)) })), [d]);
  const chainSeries = useMemo(
    () => [
      { name: 'Paid on chain (ETH)', type: 'bar' as const, data: (d?.totals.onchain ?? []).map((a) => Number(a.formatted)) },
      { name: 'Reported by gateways (ETH)', type: 'line' as const, data: (d?.totals.reported ?? []).map((a) => Number(a.formatted)) },
      { name: 'Ticket expected value (ETH)', type: 'line' as const, data: (d?.totals.paymentEv ?? []).map((a) => Number(a.formatted)) },
    ],
    [d],
  );
  const jobSeries = useMemo(
    () => [
      { name: 'Jobs', type: 'bar' as const, data: d?.totals.jobs ?? [] },
      { name: 'Unserved share', type: 'line' as const, data: d?.unserved.dailyShare ?? [], yAxis: 1 as const },
    ],
    [d],
  );
  if (q.isPending) return <Loading what="Loading demand" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const data = q.data;
  const reported = ethSum(data.totals.reported);
  const onchain = ethSum(data.totals.onchain);
  const amt = (wei: bigint) => ({ wei: wei.toString(), formatted: formatEth(wei), unit: 'ETH' as const });
  return (
    <div className="page">
      <h1>Demand</h1>
      <div className="filters">
        <Segmented label="Group by" value={by} options={BY} onChange={setBy} />
        <Segmented label="Window" value={days} options={DAYS} onChange={setDays} />
      </div>
      <section className="cards">
        <Stat label="Jobs reported" value={data.totals.jobs.reduce((a, b) => a + b, 0).toLocaleString('en-US')} testId="dem-jobs" />
        <Stat label="Fees reported" value={token(amt(reported), 4)} />
        <Stat label="Paid on chain" value={token(amt(onchain), 4)} sub="winning tickets" testId="dem-onchain" />
        <Stat label="Unserved demand" value={percent(data.unserved.share, 2)} sub={`${data.unserved.unserved} of ${data.unserved.requests} requests`} testId="dem-unserved" />
      </section>
      {data.series.length === 0 && onchain === 0n ? (
        <Empty>No reports or tickets in this window.</Empty>
      ) : (
        <>
          <section className="panel">
            <h2>Fees reported per day by {BY.find(([b]) => b === by)![1].toLowerCase()} (ETH)</h2>
            <Chart x={data.days} series={feeSeries} testId="dem-by" />
          </section>
          <section className="panel">
            <h2>Reported fees against tickets paid on chain</h2>
            <Chart x={data.days} series={chainSeries} testId="dem-chain" />
          </section>
          <section className="panel">
            <h2>Jobs and the share no orchestrator could serve</h2>
            <Chart x={data.days} series={jobSeries} yNames={['jobs', 'unserved']} percentAxis={[false, true]} zoom={false} />
          </section>
          <section className="panel">
            <h2>Forecast: ETH paid on chain per day, next {data.forecast.onchainEth.length} days</h2>
            <FanChart x={data.days} history={data.totals.onchain.map((a) => Number(a.formatted))} forecast={data.forecast.onchainEth} name="Paid on chain (ETH)" testId="dem-fan" />
            <p className="crumbs">Trend of log(1 + daily ETH) by least squares; bands are 10–90% and 25–75% prediction intervals.</p>
          </section>
          <section className="panel">
            <div className="table-wrap">
              <table data-testid="dem-table">
                <thead>
                  <tr>
                    <th>{BY.find(([b]) => b === by)![1]}</th>
                    <th>Jobs</th>
                    <th>Reported (ETH)</th>
                    <th>On chain (ETH)</th>
                  </tr>
                </thead>
                <tbody>
                  {data.series.map((s) => (
                    <tr key={s.key}>
                      <td>{label(s.key)}</td>
                      <td className="num">{s.jobs.reduce((a, b) => a + b, 0).toLocaleString('en-US')}</td>
                      <td className="num">{decimal(formatEth(ethSum(s.reported)), 6)}</td>
                      <td className="num">{decimal(formatEth(ethSum(s.onchain)), 6)}</td>
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

function formatEth(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const frac = (wei % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}
