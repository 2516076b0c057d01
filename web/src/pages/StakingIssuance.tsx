import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bands, line, percentiles } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Panel, Stat } from '../components/ui.js';
import { percent } from '../format.js';
import StakingNav from './StakingNav.js';

/** The stored backtest (`{figures, baseline, dataset}`), which the API passes through as it is stored. */
interface BenchResult {
  figures: Record<string, number>;
  baseline?: Record<string, number>;
  dataset?: string;
}
const HORIZONS = ['30d', '90d', '180d', '365d'];

/** A backtest figure beside the no-change forecast's. */
const vs = (bt: BenchResult, key: string, unit: string) => `${bt.figures[key]}${unit} (${bt.baseline?.[key] ?? '—'}${unit})`;

const isBenchResult = (x: unknown): x is BenchResult => typeof x === 'object' && x !== null && typeof (x as { figures?: unknown }).figures === 'object' && (x as { figures?: unknown }).figures !== null;

export default function StakingIssuance() {
  const q = useApi('/api/v1/staking/issuance', { query: { rounds: 180 } });
  if (!q.data) return <ApiState q={q} what="Forecasting issuance" />;
  const d = q.data;
  const a = d.assumptions;
  const bt = isBenchResult(d.backtest) ? d.backtest : null;
  const fx = d.forecast.map((p) => String(p.round));
  return (
    <div className="page">
      <StakingNav />
      <h1>Issuance and dilution</h1>
      {!a ? (
        <Empty>No round with bonded stake has been indexed yet.</Empty>
      ) : (
        <>
          <section className="cards">
            <Stat label="Inflation per round" value={<span data-testid="inflation-now">{(a.inflationPpb / 1e7).toFixed(4)}%</span>} sub={`moves ±${a.inflationChangePpb / 1e7}% per round toward ${percent(a.targetBondingRatePpb / 1e9, 0)} bonded`} />
            <Stat label="Participation" value={<span data-testid="participation-now">{percent(a.participation)}</span>} sub={`random walk, σ ${percent(a.participationModel.sigma, 3)} per round`} />
            <Stat label="Minted share of mintable" value={percent(a.mintedShare)} sub="reward calls, trailing 90 rounds" />
            <Stat label="Treasury cut" value={percent(a.treasuryCut, 0)} sub={`${a.paths} simulated paths`} />
          </section>
          <Panel title="Ownership since the first indexed round">
            <p className="muted">Share of all LPT held by 1 LPT kept liquid versus staked at the network-average pool growth (rewards ÷ total active stake), relative to the start.</p>
            <Chart
              x={d.past.map((p) => String(p.round))}
              series={[line('Liquid holder share', d.past.map((p) => p.liquidSharePpb / 1e9)), line('Staked holder share', d.past.map((p) => p.stakedSharePpb / 1e9))]}
              testId="chart-dilution-past"
              zoom={false}
            />
          </Panel>
          <Panel title="Inflation forecast (P10 / P50 / P90)">
            <Chart x={fx} series={bands('Inflation %/round', d.forecast, (f) => percentiles(f.inflationPpb, 1e-7), undefined, { color: '#3867d6' })} yNames={['% per round']} testId="chart-inflation-fan" zoom={false} />
          </Panel>
          <Panel title="Ownership forecast (P10 / P50 / P90)">
            <Chart
              x={fx}
              series={[
                ...bands('Liquid', d.forecast, (f) => percentiles(f.liquidShare), undefined, { color: '#eb3b5a' }),
                ...bands('Staked', d.forecast, (f) => percentiles(f.stakedShare), undefined, { color: '#1f8a4c' }),
              ]}
              testId="chart-dilution-fan"
              zoom={false}
            />
          </Panel>
          <Panel title="How good is this forecast?" testId="backtest">
            {bt ? (
              <>
                <p className="muted">
                  The same forecast, run on the Livepeer Explorer&apos;s daily network history from many past days and compared with what happened next, against a
                  forecast of no change.
                </p>
                <DataTable
                  rows={HORIZONS.filter((h) => bt.figures[`inflation_mape_percent_${h}`] !== undefined)}
                  rowKey={(h) => h}
                  testId="backtest-table"
                  columns={[
                    { head: 'Ahead', cell: (h) => `${h.replace('d', '')} days` },
                    { head: 'Inflation error (mean abs. %)', num: true, testId: 'bt-mape', cell: (h) => vs(bt, `inflation_mape_percent_${h}`, '%') },
                    { head: 'Participation error (points)', num: true, cell: (h) => vs(bt, `participation_mae_pp_${h}`, ' pp') },
                    { head: 'Actual inside P10–P90', num: true, cell: (h) => `${bt.figures[`inflation_p10_p90_coverage_percent_${h}`]}%` },
                    { head: 'Forecasts compared', num: true, wide: true, cell: (h) => bt.figures[`origins_${h}`] },
                  ]}
                />
                <p className="muted">Each cell: this forecast, then the no-change forecast in brackets. Lower error is better.</p>
              </>
            ) : (
              <Empty>No backtest figures are stored with this build.</Empty>
            )}
          </Panel>
        </>
      )}
    </div>
  );
}
