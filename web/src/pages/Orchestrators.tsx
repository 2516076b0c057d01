import { useEffect, useState } from 'react';
import { apiUrl } from '../api/client.js';
import { useApiPages } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable, moreOf } from '../components/DataTable.js';
import { LabelBadge, useLabels } from '../components/labels.js';
import { CsvLink, TokenAmount } from '../components/ui.js';
import { decimal, host, percent, shortAddress } from '../format.js';
import { Link } from '../router.js';
import type { Orchestrator } from '../api/types.js';

type Sort = 'stake' | 'rewardYield' | 'feeYield' | 'rewardCut' | 'feeCut' | 'fees30d' | 'fees90d' | 'rewardCallRatio90' | 'age' | 'delegators';

const SORTS: [Sort, string][] = [
  ['stake', 'Stake'],
  ['rewardYield', 'Reward yield'],
  ['feeYield', 'Fee yield'],
  ['rewardCut', 'Reward cut'],
  ['feeCut', 'Fee cut'],
  ['fees30d', 'Fees 30d'],
  ['fees90d', 'Fees 90d'],
  ['rewardCallRatio90', 'Reward calls'],
  ['age', 'Age'],
  ['delegators', 'Delegators'],
];

/** What a yield cell rests on, for its tooltip. */
function yieldTitle(y: Orchestrator['yield']): string | undefined {
  if (!y) return undefined;
  return `rounds ${y.startRound}–${y.endRound} (${y.coveredDays} days${y.complete ? '' : `: less history than ${y.windowDays} days`}), annualized`;
}

