import { useState, type FormEvent } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bands, percentiles } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address, useLabels } from '../components/labels.js';
import { KeyValues, Panel } from '../components/ui.js';
import { decimal, percent, token, tokenNumber, type Amount } from '../format.js';
import StakingNav from './StakingNav.js';

/** A simulated figure (a percentile of the forecast paths) to `d` decimals. */
const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '—');

const isAmount = (v: unknown): v is Amount => typeof v === 'object' && v !== null && 'wei' in v && 'unit' in v;

function ForwardFan({ address }: { address: string }) {
  const [amount, setAmount] = useState('1000');
  const [rounds, setRounds] = useState(90);
  const q = useApi('/api/v1/staking/forward/{address}', { params: { address }, query: { amount, rounds } });
  return (
    <Panel title={<>Forward yield of delegating to <Address address={address} /></>} testId="forward">
      <div className="filters">
        <label>
          Amount (LPT)
          <input value={amount} onChange={(e) => setAmount(e.target.value.trim())} data-testid="forward-amount" inputMode="decimal" maxLength={30} />
        </label>
        <label>
          Horizon (rounds)
          <select value={rounds} onChange={(e) => setRounds(Number(e.target.value))} data-testid="forward-rounds">
            {[30, 90, 180, 365].map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ApiState q={q} what="Simulating">
        {({ fan, assumptions }) => {
          const last = fan[fan.length - 1]!;
          return (
            <>
              <Chart
                x={fan.map((s) => String(s.round))}
                series={bands('LPT earned', fan, (s) => percentiles(s.rewardsLpt))}
                yNames={['LPT']}
                testId="chart-forward"
                zoom={false}
              />
              <p data-testid="forward-p50">
                P50 after {rounds} rounds: {fmt(last.rewardsLpt.p50, 2)} LPT and {fmt(last.feesEth.p50, 6)} ETH (P10 {fmt(last.rewardsLpt.p10, 2)} – P90 {fmt(last.rewardsLpt.p90, 2)} LPT)
              </p>
              <details open>
                <summary>Assumptions</summary>
                <KeyValues testId="assumptions" rows={Object.entries(assumptions).map(([k, v]) => [k, isAmount(v) ? token(v, 4) : JSON.stringify(v)])} />
              </details>
            </>
          );
        }}
      </ApiState>
    </Panel>
  );
}

const FORM_LABELS = { amount: 'Amount (LPT)', rounds: 'Horizon (rounds)', maxRisk: 'Max risk score', minVotingRate: 'Min voting rate (0–1)' };

function Recommender() {
  const [form, setForm] = useState({ amount: '1000', rounds: '90', maxRisk: '50', minVotingRate: '0' });
  const [asked, setAsked] = useState<typeof form | null>(null);
  const q = useApi('/api/v1/staking/recommend', { query: { ...asked, limit: 10 } }, { enabled: asked !== null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ ...form });
  };
  return (
    <Panel title="Where to delegate">
      <form className="filters" onSubmit={submit} data-testid="recommend-form">
        {(['amount', 'rounds', 'maxRisk', 'minVotingRate'] as const).map((k) => (
          <label key={k}>
            {FORM_LABELS[k]}
            <input value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} data-testid={`rec-${k}`} maxLength={30} />
          </label>
        ))}
        <button type="submit">Rank</button>
      </form>
      <ApiState q={q} what="Ranking">
        {(r) => (
          <>
            <DataTable
              rows={r.data}
              rowKey={(x) => x.address}
              row={(x) => ({ 'data-address': x.address })}
              testId="recommendations"
              empty="No orchestrator passes these limits."
              columns={[
                { head: '#', cell: (x) => x.rank },
                { head: 'Orchestrator', cell: (x) => <Address address={x.address} label={x.label ?? undefined} href={`/orchestrators/${x.address}`} /> },
                { head: 'Expected LPT', num: true, testId: 'rec-lpt', cell: (x) => tokenNumber(x.expectedRewards, 2) },
                { head: 'Expected ETH', num: true, cell: (x) => fmt(x.expectedFeesEth, 6) },
                { head: 'Risk', num: true, cell: (x) => x.riskScore },
                { head: 'Voting', num: true, wide: true, cell: (x) => (x.votingRate === null ? '—' : percent(x.votingRate, 0)) },
                { head: 'Cost via unbonding', num: true, wide: true, cell: (x) => `${fmt(x.switchViaUnbondCostLpt, 2)} LPT (${x.switchViaUnbondRounds} rounds)` },
              ]}
            />
            <p className="muted">Moving a bond straight to another orchestrator keeps earning; unbonding first idles the stake for {r.assumptions.unbondingRounds} rounds, shown as its cost.</p>
          </>
        )}
      </ApiState>
    </Panel>
  );
}

