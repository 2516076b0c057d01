import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line, plot, plotDecimal } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { Bar, Empty, Panel, Segmented, Stat, TokenAmount, Usd } from '../components/ui.js';
import { compact, count, dateTime, decimal, percent, sumAmounts, token } from '../format.js';
import { Link } from '../router.js';

type Range = '30' | '90' | 'all';

/** Entry pages per role: what each one decides with Atlas. */
const ROLES: [href: string, who: string, what: string][] = [
  ['/roles/investor-delegator', 'a delegator', 'where to stake, what it yields, what it risks'],
  ['/roles/orchestrator', 'an orchestrator', 'income, reliability, rank and what the market pays'],
  ['/roles/gateway', 'a gateway', 'who can run my jobs, at what price, how reliably'],
  ['/roles/spe', 'an SPE', 'treasury, budgets, proposals and votes'],
  ['/investors', 'an investor', 'issuance, dilution and real yield of LPT'],
];

export default function Overview() {
  const net = useApi('/api/v1/network');
  const rounds = useApi('/api/v1/rounds', { query: { limit: 1000, order: 'asc' } });
  const [interval, setInterval] = useState<'day' | 'week'>('day');
  const fees = useApi('/api/v1/network/fees', { query: { interval } });
  const [range, setRange] = useState<Range>('all');

  if (!net.data) return <ApiState q={net} what="Loading the network" />;
  const n = net.data;
  const cur = n.currentRound;
  return (
    <div className="page">
      <h1>Network overview</h1>
      <nav className="roles" aria-label="Start from your role" data-testid="role-entries">
        {ROLES.map(([href, who, what]) => (
          <Link key={href} href={href}>
            <b>I am {who}</b>
            <span>{what}</span>
          </Link>
        ))}
      </nav>
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
            value={<TokenAmount amount={cur.rewardsCalled} digits={0} usd={n.usd.currentRoundRewardsCalled} testId="rewards-called" usdTestId="usd-rewards-called" />}
            sub={
              <>
                <Bar value={cur.rewardsCalledShare} /> {percent(cur.rewardsCalledShare, 1)} of <span data-testid="mintable">{token(cur.mintable, 0)}</span> · {cur.rewardCalls} calls
              </>
            }
          />
          <Stat
            label="Participation"
            value={<span data-testid="participation">{percent(n.participation?.ratio ?? null)}</span>}
            sub={
              <>
                {compact(n.participation?.totalActiveStake)} of {compact(n.participation?.totalSupply)}
                <Usd value={n.usd.totalActiveStake} testId="usd-active-stake" />
              </>
            }
          />
          <Stat label="Inflation per round" value={<span data-testid="inflation">{n.inflation ? `${decimal(String(n.inflation.percentPerRound), 4)}%` : '—'}</span>} sub={n.inflation ? `${n.inflation.ppb} ppb` : undefined} />
          <Stat label="Active orchestrators" value={<span data-testid="active-orchestrators">{n.activeOrchestrators}</span>} sub={`${n.registeredOrchestrators} registered`} />
          <Stat label="Delegators" value={<span data-testid="delegators">{count(n.delegators)}</span>} sub="accounts with stake" />
          <Stat
            label="Fees this round"
            value={<TokenAmount amount={cur.fees} digits={4} usd={n.usd.currentRoundFees} testId="round-fees" usdTestId="usd-round-fees" />}
            sub={`${cur.winningTickets} winning tickets`}
          />
          <Stat label="Fees, all time" value={<span data-testid="total-fees">{token(n.totals.fees, 2)}</span>} sub={`${n.totals.rounds} rounds indexed`} />
        </section>
      )}

      <Panel title="Fees paid to orchestrators" actions={<Segmented label="Fee interval" value={interval} onChange={setInterval} options={[['day', 'Per day'], ['week', 'Per week']]} />}>
        <ApiState q={fees}>
          {({ data: buckets }) => {
            // USD at the time of payment, where an ETH/USD price is known for the bucket.
            const priced = buckets.some((b) => b.feesUsd !== null);
            return (
              <>
                <p className="muted">
                  ETH transferred by winning tickets, by UTC {interval}.{' '}
                  {priced ? 'USD: each block’s payments at the ETH/USD price in effect then.' : 'USD appears once an ETH/USD price is known (price feed or imported series).'}
                </p>
                {buckets.length === 0 ? (
                  <Empty>No fees paid yet.</Empty>
                ) : (
                  <Chart
                    x={buckets.map((b) => b.date)}
                    series={[
                      bar(`Fees per ${interval} (ETH)`, buckets.map((b) => plot(b.fees))),
                      ...(priced ? [line(`Fees per ${interval} (USD)`, buckets.map((b) => plotDecimal(b.feesUsd)), { yAxis: 1 })] : []),
                    ]}
                    yNames={priced ? ['ETH', 'USD'] : ['ETH']}
                    fromZero
                    testId="chart-fees"
                  />
                )}
              </>
            );
          }}
        </ApiState>
      </Panel>

      <Panel title="Per round" actions={<Segmented label="Round range" value={range} onChange={setRange} options={[['30', 'Last 30'], ['90', 'Last 90'], ['all', 'All']]} />}>
        <ApiState q={rounds}>
          {({ data: indexed }) => {
            // Rounds before the first one with bonded stake are the contracts' deployment, not a network at 0%.
            const first = indexed.findIndex((r) => r.activeOrchestrators > 0 || (r.participation ?? 0) > 0);
            const all = first < 0 ? [] : indexed.slice(first);
            const shown = range === 'all' ? all : all.slice(-Number(range));
            const x = shown.map((r) => String(r.round));
            return shown.length === 0 ? (
              <Empty>No rounds yet.</Empty>
            ) : (
              <div className="grid2">
                <div>
                  <h3>Rewards called vs mintable</h3>
                  <Chart
                    x={x}
                    series={[
                      bar('Mintable (LPT)', shown.map((r) => plot(r.mintable)), { color: '#c8d6e5' }),
                      bar('Rewards called (LPT)', shown.map((r) => plot(sumAmounts([r.rewards, r.treasuryRewards])))),
                    ]}
                    yNames={['LPT']}
                    testId="chart-rewards"
                  />
                </div>
                <div>
                  <h3>Participation and inflation</h3>
                  <Chart
                    x={x}
                    series={[line('Participation', shown.map((r) => r.participation), { area: true }), line('Inflation per round', shown.map((r) => r.inflation.percentPerRound / 100), { yAxis: 1 })]}
                    yNames={['participation', 'inflation']}
                    percentAxis={[true, true]}
                    testId="chart-participation"
                  />
                </div>
                <div>
                  <h3>Active orchestrators and delegators</h3>
                  <Chart
                    x={x}
                    series={[line('Active orchestrators', shown.map((r) => r.activeOrchestrators)), line('Delegators', shown.map((r) => r.delegators), { yAxis: 1 })]}
                    yNames={['orchestrators', 'delegators']}
                    testId="chart-counts"
                  />
                </div>
              </div>
            );
          }}
        </ApiState>
      </Panel>
      <p className="muted">
        Browse the <Link href="/orchestrators">orchestrator directory</Link>, or look up any address (orchestrator, delegator, gateway, treasury recipient) with the search box.
      </p>
    </div>
  );
}
