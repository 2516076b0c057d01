import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type Account, type ApiEvent } from '../api.js';
import { dateTime, shortAddress, token } from '../format.js';
import { LabelBadge, useLabels } from '../labels.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Stat, Usd } from '../ui.js';

const LPT_EVENTS = new Set(['Approval', 'Bond', 'Unbond', 'Rebond', 'TransferBond', 'WithdrawStake', 'Reward', 'Transfer', 'Mint', 'Burn', 'DelegatorBondedAmountChanged', 'DelegateVotesChanged', 'EarningsClaimed']);

function eventAmount(e: ApiEvent): string {
  if (e.amount === null) return '';
  // Token approvals are usually "max uint256": a number nobody can read.
  if (e.amount.length > 70) return 'unlimited';
  const unit = LPT_EVENTS.has(e.name) ? 'LPT' : 'ETH';
  const s = e.amount;
  const whole = s.length > 18 ? s.slice(0, -18) : '0';
  const frac = s.padStart(19, '0').slice(-18).slice(0, 4).replace(/0+$/, '');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac ? `.${frac}` : ''} ${unit}`;
}

export default function AccountPage({ address }: { address: string }) {
  const q = useInfiniteQuery({
    queryKey: ['account', address],
    queryFn: ({ pageParam }) => api<Account>(`/api/v1/delegators/${address}`, { limit: 25, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.history.page.nextCursor ?? undefined,
  });
  const delegate = q.data?.pages[0]?.delegate ?? null;
  const labels = useLabels(delegate ? [address, delegate] : [address]);
  if (q.isPending) return <Loading what="Loading the account" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
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
        {a.isOrchestrator && (
          <>
            {' '}
            · <Link href={`/orchestrators/${a.address}`}>orchestrator page</Link>
          </>
        )}
      </p>
      <section className="cards">
        <Stat label="Bonded" value={<><span data-testid="account-bonded">{token(a.bondedAmount, 4)}</span><Usd value={a.usd.bondedAmount} testId="usd-account-bonded" /></>} sub={`as of last claim, round ${a.lastClaimRound}`} />
        <Stat label="Pending stake" value={<><span data-testid="account-pending-stake">{token(a.pendingStake, 4)}</span><Usd value={a.usd.pendingStake} testId="usd-account-pending-stake" /></>} sub={<>+<span data-testid="account-unclaimed">{token(a.unclaimedRewards, 4)}</span> unclaimed rewards</>} />
        <Stat label="Pending fees" value={<><span data-testid="account-pending-fees">{token(a.pendingFees, 6)}</span><Usd value={a.usd.pendingFees} testId="usd-account-pending-fees" /></>} sub={`${token(a.withdrawableFees, 6)} already claimed, withdrawable`} />
        <Stat label="Unbonding" value={<><span data-testid="account-unbonding">{token(a.unbonding, 4)}</span><Usd value={a.usd.unbonding} testId="usd-account-unbonding" /></>} sub={`${a.unbondingLocks.length} lock(s)`} />
      </section>

      <section className="panel">
        <h2>Unbonding locks</h2>
        {a.unbondingLocks.length === 0 ? (
          <Empty>No open unbonding locks.</Empty>
        ) : (
          <div className="table-wrap">
            <table data-testid="locks">
              <thead>
                <tr>
                  <th>Lock</th>
                  <th>Amount</th>
                  <th>Withdraw round</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {a.unbondingLocks.map((l) => (
                  <tr key={l.id}>
                    <td>#{l.id}</td>
                    <td className="num">{token(l.amount, 4)}</td>
                    <td className="num">{l.withdrawRound}</td>
                    <td>{l.withdrawable ? <span className="badge on">withdrawable</span> : `${l.roundsLeft} rounds left`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel">
        <h2>History</h2>
        {history.length === 0 ? (
          <Empty>No events name this address.</Empty>
        ) : (
          <>
            <div className="table-wrap">
              <table data-testid="history">
                <thead>
                  <tr>
                    <th>Round</th>
                    <th>Event</th>
                    <th>Amount</th>
                    <th className="wide">When</th>
                  </tr>
                </thead>
                <tbody>
                  {history.map((e) => (
                    <tr key={e.id}>
                      <td>{e.round ?? '—'}</td>
                      <td>{e.name}</td>
                      <td className="num">
                        {eventAmount(e)}
                        {e.amountUnit !== null && <Usd value={e.amountUsd} testId="usd-event" />}
                      </td>
                      <td className="wide">{dateTime(e.time)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {q.hasNextPage && (
              <div className="more">
                <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage} data-testid="history-more">
                  Load more
                </button>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}
