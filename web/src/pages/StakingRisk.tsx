import { useQuery } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { useState } from 'react';
import { api } from '../api.js';
import { dateTime, token, type AmountLike } from '../format.js';
import { Address, useLabels, type AddressLabelData } from '../labels.js';
import { Empty, ErrorBox, Loading } from '../ui.js';

interface Component {
  key: string;
  label: string;
  value: number | null;
  risk: number;
  weight: number;
  explain: string;
}
interface RiskRow {
  address: string;
  label: AddressLabelData | null;
  active: boolean;
  totalStake: AmountLike;
  score: number;
  components: Component[];
}
interface RiskDetail extends RiskRow {
  spikes: { round: number | null; time: number; rewardCutUpPpm: number; feeCutUpPpm: number }[];
  gateways: { gateway: string; paid: AmountLike }[];
  reliability: { missedRounds: number; longestMissStreak: number; currentMissStreak: number; activeRounds: number };
}

function Detail({ address }: { address: string }) {
  const q = useQuery({ queryKey: ['risk', address], queryFn: () => api<RiskDetail>(`/api/v1/staking/risk/${address}`) });
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorBox error={q.error} />;
  const d = q.data;
  return (
    <section className="panel" data-testid="risk-detail">
      <h2>
        <Address address={d.address} label={d.label ?? undefined} href={`/orchestrators/${d.address}`} /> — score <span data-testid="risk-detail-score">{d.score}</span>
      </h2>
      <div className="table-wrap">
      <table className="kv">
        <thead>
          <tr>
            <th>Component</th>
            <th>Value</th>
            <th>Risk (0–1)</th>
            <th>Weight</th>
            <th className="wide">Why</th>
          </tr>
        </thead>
        <tbody>
          {d.components.map((c) => (
            <tr key={c.key} data-testid={`component-${c.key}`}>
              <th>{c.label}</th>
              <td className="num">{c.value === null ? '—' : Math.round(c.value * 1000) / 1000}</td>
              <td className="num">{c.risk.toFixed(3)}</td>
              <td className="num">{c.weight}</td>
              <td className="wide muted">{c.explain}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
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
    </section>
  );
}

export default function StakingRisk() {
  const q = useQuery({ queryKey: ['risk-list'], queryFn: () => api<{ weights: Record<string, number>; data: RiskRow[] }>('/api/v1/staking/risk', { active: 'true' }) });
  const [selected, setSelected] = useState<string | null>(null);
  // Labels change without new blocks, so they come live rather than from the cached risk answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (q.isPending) return <Loading what="Scoring orchestrators" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const rows = q.data.data;
  const keys = rows[0]?.components.map((c) => c) ?? [];
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
      {rows.length === 0 ? (
        <Empty>No active orchestrator.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="risk">
            <thead>
              <tr>
                <th>Orchestrator</th>
                <th>Score</th>
                <th>Stake</th>
                {keys.map((c) => (
                  <th key={c.key} className="wide" title={c.label}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.address} data-address={r.address} onClick={() => setSelected(r.address)} className={selected === r.address ? 'selected' : ''}>
                  <td>
                    <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} />
                  </td>
                  <td className="num" data-testid="risk-score">{r.score}</td>
                  <td className="num">{token(r.totalStake, 0)}</td>
                  {r.components.map((c) => (
                    <td key={c.key} className="num wide" title={c.explain}>
                      {c.risk.toFixed(2)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <Detail address={selected} />}
    </div>
  );
}
