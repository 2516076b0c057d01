import { useState } from 'react';
import { apiUrl } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Bar, CsvLink, Segmented } from '../components/ui.js';
import { statusClass } from '../components/votes.js';
import { percent, token } from '../format.js';
import { Link } from '../router.js';

type Filter = 'all' | 'active' | 'executed' | 'defeated';

export default function Proposals() {
  const [filter, setFilter] = useState<Filter>('all');
  const status = filter === 'all' ? undefined : filter;
  const q = useApi('/api/v1/governance/proposals', { query: { status } });
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
        <CsvLink href={apiUrl('/api/v1/governance/proposals', { query: { format: 'csv', status } })} testId="proposals-csv" />
      </div>
      <ApiState q={q} what="Loading proposals">
        {({ data }) => (
          <DataTable
            rows={data}
            rowKey={(p) => p.id}
            row={(p) => ({ 'data-id': p.id })}
            testId="proposals"
            empty={`No proposals ${filter === 'all' ? 'yet' : `with status ${filter}`}.`}
            columns={[
              {
                head: 'Proposal',
                className: 'wrap',
                cell: (p) => (
                  <>
                    <Link href={`/proposals/${p.id}`} data-testid="proposal-link">
                      {p.title}
                    </Link>
                    <div className="muted" data-testid="voting-rounds">
                      voting rounds {p.voteStart + 1}–{p.voteEnd}
                      {p.lips.length > 0 && ` · ${p.lips.map((l) => `LIP-${l}`).join(', ')}`}
                    </div>
                  </>
                ),
              },
              { head: 'Status', testId: 'cell-status', cell: (p) => <span className={statusClass(p.status)}>{p.status}</span> },
              { head: 'For', num: true, testId: 'cell-for', cell: (p) => token(p.votes.for, 0) },
              { head: 'Against', num: true, cell: (p) => token(p.votes.against, 0) },
              {
                head: 'Quorum',
                wide: true,
                cell: (p) => (
                  <>
                    <Bar value={p.progress.quorumProgress} />
                    <span className="muted" data-testid="cell-quorum">
                      {percent(p.progress.quorumProgress, 1)} {p.progress.quorumReached ? '✓' : ''}
                    </span>
                  </>
                ),
              },
              {
                head: `For share (quota ${percent((data[0]?.progress.quota ?? 0) / 1e6, 0)})`,
                wide: true,
                cell: (p) => (
                  <>
                    <Bar value={p.progress.forShare} />
                    <span className="muted">
                      {percent(p.progress.forShare, 1)} {p.progress.quotaReached ? '✓' : ''}
                    </span>
                  </>
                ),
              },
              {
                head: 'Treasury outflow',
                num: true,
                testId: 'cell-outflow',
                // Only an executed proposal moved anything; a live or queued one would, a defeated one never will.
                cell: (p) =>
                  p.outflow.wei === '0' ? '—' : p.status === 'executed' ? token(p.outflow, 0) : p.status === 'defeated' || p.status === 'canceled' || p.status === 'expired' ? <span className="muted">none ({p.status})</span> : <span className="muted">{token(p.outflow, 0)} if executed</span>,
              },
            ]}
          />
        )}
      </ApiState>
    </div>
  );
}
