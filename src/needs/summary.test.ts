import { describe, expect, it } from 'vitest';
import { parseSummary } from './summary.js';

const README = `# Report

Intro paragraph.

## Executive summary

* We did things.

* The following items matter.

  * **Onboarding.** All demand flows here.

    * **Documentation** should explain the role.
    * **Data.** Aggregate it
      in one place.

  * **Treasury.** Develop a budget.

## Key findings

* **Directory.** Improved summaries. Simulate costs.

  *Evaluation.* Easy win.

  More evaluation.

* **Market portal.** Publish statements.

  Present market information.

  *Evaluation.* High priority.

## Other

* **Not an item.** Ignored.
`;

describe('the summary’s action items', () => {
  it('takes the executive summary’s titled leaves and each proposal paragraph of a key finding', () => {
    const items = parseSummary(README);
    expect(items.map((i) => [i.id, i.title, i.text, i.line])).toEqual([
      ['executive-summary/documentation', 'Documentation', 'Documentation should explain the role.', 13],
      ['executive-summary/data', 'Data', 'Data. Aggregate it in one place.', 14],
      ['executive-summary/treasury', 'Treasury', 'Treasury. Develop a budget.', 17],
      ['key-findings/directory', 'Directory', 'Directory. Improved summaries. Simulate costs.', 21],
      ['key-findings/market-portal', 'Market portal', 'Market portal. Publish statements.', 27],
      ['key-findings/market-portal-2', 'Market portal', 'Present market information.', 29],
    ]);
    expect(items.every((i) => i.file === 'README.md')).toBe(true);
    expect(parseSummary('# Nothing\n\n* **A.** b\n')).toEqual([]);
  });
});
