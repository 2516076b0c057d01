import { useQuery } from '@tanstack/react-query';
import StakingNav from './StakingNav.js';
import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { decimal, percent, token, type AmountLike } from '../format.js';
import { Address, useLabels, type AddressLabelData } from '../labels.js';
import { Empty, ErrorBox, Loading } from '../ui.js';

interface PoolYield {
  days: number;
  startRound: number;
  endRound: number;
  coveredDays: number;
  complete: boolean;
  rewardPerLpt: AmountLike;
  feesPerLpt: AmountLike;
  rewardRate: number;
  rewardRateAnnualized: number | null;
}
interface YieldRow {
  address: string;
  label: AddressLabelData | null;
  active: boolean;
  totalStake: AmountLike;
  rewardCut: number;
  feeShare: number;
  windows: PoolYield[];
}
interface Fan {
  p10: number;
  p50: number;
  p90: number;
}
interface Forward {
  assumptions: Record<string, unknown> & { amount: AmountLike; poolStake: AmountLike; rewardCallsObserved: { called: number; eligible: number } };
  fan: { round: number; rewardYield: Fan; rewardsLpt: Fan; feesEth: Fan }[];
}
interface Rec {
  rank: number;
  address: string;
  label: AddressLabelData | null;
  expectedRewardsLpt: number;
  expectedFeesEth: number;
  rewardYield: number;
  riskScore: number;
  votingRate: number | null;
  rewardCutPpm: number;
  switchViaUnbondRounds: number;
  switchViaUnbondCostLpt: number;
}

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function ForwardFan({ address }: { address: string }) {
  const [amount, setAmount] = useState('1000');
  const [rounds, setRounds] = useState(90);
  const q = useQuery({ queryKey: ['forward', address, amount, rounds], queryFn: () => api<Forward>(`/api/v1/staking/forward/${address}`, { amount, rounds }) });
  const series = useMemo(() => {
    const f = q.data?.fan ?? [];
    return [
      { name: 'P10 LPT earned', type: 'line' as const, data: f.map((s) => s.rewardsLpt.p10) },
      { name: 'P50 LPT earned', type: 'line' as const, data: f.map((s) => s.rewardsLpt.p50) },
      { name: 'P90 LPT earned', type: 'line' as const, data: f.map((s) => s.rewardsLpt.p90) },
    ];
  }, [q.data]);
  const x = useMemo(() => (q.data?.fan ?? []).map((s) => String(s.round)), [q.data]);
  return (
    <section className="panel" data-testid="forward">
      <h2>
        Forward yield of delegating to <Address address={address} />
      </h2>
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
      {q.isPending ? (
        <Loading what="Simulating" />
      ) : q.isError ? (
        <ErrorBox error={q.error} />
      ) : (
        <>
          <Chart x={x} series={series} yNames={['LPT']} testId="chart-forward" zoom={false} />
          <p data-testid="forward-p50">
            P50 after {rounds} rounds: {fmt(q.data.fan[q.data.fan.length - 1]!.rewardsLpt.p50, 2)} LPT and {fmt(q.data.fan[q.data.fan.length - 1]!.feesEth.p50, 6)} ETH (P10{' '}
            {fmt(q.data.fan[q.data.fan.length - 1]!.rewardsLpt.p10, 2)} – P90 {fmt(q.data.fan[q.data.fan.length - 1]!.rewardsLpt.p90, 2)} LPT)
          </p>
          <details open>
            <summary>Assumptions</summary>
            <div className="table-wrap"><table className="kv" data-testid="assumptions">
              <tbody>
                {Object.entries(q.data.assumptions).map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td className="mono">{typeof v === 'object' && v !== null && 'formatted' in v ? token(v as AmountLike, 4) : JSON.stringify(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          </details>
        </>
      )}
    </section>
  );
}

function Recommender() {
  const [form, setForm] = useState({ amount: '1000', rounds: '90', maxRisk: '50', minVotingRate: '0' });
  const [asked, setAsked] = useState<typeof form | null>(null);
  const q = useQuery({ queryKey: ['recommend', asked], queryFn: () => api<{ data: Rec[]; assumptions: { unbondingRounds: number } }>('/api/v1/staking/recommend', { ...asked!, limit: 10 }), enabled: asked !== null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ ...form });
  };
  return (
    <section className="panel">
      <h2>Where to delegate</h2>
      <form className="filters" onSubmit={submit} data-testid="recommend-form">
        {(['amount', 'rounds', 'maxRisk', 'minVotingRate'] as const).map((k) => (
          <label key={k}>
            {{ amount: 'Amount (LPT)', rounds: 'Horizon (rounds)', maxRisk: 'Max risk score', minVotingRate: 'Min voting rate (0–1)' }[k]}
            <input value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} data-testid={`rec-${k}`} maxLength={30} />
          </label>
        ))}
        <button type="submit">Rank</button>
      </form>
      {asked === null ? null : q.isPending ? (
        <Loading what="Ranking" />
      ) : q.isError ? (
        <ErrorBox error={q.error} />
      ) : q.data.data.length === 0 ? (
        <Empty>No orchestrator passes these limits.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="recommendations">
            <thead>
              <tr>
                <th>#</th>
                <th>Orchestrator</th>
                <th>Expected LPT</th>
                <th>Expected ETH</th>
                <th>Risk</th>
                <th className="wide">Voting</th>
                <th className="wide">Cost via unbonding</th>
              </tr>
            </thead>
            <tbody>
              {q.data.data.map((r) => (
                <tr key={r.address} data-address={r.address}>
                  <td>{r.rank}</td>
                  <td>
                    <Address address={r.address} label={r.label ?? undefined} href={`/orchestrators/${r.address}`} />
                  </td>
                  <td className="num" data-testid="rec-lpt">{fmt(r.expectedRewardsLpt, 2)}</td>
                  <td className="num">{fmt(r.expectedFeesEth, 6)}</td>
                  <td className="num">{r.riskScore}</td>
                  <td className="num wide">{r.votingRate === null ? '—' : percent(r.votingRate, 0)}</td>
                  <td className="num wide">
                    {fmt(r.switchViaUnbondCostLpt, 2)} LPT ({r.switchViaUnbondRounds} rounds)
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Moving a bond straight to another orchestrator keeps earning; unbonding first idles the stake for {q.data.assumptions.unbondingRounds} rounds, shown as its cost.</p>
        </div>
      )}
    </section>
  );
}

interface DelegatorYield {
  address: string;
  delegate: string | null;
  delegateLabel: AddressLabelData | null;
  bondedAmount: AmountLike;
  windows: { days: number; startRound: number; endRound: number; complete: boolean; rewards: AmountLike; fees: AmountLike; rewardRate: number | null }[];
}

function DelegatorLookup() {
  const [value, setValue] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const q = useQuery({ queryKey: ['delegator-yield', address], queryFn: () => api<DelegatorYield>(`/api/v1/staking/yields/${address}`), enabled: address !== null });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^0x[0-9a-fA-F]{40}$/.test(value.trim())) setAddress(value.trim().toLowerCase());
  };
  return (
    <section className="panel">
      <h2>What a delegator earned</h2>
      <form className="filters" onSubmit={submit}>
        <label>
          Delegator
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="0x…" maxLength={42} data-testid="delegator-yield-input" />
        </label>
        <button type="submit">Show</button>
      </form>
      {address === null ? null : q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorBox error={q.error} />
      ) : (
        <div className="table-wrap">
          <p className="muted">
            Bonded {token(q.data.bondedAmount, 4)}
            {q.data.delegate ? (
              <>
                {' '}
                to <Address address={q.data.delegate} label={q.data.delegateLabel ?? undefined} href={`/orchestrators/${q.data.delegate}`} />
              </>
            ) : null}
            . Earnings: unclaimed from the pool factors plus the in-window part of each claim.
          </p>
          <table data-testid="delegator-yield">
            <thead>
              <tr>
                <th>Window</th>
                <th>Rounds</th>
                <th>LPT earned</th>
                <th>ETH earned</th>
                <th>Reward rate</th>
              </tr>
            </thead>
            <tbody>
              {q.data.windows.map((w) => (
                <tr key={w.days}>
                  <td>
                    {w.days} days{w.complete ? '' : ' (partial)'}
                  </td>
                  <td className="num">
                    {w.startRound}–{w.endRound}
                  </td>
                  <td className="num" data-testid={`delegator-rewards-${w.days}`}>{token(w.rewards, 6)}</td>
                  <td className="num">{token(w.fees, 8)}</td>
                  <td className="num">{percent(w.rewardRate, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function StakingYields() {
  const q = useQuery({ queryKey: ['yields'], queryFn: () => api<{ data: YieldRow[] }>('/api/v1/staking/yields') });
  const [selected, setSelected] = useState<string | null>(null);
  // Labels change without new blocks, so they come live rather than from the cached yields answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (q.isPending) return <Loading what="Loading yields" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const rows = [...q.data.data].filter((r) => r.active).sort((a, b) => (b.windows[0]?.rewardRate ?? 0) - (a.windows[0]?.rewardRate ?? 0));
  const pick = selected ?? rows[0]?.address ?? null;
  return (
    <div className="page">
      <StakingNav />
      <h1>Staking yields</h1>
      <p className="muted">
        Realized: what one LPT delegated at the window start actually earned, from the pools' cumulative reward and fee factors (no formula guess). Annualized by compounding over the days the
        window covers; a window longer than the indexed history starts at the first round and is marked partial.
      </p>
      {rows.length === 0 ? (
        <Empty>No active orchestrator yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="yields">
            <thead>
              <tr>
                <th>Orchestrator</th>
                {rows[0]!.windows.map((w) => (
                  <th key={w.days}>
                    {w.days}d reward{w.complete ? '' : ' (partial)'}
                  </th>
                ))}
                <th>30d fees per LPT</th>
                <th className="wide">Reward cut</th>
                <th className="wide">Fee cut</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.address} data-address={r.address} className={r.address === pick ? 'selected' : ''} onClick={() => setSelected(r.address)}>
                  <td>
                    <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} href={`/orchestrators/${r.address}`} />
                  </td>
                  {r.windows.map((w) => (
                    <td key={w.days} className="num" data-testid={`yield-${w.days}`} title={`rounds ${w.startRound}–${w.endRound}, ${w.coveredDays} days; annualized ${percent(w.rewardRateAnnualized)}`}>
                      {decimal(w.rewardPerLpt.formatted, 6)}
                    </td>
                  ))}
                  <td className="num">{token(r.windows[0]?.feesPerLpt, 8)}</td>
                  <td className="num wide">{decimal(String(r.rewardCut / 10_000), 2)}%</td>
                  <td className="num wide">{decimal(String((1_000_000 - r.feeShare) / 10_000), 2)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">Reward columns: LPT earned per LPT delegated. Click a row for its forward yield.</p>
        </div>
      )}
      <DelegatorLookup />
      {pick && <ForwardFan address={pick} />}
      <Recommender />
    </div>
  );
}

