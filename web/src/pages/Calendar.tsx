import { useState } from 'react';
import { apiUrl } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { CsvLink, Segmented } from '../components/ui.js';
import { amountOf, dateTime, decimal, shortAddress, token, tokens } from '../format.js';
import { Link } from '../router.js';

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
  // Cut rates are fractions per 1e27: ×100 / 1e9 is the percentage in 18-decimal units.
  if (param === 'nextRoundTreasuryRewardCutRate' || param === 'treasuryRewardCutRate') return `${decimal(tokens((BigInt(value) * 100n) / 10n ** 9n), 4)}%`;
  if (param === 'treasuryBalanceCeiling') return token(amountOf(BigInt(value), 'LPT'), 2);
  return decimal(value, 0);
}

export default function Calendar() {
  const q = useApi('/api/v1/calendar');
  const [filter, setFilter] = useState<Filter>('all');
  if (!q.data) return <ApiState q={q} what="Loading the calendar" />;
  const shown = q.data.data.filter((e) => KINDS[filter](e.kind)).reverse();
  return (
    <div className="page">
      <h1>Protocol calendar</h1>
      <p className="muted">Contract upgrades (Controller SetContractInfo), parameter changes with the value read at that block, and governance milestones, newest first.</p>
      <div className="filters">
        <Segmented<Filter> label="Show" value={filter} onChange={setFilter} options={[['all', 'All'], ['contracts', 'Contracts'], ['parameters', 'Parameters'], ['proposals', 'Proposals']]} />
        <CsvLink href={apiUrl('/api/v1/calendar', { query: { format: 'csv' } })} />
      </div>
      <DataTable
        rows={shown}
        rowKey={(e) => `${e.kind}-${e.block}-${e.title}`}
        row={(e) => ({ 'data-kind': e.kind })}
        testId="calendar"
        empty="Nothing to show."
        columns={[
          {
            head: 'When',
            cell: (e) => (
              <>
                {e.time !== null ? dateTime(e.time) : '—'}
                <div className="muted">
                  {e.round !== null && `round ${e.round} · `}block {e.block}
                </div>
              </>
            ),
          },
          { head: 'What', cell: (e) => <span className="badge">{LABELS[e.kind]}</span> },
          {
            head: 'Details',
            className: 'cal-title',
            cell: (e) => (
              <>
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
              </>
            ),
          },
        ]}
      />
    </div>
  );
}
