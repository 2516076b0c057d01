import { describe, expect, it } from 'vitest';
import { computeCoverage, reportScore, specsToProbe, UNSCORED_ASSUMED } from './coverage.js';
import type { AtlasTargets, Mapping } from './mapping.js';
import type { Verdict } from './probe.js';
import { allQuestions } from './model.js';
import { parseReport } from './parser.js';

const MODEL = '```\n0 a\n1 b\n2 c\n3 d\n4 e\n5 f\n```\n';
const report = parseReport([
  { file: 'model.md', text: MODEL },
  {
    file: 'roles/a.md',
    text: [
      '# A',
      '## Scenarios',
      '* Decide.',
      '  * First question?',
      '    * *Data availability score: 2*',
      '  * Second question?',
      '    * *Data availability score: 3 (transcoding) or 0 (AI)*',
      '  * Third question?',
      '  * Fourth question?',
      '    * *Data availability score: 0–2*',
      '  * Fifth topic.',
      '',
    ].join('\n'),
  },
  { file: 'roles/b.md', text: '# B\n## Scenarios\n* Choose.\n  * Only question?\n    * *Data availability score: 4*\n' },
]);
const targets: AtlasTargets = { api: [{ path: '/api/v1/network' }], pages: [/^\/$/] };
const answer = (endpoint: string) => ({ kind: 'figure' as const, label: 'x', endpoint, value: 'v', format: 'text' as const, zeroIsAnswer: false });
const mapping: Mapping = {
  report: 't',
  questions: {
    'a/first-question': { status: 'answered', score: 5, views: ['/'], endpoints: ['/api/v1/network'], answer: answer('/api/v1/network') },
    'a/second-question': { status: 'answered', score: 5, views: ['/'], endpoints: ['/api/v1/missing'], answer: answer('/api/v1/network') },
    'a/third-question': { status: 'planned', issue: 7, needs: 'telemetry' },
    'a/fourth-question': { status: 'out-of-scope', reason: 'off-chain market data' },
    // a/fifth-topic stays unmapped.
    'b/only-question': { status: 'answered', score: 3, views: ['/'], endpoints: ['/api/v1/network'], answer: answer('/api/v1/network') },
  },
  items: {},
};
const ok: Verdict = { ok: true, reason: null };
const verdicts = new Map([
  ['a/first-question', ok],
  ['b/only-question', ok],
]);

