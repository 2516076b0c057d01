import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, type DelegatorRow, type OrchestratorDetail } from '../api.js';
import Chart from '../Chart.js';
import { dateTime, decimal, host, percent, shortAddress, token } from '../format.js';
import { LabelBadge, useLabels } from '../labels.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Stat, Usd } from '../ui.js';

interface DelegatorPage {
  data: DelegatorRow[];
  total: number;
  page: { nextCursor: string | null };
}

export default function OrchestratorPage({ address }: { address: string }) {
  const q = useQuery({ queryKey: ['orchestrator', address], queryFn: () => api<OrchestratorDetail>(`/api/v1/orchestrators/${address}`, { historyRounds: 1000 }) });
  const dels = useInfiniteQuery({
    queryKey: ['orchestrator-delegators', address],
    queryFn: ({ pageParam }) => api<DelegatorPage>(`/api/v1/orchestrators/${address}/delegators`, { limit: 25, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.page.nextCursor ?? undefined,
  });
  const h = q.data?.history;
  const x = useMemo(() => (h ?? []).map((p) => String(p.round)), [h]);
  const stake = useMemo(() => [{ name: 'Pool stake (LPT)', type: 'line' as const, data: (h ?? []).map((p) => Number(p.totalStake.formatted)), area: true }], [h]);
  const earnings = useMemo(
    () => [
      { name: 'Rewards (LPT)', type: 'bar' as const, data: (h ?? []).map((p) => Number(p.rewards.formatted)) },
      { name: 'Fees (ETH)', type: 'line' as const, data: (h ?? []).map((p) => Number(p.fees.formatted)), yAxis: 1 as const },
    ],
    [h],
  );

  const labels = useLabels([address, ...(dels.data?.pages.flatMap((p) => p.data.map((d) => d.address)) ?? [])]);
  if (q.isPending) return <Loading what="Loading the orchestrator" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const { orchestrator: o, cutChanges, history } = q.data;
  const delegatorRows = dels.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/orchestrators">Orchestrators</Link> /
      </p>
      <h1 className="mono break" data-testid="orch-address">
        {o.address}
      </h1>
      <LabelBadge label={labels.get(o.address)} />
      <p>
        {o.active ? <span className="badge on">active</span> : <span className="badge off">inactive</span>} <span className="muted">service</span>{' '}
        <span data-testid="orch-service">{host(o.serviceUri)}</span>
        {o.aiServiceUri && <span className="muted"> · AI {host(o.aiServiceUri)}</span>} · <Link href={`/accounts/${o.address}`}>its own account</Link>
      </p>
      <section className="cards">
        <Stat label="Total stake" value={<><span data-testid="orch-stake">{token(o.totalStake, 2)}</span><Usd value={o.usd.totalStake} testId="usd-orch-stake" /></>} sub={`${o.delegators} delegators`} />
        <Stat label="Reward cut" value={<span data-testid="orch-rewardcut">{decimal(String(o.rewardCut.percent), 2)}%</span>} sub="kept of rewards" />
        <Stat label="Fee cut" value={<span data-testid="orch-feecut">{decimal(String(o.feeCut.percent), 2)}%</span>} sub={`fee share ${decimal(String(o.feeShare.percent), 2)}% to delegators`} />
        <Stat label="Fees, 30 days" value={<><span data-testid="orch-fees30">{token(o.fees30d, 4)}</span><Usd value={o.usd.fees30d} testId="usd-orch-fees30" /></>} sub={<>90 days: {token(o.fees90d, 4)}<Usd value={o.usd.fees90d} /></>} />
        <Stat label="Reward calls, 90 rounds" value={<span data-testid="orch-calls">{percent(o.rewardCalls90.ratio, 0)}</span>} sub={`${o.rewardCalls90.called} of ${o.rewardCalls90.eligible} rounds`} />
        <Stat label="Age" value={o.ageRounds === null ? '—' : `${o.ageRounds} rounds`} sub={o.firstSeenRound ? `first seen in round ${o.firstSeenRound}` : undefined} />
      </section>

      <section className="panel">
        <h2>Stake and earnings per round</h2>
        {history.length === 0 ? (
          <Empty>No earnings pools yet.</Empty>
        ) : (
          <div className="grid2">
            <Chart x={x} series={stake} yNames={['LPT']} testId="chart-stake" />
            <Chart x={x} series={earnings} yNames={['LPT', 'ETH']} testId="chart-earnings" />
          </div>
        )}
      </section>

      <section className="panel">
        <h2>Pools and reward calls</h2>
        <div className="table-wrap">
          <table data-testid="pools">
            <thead>
              <tr>
                <th>Round</th>
                <th>Reward call</th>
                <th>Pool stake</th>
                <th>Rewards</th>
                <th>Fees</th>
                <th className="wide">Cuts</th>
              </tr>
            </thead>
            <tbody>
              {[...history].reverse().map((p) => (
                <tr key={p.round}>
                  <td>{p.round}</td>
                  <td>{p.rewardCalled ? <span className="badge on">called</span> : <span className="badge off">missed</span>}</td>
                  <td className="num">{token(p.totalStake, 0)}<Usd value={p.usd.totalStake} /></td>
                  <td className="num">{token(p.rewards, 2)}<Usd value={p.usd.rewards} testId="usd-pool-rewards" /></td>
                  <td className="num">{token(p.fees, 4)}<Usd value={p.usd.fees} testId="usd-pool-fees" /></td>
                  <td className="num wide">
                    {decimal(String(p.rewardCut.percent))}% / {decimal(String(100 - p.feeShare.percent))}%
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel">
        <h2>Cut changes</h2>
        {cutChanges.length === 0 ? (
          <Empty>No TranscoderUpdate events.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="cut-changes">
              <thead>
                <tr>
                  <th>Round</th>
                  <th>When</th>
                  <th>Reward cut</th>
                  <th>Fee cut</th>
                </tr>
              </thead>
              <tbody>
                {cutChanges.map((c) => (
                  <tr key={`${c.blockNumber}-${c.txHash}`}>
                    <td>{c.round ?? '—'}</td>
                    <td>{dateTime(c.time)}</td>
                    <td className="num">{decimal(String(c.rewardCut.percent))}%</td>
                    <td className="num">{decimal(String(100 - c.feeShare.percent))}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel">
        <h2>
          Delegators <span className="muted" data-testid="delegator-total">{dels.data?.pages[0]?.total ?? ''}</span>
        </h2>
        {dels.isPending ? (
          <Loading />
        ) : dels.isError ? (
          <ErrorBox error={dels.error} />
        ) : delegatorRows.length === 0 ? (
          <Empty>Nobody is bonded to this orchestrator.</Empty>
        ) : (
          <>
            <div className="table-wrap">
              <table data-testid="delegators">
                <thead>
                  <tr>
                    <th>Account</th>
                    <th>Bonded</th>
                    <th className="wide">Since round</th>
                  </tr>
                </thead>
                <tbody>
                  {delegatorRows.map((d) => (
                    <tr key={d.address}>
                      <td>
                        <Link href={`/accounts/${d.address}`} className="mono">
                          {shortAddress(d.address)}
                        </Link>{' '}
                        <LabelBadge label={labels.get(d.address)} />
                      </td>
                      <td className="num">{token(d.bondedAmount, 2)}</td>
                      <td className="num wide">{d.startRound}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {dels.hasNextPage && (
              <div className="more">
                <button type="button" onClick={() => void dels.fetchNextPage()} disabled={dels.isFetchingNextPage}>
                  Load more
                </button>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}