function DelegatorLookup() {
  const [value, setValue] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const q = useApi('/api/v1/staking/yields/{address}', { params: { address: address ?? '' } }, { enabled: address !== null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^0x[0-9a-fA-F]{40}$/.test(value.trim())) setAddress(value.trim().toLowerCase());
  };
  return (
    <Panel title="What a delegator earned">
      <form className="filters" onSubmit={submit}>
        <label>
          Delegator
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="0x…" maxLength={42} data-testid="delegator-yield-input" />
        </label>
        <button type="submit">Show</button>
      </form>
      <ApiState q={q}>
        {(d) => (
          <>
            <p className="muted">
              Bonded {token(d.bondedAmount, 4)}
              {d.delegate ? (
                <>
                  {' '}
                  to <Address address={d.delegate} label={d.delegateLabel ?? undefined} href={`/orchestrators/${d.delegate}`} />
                </>
              ) : null}
              . Earnings: unclaimed from the pool factors plus the in-window part of each claim.
            </p>
            <DataTable
              rows={d.windows}
              rowKey={(w) => w.days}
              testId="delegator-yield"
              columns={[
                { head: 'Window', cell: (w) => `${w.days} days${w.complete ? '' : ' (partial)'}` },
                { head: 'Rounds', num: true, cell: (w) => `${w.startRound}–${w.endRound}` },
                { head: 'LPT earned', num: true, cell: (w) => <span data-testid={`delegator-rewards-${w.days}`}>{token(w.rewards, 6)}</span> },
                { head: 'ETH earned', num: true, cell: (w) => token(w.fees, 8) },
                { head: 'Reward rate', num: true, cell: (w) => percent(w.rewardRate, 4) },
              ]}
            />
          </>
        )}
      </ApiState>
    </Panel>
  );
}

export default function StakingYields() {
  const q = useApi('/api/v1/staking/yields');
  const [selected, setSelected] = useState<string | null>(null);
  // Labels change without new blocks, so they come live rather than from the cached yields answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (!q.data) return <ApiState q={q} what="Loading yields" />;
  const rows = q.data.data.filter((r) => r.active).sort((a, b) => (b.windows[0]?.rewardRate ?? 0) - (a.windows[0]?.rewardRate ?? 0));
  const pick = selected ?? rows[0]?.address ?? null;
  return (
    <div className="page">
      <StakingNav />
      <h1>Staking yields</h1>
      <p className="muted">
        Realized: what one LPT delegated at the window start actually earned, from the pools' cumulative reward and fee factors (no formula guess). Annualized by compounding over the days the
        window covers; a window longer than the indexed history starts at the first round and is marked partial.
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.address}
        row={(r) => ({ 'data-address': r.address, className: r.address === pick ? 'selected' : undefined, onClick: () => setSelected(r.address) })}
        testId="yields"
        empty="No active orchestrator yet."
        columns={[
          { head: 'Orchestrator', cell: (r) => <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} href={`/orchestrators/${r.address}`} /> },
          ...(rows[0]?.windows ?? []).map((w0, i) => ({
            head: `${w0.days}d reward${w0.complete ? '' : ' (partial)'}`,
            num: true,
            testId: `yield-${w0.days}`,
            title: (r: (typeof rows)[number]) => {
              const w = r.windows[i]!;
              return `rounds ${w.startRound}–${w.endRound}, ${w.coveredDays} days; annualized ${percent(w.rewardRateAnnualized)}`;
            },
            cell: (r: (typeof rows)[number]) => tokenNumber(r.windows[i]!.rewardPerLpt, 6),
          })),
          { head: '30d fees per LPT', num: true, cell: (r) => token(r.windows[0]?.feesPerLpt, 8) },
          { head: 'Reward cut', num: true, wide: true, cell: (r) => `${decimal(String(r.rewardCut / 10_000), 2)}%` },
          { head: 'Fee cut', num: true, wide: true, cell: (r) => `${decimal(String((1_000_000 - r.feeShare) / 10_000), 2)}%` },
        ]}
      />
      {rows.length > 0 && <p className="muted">Reward columns: LPT earned per LPT delegated. Click a row for its forward yield.</p>}
      <DelegatorLookup />
      {pick && <ForwardFan address={pick} />}
      <Recommender />
    </div>
  );
}
