import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line, plotDecimal } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Segmented, Stat } from '../components/ui.js';
import { decimal, dollars, percent, token } from '../format.js';
import { Link } from '../router.js';

/** Investor view: revenue to LPT ("revenue dividends"), issuance-adjusted real yield, dilution, and the staking feed. */
export default function InvestorPage() {
  const [period, setPeriod] = useState<'round' | 'quarter'>('round');
  const rev = useApi('/api/v1/economics/revenue', { query: { period } });
  const feed = useApi('/api/v1/feeds/staking');
  const prices = useApi('/api/v1/prices', { query: { fromTime: 0, toTime: 0 } });
  if (!rev.data || !feed.data) return <ApiState q={[rev, feed]} what="Loading investor figures" />;
  const f = feed.data;
  const rows = rev.data.data;
  const at = prices.data?.at;
  const x = rows.map((r) => r.period);
  return (
    <div className="page">
      <h1>Investors: revenue to LPT</h1>
      <p className="muted">
        Stakers receive the delegators' share of every ETH fee. "Revenue dividends" are those fees per staked LPT; the real yield sets reward and fee income against the growth of the whole supply (issuance to stakers and to the treasury), so it is what a staker gains relative to all LPT. See also{' '}
        <Link href="/staking/issuance">issuance and dilution</Link>.
      </p>
      <section className="cards">
        <Stat label="LPT price" value={<span data-testid="lpt-usd">{at?.lptUsd ? dollars(at.lptUsd) : '—'}</span>} sub={at?.lptEth ? `${decimal(at.lptEth, 6)} ETH · ETH ${dollars(at.ethUsd ?? '0')}` : undefined} />
        <Stat label="Reward rate (annual)" value={<span data-testid="reward-rate">{percent(f.rewardRate.annual)}</span>} sub={`realised ${percent(f.realizedRewardRate.annual)}`} />
        <Stat label="Staking ratio" value={<span data-testid="staking-ratio">{percent(f.stakingRatio)}</span>} sub={`${decimal(f.totalStaked, 0)} of ${decimal(f.totalSupply, 0)} LPT`} />
        <Stat label="Inflation (annual)" value={percent(f.inflation.annual)} sub={`${percent(f.inflation.perRound, 4)} per round · unbonding ${f.unbondingPeriod.rounds} rounds (${f.unbondingPeriod.days} d)`} />
        <Stat label="Real yield (annualised)" value={<span data-testid="real-yield">{percent(rows.at(-1)?.realYieldAnnualized ?? null)}</span>} sub={`latest ${period}`} />
      </section>
      <Segmented label="Period" value={period} options={[['round', 'Round'], ['quarter', 'Quarter']]} onChange={setPeriod} />
      {rows.length === 0 ? (
        <Empty>No rounds indexed yet.</Empty>
      ) : (
        <>
          <h2>Yields per {period}</h2>
          <Chart
            x={x}
            series={[
              line('Reward yield', rows.map((r) => r.rewardYield)),
              line('Fee yield', rows.map((r) => r.feeYield)),
              line('Dilution (supply growth)', rows.map((r) => r.dilution), { color: '#eb3b5a' }),
              line('Real yield', rows.map((r) => r.realYield), { color: '#8854d0', area: true }),
            ]}
            testId="yield-chart"
            zoom={false}
            percentAxis={[true]}
          />
          <h2>Revenue dividends</h2>
          <Chart x={x} series={[bar('ETH to stakers per LPT (USD)', rows.map((r) => plotDecimal(r.dividendPerLptUsd)))]} testId="dividend-chart" zoom={false} />
        </>
      )}
      <DataTable
        rows={rows}
        rowKey={(r) => r.period}
        testId="revenue-table"
        columns={[
          { head: period, cell: (r) => r.period },
          { head: 'ETH to stakers', num: true, cell: (r) => token(r.feesToStakers, 4) },
          { head: 'USD', num: true, cell: (r) => dollars(r.feesToStakersUsd) },
          { head: 'Per staked LPT', num: true, cell: (r) => token(r.dividendPerLpt, 10) },
          { head: 'Per LPT (USD)', num: true, testId: 'cell-dividend-usd', cell: (r) => dollars(r.dividendPerLptUsd, 8) },
          { head: 'Dilution', num: true, cell: (r) => percent(r.dilution, 4) },
          { head: 'Real yield', num: true, cell: (r) => percent(r.realYield, 4) },
        ]}
      />
      <p className="muted">
        Staking trackers:{' '}
        <a href="/api/v1/feeds/staking" data-testid="feed-link">
          /api/v1/feeds/staking
        </a>{' '}
        (schema atlas.staking/1: reward rate, staking ratio, unbonding period, total staked, inflation).
      </p>
    </div>
  );
}
