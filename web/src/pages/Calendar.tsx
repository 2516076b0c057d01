import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { dateTime, decimal, shortAddress } from '../format.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Segmented } from '../ui.js';
import type { CalendarEntry } from './governanceTypes.js';

type Filter = 'all' | 'contracts' | 'parameters' | 'proposals';
const KINDS: Record<Filter, (k: string) => boolean> = {
  all: () => true,
  contracts: (k) => k.startsWith('contract'),
  parameters: (k) => k === 'parameter-change',
  proposals: (k) => k.startsWith('proposal'),
};
const LABELS: Record<string, string> = {
  'contract-registered': 'registered',
  'contract-upgrade': 'upgrade',
  'parameter-change': 'parameter',
  'proposal-created': 'proposed',
  'proposal-executed': 'executed',
  'proposal-canceled': 'canceled',
};

/** Readable form of known parameter values (raw integers stay available in the API and CSV). */
function pretty(param: string | null, value: string | null): string {
  if (value === null || !/^\d+$/.test(value)) return value ?? '(unknown)';
  if (param === 'nextRoundTreasuryRewardCutRate' || param === 'treasuryRewardCutRate') return `${decimal(formatUnits(BigInt(value) * 100n, 27), 4)}%`;
  if (param === 'treasuryBalanceCeiling') return `${decimal(formatUnits(BigInt(value), 18), 2)} LPT`;
  return decimal(value, 0);
}

function formatUnits(x: bigint, decimals: number): string {
  const base = 10n ** BigInt(decimals);
  const frac = (x % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${x / base}${frac ? `.${frac}` : ''}`;
}

export default function Calendar() {
  const q = useQuery({ queryKey: ['calendar'], queryFn: () => api<{ data: CalendarEntry[] }>('/api/v1/calendar') });
  const [filter, setFilter] = useState<Filter>('all');
  if (q.isPending) return <Loading what="Loading the calendar" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const shown = [...q.data.data].filter((e) => KINDS[filter](e.kind)).reverse();
  return (
    <div className="page">
      <h1>Protocol calendar</h1>
      <p className="muted">Contract upgrades (Controller SetContractInfo), parameter changes with the value read at that block, and governance milestones, newest first.</p>
      <div className="filters">
        <Segmented<Filter> label="Show" value={filter} onChange={setFilter} options={[['all', 'All'], ['contracts', 'Contracts'], ['parameters', 'Parameters'], ['proposals', 'Proposals']]} />
        <a className="button" href="/api/v1/calendar?format=csv" download>
          Export CSV
        </a>
      </div>
      {shown.length === 0 ? (
        <Empty>Nothing to show.</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="calendar">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={`${e.kind}-${e.block}-${e.title}`} data-kind={e.kind}>
                  <td>
                    {e.time !== null ? dateTime(e.time) : '—'}
                    <div className="muted">
                      {e.round !== null && `round ${e.round} · `}block {e.block}
                    </div>
                  </td>
                  <td>
                    <span className="badge">{LABELS[e.kind]}</span>
                  </td>
                  <td className="cal-title">
                    <span data-testid="calendar-title" title={e.title}>
                      {e.kind === 'parameter-change' ? `${e.contract}.${e.param} = ${pretty(e.param, e.value)}` : e.title}
                    </span>
                    {e.kind === 'parameter-change' && e.previousValue !== null && <div className="muted">was {pretty(e.param, e.previousValue)}</div>}
                    {e.address && <div className="muted mono">{shortAddress(e.address)}</div>}
                    {e.proposalId && (
                      <div>
                        <Link href={`/proposals/${e.proposalId}`}>proposal</Link>
                        {e.lips.length > 0 && <span className="muted"> · {e.lips.map((l) => `LIP-${l}`).join(', ')}</span>}
                      </div>
                    )}
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
