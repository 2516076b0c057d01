import { useState } from 'react';
import { apiUrl } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bands, bar, line, plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { CsvLink, Empty, Panel, Stat, TokenAmount } from '../components/ui.js';
import { amountOf, dateTime, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';

function BudgetPanel() {
  const q = useApi('/api/v1/treasury/budget', {}, { retry: false });
  return (
    <ApiState
      q={q}
      what="Loading the budget"
      error={(e) =>
        e.status === 404 ? (
          <Empty>No budget file is configured. Set ATLAS_BUDGET_FILE to a YAML or JSON budget (see budgets/example.yaml).</Empty>
        ) : e.status === 422 ? (
          <div className="state error" role="alert" data-testid="budget-invalid">
            <b>The budget file is invalid</b>
            <pre>{e.message}</pre>
          </div>
        ) : undefined
      }
    >
      {(b) => {
        const names = new Map(b.categories.map((c) => [c.id, c.name]));
        return (
          <>
            <p className="muted">
              {b.name} (version {b.version}). Spent: <b data-testid="budget-spent">{token(b.totals.spent)}</b> of {token(b.totals.budgeted)}; earmarked {token(b.totals.earmarked)}; uncategorized{' '}
              <span data-testid="budget-uncategorized">{token(b.uncategorized)}</span>.
            </p>
            <DataTable
              rows={b.lines}
              rowKey={(l) => `${l.category}-${l.period}`}
              row={(l) => ({ 'data-category': l.category, 'data-period': l.period })}
              testId="budget"
              columns={[
                { head: 'Category', cell: (l) => names.get(l.category) ?? l.category },
                { head: 'Period', cell: (l) => l.period },
                { head: 'Budgeted', num: true, cell: (l) => token(l.budgeted) },
                { head: 'Spent', num: true, testId: 'cell-spent', cell: (l) => token(l.spent) },
                { head: 'Earmarked', num: true, cell: (l) => token(l.earmarked) },
                { head: 'Remaining', num: true, cell: (l) => <span className={l.remaining.wei.startsWith('-') ? 'over' : undefined}>{token(l.remaining)}</span> },
              ]}
            />
            <CsvLink href={apiUrl('/api/v1/treasury/budget', { query: { format: 'csv' } })} />
          </>
        );
      }}
    </ApiState>
  );
}

/** Runway in rounds; null is beyond the forecast's horizon. */
const runway = (n: number | null, horizon: number) => (n === null ? `more than ${horizon} rounds` : `${n} rounds`);

function Forecast() {
  const [spend, setSpend] = useState('');
  const f = useApi('/api/v1/treasury/forecast', { query: { rounds: 180, spendPerRound: spend } });
  return (
    <Panel title="Income forecast and runway">
      <div className="filters">
        <label>
          Spend per round (LPT){' '}
          <input style={{ width: 160 }} inputMode="decimal" placeholder="from the budget" value={spend} onChange={(e) => setSpend(e.target.value.replace(/[^\d.]/g, ''))} data-testid="spend-input" />
        </label>
      </div>
      <ApiState q={f} what="Forecasting">
        {(f) => (
          <>
            {f.spendPerRound.wei === '0' ? (
              <p data-testid="runway-text">
                No spending set: enter a spend per round (or configure a budget) to see how long the balance lasts.
              </p>
            ) : (
              <p data-testid="runway-text">
                Spending <b>{token(f.spendPerRound, 0)}</b> per round ({f.spendSource === 'budget' ? 'the budget’s rate' : 'as entered'}), the balance lasts{' '}
                <b data-testid="runway-mid">{runway(f.runwayRounds.mid, f.rounds.length)}</b> in the middle scenario ({runway(f.runwayRounds.low, f.rounds.length)} in the lowest,{' '}
                {runway(f.runwayRounds.high, f.rounds.length)} in the highest)
                {f.runwayWithoutIncome !== null && <>; with no income at all it would last {f.runwayWithoutIncome} rounds</>}.
              </p>
            )}
            <Chart
              x={f.rounds.map((r) => String(r.round))}
              series={[
                ...bands('Balance (LPT)', f.rounds, (r) => [plot(r.balance.low), plot(r.balance.mid), plot(r.balance.high)], ['lowest', 'middle', 'highest'], { color: '#1f8a4c' }),
                bar('Inflow, middle (LPT)', f.rounds.map((r) => plot(r.inflow.mid)), { yAxis: 1, color: '#e58e26' }),
              ]}
              yNames={['LPT', 'LPT per round']}
              testId="chart-forecast"
            />
            <ul className="muted">
              {f.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </>
        )}
      </ApiState>
    </Panel>
  );
}

export default function Treasury() {
  const s = useApi('/api/v1/treasury');
  const ledger = useApi('/api/v1/treasury/ledger', { query: { kind: 'outflow' } });
  if (!s.data) return <ApiState q={s} what="Loading the treasury" />;
  const t = s.data;
  return (
    <div className="page">
      <h1>Treasury</h1>
      <section className="cards">
        <Stat
          label="Balance"
          value={<TokenAmount amount={t.balance} digits={0} usd={t.balanceUsd} testId="treasury-balance" usdTestId="usd-treasury-balance" />}
          sub={t.ceiling ? `ceiling ${token(t.ceiling, 0)}` : 'no ceiling set'}
        />
        <Stat
          label="Treasury cut"
          value={<span data-testid="treasury-cut">{percent(t.cutPercent / 100, 2)}</span>}
          sub={t.atCeiling ? 'at the ceiling: 0% from the next round' : `next round ${percent(Number(BigInt(t.nextCutRate) / 10n ** 21n) / 1e6, 2)}`}
        />
        <Stat label="Headroom to ceiling" value={t.headroom ? token(t.headroom, 0) : '—'} />
        <Stat label="Earmarked" value={<span data-testid="treasury-earmarked">{token(t.earmarked, 0)}</span>} sub="passed, not yet executed" />
        <Stat label="Treasury rewards, all time" value={token(t.totals.treasuryRewards, 0)} sub={`outflows ${token(t.totals.outflows, 0)}`} />
      </section>
      <Panel title="Balance per round" actions={<CsvLink href={apiUrl('/api/v1/treasury', { query: { format: 'csv' } })} />}>
        {t.rounds.length === 0 ? (
          <Empty>No rounds yet.</Empty>
        ) : (
          <Chart
            x={t.rounds.map((r) => String(r.round))}
            series={[
              line('Balance (LPT)', t.rounds.map((r) => plot(r.closing)), { area: true }),
              bar('Treasury rewards (LPT)', t.rounds.map((r) => plot(r.treasuryRewards)), { yAxis: 1 }),
              bar('Outflows (LPT)', t.rounds.map((r) => plot(r.outflows)), { yAxis: 1, color: '#eb3b5a' }),
            ]}
            yNames={['LPT', 'LPT per round']}
            testId="chart-treasury"
          />
        )}
      </Panel>
      <Forecast />
      <Panel title="Budget vs actuals">
        <BudgetPanel />
      </Panel>
      <Panel title="Outflows" actions={<CsvLink href={apiUrl('/api/v1/treasury/ledger', { query: { format: 'csv' } })} label="Export ledger CSV" />}>
        <ApiState q={ledger}>
          {({ data }) => (
            <DataTable
              rows={data}
              rowKey={(e) => `${e.blockNumber}-${e.logIndex}`}
              testId="outflows"
              empty="No LPT has left the treasury yet."
              columns={[
                { head: 'When', cell: (e) => (e.time ? dateTime(e.time) : `block ${e.blockNumber}`) },
                {
                  head: 'Amount',
                  num: true,
                  testId: 'cell-outflow',
                  // Outflows are negative changes of the balance; shown as the amount paid out.
                  cell: (e) => <TokenAmount amount={amountOf(-BigInt(e.delta.wei), e.delta.unit)} digits={0} usd={e.deltaUsd?.replace(/^-/, '') ?? null} usdTestId="usd-outflow" />,
                },
                { head: 'Recipient', className: 'mono', cell: (e) => (e.counterparty ? shortAddress(e.counterparty) : '—') },
                { head: 'Proposal', cell: (e) => (e.proposalId ? <Link href={`/proposals/${e.proposalId}`}>{e.proposalTitle}</Link> : '—') },
                { head: 'Category', cell: (e) => e.category ?? <span className="muted">uncategorized</span> },
              ]}
            />
          )}
        </ApiState>
      </Panel>
    </div>
  );
}
