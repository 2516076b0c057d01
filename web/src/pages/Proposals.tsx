import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { percent, token } from '../format.js';
import { Link } from '../router.js';
import { Bar, Empty, ErrorBox, Loading, Segmented } from '../ui.js';
import { statusClass, type GovProposal } from './governanceTypes.js';

type Filter = 'all' | 'active' | 'executed' | 'defeated';

export default function Proposals() {
  const [filter, setFilter] = useState<Filter>('all');
  const q = useQuery({ queryKey: ['gov-proposals', filter], queryFn: () => api<{ data: GovProposal[] }>('/api/v1/governance/proposals', { status: filter === 'all' ? undefined : filter }) });
  return (
    <div className="page">
      <h1>Proposals</h1>
      <p className="muted">
        Treasury governor proposals. Quorum and quota are computed as the governor does: a delegator’s vote moves its stake out of its orchestrator’s vote, so
        VoteCast weights are never simply summed. See also <Link href="/governance/delegates">delegate participation</Link> and the{' '}
        <Link href="/calendar">protocol calendar</Link>.
      </p>
      <div className="filters">
        <Segmented<Filter> label="Status" value={filter} onChange={setFilter} options={[['all', 'All'], ['active', 'Active'], ['executed', 'Executed'], ['defeated', 'Defeated']]} />
        <a className="button" href={`/api/v1/governance/proposals?format=csv${filter === 'all' ? '' : `&status=${filter}`}`} download data-testid="proposals-csv">
          Export CSV
        </a>
      </div>
      {q.isPending ? (
        <Loading what="Loading proposals" />
      ) : q.isError ? (
        <ErrorBox error={q.error} retry={() => void q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <Empty>No proposals {filter === 'all' ? 'yet' : `with status ${filter}`}.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="proposals">
            <thead>
              <tr>
                <th>Proposal</th>
                <th>Status</th>
                <th>For</th>
                <th>Against</th>
                <th className="wide">Quorum</th>
                <th className="wide">For share (quota {percent(q.data.data[0]!.progress.quota / 1e6, 0)})</th>
                <th>Treasury outflow</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((p) => (
                <tr key={p.id} data-id={p.id}>
                  <td>
                    <Link href={`/proposals/${p.id}`} data-testid="proposal-link">
                      {p.title}
                    </Link>
                    <div className="muted">
                      rounds {p.voteStart}–{p.voteEnd}
                      {p.lips.length > 0 && ` · ${p.lips.map((l) => `LIP-${l}`).join(', ')}`}
                    </div>
                  </td>
                  <td>
                    <span className={statusClass(p.status)} data-testid="cell-status">
                      {p.status}
                    </span>
                  </td>
                  <td className="num" data-testid="cell-for">
                    {token(p.votes.for, 0)}
                  </td>
                  <td className="num">{token(p.votes.against, 0)}</td>
                  <td className="wide">
                    <Bar value={p.progress.quorumProgress} />
                    <span className="muted" data-testid="cell-quorum">
                      {percent(p.progress.quorumProgress, 1)} {p.progress.quorumReached ? '✓' : ''}
                    </span>
                  </td>
                  <td className="wide">
                    <Bar value={p.progress.forShare} />
                    <span className="muted">
                      {percent(p.progress.forShare, 1)} {p.progress.quotaReached ? '✓' : ''}
                    </span>
                  </td>
                  <td className="num">{p.outflow.wei === '0' ? '—' : token(p.outflow, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
