import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { dateTime, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { Bar, Empty, ErrorBox, Loading, Stat } from '../ui.js';
import { statusClass, type GovProposal, type GovVote } from './governanceTypes.js';

const EVENT_NAMES: Record<string, string> = { created: 'Created', 'voting-opens': 'Voting opens', 'voting-closes': 'Voting closes', queued: 'Queued', executed: 'Executed', canceled: 'Canceled' };

export default function ProposalPage({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['gov-proposal', id], queryFn: () => api<{ proposal: GovProposal; votes: GovVote[] }>(`/api/v1/governance/proposals/${id}`) });
  if (q.isPending) return <Loading what="Loading the proposal" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const { proposal: p, votes } = q.data;
  const g = p.progress;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/proposals">Proposals</Link> /
      </p>
      <h1 data-testid="proposal-title">{p.title}</h1>
      <p>
        <span className={statusClass(p.status)} data-testid="proposal-status">
          {p.status}
        </span>{' '}
        <span className="muted">
          by <Link href={`/governance/delegates/${p.proposer}`}>{shortAddress(p.proposer)}</Link> · id <span className="mono">{p.id.slice(0, 16)}…</span>
          {p.lips.length > 0 && ` · names ${p.lips.map((l) => `LIP-${l}`).join(', ')}`}
        </span>
      </p>
      <section className="cards">
        <Stat label="For" value={<span data-testid="votes-for">{token(p.votes.for, 0)}</span>} sub={`${percent(g.forShare, 2)} of for + against`} />
        <Stat label="Against" value={<span data-testid="votes-against">{token(p.votes.against, 0)}</span>} />
        <Stat label="Abstain" value={token(p.votes.abstain, 0)} />
        <Stat label="Voters" value={p.voters} />
      </section>
      <section className="panel">
        <h2>Quorum and quota</h2>
        <p>
          Quorum: <b data-testid="quorum-total">{token(g.totalVotes, 0)}</b> of <b data-testid="quorum-needed">{token(g.quorum, 0)}</b> ({percent(g.quorumProgress, 1)}){' '}
          {g.quorumReached ? <span className="badge on">reached</span> : <span className="badge off">short by {token(g.quorumShortfall, 0)}</span>}
        </p>
        <Bar value={g.quorumProgress} testId="quorum-bar" />
        <p>
          Quota: for needs at least <b data-testid="quota-threshold">{token(g.quotaThreshold, 0)}</b> ({percent(g.quota / 1e6, 0)} of for + against){' '}
          {g.quotaReached ? <span className="badge on">met</span> : <span className="badge off">short by {token(g.quotaShortfall, 0)}</span>}
        </p>
        <Bar value={g.forShare} testId="quota-bar" />
      </section>
      <div className="grid2">
        <section className="panel">
          <h2>Timeline</h2>
          <ul data-testid="timeline">
            {p.timeline.map((t) => (
              <li key={t.event}>
                <b>{EVENT_NAMES[t.event]}</b> {t.round !== null && <>round {t.round} </>}
                {t.block !== null && <span className="muted">block {t.block} </span>}
                {t.time !== null && (
                  <span className="muted">
                    {t.estimated ? '≈ ' : ''}
                    {dateTime(t.time)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section className="panel">
          <h2>What it does</h2>
          <ul data-testid="actions">
            {p.actions.map((a, i) => (
              <li key={i}>{a.summary}</li>
            ))}
          </ul>
        </section>
      </div>
      <section className="panel">
        <div className="panel-head">
          <h2>Votes</h2>
          <a className="button" href={`/api/v1/governance/proposals/${p.id}/votes?format=csv`} download>
            Export CSV
          </a>
        </div>
        {votes.length === 0 ? (
          <Empty>No votes yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="votes">
              <thead>
                <tr>
                  <th>Voter</th>
                  <th>Vote</th>
                  <th>Weight</th>
                  <th>Counted</th>
                  <th className="wide">Reason</th>
                </tr>
              </thead>
              <tbody>
                {votes.map((v) => (
                  <tr key={v.voter} data-voter={v.voter}>
                    <td>
                      <Link href={v.role === 'orchestrator' ? `/governance/delegates/${v.voter}` : `/accounts/${v.voter}`} className="mono">
                        {shortAddress(v.voter)}
                      </Link>
                      <div className="muted">{v.label}</div>
                    </td>
                    <td>
                      <span className={v.support === 'for' ? 'badge on' : v.support === 'against' ? 'badge off' : 'badge'}>{v.support}</span>
                      {v.pivotal && <span className="badge" title="without this vote the outcome would flip"> pivotal</span>}
                      {v.overrides && <span className="badge" title="overrides its orchestrator's vote"> override</span>}
                    </td>
                    <td className="num" data-testid="cell-weight">
                      {token(v.weight, 0)}
                    </td>
                    <td className="num" data-testid="cell-counted">
                      {token(v.counted, 0)}
                    </td>
                    <td className="wide">{v.reason || <span className="muted">—</span>}</td>
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
