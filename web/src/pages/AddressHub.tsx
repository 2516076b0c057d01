import { useEffect } from 'react';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { LabelBadge, useLabels } from '../components/labels.js';
import { hubPath } from '../components/roles.js';
import { Empty, Panel, TokenAmount } from '../components/ui.js';
import { dateTime, sumAmounts, token } from '../format.js';
import { Link, navigate } from '../router.js';

/**
 * Where a searched address goes: the API says which roles it plays and this page moves on to the hub that
 * describes it (orchestrator, gateway, delegator). A treasury recipient's hub is this page: what the treasury
 * paid it. An address Atlas has not seen says so, with what it would take to appear.
 */
export default function AddressHub({ address }: { address: string }) {
  const q = useApi('/api/v1/addresses/{address}', { params: { address } });
  const labels = useLabels([address]);
  const hub = q.data?.hub;
  useEffect(() => {
    if (hub && hub !== 'treasury-recipient') navigate(hubPath(hub, address), { replace: true });
  }, [hub, address]);
  if (!q.data || (hub && hub !== 'treasury-recipient')) return <ApiState q={q} what="Looking the address up" />;
  const a = q.data;
  return (
    <div className="page">
      <p className="crumbs">Address /</p>
      <h1 className="mono break" data-testid="hub-address">
        {address}
      </h1>
      <LabelBadge label={labels.get(address)} />
      {hub === 'treasury-recipient' ? (
        <Panel title="Paid by the treasury" testId="treasury-payments">
          <p>
            Received <b data-testid="treasury-received">{token(sumAmounts(a.treasuryPayments.map((p) => p.amount), 'LPT'), 2)}</b> from the Livepeer treasury in{' '}
            {a.treasuryPayments.length} payment{a.treasuryPayments.length === 1 ? '' : 's'}. See the <Link href="/treasury">treasury</Link> for the proposals behind them.
            {a.roles.voter && (
              <>
                {' '}
                It also voted on governor proposals: <Link href={`/governance/delegates/${address}`}>its votes</Link>.
              </>
            )}
          </p>
          <DataTable
            rows={a.treasuryPayments}
            rowKey={(p) => `${p.blockNumber}-${p.txHash}`}
            columns={[
              { head: 'When', cell: (p) => dateTime(p.time) },
              { head: 'Amount', num: true, cell: (p) => <TokenAmount amount={p.amount} digits={2} usd={p.amountUsd} /> },
              { head: 'Block', num: true, wide: true, cell: (p) => p.blockNumber.toLocaleString('en-US') },
            ]}
          />
        </Panel>
      ) : (
        <Empty>
          <span data-testid="hub-unknown">
            Atlas has seen nothing of this address on the Livepeer contracts: it never bonded, registered as an orchestrator, funded a TicketBroker deposit, sent
            signed telemetry or received treasury funds. It appears here once it does.
          </span>
        </Empty>
      )}
    </div>
  );
}
