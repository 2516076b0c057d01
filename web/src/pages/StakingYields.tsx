import { useState, type FormEvent } from 'react';
import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bands, percentiles } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Address, useLabels } from '../components/labels.js';
import { KeyValues, Panel } from '../components/ui.js';
import { count, decimal, percent, token, tokenNumber } from '../format.js';
import type { Answer } from '../api/client.js';
import { useLocation } from '../router.js';
import StakingNav from './StakingNav.js';

/** A simulated figure (a percentile of the forecast paths) to `d` decimals. */
const fmt = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '—');

type ForwardAssumptions = Answer<'/api/v1/staking/forward/{address}'>['assumptions'];

/** The forward model's assumptions in words, each with its unit. */
function assumptionRows(a: ForwardAssumptions): [string, string][] {
  const ppm = (x: number) => `${decimal(String(x / 10_000), 2)}%`;
  return [
    ['Amount delegated', token(a.amount, 2)],
    ['Horizon', `${a.horizonRounds} rounds`],
    ['Inflation now', `${decimal(String(a.inflationPpb / 1e7), 4)}% per round`],
    ['Inflation step (Minter rule)', `${decimal(String(a.inflationChangePpb / 1e7), 5)} points per round, up while participation is below ${percent(a.targetBondingRatePpb / 1e9, 0)}, down above`],
    ['Participation now', percent(a.participation, 2)],
    ['Participation drift', `random walk, ${percent(a.participationSigmaPerRound, 3)} per round (fitted on the last 90 rounds)`],
    ['Share of mintable actually minted', percent(a.mintedShare, 1)],
    ['Reward calls', `${percent(a.rewardCallProbability, 1)} of rounds (${a.rewardCallsObserved.called} of ${a.rewardCallsObserved.eligible} observed)`],
    ['Reward cut (kept by the orchestrator)', ppm(a.rewardCutPpm)],
    ['Fee share (to delegators)', ppm(a.feeSharePpm)],
    ['Treasury cut of rewards', percent(a.treasuryCut, 1)],
    ['Pool stake before you', token(a.poolStake, 0)],
    ['Your share of the pool', percent(a.poolShareAfterBond, 3)],
    ['Fees into the pool', `${decimal(a.feesPerRoundMeanEth.toFixed(6), 6)} ETH per round on average, drawn from the last ${a.feesTrailingDays} days`],
    ['Simulated paths', count(a.paths)],
  ];
}

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
              <p className="muted">A forecast: on each simulated path inflation follows the Minter rule, the orchestrator calls reward as often as it has, and fees are drawn from its recent rounds.</p>
              <details open>
                <summary>Assumptions</summary>
                <KeyValues testId="assumptions" rows={assumptionRows(assumptions)} />
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
                { head: 'LPT earned (P50)', num: true, testId: 'rec-lpt', cell: (x) => `${tokenNumber(x.expectedRewards, 2)} LPT` },
                { head: 'ETH earned (P50)', num: true, cell: (x) => `${fmt(x.expectedFeesEth, 6)} ETH` },
                { head: 'Risk (0–100)', num: true, cell: (x) => x.riskScore.toFixed(1) },
                { head: 'Voting', num: true, wide: true, cell: (x) => (x.votingRate === null ? '—' : percent(x.votingRate, 0)) },
                { head: 'Cost via unbonding', num: true, wide: true, cell: (x) => `${decimal(x.switchViaUnbondCostLpt.toFixed(2), 2)} LPT (${x.switchViaUnbondRounds} rounds)` },
              ]}
            />
            <p className="muted">
              Median (P50) of the same simulation as the forward yield above, for each orchestrator: the two agree for the same amount and horizon. Moving a bond straight to another
              orchestrator keeps earning; unbonding first idles the stake for {r.assumptions.unbondingRounds} rounds, shown as its cost.
            </p>
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

