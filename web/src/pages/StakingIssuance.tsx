import { useQuery } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { useMemo } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { percent } from '../format.js';
import { Empty, ErrorBox, Loading, Stat } from '../ui.js';

interface Fan {
  p10: number;
  p50: number;
  p90: number;
}
interface Issuance {
  assumptions: { inflationPpb: number; inflationChangePpb: number; targetBondingRatePpb: number; participation: number; participationModel: { sigma: number }; supplyLpt: number; mintedShare: number; treasuryCut: number; paths: number } | null;
  past: { round: number; inflationPpb: number; participation: number | null; liquidSharePpb: number; stakedSharePpb: number }[];
  forecast: { round: number; inflationPpb: Fan; participation: Fan; liquidShare: Fan; stakedShare: Fan }[];
  backtest: { figures?: Record<string, number>; baseline?: Record<string, number>; dataset?: string } | null;
}

const fan = (name: string, f: Fan[], scale = 1) => [
  { name: `${name} P10`, type: 'line' as const, data: f.map((x) => x.p10 * scale) },
  { name: `${name} P50`, type: 'line' as const, data: f.map((x) => x.p50 * scale) },
  { name: `${name} P90`, type: 'line' as const, data: f.map((x) => x.p90 * scale) },
];

export default function StakingIssuance() {
  const q = useQuery({ queryKey: ['issuance'], queryFn: () => api<Issuance>('/api/v1/staking/issuance', { rounds: 180 }) });
  const charts = useMemo(() => {
    const d = q.data;
    if (!d) return null;
    const px = d.past.map((p) => String(p.round));
    const fx = d.forecast.map((p) => String(p.round));
    return {
      px,
      fx,
      past: [
        { name: 'Liquid holder share', type: 'line' as const, data: d.past.map((p) => p.liquidSharePpb / 1e9) },
        { name: 'Staked holder share', type: 'line' as const, data: d.past.map((p) => p.stakedSharePpb / 1e9) },
      ],
      inflation: fan('Inflation %/round', d.forecast.map((f) => f.inflationPpb), 1e-7),
      dilution: [...fan('Liquid', d.forecast.map((f) => f.liquidShare)), ...fan('Staked', d.forecast.map((f) => f.stakedShare))],
    };
  }, [q.data]);
  if (q.isPending) return <Loading what="Forecasting issuance" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const d = q.data;
  const a = d.assumptions;
  const bt = d.backtest?.figures;
  return (
    <div className="page">
      <StakingNav />
      <h1>Issuance and dilution</h1>
      {!a || !charts ? (
        <Empty>No round with bonded stake has been indexed yet.</Empty>
      ) : (
        <>
          <section className="cards">
            <Stat label="Inflation per round" value={<span data-testid="inflation-now">{(a.inflationPpb / 1e7).toFixed(4)}%</span>} sub={`moves ±${a.inflationChangePpb / 1e7}% per round toward ${percent(a.targetBondingRatePpb / 1e9, 0)} bonded`} />
            <Stat label="Participation" value={<span data-testid="participation-now">{percent(a.participation)}</span>} sub={`random walk, σ ${percent(a.participationModel.sigma, 3)} per round`} />
            <Stat label="Minted share of mintable" value={percent(a.mintedShare)} sub="reward calls, trailing 90 rounds" />
            <Stat label="Treasury cut" value={percent(a.treasuryCut, 0)} sub={`${a.paths} simulated paths`} />
          </section>
          <section className="panel">
            <h2>Ownership since the first indexed round</h2>
            <p className="muted">Share of all LPT held by 1 LPT kept liquid versus staked at the network-average pool growth (rewards ÷ total active stake), relative to the start.</p>
            <Chart x={charts.px} series={charts.past} testId="chart-dilution-past" zoom={false} />
          </section>
          <section className="panel">
            <h2>Inflation forecast (P10 / P50 / P90)</h2>
            <Chart x={charts.fx} series={charts.inflation} yNames={['% per round']} testId="chart-inflation-fan" zoom={false} />
          </section>
          <section className="panel">
            <h2>Ownership forecast (P10 / P50 / P90)</h2>
            <Chart x={charts.fx} series={charts.dilution} testId="chart-dilution-fan" zoom={false} />
          </section>
          <section className="panel" data-testid="backtest">
            <h2>How good is this forecast?</h2>
            {bt ? (
              <>
                <p className="muted">Backtest on the explorer's daily history: {d.backtest?.dataset}</p>
                <div className="table-wrap"><table className="kv">
                  <tbody>
                    {Object.entries(bt).map(([k, v]) => (
                      <tr key={k}>
                        <th>{k}</th>
                        <td className="num" data-testid={`bt-${k}`}>{v}</td>
                        <td className="num muted">no-change baseline: {d.backtest?.baseline?.[k] ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table></div>
              </>
            ) : (
              <Empty>No backtest has been run here (npm run bench -- backtest).</Empty>
            )}
          </section>
        </>
      )}
    </div>
  );
}
