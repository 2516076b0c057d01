import { apiUrl } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { CsvLink, Panel, Stat } from '../components/ui.js';
import { statusClass, voteColumns } from '../components/votes.js';
import { percent, shortAddress } from '../format.js';
import { Link } from '../router.js';

/** Participation of every orchestrator in governance. */
export function DelegateList() {
  const q = useApi('/api/v1/governance/delegates');
  if (!q.data) return <ApiState q={q} what="Loading delegates" />;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/proposals">Proposals</Link> /
      </p>
      <h1>Delegate participation</h1>
      <p className="muted">Eligible: proposals whose voting opened after the orchestrator’s activation round, or that it voted on.</p>
      <div className="filters">
        <CsvLink href={apiUrl('/api/v1/governance/delegates', { query: { format: 'csv' } })} />
      </div>
      <DataTable
        rows={q.data.data}
        rowKey={(d) => d.address}
        row={(d) => ({ 'data-address': d.address })}
        testId="delegates"
        empty="No orchestrators yet."
        columns={[
          {
            head: 'Orchestrator',
            cell: (d) => (
              <>
                <Link href={`/governance/delegates/${d.address}`} className="mono">
                  {shortAddress(d.address)}
                </Link>{' '}
                <span className="muted">{d.label}</span>
              </>
            ),
          },
          { head: 'Voted', num: true, cell: (d) => d.voted },
          { head: 'Eligible', num: true, cell: (d) => d.eligible },
          { head: 'Participation', num: true, testId: 'cell-participation', cell: (d) => percent(d.participation, 0) },
          { head: 'Pivotal votes', num: true, cell: (d) => d.pivotal },
        ]}
      />
    </div>
  );
}

/** One delegate's voting record. */
export default function DelegateVotes({ address }: { address: string }) {
  const q = useApi('/api/v1/governance/delegates/{address}', { params: { address } });
  if (!q.data) return <ApiState q={q} what="Loading the voting record" />;
  const r = q.data;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/governance/delegates">Delegates</Link> /
      </p>
      <h1 className="mono break" data-testid="delegate-address">
        {r.address}
      </h1>
      <p className="muted">
        {r.label} · <Link href={`/orchestrators/${r.address}`}>orchestrator page</Link> · <Link href={`/staking/delegates/${r.address}`}>its delegators' votes</Link>
      </p>
      <section className="cards">
        <Stat label="Participation" value={<span data-testid="delegate-participation">{percent(r.participation, 0)}</span>} sub={`${r.voted} of ${r.eligible} proposals`} />
        <Stat label="Pivotal votes" value={r.pivotal} />
      </section>
      <Panel title="Voting record" actions={<CsvLink href={apiUrl('/api/v1/governance/delegates/{address}', { params: { address: r.address }, query: { format: 'csv' } })} />}>
        <DataTable
          rows={r.votes}
          rowKey={(v) => v.proposalId}
          testId="record"
          empty="No proposal opened for voting while this account was active."
          columns={[
            voteColumns.proposal(),
            { head: 'Outcome', cell: (v) => <span className={statusClass(v.status)}>{v.status}</span> },
            voteColumns.support('cell-support'),
            voteColumns.weight(),
            voteColumns.counted(),
            voteColumns.reason(),
          ]}
        />
      </Panel>
    </div>
  );
}