/** A window whose start is the same as a shorter one's adds nothing: the history is shorter than both. */
const sameAsShorter = (ws: readonly { startRound: number }[], i: number) => i > 0 && ws[i]!.startRound === ws[i - 1]!.startRound;

export default function StakingYields() {
  const q = useApi('/api/v1/staking/yields');
  const { search } = useLocation();
  const [selected, setSelected] = useState<string | null>(search.get('orchestrator'));
  // Labels change without new blocks, so they come live rather than from the cached yields answer.
  const labels = useLabels(q.data?.data.map((r) => r.address) ?? []);
  if (!q.data) return <ApiState q={q} what="Loading yields" />;
  const rows = q.data.data.filter((r) => r.active).sort((a, b) => (b.windows[0]?.rewardRate ?? 0) - (a.windows[0]?.rewardRate ?? 0));
  const pick = selected ?? rows[0]?.address ?? null;
  const w0 = rows[0]?.windows ?? [];
  return (
    <div className="page">
      <StakingNav />
      <h1>Staking yields</h1>
      <p className="muted" id="yield-assumptions" data-testid="yields-caption">
        <b>Realized reward yield, % per year</b>: what 1 LPT delegated at the start of the window actually earned in LPT (from the pool&apos;s cumulative reward factor,
        after the orchestrator&apos;s reward cut and the treasury cut), compounded to a year as if the window repeated. <b>Fees</b>: ETH earned per LPT delegated over the
        window, scaled to a year (fees are paid out, not compounded); the directory values them at the latest LPT price. Past earnings, not a forecast: the forward
        yield below is the forecast. A window longer than the indexed history cannot be measured and says so.
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.address}
        row={(r) => ({ 'data-address': r.address, className: r.address === pick ? 'selected' : undefined, onClick: () => setSelected(r.address) })}
        testId="yields"
        empty="No active orchestrator yet."
        columns={[
          { head: 'Orchestrator', cell: (r) => <Address address={r.address} label={labels.get(r.address) ?? r.label ?? undefined} href={`/orchestrators/${r.address}`} /> },
          ...w0.map((w, i) => ({
            head: (
              <span title={`rounds ${w.startRound}–${w.endRound}, ${w.coveredDays} days`}>
                {w.days} days{!w.complete && <span className="muted"> ({Math.floor(w.coveredDays)} indexed)</span>}
              </span>
            ),
            num: true,
            testId: `yield-${w.days}`,
            title: (r: (typeof rows)[number]) => {
              const x = r.windows[i]!;
              return `rounds ${x.startRound}–${x.endRound}, ${x.coveredDays} days: ${tokenNumber(x.rewardPerLpt, 6)} LPT per LPT`;
            },
            cell: (r: (typeof rows)[number]) =>
              sameAsShorter(r.windows, i) ? <span className="muted">needs more history</span> : r.windows[i]!.rewardRateAnnualized === null ? '—' : `${percent(r.windows[i]!.rewardRateAnnualized, 2)}/yr`,
          })),
          {
            head: 'Fees, ETH per 1,000 LPT per year',
            num: true,
            testId: 'yield-fees',
            cell: (r) => {
              const w = r.windows[0];
              return w && w.coveredDays > 0 ? `${decimal(((Number(w.feesPerLpt.formatted) * 1000 * 365) / w.coveredDays).toFixed(6), 6)} ETH` : '—';
            },
          },
          { head: 'Reward cut', num: true, wide: true, cell: (r) => `${decimal(String(r.rewardCut / 10_000), 2)}%` },
          { head: 'Fee cut', num: true, wide: true, cell: (r) => `${decimal(String((1_000_000 - r.feeShare) / 10_000), 2)}%` },
        ]}
      />
      {rows.length > 0 && <p className="muted">Click a row for its forward yield.</p>}
      <DelegatorLookup />
      {pick && <ForwardFan address={pick} />}
      <Recommender />
    </div>
  );
}
