import { useState } from 'react';
import { apiUrl } from '../api/client.js';
import { useApi, useApiPages } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable, moreOf } from '../components/DataTable.js';
import { EventTable } from '../components/EventTable.js';
import { Address } from '../components/labels.js';
import { CsvLink, Panel, Stat } from '../components/ui.js';
import { count, percent, token } from '../format.js';
import StakingNav from './StakingNav.js';

const TYPES = ['Bond', 'Unbond', 'Rebond', 'TransferBond', 'EarningsClaimed', 'WithdrawStake', 'WithdrawFees'];

function Events() {
  const [type, setType] = useState('');
  const [address, setAddress] = useState('');
  const addr = /^0x[0-9a-fA-F]{40}$/.test(address.trim()) ? address.trim().toLowerCase() : undefined;
  const params = { type, address: addr };
  const list = useApiPages('/api/v1/staking/events', { query: { ...params, limit: 50 } }, { keepPrevious: true });
  return (
    <Panel title="Staking events">
      <div className="filters">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="events-type">
            <option value="">All</option>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Address
          <input value={address} onChange={(e) => setAddress(e.target.value)} placeholder="delegator or orchestrator 0x…" data-testid="events-address" maxLength={42} />
        </label>
        <CsvLink href={apiUrl('/api/v1/staking/events', { query: { ...params, format: 'csv' } })} file="staking-events.csv" testId="events-csv" />
      </div>
      <ApiState q={list}>
        {({ pages }) => <EventTable events={pages.flatMap((p) => p.data)} testId="staking-events" empty="No staking event matches." more={moreOf(list, 'events-more')} />}
      </ApiState>
    </Panel>
  );
}

/** A stake bucket's range in LPT: "1,000 – 10,000", the last one "≥ 100,000". */
const bucketRange = (b: { fromLpt: number; toLpt: number | null }) => (b.toLpt === null ? `≥ ${count(b.fromLpt)}` : `${count(b.fromLpt)} – ${count(b.toLpt)}`);

export default function Delegators() {
  const pop = useApi('/api/v1/staking/delegators', { query: { top: 20 } });
  const flows = useApi('/api/v1/staking/flows');
  if (!pop.data) return <ApiState q={pop} what="Loading delegators" />;
  const p = pop.data;
  return (
    <div className="page">
      <StakingNav />
      <h1>Delegators</h1>
      <section className="cards">
        <Stat label="Delegators" value={<span data-testid="pop-count">{count(p.delegators)}</span>} />
        <Stat label="Bonded" value={token(p.totalBonded, 0)} />
        <Stat label="Gini" value={<span data-testid="pop-gini">{p.gini.toFixed(3)}</span>} sub="0 = equal stakes" />
        <Stat label="HHI" value={(p.hhiPpm / 1e6).toFixed(4)} sub="sum of squared shares" />
      </section>
      <Panel title="Joins and exits per day">
        <Chart
          x={p.daily.map((d) => d.day)}
          series={[bar('Joined', p.daily.map((d) => d.joined)), bar('Left', p.daily.map((d) => d.left), { color: '#eb3b5a' }), line('Delegators', p.daily.map((d) => d.delegators), { yAxis: 1, color: '#3867d6' })]}
          yNames={['accounts per day', 'delegators']}
          testId="chart-churn"
          zoom={false}
        />
      </Panel>
      <Panel title="Stake distribution">
        <DataTable
          rows={p.buckets}
          rowKey={(b) => b.fromLpt}
          testId="buckets"
          columns={[
            { head: 'Bonded LPT', cell: bucketRange },
            { head: 'Delegators', num: true, cell: (b) => b.delegators },
            { head: 'Stake', num: true, cell: (b) => token(b.stake, 0) },
          ]}
        />
      </Panel>
      <Panel title="Top delegators">
        <DataTable
          rows={p.top}
          rowKey={(t) => t.address}
          testId="top-delegators"
          columns={[
            { head: 'Delegator', cell: (t) => <Address address={t.address} label={t.label ?? undefined} href={`/accounts/${t.address}`} /> },
            { head: 'Bonded', num: true, cell: (t) => token(t.bondedAmount, 0) },
            { head: 'Share', num: true, cell: (t) => percent(t.share) },
          ]}
        />
      </Panel>
      <Panel title={`Stake flows per orchestrator${flows.data ? ` (rounds ${flows.data.fromRound}–${flows.data.toRound})` : ''}`}>
        <ApiState q={flows}>
          {(f) => (
            <DataTable
              rows={f.data.slice(0, 30)}
              rowKey={(r) => r.orchestrator}
              testId="flows"
              columns={[
                { head: 'Orchestrator', cell: (r) => <Address address={r.orchestrator} label={r.label ?? undefined} href={`/orchestrators/${r.orchestrator}`} /> },
                { head: 'In', num: true, cell: (r) => token(r.inflow, 0) },
                { head: 'Out', num: true, cell: (r) => token(r.outflow, 0) },
                { head: 'Net', num: true, cell: (r) => token(r.net, 0) },
              ]}
            />
          )}
        </ApiState>
      </Panel>
      <Events />
    </div>
  );
}
