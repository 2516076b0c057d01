import { describe, expect, it } from 'vitest';
import { categorySummary, parseBudget } from './budget.js';

const LPT = 10n ** 18n;
const BUDGET = `version: 1
name: B
currency: LPT
periods:
  - id: q1
    start: 2025-01-01
    end: 2025-03-31
categories:
  - id: spe
    name: SPEs
    amounts:
      q1: 1000
  - id: grants
    name: Grants
    amounts:
      q1: 3000
proposals: {}
labelers: []
`;

describe('treasury by category', () => {
  it('counts proposals, sums outflows and splits the balance into earmarked, unspent budget and idle', () => {
    const r = parseBudget(BUDGET);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const c = categorySummary(
      r.budget,
      [
        { category: 'spe', status: 'executed', amount: 400n * LPT },
        { category: 'spe', status: 'queued', amount: 300n * LPT },
        { category: 'spe', status: 'defeated', amount: 900n * LPT },
        { category: 'grants', status: 'executed', amount: 100n * LPT },
        { category: null, status: 'executed', amount: 50n * LPT },
      ],
      10_000n * LPT,
    );
    expect(c.categories.map((x) => [x.id, x.proposals, x.passed, x.defeated, x.requested / LPT, x.paidOut / LPT, x.earmarked / LPT, x.medianGrant! / LPT, x.budgetShare, x.spendShare])).toEqual([
      ['spe', 3, 2, 1, 1600n, 400n, 300n, 400n, 0.25, 0.8],
      ['grants', 1, 1, 0, 100n, 100n, 0n, 100n, 0.75, 0.2],
    ]);
    // Unspent budget: spe 1000 − 400 − 300 = 300, grants 3000 − 100 = 2900; idle = 10000 − 300 − 3200.
    expect(c.earmarked).toBe(300n * LPT);
    expect(c.budgetRemaining).toBe(3200n * LPT);
    expect(c.idle).toBe(6500n * LPT);
  });
});