describe('coverage', () => {
  it('scores a question by the mean midpoint of its entries, unscored at the assumed 0.5', () => {
    const q = new Map(allQuestions(report).map((x) => [x.question.id, x.question]));
    expect(reportScore(q.get('a/first-question')!)).toEqual({ score: 2, assumed: false });
    expect(reportScore(q.get('a/second-question')!)).toEqual({ score: 1.5, assumed: false });
    expect(reportScore(q.get('a/third-question')!)).toEqual({ score: UNSCORED_ASSUMED, assumed: true });
    expect(reportScore(q.get('a/fourth-question')!)).toEqual({ score: 1, assumed: false });
  });

  it('counts answered (existing), broken, planned, out-of-scope and unmapped, with scores before and after', () => {
    const cov = computeCoverage(report, mapping, targets, verdicts);
    expect(cov.questions.map((q) => [q.id, q.status, q.before, q.after])).toEqual([
      ['a/first-question', 'answered', 2, 5],
      ['a/second-question', 'broken', 1.5, 1.5],
      ['a/third-question', 'planned', 0.5, 0.5],
      ['a/fourth-question', 'out-of-scope', 1, 1],
      ['a/fifth-topic', 'unmapped', 0.5, 0.5],
      // Atlas never lowers the report's score: mapped 3 < reported 4.
      ['b/only-question', 'answered', 4, 4],
    ]);
    expect(cov.questions[1]!.problems).toEqual(['endpoint /api/v1/missing does not exist in the route table']);
    // Role a by hand: before (2 + 1.5 + 0.5 + 1 + 0.5) / 5 = 1.1; after (5 + 1.5 + 0.5 + 1 + 0.5) / 5 = 1.7.
    const a = cov.roles[0]!;
    expect(a).toMatchObject({ roleId: 'a', name: 'A', total: 5, answered: 1, partial: 0, empty: 0, broken: 1, planned: 1, outOfScope: 1, unmapped: 1, answeredShare: 0.2, answeredShareInScope: 0.25, scored: 3 });
    expect(a.scoreBefore).toBeCloseTo(1.1, 12);
    expect(a.scoreAfter).toBeCloseTo(1.7, 12);
    expect(cov.roles[1]).toMatchObject({ roleId: 'b', total: 1, answered: 1, answeredShare: 1, scoreBefore: 4, scoreAfter: 4 });
    // Overall: 6 questions, 2 answered; before 9.5 / 6, after 12.5 / 6.
    expect(cov.overall).toMatchObject({ total: 6, answered: 2, broken: 1, planned: 1, outOfScope: 1, unmapped: 1, scored: 4 });
    expect(cov.overall.answeredShare).toBeCloseTo(2 / 6, 12);
    expect(cov.overall.answeredShareInScope).toBeCloseTo(2 / 5, 12);
    expect(cov.overall.scoreBefore).toBeCloseTo(9.5 / 6, 12);
    expect(cov.overall.scoreAfter).toBeCloseTo(12.5 / 6, 12);
  });

  it('counts an answer only when its live check passes, and a proxy as partial with its reason', () => {
    const m: Mapping = {
      ...mapping,
      questions: {
        ...mapping.questions,
        'a/first-question': { status: 'partial', score: 3, views: ['/'], endpoints: ['/api/v1/network'], answer: answer('/api/v1/network'), reason: 'the unbonding period, not the exit cost' },
      },
    };
    const failing = new Map<string, Verdict>([
      ['a/first-question', ok],
      ['b/only-question', { ok: false, reason: 'v is zero' }],
    ]);
    const cov = computeCoverage(report, m, targets, failing);
    const byId = new Map(cov.questions.map((q) => [q.id, q]));
    expect(byId.get('a/first-question')).toMatchObject({ status: 'partial', reason: 'the unbonding period, not the exit cost', before: 2, after: 3 });
    // The mapping says answered; the endpoint returned zero: empty, scored as the report scored it.
    expect(byId.get('b/only-question')).toMatchObject({ status: 'empty', reason: 'v is zero', before: 4, after: 4 });
    // Without any check every answer is empty.
    expect(computeCoverage(report, m, targets, new Map()).overall).toMatchObject({ answered: 0, partial: 0, empty: 2, broken: 1 });
    expect([...specsToProbe(m, targets).keys()]).toEqual(['a/first-question', 'b/only-question']);
  });

  it('maps and counts gaps and action items like questions', () => {
    const withItems = parseReport([
      { file: 'model.md', text: MODEL },
      { file: 'roles/a.md', text: '# A\n## Scenarios\n* Decide.\n  * Q?\n## Gaps\n* A dashboard of X.\n* A statement of Y.\n' },
      { file: 'README.md', text: '# R\n## Executive summary\n* **Build X.** Do it.\n' },
    ]);
    const m: Mapping = {
      report: 't',
      questions: {},
      items: {
        'a/gap-dashboard-x': { status: 'answered', score: 5, views: ['/'], endpoints: ['/api/v1/network'], answer: answer('/api/v1/network') },
        'a/gap-statement-y': { status: 'out-of-scope', reason: 'a statement is prose, not data' },
        'executive-summary/build-x': { status: 'planned', issue: 9, needs: 'x' },
      },
    };
    const cov = computeCoverage(withItems, m, targets, new Map([['a/gap-dashboard-x', ok]]));
    expect(cov.items.list.map((i) => [i.id, i.item.kind, i.status])).toEqual([
      ['a/gap-dashboard-x', 'gap', 'answered'],
      ['a/gap-statement-y', 'gap', 'out-of-scope'],
      ['executive-summary/build-x', 'action', 'planned'],
    ]);
    expect(cov.items.overall).toMatchObject({ total: 3, answered: 1, outOfScope: 1, planned: 1 });
    expect(cov.items.gaps).toMatchObject({ total: 2, answered: 1 });
    expect(cov.items.actions).toMatchObject({ total: 1, planned: 1 });
    expect(cov.overall).toMatchObject({ total: 1, unmapped: 1 });
  });
});
