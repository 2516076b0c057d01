import type { Amount } from '../format.js';
import { token } from '../format.js';
import { Link } from '../router.js';
import type { Column } from './DataTable.js';

type Support = 'for' | 'against' | 'abstain' | 'none' | null;

/** How a vote went, as a badge; no vote (null or "none") reads "did not vote". */
export function SupportBadge({ support }: { support: Support }) {
  if (support === null || support === 'none') return <span className="muted">did not vote</span>;
  return <span className={support === 'for' ? 'badge on' : support === 'against' ? 'badge off' : 'badge'}>{support}</span>;
}

/** Badge class per proposal status. */
export function statusClass(s: string): string {
  return s === 'executed' || s === 'succeeded' || s === 'queued' ? 'badge on' : s === 'active' || s === 'pending' ? 'badge' : 'badge off';
}

/**
 * The columns every vote table shares (a proposal's votes, a delegate's voting record): the proposal, how the
 * vote went (with its pivotal/override marks), its weight, the weight the governor counted, and the reason.
 */
export const voteColumns = {
  proposal: <R extends { proposalId: string; title: string }>(): Column<R> => ({
    head: 'Proposal',
    className: 'ellipsis',
    title: (v) => v.title,
    cell: (v) => <Link href={`/proposals/${v.proposalId}`}>{v.title || `${v.proposalId.slice(0, 12)}…`}</Link>,
  }),
  support: <R extends { support: Support; pivotal?: boolean; overrides?: boolean }>(testId?: string): Column<R> => ({
    head: 'Vote',
    testId,
    cell: (v) => (
      <>
        <SupportBadge support={v.support} />
        {v.pivotal && (
          <span className="badge" title="without this vote the outcome would flip">
            pivotal
          </span>
        )}
        {v.overrides && (
          <span className="badge" title="overrides its orchestrator's vote">
            override
          </span>
        )}
      </>
    ),
  }),
  weight: <R extends { weight: Amount | null }>(testId?: string): Column<R> => ({ head: 'Weight', num: true, testId, cell: (v) => (v.weight ? token(v.weight, 0) : '—') }),
  counted: <R extends { counted: Amount | null }>(): Column<R> => ({
    head: 'Counted',
    num: true,
    testId: 'cell-counted',
    cell: (v) => (v.counted ? token(v.counted, 0) : '—'),
  }),
  reason: <R extends { reason: string | null }>(): Column<R> => ({ head: 'Reason', wide: true, cell: (v) => v.reason || <span className="muted">—</span> }),
};
