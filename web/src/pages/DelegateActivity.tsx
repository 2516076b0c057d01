import { useApi, useApiPages } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable, moreOf } from '../components/DataTable.js';
import { EventTable } from '../components/EventTable.js';
import { Address, useLabels } from '../components/labels.js';
import { Panel, Stat } from '../components/ui.js';
import { voteColumns } from '../components/votes.js';
import { percent, token } from '../format.js';
import StakingNav from './StakingNav.js';

/** Delegate activity of one orchestrator: its votes, its delegators' overrides and staking events. */
export default function DelegateActivity({ address }: { address: string }) {
  const q = useApiPages('/api/v1/staking/delegates/{address}', { params: { address }, query: { limit: 50 } }, { cursor: (last) => last.events.page.nextCursor });
  if (!q.data) return <ApiState q={q} what="Loading delegate activity" />;
  const d = q.data.pages[0]!;
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
      <Panel title="Votes">
        <DataTable
          rows={d.votes}
          rowKey={(v) => v.proposalId}
          row={(v) => ({ 'data-support': v.support })}
          testId="delegate-votes"
          empty="No proposal yet."
          columns={[
            voteColumns.proposal(),
            voteColumns.support(),
            voteColumns.weight(),
            voteColumns.reason(),
            { head: 'Delegator votes / overrides', num: true, cell: (v) => `${v.delegatorVotes} / ${v.delegatorOverrides}` },
          ]}
        />
      </Panel>
      <Panel title="Staking events of its delegators">
        <EventTable events={q.data.pages.flatMap((p) => p.events.data)} testId="delegate-events" empty="No staking event yet." more={moreOf(q)} />
      </Panel>
    </div>
  );
}

/** Delegates ranked by stake, each linking to its activity. */
export function DelegateActivityList() {
  const q = useApi('/api/v1/orchestrators', { query: { active: 'true', sort: 'stake', order: 'desc', limit: 100 } });
  const labels = useLabels(q.data?.data.map((o) => o.address) ?? []);
  return (
    <div className="page">
      <StakingNav />
      <h1>Delegate activity</h1>
      <p className="muted">Orchestrators vote for their delegators unless a delegator votes itself. Pick one to see its votes and its delegators' staking events.</p>
      <ApiState q={q} what="Loading delegates">
        {({ data }) => (
          <DataTable
            rows={data}
            rowKey={(o) => o.address}
            row={(o) => ({ 'data-address': o.address })}
            testId="delegates"
            columns={[
              { head: 'Orchestrator', cell: (o) => <Address address={o.address} label={labels.get(o.address)} href={`/staking/delegates/${o.address}`} /> },
              { head: 'Stake', num: true, cell: (o) => token(o.totalStake, 0) },
              { head: 'Delegators', num: true, cell: (o) => o.delegators },
            ]}
          />
        )}
      </ApiState>
    </div>
  );
}
