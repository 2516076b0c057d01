import type { z } from 'zod';
import type * as G from '../../../src/api/routes/governance.js';
import type * as T from '../../../src/api/routes/treasury.js';

export type GovProposal = z.output<typeof G.govProposalSchema>;
export type GovVote = z.output<typeof G.govVoteSchema>;
export type DelegateRecord = z.output<typeof G.recordSchema>;
export type DelegateRow = Omit<DelegateRecord, 'votes'>;
export type CalendarEntry = z.output<typeof G.calendarSchema>;
export type TreasurySummary = z.output<typeof T.summarySchema>;
export type LedgerEntry = z.output<typeof T.entrySchema>;
export type TreasuryBudget = z.output<typeof T.budgetSchema>;
export type TreasuryForecast = z.output<typeof T.forecastSchema>;
export type BudgetIssue = z.output<typeof T.issueSchema>;

/** Badge class per proposal status. */
export function statusClass(s: string): string {
  return s === 'executed' || s === 'succeeded' || s === 'queued' ? 'badge on' : s === 'active' || s === 'pending' ? 'badge' : 'badge off';
}
