import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address, useLabels } from '../components/labels.js';
import { Panel } from '../components/ui.js';
import { dateTime, token } from '../format.js';
import StakingNav from './StakingNav.js';

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
          { head: 'Component', cell: (c) => <b>{c.label}</b> },
          { head: 'Value', num: true, cell: (c) => (c.value === null ? '—' : Math.round(c.value * 1000) / 1000) },
          { head: 'Risk (0–1)', num: true, cell: (c) => c.risk.toFixed(3) },
          { head: 'Weight', num: true, cell: (c) => c.weight },
          { head: 'Why', wide: true, className: 'muted', cell: (c) => c.explain },
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
  const [selected, setSelected] = useState<string | null>(null);
  // Labels change without new blocks, so they come live rather than from the cached risk answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (!q.data) return <ApiState q={q} what="Scoring orchestrators" />;
  const rows = q.data.data;
  return (
    <div className="page">
      <StakingNav />
      <h1>Orchestrator risk</h1>
      <p className="muted" data-testid="risk-weights">
        Score 0–100, higher is riskier: 100 × Σ weight × component risk. Weights:{' '}
        {Object.entries(q.data.weights)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}
        . Reliability over the last 90 rounds.
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.address}
        row={(r) => ({ 'data-address': r.address, className: selected === r.address ? 'selected' : undefined, onClick: () => setSelected(r.address) })}
        testId="risk"
        empty="No active orchestrator."
        columns={[
          { head: 'Orchestrator', cell: (r) => <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} /> },
          { head: 'Score', num: true, testId: 'risk-score', cell: (r) => r.score },
          { head: 'Stake', num: true, cell: (r) => token(r.totalStake, 0) },
          // One column per risk component, in the order the API lists them.
          ...(rows[0]?.components ?? []).map((c0, i) => ({
            head: <span title={c0.label}>{c0.label}</span>,
            num: true,
            wide: true,
            title: (r: (typeof rows)[number]) => r.components[i]?.explain,
            cell: (r: (typeof rows)[number]) => r.components[i]?.risk.toFixed(2),
          })),
        ]}
      />
      {selected && <Detail address={selected} />}
    </div>
  );
}
