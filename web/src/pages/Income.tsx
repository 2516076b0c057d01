import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, plotDecimal } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Segmented, Stat } from '../components/ui.js';
import { dollars, largeCount, shortAddress, smallDollars, sumAmounts, sumUsd, token } from '../format.js';
import { Link } from '../router.js';

function ImpliedCosts({ address }: { address?: string }) {
  const [gpus, setGpus] = useState(4);
  const [price, setPrice] = useState(1200);
  const [withRewards, setWithRewards] = useState<'true' | 'false'>('true');
  const costs = useApi('/api/v1/economics/implied-costs', { query: { gpus, pricePerPixelWei: price, includeRewards: withRewards, orchestrator: address, limit: 10 } });
  return (
    <>
      <h2>Implied operating costs</h2>
      <p className="muted">
        The most an orchestrator could spend and still break even on what it kept: monthly kept income ÷ (GPUs × {costs.data?.assumptions.hoursPerMonth ?? 730} h); pixels = fees ÷ quoted price per pixel. Change the assumptions:
      </p>
      <div className="filters">
        <label>
          GPUs <input type="number" min={1} value={gpus} data-testid="assume-gpus" onChange={(e) => setGpus(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <label>
          Price per pixel (wei) <input type="number" min={1} value={price} onChange={(e) => setPrice(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <Segmented label="Count LPT rewards" value={withRewards} options={[['true', 'With rewards'], ['false', 'Fees only']]} onChange={setWithRewards} />
      </div>
      <ApiState q={costs}>
        {({ data }) => (
          <DataTable
            rows={data}
            rowKey={(r) => r.orchestrator}
            testId="implied-costs"
            columns={[
              {
                head: 'Orchestrator',
                cell: (r) => (
                  <Link href={`/orchestrators/${r.orchestrator}`} className="mono">
                    {shortAddress(r.orchestrator)}
                  </Link>
                ),
              },
              { head: 'Kept per month', num: true, cell: (r) => dollars(r.monthlyKeptUsd) },
              { head: 'Break-even per GPU-hour', num: true, testId: 'cell-gpu-hour', cell: (r) => smallDollars(r.breakEvenUsdPerGpuHour) },
              { head: 'Pixels per month', num: true, cell: (r) => largeCount(r.pixelsPerMonth) },
              // Per megapixel the figure has five zeros after the point; a gigapixel (1,000 megapixels) reads at a glance.
              { head: 'Break-even per gigapixel', num: true, cell: (r) => smallDollars(r.breakEvenUsdPerMegapixel === null ? null : r.breakEvenUsdPerMegapixel * 1000) },
            ]}
          />
        )}
      </ApiState>
    </>
  );
}

function Ranking() {
  const ranking = useApi('/api/v1/economics/income/ranking', { query: { limit: 15 } });
  return (
    <>
      <h2>Ranking by kept income</h2>
      <ApiState q={ranking}>
        {({ data }) => (
          <DataTable
            rows={data}
            rowKey={(r) => r.orchestrator}
            testId="income-ranking"
            columns={[
              { head: '#', cell: (r) => r.rank },
              {
                head: 'Orchestrator',
                cell: (r) => (
                  <Link href={`/income/${r.orchestrator}`} className="mono">
                    {shortAddress(r.orchestrator)}
                  </Link>
                ),
              },
              { head: 'Kept (USD)', num: true, cell: (r) => dollars(r.keptUsd) },
              { head: 'All income (USD)', num: true, cell: (r) => dollars(r.totalUsd) },
              { head: 'Fees kept', num: true, cell: (r) => token(r.feesKept, 4) },
              { head: 'Rewards kept', num: true, cell: (r) => token(r.rewardsKept, 1) },
            ]}
          />
        )}
      </ApiState>
    </>
  );
}

/** Orchestrator income: network or one orchestrator, per round/day/quarter, kept vs shared, in USD at the time. */
export default function IncomePage({ address }: { address?: string }) {
  const [period, setPeriod] = useState<'round' | 'day' | 'quarter'>('round');
  const network = useApi('/api/v1/economics/income', { query: { period } }, { enabled: !address });
  const one = useApi('/api/v1/economics/orchestrators/{address}/income', { params: { address: address ?? '' }, query: { period } }, { enabled: !!address });
  const income = address ? one : network;
  if (!income.data) return <ApiState q={income} what="Loading income" />;
  const { cells, fromRound, toRound } = income.data;
  return (
    <div className="page">
      <h1>
        {address ? (
          <>
            Income of <span className="mono">{shortAddress(address)}</span>
          </>
        ) : (
          'Orchestrator income'
        )}
      </h1>
      <p className="muted">
        Rounds {fromRound}–{toRound}. Every reward call and fee payment is split as the contract splits it — kept is the reward cut and the fee cut, shared is what the pool's stake receives — and valued in US dollars at the moment it happened (Chainlink ETH/USD, Uniswap LPT/WETH).
      </p>
      <section className="cards">
        <Stat label="Kept (USD)" value={<span data-testid="income-kept">{dollars(sumUsd(cells.map((c) => c.keptUsd)))}</span>} sub="reward cut + fee cut" />
        <Stat label="Shared with delegators (USD)" value={<span data-testid="income-shared">{dollars(sumUsd(cells.map((c) => c.sharedUsd)))}</span>} />
        <Stat label="Fees (ETH)" value={<span data-testid="income-fees">{token(sumAmounts(cells.map((c) => c.fees.total), 'ETH'), 4)}</span>} />
      </section>
      <Segmented label="Period" value={period} options={[['round', 'Round'], ['day', 'Day'], ['quarter', 'Quarter']]} onChange={setPeriod} />
      {cells.length === 0 ? (
        <Empty>No income in these rounds.</Empty>
      ) : (
        // Fees are a small fraction of rewards: each gets its own chart, so fee bars stay readable.
        <div className="grid2">
          <div>
            <h3>Fees (USD)</h3>
            <Chart
              x={cells.map((c) => c.period)}
              series={[bar('Fees kept (USD)', cells.map((c) => plotDecimal(c.fees.keptUsd))), bar('Fees shared (USD)', cells.map((c) => plotDecimal(c.fees.sharedUsd)), { color: '#9ec5a8' })]}
              testId="income-chart"
              zoom={false}
            />
          </div>
          <div>
            <h3>Rewards (USD)</h3>
            <Chart
              x={cells.map((c) => c.period)}
              series={[bar('Rewards kept (USD)', cells.map((c) => plotDecimal(c.rewards.keptUsd)), { color: '#3867d6' }), bar('Rewards shared (USD)', cells.map((c) => plotDecimal(c.rewards.sharedUsd)), { color: '#a5b8e8' })]}
              testId="income-rewards-chart"
              zoom={false}
            />
          </div>
        </div>
      )}
      <DataTable
        rows={cells}
        rowKey={(c) => c.period}
        testId="income-table"
        columns={[
          { head: period, cell: (c) => c.period },
          { head: 'Fees kept', num: true, cell: (c) => token(c.fees.kept, 4) },
          { head: 'Fees shared', num: true, cell: (c) => token(c.fees.shared, 4) },
          { head: 'Rewards kept', num: true, cell: (c) => token(c.rewards.kept, 1) },
          { head: 'Rewards shared', num: true, cell: (c) => token(c.rewards.shared, 1) },
          { head: 'Kept (USD)', num: true, testId: 'cell-kept-usd', cell: (c) => dollars(c.keptUsd) },
          { head: 'Shared (USD)', num: true, cell: (c) => dollars(c.sharedUsd) },
        ]}
      />
      {!address && <Ranking />}
      <ImpliedCosts address={address} />
    </div>
  );
}
