import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { type AmountLike, decimal, percent, token } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Segmented, Stat } from '../ui.js';

interface Revenue {
  period: string;
  roundsPerYear: number;
  data: {
    period: string;
    firstRound: number;
    lastRound: number;
    feesToStakers: AmountLike;
    feesToStakersUsd: string | null;
    dividendPerLpt: AmountLike;
    dividendPerLptUsd: string | null;
    rewardYield: number;
    dilution: number;
    feeYield: number | null;
    realYield: number | null;
    realYieldAnnualized: number | null;
  }[];
}
interface Feed {
  round: number;
  updatedAt: string;
  rewardRate: { perRound: number; annual: number };
  realizedRewardRate: { annual: number };
  stakingRatio: number;
  totalStaked: string;
  totalSupply: string;
  inflation: { perRound: number; annual: number };
  unbondingPeriod: { rounds: number; days: number };
  treasuryRewardCut: number;
}
interface Prices {
  at: { ethUsd: string | null; lptEth: string | null; lptUsd: string | null };
}

/** Investor view: revenue to LPT ("revenue dividends"), issuance-adjusted real yield, dilution, and the staking feed. */
export default function InvestorPage() {
  const [period, setPeriod] = useState<'round' | 'quarter'>('round');
  const rev = useQuery({ queryKey: ['revenue', period], queryFn: () => api<Revenue>('/api/v1/economics/revenue', { period }) });
  const feed = useQuery({ queryKey: ['staking-feed'], queryFn: () => api<Feed>('/api/v1/feeds/staking') });
  const prices = useQuery({ queryKey: ['prices-now'], queryFn: () => api<Prices>('/api/v1/prices', { fromTime: 0, toTime: 0 }) });
  const rows = rev.data?.data ?? [];
  const x = useMemo(() => rows.map((r) => r.period), [rows]);
  const yields = useMemo(
    () => [
      { name: 'Reward yield', type: 'line' as const, data: rows.map((r) => r.rewardYield) },
      { name: 'Fee yield', type: 'line' as const, data: rows.map((r) => r.feeYield) },
      { name: 'Dilution (supply growth)', type: 'line' as const, data: rows.map((r) => r.dilution), color: '#eb3b5a' },
      { name: 'Real yield', type: 'line' as const, data: rows.map((r) => r.realYield), color: '#8854d0', area: true },
    ],
    [rows],
  );
  const dividends = useMemo(() => [{ name: 'ETH to stakers per LPT (USD)', type: 'bar' as const, data: rows.map((r) => (r.dividendPerLptUsd === null ? null : Number(r.dividendPerLptUsd))) }], [rows]);

  if (rev.isPending || feed.isPending) return <Loading what="Loading investor figures" />;
  if (rev.isError) return <ErrorBox error={rev.error} retry={() => void rev.refetch()} />;
  if (feed.isError) return <ErrorBox error={feed.error} retry={() => void feed.refetch()} />;
  const f = feed.data;
  const last = rows.at(-1);
  return (
    <div className="page">
      <h1>Investors: revenue to LPT</h1>
      <p className="muted">
        Stakers receive the delegators' share of every ETH fee. "Revenue dividends" are those fees per staked LPT; the real yield sets reward and fee income against the growth of the whole supply (issuance to stakers and to the treasury), so it is what a staker gains relative to all LPT. See also <Link href="/staking/issuance">issuance and dilution</Link>.
      </p>
      <section className="cards">
        <Stat label="LPT price" value={<span data-testid="lpt-usd">{prices.data?.at.lptUsd ? `$${decimal(prices.data.at.lptUsd, 2)}` : '—'}</span>} sub={prices.data?.at.lptEth ? `${decimal(prices.data.at.lptEth, 6)} ETH · ETH $${decimal(prices.data.at.ethUsd ?? '0', 2)}` : undefined} />
        <Stat label="Reward rate (annual)" value={<span data-testid="reward-rate">{percent(f.rewardRate.annual)}</span>} sub={`realised ${percent(f.realizedRewardRate.annual)}`} />
        <Stat label="Staking ratio" value={<span data-testid="staking-ratio">{percent(f.stakingRatio)}</span>} sub={`${decimal(f.totalStaked, 0)} of ${decimal(f.totalSupply, 0)} LPT`} />
        <Stat label="Inflation (annual)" value={percent(f.inflation.annual)} sub={`${percent(f.inflation.perRound, 4)} per round · unbonding ${f.unbondingPeriod.rounds} rounds (${f.unbondingPeriod.days} d)`} />
        <Stat label="Real yield (annualised)" value={<span data-testid="real-yield">{percent(last?.realYieldAnnualized ?? null)}</span>} sub={`latest ${period}`} />
      </section>
      <Segmented label="Period" value={period} options={[['round', 'Round'], ['quarter', 'Quarter']]} onChange={setPeriod} />
      {rows.length === 0 ? <Empty>No rounds indexed yet.</Empty> : (
        <>
          <h2>Yields per {period}</h2>
          <Chart x={x} series={yields} testId="yield-chart" zoom={false} percentAxis={[true]} />
          <h2>Revenue dividends</h2>
          <Chart x={x} series={dividends} testId="dividend-chart" zoom={false} />
        </>
      )}
      <div className="table-wrap">
        <table data-testid="revenue-table">
          <thead><tr><th>{period}</th><th className="num">ETH to stakers</th><th className="num">USD</th><th className="num">Per staked LPT</th><th className="num">Per LPT (USD)</th><th className="num">Dilution</th><th className="num">Real yield</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.period}>
                <td>{r.period}</td>
                <td className="num">{token(r.feesToStakers, 4)}</td>
                <td className="num">{r.feesToStakersUsd === null ? '—' : `$${decimal(r.feesToStakersUsd, 2)}`}</td>
                <td className="num">{decimal(r.dividendPerLpt.formatted, 10)} ETH</td>
                <td className="num" data-testid="cell-dividend-usd">{r.dividendPerLptUsd === null ? '—' : `$${decimal(r.dividendPerLptUsd, 8)}`}</td>
                <td className="num">{percent(r.dilution, 4)}</td>
                <td className="num">{percent(r.realYield, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        Staking trackers: <a href="/api/v1/feeds/staking" data-testid="feed-link">/api/v1/feeds/staking</a> (schema atlas.staking/1: reward rate, staking ratio, unbonding period, total staked, inflation).
      </p>
    </div>
  );
}
