import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBudget } from '../analytics/budget.js';
import { budgetOnMonths, EXAMPLE_BUDGET, shiftDate } from './budget.js';

describe('the example budget on the simulated months', () => {
  it('moves dates by whole months, a month end staying a month end', () => {
    expect(shiftDate('2025-06-30', 8)).toBe('2026-02-28');
    expect(shiftDate('2025-07-31', 8)).toBe('2026-03-31');
    expect(shiftDate('2025-06-01', 8)).toBe('2026-02-01');
    expect(shiftDate('2024-01-31', 1)).toBe('2024-02-29');
    expect(shiftDate('2025-07-15', -7)).toBe('2024-12-15');
  });

  it('lands the last period on the month the history ends in, renaming month ids and their amounts', () => {
    const text = readFileSync(EXAMPLE_BUDGET, 'utf8');
    const before = parseBudget(text);
    const after = parseBudget(budgetOnMonths(text, Date.UTC(2026, 2, 10, 15) / 1000));
    if (!before.ok || !after.ok) throw new Error('example budget does not parse');
    expect(after.budget.periods.map((p) => [p.id, p.start, p.end])).toEqual([
      ['2026-02', '2026-02-01', '2026-02-28'],
      ['2026-03', '2026-03-01', '2026-03-31'],
    ]);
    // The same amounts per period and category, under the new ids; tagging rules untouched.
    for (const [i, c] of before.budget.categories.entries()) {
      const moved = after.budget.categories[i]!;
      expect(moved.id).toBe(c.id);
      expect(moved.recipients).toEqual(c.recipients);
      expect([...moved.amounts.entries()]).toEqual([...c.amounts.entries()].map(([k, v]) => [k === '2025-06' ? '2026-02' : '2026-03', v]));
    }
  });

  it('refuses a file that is no valid budget', () => {
    expect(() => budgetOnMonths('version: 1\nname: x\n', 0)).toThrow(/not valid/);
  });
});
