import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { dateTime, percent, shortAddress, token, type AmountLike } from '../format.js';
import { Link } from '../router.js';
import { Bar, Empty, ErrorBox, Loading, Stat } from '../ui.js';

interface PollTally {
  yes: AmountLike;
  no: AmountLike;
  totalStake: AmountLike;
  voters: number;
  quorumReached: boolean;
  passed: boolean;
  closedAtBlock: number;
  round: number | null;
}
interface Poll {
  address: string;
  proposal: string;
  proposalText: string | null;
  createdBlock: number;
  createdTime: number;
  endBlock: number;
  quorum: number;
  quota: number;
  status: 'active' | 'ended';
  votes: number;
  voters: number;
  tally: PollTally | null;
}
interface PollVote {
  voter: string;
  choiceId: string;
  choice: 'yes' | 'no' | 'other';
  counted: boolean;
  block: number;
  time: number;
  txHash: string;
}

const share = (t: PollTally): number | null => {
  const yes = BigInt(t.yes.wei);
  const all = yes + BigInt(t.no.wei);
  return all === 0n ? null : Number((yes * 1_000_000n) / all) / 1e6;
};
const turnout = (t: PollTally): number | null => {
  const total = BigInt(t.totalStake.wei);
  return total === 0n ? null : Number(((BigInt(t.yes.wei) + BigInt(t.no.wei)) * 1_000_000n) / total) / 1e6;
};
const result = (p: Poll): string => (p.tally === null ? 'open' : p.tally.passed ? 'passed' : p.tally.quorumReached ? 'rejected' : 'no quorum');

/** Legacy PollCreator polls with their stake-weighted results. */
export default function Polls() {
  const q = useQuery({ queryKey: ['polls'], queryFn: () => api<{ data: Poll[] }>('/api/v1/governance/polls') });
  return (
    <div className="page">
      <h1>Legacy polls</h1>
      <p className="muted">
        Polls created through the PollCreator before the treasury governor. A vote is an event; the result is weighed by stake when the poll ends: an orchestrator counts
        its delegated stake minus the stake of its delegators who voted themselves, and a voter’s last vote counts. See also <Link href="/proposals">governor proposals</Link>.
      </p>
      {q.isPending ? (
        <Loading what="Loading polls" />
      ) : q.isError ? (
        <ErrorBox error={q.error} retry={() => void q.refetch()} />
      ) : q.data.data.length === 0 ? (
        <Empty>No polls have been created.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="polls">
            <thead>
              <tr>
                <th>Poll</th>
                <th>Result</th>
                <th>Yes</th>
                <th>No</th>
                <th className="wide">Turnout (quorum {percent(q.data.data[0]!.quorum / 1e6, 2)})</th>
                <th className="wide">Yes share (quota {percent(q.data.data[0]!.quota / 1e6, 0)})</th>
                <th>Voters</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((p) => (
                <tr key={p.address} data-address={p.address}>
                  <td>
                    <Link href={`/polls/${p.address}`} data-testid="poll-link">
                      {p.proposalText ?? shortAddress(p.address)}
                    </Link>
                    <div className="muted">
                      created {dateTime(p.createdTime)} · ends at L1 block {p.endBlock}
                    </div>
                  </td>
                  <td data-testid="cell-result">{result(p)}</td>
                  <td className="num" data-testid="cell-yes">
                    {p.tally ? token(p.tally.yes, 0) : '—'}
                  </td>
                  <td className="num">{p.tally ? token(p.tally.no, 0) : '—'}</td>
                  <td className="wide">
                    {p.tally && (
                      <>
                        <Bar value={turnout(p.tally)} />
                        <span className="muted">{percent(turnout(p.tally), 1)}</span>
                      </>
                    )}
                  </td>
                  <td className="wide">
                    {p.tally && (
                      <>
                        <Bar value={share(p.tally)} />
                        <span className="muted">{percent(share(p.tally), 1)}</span>
                      </>
                    )}
                  </td>
                  <td className="num" data-testid="cell-voters">
                    {p.voters}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** One poll: result and every vote, the counted one per voter marked. */
export function PollPage({ address }: { address: string }) {
  const q = useQuery({ queryKey: ['poll', address], queryFn: () => api<{ poll: Poll; votes: PollVote[] }>(`/api/v1/governance/polls/${address}`) });
  if (q.isPending) return <Loading what="Loading poll" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const { poll, votes } = q.data;
  return (
    <div className="page">
      <h1>{poll.proposalText ?? `Poll ${shortAddress(poll.address)}`}</h1>
      <p className="muted">
        Poll contract {poll.address} · created in block {poll.createdBlock} ({dateTime(poll.createdTime)}) · votes count up to L1 block {poll.endBlock}
      </p>
      <section className="cards">
        <Stat label="Result" value={result(poll)} testId="poll-result" />
        <Stat label="Yes" value={poll.tally ? `${token(poll.tally.yes, 0)} LPT` : '—'} sub={poll.tally ? percent(share(poll.tally), 1) : undefined} testId="poll-yes" />
        <Stat label="No" value={poll.tally ? `${token(poll.tally.no, 0)} LPT` : '—'} />
        <Stat label="Turnout" value={poll.tally ? percent(turnout(poll.tally), 1) : '—'} sub={`quorum ${percent(poll.quorum / 1e6, 2)}`} />
        <Stat label="Voters" value={poll.voters} sub={`${poll.votes} vote transactions`} />
      </section>
      {votes.length === 0 ? (
        <Empty>No votes yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="poll-votes">
            <thead>
              <tr>
                <th>Voter</th>
                <th>Choice</th>
                <th>Counted</th>
                <th>Block</th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              {votes.map((v) => (
                <tr key={`${v.txHash}:${v.voter}`} className={v.counted ? '' : 'muted'}>
                  <td>
                    <Link href={`/accounts/${v.voter}`}>{shortAddress(v.voter)}</Link>
                  </td>
                  <td data-testid="cell-choice">{v.choice === 'other' ? `#${v.choiceId}` : v.choice}</td>
                  <td data-testid="cell-counted">{v.counted ? 'yes' : 'replaced by a later vote'}</td>
                  <td className="num">{v.block}</td>
                  <td>{dateTime(v.time)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
