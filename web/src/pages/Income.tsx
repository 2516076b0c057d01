import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { type AmountLike, decimal, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Segmented, Stat } from '../ui.js';

interface Part {
  total: AmountLike;
  kept: AmountLike;
  shared: AmountLike;
  usd: string | null;
  keptUsd: string | null;
  sharedUsd: string | null;
}
interface Cell {
  period: string;
  firstRound: number;
  lastRound: number;
  rewards: Part & { calls: number };
  fees: Part & { payments: number };
  keptUsd: string | null;
  sharedUsd: string | null;
  unpriced: number;
}
interface Income {
  period: string;
  fromRound: number;
  toRound: number;
  cells: Cell[];
}
interface Ranked {
  rank: number;
  orchestrator: string;
  keptUsd: string | null;
  totalUsd: string | null;
  feesKept: AmountLike;
  rewardsKept: AmountLike;
}
interface Costs {
  assumptions: { gpus: number; hoursPerMonth: number; utilization: number; pricePerPixelWei: number; includeRewards: boolean; fromRound: number; toRound: number; windowSeconds: number };
  data: { orchestrator: string; monthlyKeptUsd: string | null; breakEvenUsdPerGpuHour: number; pixelsPerMonth: number; breakEvenUsdPerMegapixel: number | null }[];
}

const usd = (s: string | null | undefined) => (s === null || s === undefined ? '—' : `$${decimal(s, 2)}`);

