import { useQuery } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { api, type ApiEvent, type Orchestrator, type Page } from '../api.js';
import { dateTime, decimal, percent, token, type AmountLike } from '../format.js';
import { Address, useLabels, type AddressLabelData } from '../labels.js';
import { Empty, ErrorBox, Loading, Stat } from '../ui.js';

interface Activity {
  address: string;
  label: AddressLabelData | null;
  voting: { proposals: number; voted: number; votingRate: number | null; delegatorVotes: number; overrides: number };
  votes: { proposalId: string; title: string; support: string; weight: AmountLike | null; reason: string; delegatorVotes: number; delegatorOverrides: number }[];
  delegators: number;
  events: Page<ApiEvent>;
}

/** Delegate activity of one orchestrator: its votes, its delegators' overrides and staking events. */
export default function DelegateActivity({ address }: { address: string }) {
  const q = useQuery({ queryKey: ['delegate', address], queryFn: () => api<Activity>(`/api/v1/staking/delegates/${address}`, { limit: 50 }) });
  const labels = useLabels(q.data?.events.data.flatMap((e) => e.addresses) ?? []);
  if (q.isPending) return <Loading what="Loading delegate activity" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const d = q.data;
  return (
    <div className="page">
      <StakingNav />
      <h1>
        Delegate <Address address={d.address} label={d.label ?? undefined} href={`/orchestrators/${d.address}`} />
      </h1>
      <section className="cards">
        <Stat label="Proposals voted" value={<span data-testid="delegate-voted">{d.voting.voted}</span>} sub={`of ${d.voting.proposals} (${percent(d.voting.votingRate, 0)})`} />
        <Stat label="Delegators" value={<span data-testid="delegate-delegators">{d.delegators}</span>} />
        <Stat label="Delegator votes" value={d.voting.delegatorVotes} sub={`${d.voting.overrides} overrode its vote`} />
      </section>
      <section className="panel">
        <h2>Votes</h2>
        {d.votes.length === 0 ? (
          <Empty>No proposal yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="delegate-votes">
              <thead>
                <tr>
                  <th>Proposal</th>
                  <th>Vote</th>
                  <th>Weight</th>
                  <th className="wide">Reason</th>
                  <th>Delegator votes / overrides</th>
                </tr>
              </thead>
              <tbody>
                {d.votes.map((v) => (
                  <tr key={v.proposalId} data-support={v.support}>
                    <td className="ellipsis" title={v.title}>{v.title || v.proposalId.slice(0, 12)}</td>
                    <td>{v.support}</td>
                    <td className="num">{v.weight ? token(v.weight, 0) : '—'}</td>
                    <td className="wide muted">{v.reason}</td>
                    <td className="num">
                      {v.delegatorVotes} / {v.delegatorOverrides}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel">
        <h2>Staking events of its delegators</h2>
        <div className="table-wrap">
          <table data-testid="delegate-events">
            <tbody>
              {d.events.data.map((e) => (
                <tr key={e.id}>
                  <td>{dateTime(e.time)}</td>
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
        </div>
      </section>
    </div>
  );
}

/** Delegates ranked by stake, each linking to its activity. */
export function DelegateActivityList() {
  const q = useQuery({ queryKey: ['delegates'], queryFn: () => api<Page<Orchestrator>>('/api/v1/orchestrators', { active: 'true', sort: 'stake', order: 'desc', limit: 100 }) });
  const labels = useLabels(q.data?.data.map((o) => o.address) ?? []);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} />;
  return (
    <div className="page">
      <StakingNav />
      <h1>Delegate activity</h1>
      <p className="muted">Orchestrators vote for their delegators unless a delegator votes itself. Pick one to see its votes and its delegators' staking events.</p>
      <div className="table-wrap">
        <table data-testid="delegates">
          <tbody>
            {q.data.data.map((o) => (
              <tr key={o.address} data-address={o.address}>
                <td>
                  <Address address={o.address} label={labels.get(o.address)} href={`/staking/delegates/${o.address}`} />
                </td>
                <td className="num">{token(o.totalStake, 0)}</td>
                <td className="num">{o.delegators} delegators</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
