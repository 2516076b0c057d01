import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, type FeeBucket, type Network, type Page, type Round } from '../api.js';
import Chart from '../Chart.js';
import { compact, dateTime, decimal, percent, token } from '../format.js';
import { Link } from '../router.js';
import { Bar, Empty, ErrorBox, Loading, Segmented, Stat, Usd } from '../ui.js';

type Range = '30' | '90' | 'all';

export default function Overview() {
  const net = useQuery({ queryKey: ['network'], queryFn: () => api<Network>('/api/v1/network') });
  const rounds = useQuery({ queryKey: ['rounds'], queryFn: () => api<Page<Round>>('/api/v1/rounds', { limit: 1000, order: 'asc' }) });
  const [interval, setInterval] = useState<'day' | 'week'>('day');
  const fees = useQuery({ queryKey: ['fees', interval], queryFn: () => api<{ data: FeeBucket[] }>('/api/v1/network/fees', { interval }) });
  const [range, setRange] = useState<Range>('all');

  const shown = useMemo(() => {
    const all = rounds.data?.data ?? [];
    return range === 'all' ? all : all.slice(-Number(range));
  }, [rounds.data, range]);
  const x = useMemo(() => shown.map((r) => String(r.round)), [shown]);
  const participation = useMemo(
    () => [
      { name: 'Participation', type: 'line' as const, data: shown.map((r) => r.participation), area: true },
      { name: 'Inflation per round', type: 'line' as const, data: shown.map((r) => r.inflation.percentPerRound / 100), yAxis: 1 as const },
    ],
    [shown],
  );
  const counts = useMemo(
    () => [
      { name: 'Active orchestrators', type: 'line' as const, data: shown.map((r) => r.activeOrchestrators) },
      { name: 'Delegators', type: 'line' as const, data: shown.map((r) => r.delegators), yAxis: 1 as const },
    ],
    [shown],
  );
  const rewards = useMemo(
    () => [
      { name: 'Mintable (LPT)', type: 'bar' as const, data: shown.map((r) => Number(r.mintable.formatted)), color: '#c8d6e5' },
      { name: 'Rewards called (LPT)', type: 'bar' as const, data: shown.map((r) => Number(r.rewards.formatted) + Number(r.treasuryRewards.formatted)) },
    ],
    [shown],
  );
  const feeX = useMemo(() => (fees.data?.data ?? []).map((b) => b.date), [fees.data]);
  const feeSeries = useMemo(() => {
    const buckets = fees.data?.data ?? [];
    const eth = { name: `Fees per ${interval} (ETH)`, type: 'bar' as const, data: buckets.map((b) => Number(b.fees.formatted)) };
    // USD at the time of payment, where an ETH/USD price is known for the bucket.
    if (!buckets.some((b) => b.feesUsd !== null)) return [eth];
    return [eth, { name: `Fees per ${interval} (USD)`, type: 'line' as const, yAxis: 1 as const, data: buckets.map((b) => (b.feesUsd === null ? null : Number(b.feesUsd))) }];
  }, [fees.data, interval]);
  const feeAxes: [string, string?] = feeSeries.length > 1 ? ['ETH', 'USD'] : ['ETH'];

  if (net.isPending) return <Loading what="Loading the network" />;
  if (net.isError) return <ErrorBox error={net.error} retry={() => void net.refetch()} />;
  const n = net.data;
  const cur = n.currentRound;
  return (
    <div className="page">
      <h1>Network overview</h1>
      {!cur ? (
        <Empty>No round has been indexed yet. The indexer is still catching up.</Empty>
      ) : (
        <section className="cards">
          <Stat
            label="Current round"
            value={<span data-testid="current-round">{cur.round}</span>}
            sub={
              cur.progress ? (
                <>
                  <Bar value={cur.progress.fraction} testId="round-progress" /> {percent(cur.progress.fraction, 0)} through{cur.progress.basis === 'time-estimate' ? ' (est. from time)' : ''}
                </>
              ) : (
                `started ${dateTime(cur.startTime)}`
              )
            }
          />
          <Stat
            label="Rewards called / mintable"
            value={<><span data-testid="rewards-called">{token(cur.rewardsCalled, 0)}</span><Usd value={n.usd.currentRoundRewardsCalled} testId="usd-rewards-called" /></>}
            sub={
              <>
                <Bar value={cur.rewardsCalledShare} /> {percent(cur.rewardsCalledShare, 1)} of <span data-testid="mintable">{token(cur.mintable, 0)}</span> · {cur.rewardCalls} calls
              </>
            }
          />
          <Stat label="Participation" value={<span data-testid="participation">{percent(n.participation?.ratio ?? null)}</span>} sub={<>{compact(n.participation?.totalActiveStake)} of {compact(n.participation?.totalSupply)}<Usd value={n.usd.totalActiveStake} testId="usd-active-stake" /></>} />
          <Stat label="Inflation per round" value={<span data-testid="inflation">{n.inflation ? `${decimal(String(n.inflation.percentPerRound), 4)}%` : '—'}</span>} sub={n.inflation ? `${n.inflation.ppb} ppb` : undefined} />
          <Stat label="Active orchestrators" value={<span data-testid="active-orchestrators">{n.activeOrchestrators}</span>} sub={`${n.registeredOrchestrators} registered`} />
          <Stat label="Delegators" value={<span data-testid="delegators">{n.delegators}</span>} sub="accounts with stake" />
          <Stat label="Fees this round" value={<><span data-testid="round-fees">{token(cur.fees, 4)}</span><Usd value={n.usd.currentRoundFees} testId="usd-round-fees" /></>} sub={`${cur.winningTickets} winning tickets`} />
          <Stat label="Fees, all time" value={<span data-testid="total-fees">{token(n.totals.fees, 2)}</span>} sub={`${n.totals.rounds} rounds indexed`} />
        </section>
      )}

      <section className="panel">
        <div className="panel-head">
          <h2>Fees paid to orchestrators</h2>
          <Segmented label="Fee interval" value={interval} onChange={setInterval} options={[['day', 'Per day'], ['week', 'Per week']]} />
        </div>
        <p className="muted">
          ETH transferred by winning tickets, by UTC {interval}.{' '}
          {feeSeries.length > 1 ? 'USD: each block’s payments at the ETH/USD price in effect then.' : 'USD appears once an ETH/USD price is known (price feed or imported series).'}
        </p>
        {fees.isPending ? <Loading /> : fees.isError ? <ErrorBox error={fees.error} /> : feeX.length === 0 ? <Empty>No fees paid yet.</Empty> : <Chart x={feeX} series={feeSeries} yNames={feeAxes} testId="chart-fees" />}
      </section>

      <section className="panel">
        <div className="panel-head">
          <h2>Per round</h2>
          <Segmented label="Round range" value={range} onChange={setRange} options={[['30', 'Last 30'], ['90', 'Last 90'], ['all', 'All']]} />
        </div>
        {rounds.isPending ? (
          <Loading />
        ) : rounds.isError ? (
          <ErrorBox error={rounds.error} />
        ) : shown.length === 0 ? (
          <Empty>No rounds yet.</Empty>
        ) : (
          <div className="grid2">
            <div>
              <h3>Rewards called vs mintable</h3>
              <Chart x={x} series={rewards} yNames={['LPT']} testId="chart-rewards" />
            </div>
            <div>
              <h3>Participation and inflation</h3>
              <Chart x={x} series={participation} yNames={['participation', 'inflation']} percentAxis={[true, true]} testId="chart-participation" />
            </div>
            <div>
              <h3>Active orchestrators and delegators</h3>
              <Chart x={x} series={counts} yNames={['orchestrators', 'delegators']} testId="chart-counts" />
            </div>
          </div>
        )}
      </section>
      <p className="muted">
        Browse the <Link href="/orchestrators">orchestrator directory</Link>, or look up an account with the search box.
      </p>
    </div>
  );
}