/** Sums "1234.56" dollar strings exactly in cents. */
function sumUsd(cells: Cell[], f: (c: Cell) => string | null): string {
  let cents = 0n;
  for (const c of cells) {
    const v = f(c);
    if (v === null) continue;
    const [i = '0', d = ''] = v.replace('-', '').split('.');
    const x = BigInt(i) * 100n + BigInt((d + '00').slice(0, 2));
    cents += v.startsWith('-') ? -x : x;
  }
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${(a % 100n).toString().padStart(2, '0')}`;
}

/** Sums amounts exactly in wei. */
function sumAmount(parts: AmountLike[], unit: 'ETH' | 'LPT'): AmountLike {
  const wei = parts.reduce((a, p) => a + BigInt(p.wei), 0n);
  const frac = (wei % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return { wei: wei.toString(), formatted: `${wei / 10n ** 18n}${frac ? `.${frac}` : ''}`, unit };
}

/** Orchestrator income: network or one orchestrator, per round/day/quarter, kept vs shared, in USD at the time. */
export default function IncomePage({ address }: { address?: string }) {
  const [period, setPeriod] = useState<'round' | 'day' | 'quarter'>('round');
  const [gpus, setGpus] = useState(4);
  const [price, setPrice] = useState(1200);
  const [withRewards, setWithRewards] = useState<'true' | 'false'>('true');
  const path = address ? `/api/v1/economics/orchestrators/${address}/income` : '/api/v1/economics/income';
  const income = useQuery({ queryKey: ['income', address, period], queryFn: () => api<Income>(path, { period }) });
  const ranking = useQuery({ queryKey: ['income-ranking'], queryFn: () => api<{ data: Ranked[] }>('/api/v1/economics/income/ranking', { limit: 15 }), enabled: !address });
  const costs = useQuery({
    queryKey: ['implied-costs', address, gpus, price, withRewards],
    queryFn: () => api<Costs>('/api/v1/economics/implied-costs', { gpus, pricePerPixelWei: price, includeRewards: withRewards, orchestrator: address, limit: 10 }),
  });
  const cells = income.data?.cells ?? [];
  const x = useMemo(() => cells.map((c) => c.period), [cells]);
  const series = useMemo(
    () => [
      { name: 'Fees kept (USD)', type: 'bar' as const, data: cells.map((c) => Number(c.fees.keptUsd ?? 0)) },
      { name: 'Fees shared (USD)', type: 'bar' as const, data: cells.map((c) => Number(c.fees.sharedUsd ?? 0)), color: '#9ec5a8' },
      { name: 'Rewards kept (USD)', type: 'bar' as const, data: cells.map((c) => Number(c.rewards.keptUsd ?? 0)), color: '#3867d6' },
      { name: 'Rewards shared (USD)', type: 'bar' as const, data: cells.map((c) => Number(c.rewards.sharedUsd ?? 0)), color: '#a5b8e8' },
    ],
    [cells],
  );

  if (income.isPending) return <Loading what="Loading income" />;
  if (income.isError) return <ErrorBox error={income.error} retry={() => void income.refetch()} />;
  const kept = sumUsd(cells, (c) => c.keptUsd);
  const shared = sumUsd(cells, (c) => c.sharedUsd);
  return (
    <div className="page">
      <h1>{address ? <>Income of <span className="mono">{shortAddress(address)}</span></> : 'Orchestrator income'}</h1>
      <p className="muted">
        Rounds {income.data.fromRound}–{income.data.toRound}. Every reward call and fee payment is split as the contract splits it — kept is the reward cut and the fee cut, shared is what the pool's stake receives — and valued in US dollars at the moment it happened (Chainlink ETH/USD, Uniswap LPT/WETH).
      </p>
      <section className="cards">
        <Stat label="Kept (USD)" value={<span data-testid="income-kept">{usd(kept)}</span>} sub="reward cut + fee cut" />
        <Stat label="Shared with delegators (USD)" value={<span data-testid="income-shared">{usd(shared)}</span>} />
        <Stat label="Fees (ETH)" value={<span data-testid="income-fees">{token(sumAmount(cells.map((c) => c.fees.total), 'ETH'), 4)}</span>} />
      </section>
      <Segmented label="Period" value={period} options={[['round', 'Round'], ['day', 'Day'], ['quarter', 'Quarter']]} onChange={setPeriod} />
      {cells.length === 0 ? <Empty>No income in these rounds.</Empty> : <Chart x={x} series={series} testId="income-chart" zoom={false} />}
      <div className="table-wrap">
        <table data-testid="income-table">
          <thead>
            <tr><th>{period}</th><th className="num">Fees kept</th><th className="num">Fees shared</th><th className="num">Rewards kept</th><th className="num">Rewards shared</th><th className="num">Kept (USD)</th><th className="num">Shared (USD)</th></tr>
          </thead>
          <tbody>
            {cells.map((c) => (
              <tr key={c.period}>
                <td>{c.period}</td>
                <td className="num">{token(c.fees.kept, 4)}</td>
                <td className="num">{token(c.fees.shared, 4)}</td>
                <td className="num">{token(c.rewards.kept, 1)}</td>
                <td className="num">{token(c.rewards.shared, 1)}</td>
                <td className="num" data-testid="cell-kept-usd">{usd(c.keptUsd)}</td>
                <td className="num">{usd(c.sharedUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {!address && (
        <>
          <h2>Ranking by kept income</h2>
          {ranking.isPending ? <Loading /> : ranking.isError ? <ErrorBox error={ranking.error} /> : (
            <div className="table-wrap">
              <table data-testid="income-ranking">
                <thead><tr><th>#</th><th>Orchestrator</th><th className="num">Kept (USD)</th><th className="num">All income (USD)</th><th className="num">Fees kept</th><th className="num">Rewards kept</th></tr></thead>
                <tbody>
                  {ranking.data.data.map((r) => (
                    <tr key={r.orchestrator}>
                      <td>{r.rank}</td>
                      <td><Link href={`/income/${r.orchestrator}`} className="mono">{shortAddress(r.orchestrator)}</Link></td>
                      <td className="num">{usd(r.keptUsd)}</td>
                      <td className="num">{usd(r.totalUsd)}</td>
                      <td className="num">{token(r.feesKept, 4)}</td>
                      <td className="num">{token(r.rewardsKept, 1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}

      <h2>Implied operating costs</h2>
      <p className="muted">
        The most an orchestrator could spend and still break even on what it kept: monthly kept income ÷ (GPUs × {costs.data?.assumptions.hoursPerMonth ?? 730} h); pixels = fees ÷ quoted price per pixel. Change the assumptions:
      </p>
      <div className="filters">
        <label>GPUs <input type="number" min={1} value={gpus} data-testid="assume-gpus" onChange={(e) => setGpus(Math.max(1, Number(e.target.value) || 1))} /></label>
        <label>Price per pixel (wei) <input type="number" min={1} value={price} onChange={(e) => setPrice(Math.max(1, Number(e.target.value) || 1))} /></label>
        <Segmented label="Count LPT rewards" value={withRewards} options={[['true', 'With rewards'], ['false', 'Fees only']]} onChange={setWithRewards} />
      </div>
      {costs.isPending ? <Loading /> : costs.isError ? <ErrorBox error={costs.error} /> : (
        <div className="table-wrap">
          <table data-testid="implied-costs">
            <thead><tr><th>Orchestrator</th><th className="num">Kept per month</th><th className="num">Break-even per GPU-hour</th><th className="num">Pixels per month</th><th className="num">Break-even per megapixel</th></tr></thead>
            <tbody>
              {costs.data.data.map((r) => (
                <tr key={r.orchestrator}>
                  <td className="mono">{shortAddress(r.orchestrator)}</td>
                  <td className="num">{usd(r.monthlyKeptUsd)}</td>
                  <td className="num" data-testid="cell-gpu-hour">${r.breakEvenUsdPerGpuHour.toFixed(4)}</td>
                  <td className="num">{r.pixelsPerMonth.toExponential(2)}</td>
                  <td className="num">{r.breakEvenUsdPerMegapixel === null ? '—' : `$${r.breakEvenUsdPerMegapixel.toFixed(6)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
