import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { useMemo, useState } from 'react';
import { api, queryString, type ApiEvent, type Page } from '../api.js';
import Chart from '../Chart.js';
import { dateTime, decimal, percent, token, type AmountLike } from '../format.js';
import { Address, useLabels, type AddressLabelData } from '../labels.js';
import { Empty, ErrorBox, Loading, Stat } from '../ui.js';

interface Population {
  delegators: number;
  totalBonded: AmountLike;
  gini: number;
  hhiPpm: number;
  buckets: { fromLpt: number; toLpt: number | null; delegators: number; stake: AmountLike }[];
  daily: { day: string; joined: number; left: number; delegators: number }[];
  top: { address: string; label: AddressLabelData | null; delegate: string; bondedAmount: AmountLike; share: number }[];
}
interface Flows {
  fromRound: number;
  toRound: number;
  data: { orchestrator: string; label: AddressLabelData | null; inflow: AmountLike; outflow: AmountLike; net: AmountLike }[];
}

const TYPES = ['Bond', 'Unbond', 'Rebond', 'TransferBond', 'EarningsClaimed', 'WithdrawStake', 'WithdrawFees'];

function Events() {
  const [type, setType] = useState('');
  const [address, setAddress] = useState('');
  const addr = /^0x[0-9a-fA-F]{40}$/.test(address.trim()) ? address.trim().toLowerCase() : undefined;
  const params = { type: type || undefined, address: addr };
  const list = useInfiniteQuery({
    queryKey: ['staking-events', params],
    queryFn: ({ pageParam }) => api<Page<ApiEvent>>('/api/v1/staking/events', { ...params, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const labels = useLabels(rows.flatMap((e) => e.addresses));
  return (
    <section className="panel">
      <h2>Staking events</h2>
      <div className="filters">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="events-type">
            <option value="">All</option>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Address
          <input value={address} onChange={(e) => setAddress(e.target.value)} placeholder="delegator or orchestrator 0x…" data-testid="events-address" maxLength={42} />
        </label>
        <a className="button" href={`/api/v1/staking/events?${queryString({ ...params, format: 'csv' })}`} download="staking-events.csv" data-testid="events-csv">
          Export CSV
        </a>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorBox error={list.error} />
      ) : rows.length === 0 ? (
        <Empty>No staking event matches.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="staking-events">
            <thead>
              <tr>
                <th>Time</th>
                <th>Round</th>
                <th>Type</th>
                <th>Addresses</th>
                <th>Amount</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-type={e.name}>
                  <td>{dateTime(e.time)}</td>
                  <td className="num">{e.round ?? '—'}</td>
                  <td>{e.name}</td>
                  <td>
                    {e.addresses.map((a, i) => (
                      <span key={i}>
                        {i > 0 && ' → '}
                        <Address address={a} label={labels.get(a)} href={`/accounts/${a}`} />
                      </span>
                    ))}
                  </td>
                  <td className="num">{e.amount === null ? '—' : decimal((Number(e.amount) / 1e18).toString(), 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage && (
            <button type="button" onClick={() => void list.fetchNextPage()} data-testid="events-more">
              Load more
            </button>
          )}
        </div>
      )}
    </section>
  );
}

export default function Delegators() {
  const pop = useQuery({ queryKey: ['population'], queryFn: () => api<Population>('/api/v1/staking/delegators', { top: 20 }) });
  const flows = useQuery({ queryKey: ['flows'], queryFn: () => api<Flows>('/api/v1/staking/flows') });
  const churn = useMemo(() => {
    const d = pop.data?.daily ?? [];
    return {
      x: d.map((x) => x.day),
      series: [
        { name: 'Joined', type: 'bar' as const, data: d.map((x) => x.joined) },
        { name: 'Left', type: 'bar' as const, data: d.map((x) => -x.left) },
        { name: 'Delegators', type: 'line' as const, data: d.map((x) => x.delegators), yAxis: 1 as const },
      ],
    };
  }, [pop.data]);
  if (pop.isPending) return <Loading what="Loading delegators" />;
  if (pop.isError) return <ErrorBox error={pop.error} retry={() => void pop.refetch()} />;
  const p = pop.data;
  return (
    <div className="page">
      <StakingNav />
      <h1>Delegators</h1>
      <section className="cards">
        <Stat label="Delegators" value={<span data-testid="pop-count">{p.delegators}</span>} />
        <Stat label="Bonded" value={token(p.totalBonded, 0)} />
        <Stat label="Gini" value={<span data-testid="pop-gini">{p.gini.toFixed(3)}</span>} sub="0 = equal stakes" />
        <Stat label="HHI" value={(p.hhiPpm / 1e6).toFixed(4)} sub="sum of squared shares" />
      </section>
      <section className="panel">
        <h2>Joins and exits per day</h2>
        <Chart x={churn.x} series={churn.series} yNames={['per day', 'delegators']} testId="chart-churn" zoom={false} />
      </section>
      <section className="panel">
        <h2>Stake distribution</h2>
        <div className="table-wrap">
        <table data-testid="buckets">
          <thead>
            <tr>
              <th>Bonded LPT</th>
              <th>Delegators</th>
              <th>Stake</th>
            </tr>
          </thead>
          <tbody>
            {p.buckets.map((b) => (
              <tr key={b.fromLpt}>
                <td>{b.toLpt === null ? `≥ ${b.fromLpt.toLocaleString('en')}` : `${b.fromLpt.toLocaleString('en')} – ${b.toLpt.toLocaleString('en')}`}</td>
                <td className="num">{b.delegators}</td>
                <td className="num">{token(b.stake, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </section>
      <section className="panel">
        <h2>Top delegators</h2>
        <div className="table-wrap">
          <table data-testid="top-delegators">
            <tbody>
              {p.top.map((t) => (
                <tr key={t.address}>
                  <td>
                    <Address address={t.address} label={t.label ?? undefined} href={`/accounts/${t.address}`} />
                  </td>
                  <td className="num">{token(t.bondedAmount, 0)}</td>
                  <td className="num">{percent(t.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="panel">
        <h2>Stake flows per orchestrator{flows.data ? ` (rounds ${flows.data.fromRound}–${flows.data.toRound})` : ''}</h2>
        {flows.isPending ? (
          <Loading />
        ) : flows.isError ? (
          <ErrorBox error={flows.error} />
        ) : (
          <div className="table-wrap">
            <table data-testid="flows">
              <thead>
                <tr>
                  <th>Orchestrator</th>
                  <th>In</th>
                  <th>Out</th>
                  <th>Net</th>
                </tr>
              </thead>
              <tbody>
                {flows.data.data.slice(0, 30).map((f) => (
                  <tr key={f.orchestrator}>
                    <td>
                      <Address address={f.orchestrator} label={f.label ?? undefined} href={`/orchestrators/${f.orchestrator}`} />
                    </td>
                    <td className="num">{token(f.inflow, 0)}</td>
                    <td className="num">{token(f.outflow, 0)}</td>
                    <td className="num">{token(f.net, 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Events />
    </div>
  );
}
