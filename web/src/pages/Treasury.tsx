import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api.js';
import Chart from '../Chart.js';
import { dateTime, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Stat, Usd } from '../ui.js';
import type { LedgerEntry, TreasuryBudget, TreasuryForecast, TreasurySummary } from './governanceTypes.js';

const num = (a: { formatted: string }) => Number(a.formatted);

function BudgetPanel() {
  const q = useQuery({ queryKey: ['treasury-budget'], queryFn: () => api<TreasuryBudget>('/api/v1/treasury/budget'), retry: false });
  if (q.isPending) return <Loading what="Loading the budget" />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) return <Empty>No budget file is configured. Set ATLAS_BUDGET_FILE to a YAML or JSON budget (see budgets/example.yaml).</Empty>;
    if (q.error instanceof ApiError && q.error.status === 422)
      return (
        <div className="state error" role="alert" data-testid="budget-invalid">
          <b>The budget file is invalid</b>
          <pre>{q.error.message}</pre>
        </div>
      );
    return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  }
  const b = q.data;
  const names = new Map(b.categories.map((c) => [c.id, c.name]));
  return (
    <>
      <p className="muted">
        {b.name} (version {b.version}). Spent: <b data-testid="budget-spent">{token(b.totals.spent, 0)}</b> of {token(b.totals.budgeted, 0)}; earmarked {token(b.totals.earmarked, 0)}; uncategorized{' '}
        <span data-testid="budget-uncategorized">{token(b.uncategorized, 0)}</span>.
      </p>
      <div className="table-wrap">
        <table data-testid="budget">
          <thead>
            <tr>
              <th>Category</th>
              <th>Period</th>
              <th>Budgeted</th>
              <th>Spent</th>
              <th>Earmarked</th>
              <th>Remaining</th>
            </tr>
          </thead>
          <tbody>
            {b.lines.map((l) => (
              <tr key={`${l.category}-${l.period}`} data-category={l.category} data-period={l.period}>
                <td>{names.get(l.category) ?? l.category}</td>
                <td>{l.period}</td>
                <td className="num">{token(l.budgeted, 0)}</td>
                <td className="num" data-testid="cell-spent">
                  {token(l.spent, 0)}
                </td>
                <td className="num">{token(l.earmarked, 0)}</td>
                <td className={`num${l.remaining.wei.startsWith('-') ? ' over' : ''}`}>{token(l.remaining, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <a className="button" href="/api/v1/treasury/budget?format=csv" download>
        Export CSV
      </a>
    </>
  );
}

export default function Treasury() {
  const s = useQuery({ queryKey: ['treasury'], queryFn: () => api<TreasurySummary>('/api/v1/treasury') });
  const [spend, setSpend] = useState('');
  const f = useQuery({ queryKey: ['treasury-forecast', spend], queryFn: () => api<TreasuryForecast>('/api/v1/treasury/forecast', { rounds: 180, spendPerRound: spend || undefined }) });
  const ledger = useQuery({ queryKey: ['treasury-ledger'], queryFn: () => api<{ data: LedgerEntry[] }>('/api/v1/treasury/ledger', { kind: 'outflow' }) });
  const rounds = s.data?.rounds;
  const x = useMemo(() => (rounds ?? []).map((r) => String(r.round)), [rounds]);
  const balance = useMemo(
    () => [
      { name: 'Balance (LPT)', type: 'line' as const, data: (rounds ?? []).map((r) => num(r.closing)), area: true },
      { name: 'Treasury rewards (LPT)', type: 'bar' as const, data: (rounds ?? []).map((r) => num(r.treasuryRewards)), yAxis: 1 as const },
      { name: 'Outflows (LPT)', type: 'bar' as const, data: (rounds ?? []).map((r) => num(r.outflows)), yAxis: 1 as const, color: '#eb3b5a' },
    ],
    [rounds],
  );
  const fr = f.data?.rounds;
  const fx = useMemo(() => (fr ?? []).map((r) => String(r.round)), [fr]);
  const fan = useMemo(
    () => [
      { name: 'Balance, low (LPT)', type: 'line' as const, data: (fr ?? []).map((r) => num(r.balance.low)), color: '#eb3b5a' },
      { name: 'Balance, mid (LPT)', type: 'line' as const, data: (fr ?? []).map((r) => num(r.balance.mid)), color: '#1f8a4c' },
      { name: 'Balance, high (LPT)', type: 'line' as const, data: (fr ?? []).map((r) => num(r.balance.high)), color: '#3867d6' },
      { name: 'Inflow, mid (LPT)', type: 'bar' as const, data: (fr ?? []).map((r) => num(r.inflow.mid)), yAxis: 1 as const, color: '#c8d6e5' },
    ],
    [fr],
  );
  if (s.isPending) return <Loading what="Loading the treasury" />;
  if (s.isError) return <ErrorBox error={s.error} retry={() => void s.refetch()} />;
  const t = s.data;
  const runway = (n: number | null | undefined) => (n === null || n === undefined ? 'beyond the horizon' : `${n} rounds`);
  return (
    <div className="page">
      <h1>Treasury</h1>
      <section className="cards">
        <Stat label="Balance" value={<><span data-testid="treasury-balance">{token(t.balance, 0)}</span><Usd value={t.balanceUsd} testId="usd-treasury-balance" /></>} sub={t.ceiling ? `ceiling ${token(t.ceiling, 0)}` : 'no ceiling set'} />
        <Stat
          label="Treasury cut"
          value={<span data-testid="treasury-cut">{percent(t.cutPercent / 100, 2)}</span>}
          sub={t.atCeiling ? 'at the ceiling: 0% from the next round' : `next round ${percent(Number(BigInt(t.nextCutRate) / 10n ** 21n) / 1e6, 2)}`}
        />
        <Stat label="Headroom to ceiling" value={t.headroom ? token(t.headroom, 0) : '—'} />
        <Stat label="Earmarked" value={<span data-testid="treasury-earmarked">{token(t.earmarked, 0)}</span>} sub="passed, not yet executed" />
        <Stat label="Treasury rewards, all time" value={token(t.totals.treasuryRewards, 0)} sub={`outflows ${token(t.totals.outflows, 0)}`} />
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Balance per round</h2>
          <a className="button" href="/api/v1/treasury?format=csv" download>
            Export CSV
          </a>
        </div>
        {t.rounds.length === 0 ? <Empty>No rounds yet.</Empty> : <Chart x={x} series={balance} yNames={['LPT', 'LPT per round']} testId="chart-treasury" />}
      </section>
      <section className="panel">
        <h2>Income forecast and runway</h2>
        <div className="filters">
          <label>
            Spend per round (LPT){' '}
            <input style={{ width: 160 }} inputMode="decimal" placeholder="from the budget" value={spend} onChange={(e) => setSpend(e.target.value.replace(/[^\d.]/g, ''))} data-testid="spend-input" />
          </label>
        </div>
        {f.isPending ? (
          <Loading what="Forecasting" />
        ) : f.isError ? (
          <ErrorBox error={f.error} />
        ) : (
          <>
            <p>
              Spending <b>{token(f.data.spendPerRound, 0)}</b> per round ({f.data.spendSource}): runway <b data-testid="runway-mid">{runway(f.data.runwayRounds.mid)}</b> (low {runway(f.data.runwayRounds.low)}, high{' '}
              {runway(f.data.runwayRounds.high)}); without any income {f.data.runwayWithoutIncome === null ? '—' : `${f.data.runwayWithoutIncome} rounds`}.
            </p>
            <Chart x={fx} series={fan} yNames={['LPT', 'LPT per round']} testId="chart-forecast" />
            <ul className="muted">
              {f.data.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="panel">
        <h2>Budget vs actuals</h2>
        <BudgetPanel />
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Outflows</h2>
          <a className="button" href="/api/v1/treasury/ledger?format=csv" download>
            Export ledger CSV
          </a>
        </div>
        {ledger.isPending ? (
          <Loading />
        ) : ledger.isError ? (
          <ErrorBox error={ledger.error} />
        ) : ledger.data.data.length === 0 ? (
          <Empty>No LPT has left the treasury yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="outflows">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Amount</th>
                  <th>Recipient</th>
                  <th>Proposal</th>
                  <th>Category</th>
                </tr>
              </thead>
              <tbody>
                {ledger.data.data.map((e) => (
                  <tr key={`${e.blockNumber}-${e.logIndex}`}>
                    <td>{e.time ? dateTime(e.time) : `block ${e.blockNumber}`}</td>
                    <td className="num" data-testid="cell-outflow">
                      {token({ ...e.delta, formatted: e.delta.formatted.replace(/^-/, '') }, 0)}
                      <Usd value={e.deltaUsd?.replace(/^-/, '')} testId="usd-outflow" />
                    </td>
                    <td className="mono">{e.counterparty ? shortAddress(e.counterparty) : '—'}</td>
                    <td>{e.proposalId ? <Link href={`/proposals/${e.proposalId}`}>{e.proposalTitle}</Link> : '—'}</td>
                    <td>{e.category ?? <span className="muted">uncategorized</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
