import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address, useLabels } from '../components/labels.js';
import { Panel } from '../components/ui.js';
import { dateTime, token } from '../format.js';
import StakingNav from './StakingNav.js';
import { useLocation } from '../router.js';

/** Short column names of the risk components (the API's label is the long one, shown on hover). */
const SHORT: Record<string, string> = {
  reliability: 'Missed calls',
  missStreak: 'Miss streak',
  cutSpikes: 'Cut spikes',
  feeConcentration: 'Fee concentration',
  selfStake: 'Low self-stake',
  stakeConcentration: 'Stake concentration',
  age: 'Newness',
  deactivation: 'Deactivation',
};

/** A component's share of the score, in points of the 0–100 score (what it adds). */
const points = (c: { risk: number; weight: number }) => (c.risk * c.weight * 100).toFixed(1);

function Detail({ address }: { address: string }) {
  const q = useApi('/api/v1/staking/risk/{address}', { params: { address } });
  if (!q.data) return <ApiState q={q} />;
  const d = q.data;
  return (
    <Panel
      testId="risk-detail"
      title={
        <>
          <Address address={d.address} label={d.label ?? undefined} href={`/orchestrators/${d.address}`} /> — score <span data-testid="risk-detail-score">{d.score}</span>
        </>
      }
    >
      <DataTable
        rows={d.components}
        rowKey={(c) => c.key}
        row={(c) => ({ 'data-testid': `component-${c.key}` })}
        className="kv"
        columns={[
          { head: 'Risk from', cell: (c) => <b>{c.label}</b> },
          { head: 'Measured', num: true, cell: (c) => (c.value === null ? '—' : Math.round(c.value * 1000) / 1000) },
          { head: 'Risk (0 none – 1 most)', num: true, cell: (c) => c.risk.toFixed(2) },
          { head: 'Weight', num: true, cell: (c) => `${Math.round(c.weight * 100)}%` },
          { head: 'Adds to score', num: true, cell: (c) => `+${points(c)}` },
          { head: 'Why', wide: true, className: 'muted wrap', cell: (c) => c.explain },
        ]}
      />
      <h3>Cut spikes</h3>
      {d.spikes.length === 0 ? (
        <p className="muted">No cut raised by 10 points or more.</p>
      ) : (
        <ul data-testid="spikes">
          {d.spikes.map((s, i) => (
            <li key={i}>
              {dateTime(s.time)} (round {s.round ?? '—'}): reward cut +{s.rewardCutUpPpm / 10_000}%, fee cut +{s.feeCutUpPpm / 10_000}%
            </li>
          ))}
        </ul>
      )}
      <h3>Fees by gateway</h3>
      {d.gateways.length === 0 ? (
        <p className="muted">No winning tickets.</p>
      ) : (
        <ul>
          {d.gateways.slice(0, 10).map((g) => (
            <li key={g.gateway}>
              <Address address={g.gateway} /> {token(g.paid, 6)}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

export default function StakingRisk() {
  const q = useApi('/api/v1/staking/risk', { query: { active: 'true' } });
  const [selected, setSelected] = useState<string | null>(useLocation().search.get('orchestrator'));
  // Labels change without new blocks, so they come live rather than from the cached risk answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (!q.data) return <ApiState q={q} what="Scoring orchestrators" />;
  const rows = q.data.data;
  return (
    <div className="page">
      <StakingNav />
      <h1>Orchestrator risk</h1>
      <p className="muted" data-testid="risk-weights">
        Score 0–100, higher is riskier: each column is the points one kind of risk adds to the score (its weight × how much of that risk the orchestrator carries), so a
        row sums to its score; 0.0 means none of that risk. Reward calls over the last 90 rounds. Weights:{' '}
        {(q.data.data[0]?.components ?? []).map((c) => `${SHORT[c.key] ?? c.label} ${Math.round(c.weight * 100)}%`).join(', ')}. Click a row for the measurements behind it.
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.address}
        row={(r) => ({ 'data-address': r.address, className: selected === r.address ? 'selected' : undefined, onClick: () => setSelected(r.address) })}
        testId="risk"
        empty="No active orchestrator."
        columns={[
          { head: 'Orchestrator', cell: (r) => <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} href={`/orchestrators/${r.address}`} /> },
          { head: 'Score', num: true, testId: 'risk-score', cell: (r) => r.score.toFixed(1) },
          { head: 'Stake', num: true, wide: true, cell: (r) => token(r.totalStake, 0) },
          // One column per risk component, in the order the API lists them: the points it adds to the score.
          ...(rows[0]?.components ?? []).map((c0, i) => ({
            head: <span title={c0.label}>{SHORT[c0.key] ?? c0.label}</span>,
            num: true,
            className: 'risk-part',
            title: (r: (typeof rows)[number]) => `${r.components[i]?.label}: ${r.components[i]?.explain}`,
            cell: (r: (typeof rows)[number]) => (r.components[i] ? points(r.components[i]) : '—'),
          })),
        ]}
      />
      {selected && <Detail address={selected} />}
    </div>
  );
}
