import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Stat } from '../ui.js';
import { statusClass, type DelegateRecord, type DelegateRow } from './governanceTypes.js';

/** Participation of every orchestrator in governance. */
export function DelegateList() {
  const q = useQuery({ queryKey: ['gov-delegates'], queryFn: () => api<{ data: DelegateRow[] }>('/api/v1/governance/delegates') });
  if (q.isPending) return <Loading what="Loading delegates" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  return (
    <div className="page">
      <p className="crumbs">
        <Link href="/proposals">Proposals</Link> /
      </p>
      <h1>Delegate participation</h1>
      <p className="muted">Eligible: proposals whose voting opened after the orchestrator’s activation round, or that it voted on.</p>
      <div className="filters">
        <a className="button" href="/api/v1/governance/delegates?format=csv" download>
          Export CSV
        </a>
      </div>
      {q.data.data.length === 0 ? (
        <Empty>No orchestrators yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="delegates">
            <thead>
              <tr>
                <th>Orchestrator</th>
                <th>Voted</th>
                <th>Eligible</th>
                <th>Participation</th>
                <th>Pivotal votes</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((d) => (
                <tr key={d.address} data-address={d.address}>
                  <td>
                    <Link href={`/governance/delegates/${d.address}`} className="mono">
                      {shortAddress(d.address)}
                    </Link>{' '}
                    <span className="muted">{d.label}</span>
                  </td>
                  <td className="num">{d.voted}</td>
                  <td className="num">{d.eligible}</td>
                  <td className="num" data-testid="cell-participation">
                    {percent(d.participation, 0)}
                  </td>
                  <td className="num">{d.pivotal}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** One delegate's voting record. */
export default function DelegateVotes({ address }: { address: string }) {
  const q = useQuery({ queryKey: ['gov-delegate', address], queryFn: () => api<DelegateRecord>(`/api/v1/governance/delegates/${address}`) });
  if (q.isPending) return <Loading what="Loading the voting record" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
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
        {r.label} · <Link href={`/orchestrators/${r.address}`}>orchestrator page</Link>
      </p>
      <section className="cards">
        <Stat label="Participation" value={<span data-testid="delegate-participation">{percent(r.participation, 0)}</span>} sub={`${r.voted} of ${r.eligible} proposals`} />
        <Stat label="Pivotal votes" value={r.pivotal} />
      </section>
      <section className="panel">
        <div className="panel-head">
          <h2>Voting record</h2>
          <a className="button" href={`/api/v1/governance/delegates/${r.address}?format=csv`} download>
            Export CSV
          </a>
        </div>
        {r.votes.length === 0 ? (
          <Empty>No proposal opened for voting while this account was active.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="record">
              <thead>
                <tr>
                  <th>Proposal</th>
                  <th>Outcome</th>
                  <th>Vote</th>
                  <th>Weight</th>
                  <th>Counted</th>
                  <th className="wide">Reason</th>
                </tr>
              </thead>
              <tbody>
                {r.votes.map((v) => (
                  <tr key={v.proposalId}>
                    <td>
                      <Link href={`/proposals/${v.proposalId}`}>{v.title}</Link>
                    </td>
                    <td>
                      <span className={statusClass(v.status)}>{v.status}</span>
                    </td>
                    <td data-testid="cell-support">
                      {v.support ?? <span className="muted">did not vote</span>}
                      {v.pivotal && <span className="badge"> pivotal</span>}
                    </td>
                    <td className="num">{v.weight ? token(v.weight, 0) : '—'}</td>
                    <td className="num">{v.counted ? token(v.counted, 0) : '—'}</td>
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
