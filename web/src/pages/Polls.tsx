import { useApi } from '../api/hooks.js';
import type { Poll } from '../api/types.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Bar, Stat } from '../components/ui.js';
import { dateTime, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';

type Tally = NonNullable<Poll['tally']>;

/** part / whole of two wei amounts as a ratio (6 decimals), null when the whole is zero. */
const ratio = (part: bigint, whole: bigint): number | null => (whole === 0n ? null : Number((part * 1_000_000n) / whole) / 1e6);
const share = (t: Tally) => ratio(BigInt(t.yes.wei), BigInt(t.yes.wei) + BigInt(t.no.wei));
const turnout = (t: Tally) => ratio(BigInt(t.yes.wei) + BigInt(t.no.wei), BigInt(t.totalStake.wei));
const result = (p: Poll): string => (p.tally === null ? 'open' : p.tally.passed ? 'passed' : p.tally.quorumReached ? 'rejected' : 'no quorum');

/** A ratio as a bar with its percentage. */
function Share({ value }: { value: number | null }) {
  return (
    <>
      <Bar value={value} />
      <span className="muted">{percent(value, 1)}</span>
    </>
  );
}

/** Legacy PollCreator polls with their stake-weighted results. */
export default function Polls() {
  const q = useApi('/api/v1/governance/polls');
  return (
    <div className="page">
      <h1>Legacy polls</h1>
      <p className="muted">
        Polls created through the PollCreator before the treasury governor. A vote is an event; the result is weighed by stake when the poll ends: an orchestrator counts
        its delegated stake minus the stake of its delegators who voted themselves, and a voter’s last vote counts. See also <Link href="/proposals">governor proposals</Link>.
      </p>
      <ApiState q={q} what="Loading polls">
        {({ data }) => (
          <DataTable
            rows={data}
            rowKey={(p) => p.address}
            row={(p) => ({ 'data-address': p.address })}
            testId="polls"
            empty="No polls have been created."
            columns={[
              {
                head: 'Poll',
                cell: (p) => (
                  <>
                    <Link href={`/polls/${p.address}`} data-testid="poll-link">
                      {p.proposalText ?? shortAddress(p.address)}
                    </Link>
                    <div className="muted">
                      created {dateTime(p.createdTime)} · ends at L1 block {p.endBlock}
                    </div>
                  </>
                ),
              },
              { head: 'Result', testId: 'cell-result', cell: result },
              { head: 'Yes', num: true, testId: 'cell-yes', cell: (p) => (p.tally ? token(p.tally.yes, 0) : '—') },
              { head: 'No', num: true, cell: (p) => (p.tally ? token(p.tally.no, 0) : '—') },
              { head: `Turnout (quorum ${percent((data[0]?.quorum ?? 0) / 1e6, 2)})`, wide: true, cell: (p) => p.tally && <Share value={turnout(p.tally)} /> },
              { head: `Yes share (quota ${percent((data[0]?.quota ?? 0) / 1e6, 0)})`, wide: true, cell: (p) => p.tally && <Share value={share(p.tally)} /> },
              { head: 'Voters', num: true, testId: 'cell-voters', cell: (p) => p.voters },
            ]}
          />
        )}
      </ApiState>
    </div>
  );
}

/** One poll: result and every vote, the counted one per voter marked. */
export function PollPage({ address }: { address: string }) {
  const q = useApi('/api/v1/governance/polls/{address}', { params: { address } });
  if (!q.data) return <ApiState q={q} what="Loading poll" />;
  const { poll, votes } = q.data;
  return (
    <div className="page">
      <h1>{poll.proposalText ?? `Poll ${shortAddress(poll.address)}`}</h1>
      <p className="muted">
        Poll contract {poll.address} · created in block {poll.createdBlock} ({dateTime(poll.createdTime)}) · votes count up to L1 block {poll.endBlock}
      </p>
      <section className="cards">
        <Stat label="Result" value={result(poll)} testId="poll-result" />
        <Stat label="Yes" value={poll.tally ? token(poll.tally.yes, 0) : '—'} sub={poll.tally ? percent(share(poll.tally), 1) : undefined} testId="poll-yes" />
        <Stat label="No" value={poll.tally ? token(poll.tally.no, 0) : '—'} />
        <Stat label="Turnout" value={poll.tally ? percent(turnout(poll.tally), 1) : '—'} sub={`quorum ${percent(poll.quorum / 1e6, 2)}`} />
        <Stat label="Voters" value={poll.voters} sub={`${poll.votes} vote transactions`} />
      </section>
      <DataTable
        rows={votes}
        rowKey={(v) => `${v.txHash}:${v.voter}`}
        row={(v) => ({ className: v.counted ? undefined : 'muted' })}
        testId="poll-votes"
        empty="No votes yet."
        columns={[
          { head: 'Voter', cell: (v) => <Link href={`/accounts/${v.voter}`}>{shortAddress(v.voter)}</Link> },
          { head: 'Choice', testId: 'cell-choice', cell: (v) => (v.choice === 'other' ? `#${v.choiceId}` : v.choice) },
          { head: 'Counted', testId: 'cell-counted', cell: (v) => (v.counted ? 'yes' : 'replaced by a later vote') },
          { head: 'Block', num: true, cell: (v) => v.block },
          { head: 'Time', cell: (v) => dateTime(v.time) },
        ]}
      />
    </div>
  );
}
