import { useApiPages } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable, moreOf } from '../components/DataTable.js';
import { EventTable } from '../components/EventTable.js';
import { LabelBadge, useLabels } from '../components/labels.js';
import { Empty, Panel, Stat, TokenAmount } from '../components/ui.js';
import { OtherRoles } from '../components/roles.js';
import { shortAddress, token } from '../format.js';
import { Link } from '../router.js';

export default function AccountPage({ address }: { address: string }) {
  const q = useApiPages('/api/v1/delegators/{address}', { params: { address }, query: { limit: 25 } }, { cursor: (last) => last.history.page.nextCursor });
  const delegate = q.data?.pages[0]?.delegate ?? null;
  const labels = useLabels(delegate ? [address, delegate] : [address]);
  if (!q.data)
    return (
      <ApiState
        q={q}
        what="Loading the account"
        error={(e) =>
          e.status === 404 ? (
            <Empty>
              <span data-testid="account-never-bonded">
                This address has never bonded LPT, so it has no stake to show. <Link href={`/address/${address}`}>See what else Atlas knows about it</Link>.
              </span>
            </Empty>
          ) : undefined
        }
      />
    );
  const a = q.data.pages[0]!;
  const history = q.data.pages.flatMap((p) => p.history.data);
  return (
    <div className="page">
      <p className="crumbs">Account /</p>
      <h1 className="mono break" data-testid="account-address">
        {a.address}
      </h1>
      <LabelBadge label={labels.get(a.address)} />
      <p>
        {a.delegate ? (
          <>
            Delegating to{' '}
            <Link href={`/orchestrators/${a.delegate}`} className="mono" data-testid="account-delegate">
              {shortAddress(a.delegate)}
            </Link>{' '}
            <LabelBadge label={labels.get(a.delegate)} />
          </>
        ) : (
          'Not delegating'
        )}
        <OtherRoles address={a.address} current="delegator" />
      </p>
      <section className="cards">
        <Stat
          label="Bonded"
          value={<TokenAmount amount={a.bondedAmount} digits={4} usd={a.usd.bondedAmount} testId="account-bonded" usdTestId="usd-account-bonded" />}
          sub={`as of last claim, round ${a.lastClaimRound}`}
        />
        <Stat
          label="Pending stake"
          value={<TokenAmount amount={a.pendingStake} digits={4} usd={a.usd.pendingStake} testId="account-pending-stake" usdTestId="usd-account-pending-stake" />}
          sub={
            <>
              +<span data-testid="account-unclaimed">{token(a.unclaimedRewards, 4)}</span> unclaimed rewards
            </>
          }
        />
        <Stat
          label="Pending fees"
          value={<TokenAmount amount={a.pendingFees} digits={6} usd={a.usd.pendingFees} testId="account-pending-fees" usdTestId="usd-account-pending-fees" />}
          sub={`${token(a.withdrawableFees, 6)} already claimed, withdrawable`}
        />
        <Stat
          label="Unbonding"
          value={<TokenAmount amount={a.unbonding} digits={4} usd={a.usd.unbonding} testId="account-unbonding" usdTestId="usd-account-unbonding" />}
          sub={`${a.unbondingLocks.length} lock(s)`}
        />
      </section>

      <Panel title="Unbonding locks">
        <DataTable
          rows={a.unbondingLocks}
          rowKey={(l) => l.id}
          testId="locks"
          empty="No open unbonding locks."
          columns={[
            { head: 'Lock', cell: (l) => `#${l.id}` },
            { head: 'Amount', num: true, cell: (l) => token(l.amount, 4) },
            { head: 'Withdraw round', num: true, cell: (l) => l.withdrawRound },
            { head: 'Status', cell: (l) => (l.withdrawable ? <span className="badge on">withdrawable</span> : `${l.roundsLeft} rounds left`) },
          ]}
        />
      </Panel>

      <Panel title="History">
        <EventTable events={history} testId="history" addresses={false} empty="No events name this address." more={moreOf(q, 'history-more')} />
      </Panel>
    </div>
  );
}