/** A yield per year as a percentage with its unit. */
export function YieldPercent({ value }: { value: number | null | undefined }) {
  return <>{value === null || value === undefined ? '—' : `${percent(value, 2)}/yr`}</>;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export default function Orchestrators() {
  const [q, setQ] = useState('');
  const [active, setActive] = useState<'' | 'true' | 'false'>('true');
  const [maxFeeCut, setMaxFeeCut] = useState('');
  const [sort, setSort] = useState<Sort>('stake');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const search = useDebounced(q.trim(), 250);
  const params = { q: search, active, maxFeeCut: maxFeeCut === '' ? undefined : maxFeeCut, sort, order };

  const list = useApiPages('/api/v1/orchestrators', { query: { ...params, limit: 50 } }, { keepPrevious: true });

  const clickSort = (key: Sort) => {
    if (key === sort) setOrder(order === 'desc' ? 'asc' : 'desc');
    else {
      setSort(key);
      setOrder(key === 'rewardCut' || key === 'feeCut' ? 'asc' : 'desc');
    }
  };
  // A column header that sorts by its column (again: the other way).
  const sortable = (key: Sort, label: string) => ({
    sort: key === sort ? (order === 'asc' ? ('ascending' as const) : ('descending' as const)) : undefined,
    head: (
      <button type="button" onClick={() => clickSort(key)} data-testid={`sort-${key}`}>
        {label}
        {key === sort ? (order === 'asc' ? ' ↑' : ' ↓') : ''}
      </button>
    ),
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const labels = useLabels(rows.map((o) => o.address));
  const csv = apiUrl('/api/v1/orchestrators', { query: { ...params, format: 'csv' } });

  return (
    <div className="page">
      <h1>Orchestrators</h1>
      <div className="filters">
        <label>
          Search
          <input type="search" placeholder="address or service URI" value={q} onChange={(e) => setQ(e.target.value)} data-testid="filter-q" maxLength={100} />
        </label>
        <label>
          Status
          <select value={active} onChange={(e) => setActive(e.target.value as '' | 'true' | 'false')} data-testid="filter-active">
            <option value="true">Active</option>
            <option value="false">Inactive</option>
            <option value="">All</option>
          </select>
        </label>
        <label>
          Max fee cut
          <select value={maxFeeCut} onChange={(e) => setMaxFeeCut(e.target.value)} data-testid="filter-feecut">
            <option value="">Any</option>
            <option value="5">≤ 5%</option>
            <option value="10">≤ 10%</option>
            <option value="25">≤ 25%</option>
            <option value="50">≤ 50%</option>
          </select>
        </label>
        <label>
          Sort
          <select value={`${sort}:${order}`} onChange={(e) => { const [s, o] = e.target.value.split(':'); setSort(s as Sort); setOrder(o as 'asc' | 'desc'); }} data-testid="sort-select">
            {SORTS.map(([key, label]) => (
              <optgroup key={key} label={label}>
                <option value={`${key}:desc`}>{label} ↓</option>
                <option value={`${key}:asc`}>{label} ↑</option>
              </optgroup>
            ))}
          </select>
        </label>
        <CsvLink href={csv} file="orchestrators.csv" testId="csv-link" />
      </div>
      <p className="muted" data-testid="yield-caption">
        <b>Reward yield</b> and <b>fee yield</b>: what 1 LPT delegated to the pool actually earned over the last 30 days (from its reward and fee factors, after the
        orchestrator&apos;s cuts), as a % per year if those 30 days repeated: rewards compounded, fees in ETH valued at today&apos;s LPT price. Past earnings, not a
        promise; <Link href="/staking#yield-assumptions">how it is computed</Link>. Fee cut = 1 − fee share (what the orchestrator keeps of fees). Fees: ETH paid into the
        pool in rounds of the last 30/90 days. Reward calls: rounds with a Reward call over the rounds it was active in, last 90 rounds.
      </p>
      <ApiState q={list} what="Loading orchestrators">
        {() => (
          <DataTable
            rows={rows}
            rowKey={(o) => o.address}
            row={(o) => ({ 'data-address': o.address })}
            testId="directory"
            className="directory"
            empty="No orchestrator matches these filters."
            more={moreOf(list, undefined, <span data-testid="row-count">{rows.length} shown</span>)}
            columns={[
              {
                head: 'Orchestrator',
                cell: (o) => (
                  <>
                    <Link href={`/orchestrators/${o.address}`} className="mono">
                      {shortAddress(o.address)}
                    </Link>
                    <LabelBadge label={labels.get(o.address)} />
                    {!o.active && <span className="badge off">inactive</span>}
                  </>
                ),
              },
              {
                ...sortable('stake', 'Stake'),
                num: true,
                testId: 'cell-stake',
                cell: (o) => <TokenAmount amount={o.totalStake} digits={0} usd={o.usd.totalStake} usdTestId="usd-stake" />,
              },
              {
                ...sortable('rewardYield', 'Reward yield'),
                num: true,
                testId: 'cell-reward-yield',
                title: (o) => yieldTitle(o.yield),
                cell: (o) => <YieldPercent value={o.yield?.rewardAnnualized} />,
              },
              {
                ...sortable('feeYield', 'Fee yield'),
                num: true,
                testId: 'cell-fee-yield',
                title: (o) => (o.yield?.feesPerLptPerYear == null ? undefined : `${o.yield.feesPerLptPerYear.toPrecision(3)} ETH per LPT per year`),
                cell: (o) => <YieldPercent value={o.yield?.feeAnnualized} />,
              },
              { ...sortable('rewardCut', 'Reward cut'), num: true, testId: 'cell-rewardcut', cell: (o) => `${decimal(String(o.rewardCut.percent), 2)}%` },
              { ...sortable('feeCut', 'Fee cut'), num: true, testId: 'cell-feecut', cell: (o) => `${decimal(String(o.feeCut.percent), 2)}%` },
              {
                ...sortable('fees30d', 'Fees 30d'),
                num: true,
                testId: 'cell-fees30d',
                cell: (o) => <TokenAmount amount={o.fees30d} digits={4} usd={o.usd.fees30d} usdTestId="usd-fees30d" />,
              },
              {
                ...sortable('fees90d', 'Fees 90d'),
                num: true,
                wide: true,
                cell: (o) => <TokenAmount amount={o.fees90d} digits={4} usd={o.usd.fees90d} usdTestId="usd-fees90d" />,
              },
              {
                ...sortable('rewardCallRatio90', 'Reward calls'),
                num: true,
                testId: 'cell-calls',
                cell: (o) => (
                  <>
                    {percent(o.rewardCalls90.ratio, 0)}{' '}
                    <span className="muted">
                      ({o.rewardCalls90.called}/{o.rewardCalls90.eligible})
                    </span>
                  </>
                ),
              },
              { ...sortable('age', 'Age'), num: true, wide: true, cell: (o) => o.ageRounds ?? '—' },
              { ...sortable('delegators', 'Delegators'), num: true, wide: true, cell: (o) => o.delegators },
              { head: 'Service URI', wide: true, className: 'ellipsis', title: (o) => o.serviceUri ?? undefined, cell: (o) => host(o.serviceUri) },
            ]}
          />
        )}
      </ApiState>
    </div>
  );
}
