import type { ReactNode } from 'react';
import { useApi } from '../api/hooks.js';
import type { Orchestrator } from '../api/types.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Panel } from '../components/ui.js';
import { count, dollars, latency, percent, sumUsd, token } from '../format.js';
import { Link } from '../router.js';

/** One hub card: a headline, a few lines, and the link to the full view. */
function HubCard({ title, href, more, testId, children }: { title: string; href: string; more: string; testId: string; children: ReactNode }) {
  return (
    <Panel title={title} testId={testId}>
      {children}
      <p className="hub-more">
        <Link href={href} data-testid={`${testId}-link`}>
          {more} →
        </Link>
      </p>
    </Panel>
  );
}

/** 1-based rank of `address` among `rows` by `key` (higher first), and the share of the others it is ahead of. */
function rankOf(rows: readonly Orchestrator[], address: string, key: (o: Orchestrator) => number | null): { rank: number; of: number; percentile: number } | null {
  const scored = rows.filter((o) => key(o) !== null).sort((a, b) => key(b)! - key(a)!);
  const i = scored.findIndex((o) => o.address === address);
  if (i < 0) return null;
  return { rank: i + 1, of: scored.length, percentile: scored.length > 1 ? (scored.length - 1 - i) / (scored.length - 1) : 1 };
}

function Rank({ o }: { o: Orchestrator }) {
  const q = useApi('/api/v1/orchestrators', { query: { active: 'true', sort: 'stake', order: 'desc', limit: 500 } });
  return (
    <HubCard title="Rank among active orchestrators" href="/orchestrators" more="Directory" testId="hub-rank">
      <ApiState q={q}>
        {({ data }) => {
          const lines: [string, ReturnType<typeof rankOf>][] = [
            ['Stake', rankOf(data, o.address, (x) => Number(x.totalStake.formatted))],
            ['Fees, 30 days', rankOf(data, o.address, (x) => Number(x.fees30d.formatted))],
            ['Reward yield', rankOf(data, o.address, (x) => x.yield?.rewardAnnualized ?? null)],
          ];
          if (!lines[0]![1]) return <p className="muted">Not in the active set: ranks are among active orchestrators.</p>;
          return (
            <ul className="hub-list">
              {lines.map(([what, r]) => (
                <li key={what} data-testid={`rank-${what.split(',')[0]!.toLowerCase().replace(/\s+/g, '-')}`}>
                  {what}: {r ? <><b>#{r.rank}</b> of {r.of} <span className="muted">(ahead of {percent(r.percentile, 0)})</span></> : '—'}
                </li>
              ))}
            </ul>
          );
        }}
      </ApiState>
    </HubCard>
  );
}

function Yield({ o }: { o: Orchestrator }) {
  const y = o.yield;
  return (
    <HubCard title="Yield to delegators" href={`/staking?orchestrator=${o.address}`} more="Forward yield calculator" testId="hub-yield">
      {!y ? (
        <p className="muted">No round indexed yet.</p>
      ) : (
        <>
          <p>
            Reward <b data-testid="hub-reward-yield">{y.rewardAnnualized === null ? '—' : `${percent(y.rewardAnnualized, 2)}/yr`}</b> · fees{' '}
            <b data-testid="hub-fee-yield">{y.feeAnnualized === null ? '—' : `${percent(y.feeAnnualized, 2)}/yr`}</b>
          </p>
          <p className="muted">
            Realized over rounds {y.startRound}–{y.endRound} ({y.coveredDays} days{y.complete ? '' : `, less history than ${y.windowDays}`}), after its cuts, annualized. 1 LPT earned{' '}
            {token(y.rewardPerLpt, 6)} and {token(y.feesPerLpt, 8)}. <Link href="/staking#yield-assumptions">Assumptions</Link>
          </p>
        </>
      )}
    </HubCard>
  );
}

function Risk({ address }: { address: string }) {
  const q = useApi('/api/v1/staking/risk/{address}', { params: { address } });
  return (
    <HubCard title="Risk" href={`/staking/risk?orchestrator=${address}`} more="Risk profile" testId="hub-risk">
      <ApiState q={q}>
        {(r) => {
          const top = [...r.components].sort((a, b) => b.risk * b.weight - a.risk * a.weight).filter((c) => c.risk * c.weight > 0).slice(0, 2);
          return (
            <>
              <p>
                Score <b data-testid="hub-risk-score">{r.score.toFixed(1)}</b> of 100 <span className="muted">(higher is riskier)</span>
              </p>
              <p className="muted">{top.length === 0 ? 'No risk factor stands out.' : `Mostly from ${top.map((c) => `${c.label.toLowerCase()} (${c.explain})`).join('; ')}.`}</p>
            </>
          );
        }}
      </ApiState>
    </HubCard>
  );
}

function Income({ address }: { address: string }) {
  const q = useApi('/api/v1/economics/orchestrators/{address}/income', { params: { address }, query: { period: 'quarter' } });
  return (
    <HubCard title="Income" href={`/income/${address}`} more="Income per round, day, quarter" testId="hub-income">
      <ApiState q={q}>
        {(d) => (
          <p>
            Kept <b data-testid="hub-income-kept">{dollars(sumUsd(d.cells.map((c) => c.keptUsd)))}</b>, shared with delegators {dollars(sumUsd(d.cells.map((c) => c.sharedUsd)))}{' '}
            <span className="muted">
              (rounds {d.fromRound}–{d.toRound}, in USD at the time)
            </span>
          </p>
        )}
      </ApiState>
    </HubCard>
  );
}

function Reliability({ address }: { address: string }) {
  const q = useApi('/api/v1/telemetry/orchestrators/{address}/reliability', { params: { address }, query: { days: 30 } });
  return (
    <HubCard title="Reliability by region, 30 days" href={`/reliability/${address}`} more="Hourly reliability" testId="hub-reliability">
      <ApiState q={q}>
        {(r) => (
          <DataTable
            rows={r.byRegion}
            rowKey={(x) => x.region}
            testId="hub-regions"
            empty="No gateway reported jobs of this orchestrator."
            columns={[
              { head: 'Region', cell: (x) => x.region },
              { head: 'Jobs', num: true, cell: (x) => count(x.jobs) },
              { head: 'Success', num: true, cell: (x) => percent(x.jobs ? x.successes / x.jobs : null, 1) },
              { head: 'p95', num: true, cell: (x) => latency(x.p95Ms) },
            ]}
          />
        )}
      </ApiState>
    </HubCard>
  );
}

function Votes({ address }: { address: string }) {
  const q = useApi('/api/v1/governance/delegates/{address}', { params: { address } });
  return (
    <HubCard title="Governance votes" href={`/governance/delegates/${address}`} more="Voting record" testId="hub-votes">
      <ApiState q={q} error={(e) => (e.status === 404 ? <p className="muted">No governor proposal it could vote on yet.</p> : undefined)}>
        {(v) => (
          <p>
            Voted on <b data-testid="hub-voted">{v.voted}</b> of {v.eligible} proposals it could vote on ({percent(v.participation, 0)}), pivotal {v.pivotal} time{v.pivotal === 1 ? '' : 's'}.
          </p>
        )}
      </ApiState>
    </HubCard>
  );
}

/** Everything about one orchestrator at a glance, each card linking to its full view. */
export function OrchestratorHub({ o }: { o: Orchestrator }) {
  return (
    <div className="hub" data-testid="orchestrator-hub">
      <Rank o={o} />
      <Yield o={o} />
      <Risk address={o.address} />
      <Income address={o.address} />
      <Reliability address={o.address} />
      <Votes address={o.address} />
    </div>
  );
}
