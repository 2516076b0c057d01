import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, queryString, type Orchestrator, type Page } from '../api.js';
import { decimal, host, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { LabelBadge, useLabels } from '../labels.js';
import { Empty, ErrorBox, Loading, Usd } from '../ui.js';

type Sort = 'stake' | 'rewardCut' | 'feeCut' | 'fees30d' | 'fees90d' | 'rewardCallRatio90' | 'age' | 'delegators';

const COLUMNS: { key: Sort | null; label: string; className?: string }[] = [
  { key: null, label: 'Orchestrator' },
  { key: 'stake', label: 'Stake' },
  { key: 'rewardCut', label: 'Reward cut' },
  { key: 'feeCut', label: 'Fee cut' },
  { key: 'fees30d', label: 'Fees 30d' },
  { key: 'fees90d', label: 'Fees 90d', className: 'wide' },
  { key: 'rewardCallRatio90', label: 'Reward calls' },
  { key: 'age', label: 'Age', className: 'wide' },
  { key: 'delegators', label: 'Delegators', className: 'wide' },
  { key: null, label: 'Service URI', className: 'wide' },
];

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

  const list = useInfiniteQuery({
    queryKey: ['orchestrators', params],
    queryFn: ({ pageParam }) => api<Page<Orchestrator>>('/api/v1/orchestrators', { ...params, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

  const clickSort = (key: Sort) => {
    if (key === sort) setOrder(order === 'desc' ? 'asc' : 'desc');
    else {
      setSort(key);
      setOrder(key === 'rewardCut' || key === 'feeCut' ? 'asc' : 'desc');
    }
  };
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const labels = useLabels(rows.map((o) => o.address));
  const csv = `/api/v1/orchestrators?${queryString({ ...params, format: 'csv' })}`;

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
            {COLUMNS.filter((c) => c.key).map((c) => (
              <optgroup key={c.key} label={c.label}>
                <option value={`${c.key}:desc`}>{c.label} ↓</option>
                <option value={`${c.key}:asc`}>{c.label} ↑</option>
              </optgroup>
            ))}
          </select>
        </label>
        <a className="button" href={csv} download="orchestrators.csv" data-testid="csv-link">
          Export CSV
        </a>
      </div>
      <p className="muted">
        Fee cut = 1 − fee share (what the orchestrator keeps of fees). Fees: ETH paid into the orchestrator's pool in rounds of the last 30/90 days. Reward calls: rounds with a
        Reward call over the rounds it was active in, last 90 rounds. Yield is not shown: Atlas does not publish a yield figure until it can state its assumptions.
      </p>
      {list.isPending ? (
        <Loading what="Loading orchestrators" />
      ) : list.isError ? (
        <ErrorBox error={list.error} retry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No orchestrator matches these filters.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="directory" data-testid="directory">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.label} className={c.className} aria-sort={c.key === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {c.key ? (
                        <button type="button" onClick={() => clickSort(c.key!)} data-testid={`sort-${c.key}`}>
                          {c.label}
                          {c.key === sort ? (order === 'asc' ? ' ↑' : ' ↓') : ''}
                        </button>
                      ) : (
                        c.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr key={o.address} data-address={o.address}>
                    <td>
                      <Link href={`/orchestrators/${o.address}`} className="mono">
                        {shortAddress(o.address)}
                      </Link>
                      <LabelBadge label={labels.get(o.address)} />
                      {!o.active && <span className="badge off">inactive</span>}
                    </td>
                    <td className="num" data-testid="cell-stake">{token(o.totalStake, 0)}<Usd value={o.usd.totalStake} testId="usd-stake" /></td>
                    <td className="num" data-testid="cell-rewardcut">{decimal(String(o.rewardCut.percent), 2)}%</td>
                    <td className="num" data-testid="cell-feecut">{decimal(String(o.feeCut.percent), 2)}%</td>
                    <td className="num" data-testid="cell-fees30d">{token(o.fees30d, 4)}<Usd value={o.usd.fees30d} testId="usd-fees30d" /></td>
                    <td className="num wide">{token(o.fees90d, 4)}<Usd value={o.usd.fees90d} testId="usd-fees90d" /></td>
                    <td className="num" data-testid="cell-calls">
                      {percent(o.rewardCalls90.ratio, 0)} <span className="muted">({o.rewardCalls90.called}/{o.rewardCalls90.eligible})</span>
                    </td>
                    <td className="num wide">{o.ageRounds ?? '—'}</td>
                    <td className="num wide">{o.delegators}</td>
                    <td className="wide ellipsis" title={o.serviceUri ?? undefined}>{host(o.serviceUri)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="more">
            <span className="muted" data-testid="row-count">{rows.length} shown</span>
            {list.hasNextPage && (
              <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
