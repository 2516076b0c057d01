import { apiUrl } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Markdown } from '../components/Markdown.js';
import { Bar, CsvLink, Panel, Stat } from '../components/ui.js';
import { statusClass, voteColumns } from '../components/votes.js';
import { dateTime, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';

const EVENT_NAMES: Record<string, string> = { created: 'Created', 'voting-opens': 'Voting opens', 'voting-closes': 'Voting closes', queued: 'Queued', executed: 'Executed', canceled: 'Canceled' };

export default function ProposalPage({ id }: { id: string }) {
  const q = useApi('/api/v1/governance/proposals/{id}', { params: { id } });
  if (!q.data) return <ApiState q={q} what="Loading the proposal" />;
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
        <Stat label="Voters" value={p.voters} sub={`voting in rounds ${p.voteStart + 1}–${p.voteEnd}`} />
      </section>
      <Panel title="Quorum and quota">
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
      </Panel>
      <div className="grid2">
        <Panel title="Timeline">
          <ul data-testid="timeline">
            {p.timeline.map((t) => (
              <li key={t.event}>
                <b>{EVENT_NAMES[t.event]}</b> {t.round !== null && (t.event === 'voting-closes' ? <>at the start of round {t.round} (last voting round {t.round - 1}) </> : t.event === 'voting-opens' ? <>with round {t.round} </> : <>round {t.round} </>)}
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
        </Panel>
        <Panel title="What it does">
          <ul data-testid="actions">
            {p.actions.map((a, i) => (
              <li key={i} className="break">
                {a.summary}
              </li>
            ))}
          </ul>
          {p.status === 'defeated' && p.outflow.wei !== '0' && <p className="muted">Defeated: nothing left the treasury.</p>}
        </Panel>
      </div>
      <Panel title="Proposal text">
        <Markdown text={p.description} testId="proposal-text" />
      </Panel>
      <Panel title="Votes" actions={<CsvLink href={apiUrl('/api/v1/governance/proposals/{id}/votes', { params: { id: p.id }, query: { format: 'csv' } })} />}>
        <DataTable
          rows={votes}
          rowKey={(v) => v.voter}
          row={(v) => ({ 'data-voter': v.voter })}
          testId="votes"
          empty="No votes yet."
          columns={[
            {
              head: 'Voter',
              cell: (v) => (
                <>
                  <Link href={v.role === 'orchestrator' ? `/governance/delegates/${v.voter}` : `/accounts/${v.voter}`} className="mono">
                    {shortAddress(v.voter)}
                  </Link>
                  <div className="muted">{v.label}</div>
                </>
              ),
            },
            voteColumns.support(),
            voteColumns.weight('cell-weight'),
            voteColumns.counted(),
            voteColumns.reason(),
          ]}
        />
      </Panel>
    </div>
  );
}
