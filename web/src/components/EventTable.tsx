import type { ApiEvent } from '../api/types.js';
import { amountOf, dateTime, decimal, token, tokens, type Unit } from '../format.js';
import { DataTable, type More } from './DataTable.js';
import { Address, useLabels } from './labels.js';
import { Usd } from './ui.js';

// Amounts the API leaves unvalued (balances, allowances, vote weights: not payments) are LPT all the same.
const LPT_BALANCES = new Set(['Approval', 'DelegateVotesChanged', 'DelegatorBondedAmountChanged', 'VoteCast', 'VoteCastWithParams']);

/** The unit of an event's principal amount: the API's `amountUnit`, else LPT for balances and vote weights. */
export function eventUnit(e: ApiEvent): Unit | null {
  return e.amountUnit ?? (LPT_BALANCES.has(e.name) ? 'LPT' : null);
}

/** An event's principal amount with its unit, exact to 4 decimals; an unlimited approval says so. */
export function eventAmount(e: ApiEvent): string {
  if (e.amount === null) return '—';
  // Token approvals are usually "max uint256": a number nobody can read.
  if (e.amount.length > 70) return 'unlimited';
  const unit = eventUnit(e);
  return unit ? token(amountOf(BigInt(e.amount), unit), 4) : decimal(tokens(BigInt(e.amount)), 4);
}

/**
 * Chain events as one table (account history, staking events, a delegate's delegators): round, event, the
 * addresses it names (linked, with their labels), the amount in its unit (and USD at its block when shown), time.
 */
export function EventTable({ events, testId, addresses = true, empty, more }: { events: readonly ApiEvent[]; testId: string; addresses?: boolean; empty?: string; more?: More }) {
  const labels = useLabels(addresses ? events.flatMap((e) => e.addresses) : []);
  return (
    <DataTable
      rows={events}
      rowKey={(e) => e.id}
      row={(e) => ({ 'data-type': e.name })}
      testId={testId}
      empty={empty}
      more={more}
      columns={[
        { head: 'Round', cell: (e) => e.round ?? '—' },
        { head: 'Event', cell: (e) => e.name },
        addresses && {
          head: 'Addresses',
          cell: (e) =>
            e.addresses.map((a, i) => (
              <span key={i}>
                {i > 0 && ' → '}
                <Address address={a} label={labels.get(a)} href={`/accounts/${a}`} />
              </span>
            )),
        },
        {
          head: 'Amount',
          num: true,
          cell: (e) => (
            <>
              {eventAmount(e)}
              {e.amountUnit !== null && <Usd value={e.amountUsd} testId="usd-event" />}
            </>
          ),
        },
        { head: 'When', wide: true, cell: (e) => dateTime(e.time) },
      ]}
    />
  );
}
