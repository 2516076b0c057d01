import { describe, expect, it } from 'vitest';
import { computeCoverage, reportScore, UNSCORED_ASSUMED } from './coverage.js';
import type { AtlasTargets, Mapping } from './mapping.js';
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
const answer = (endpoint: string) => ({ kind: 'figure' as const, label: 'x', endpoint, value: 'v', format: 'text' as const });
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
};

describe('coverage', () => {
  it('scores a question by the mean midpoint of its entries, unscored at the assumed 0.5', () => {
    const q = new Map(allQuestions(report).map((x) => [x.question.id, x.question]));
    expect(reportScore(q.get('a/first-question')!)).toEqual({ score: 2, assumed: false });
    expect(reportScore(q.get('a/second-question')!)).toEqual({ score: 1.5, assumed: false });
    expect(reportScore(q.get('a/third-question')!)).toEqual({ score: UNSCORED_ASSUMED, assumed: true });
    expect(reportScore(q.get('a/fourth-question')!)).toEqual({ score: 1, assumed: false });
  });

  it('counts answered (existing), broken, planned, out-of-scope and unmapped, with scores before and after', () => {
    const cov = computeCoverage(report, mapping, targets);
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
    expect(a).toMatchObject({ roleId: 'a', name: 'A', total: 5, answered: 1, broken: 1, planned: 1, outOfScope: 1, unmapped: 1, answeredShare: 0.2, answeredShareInScope: 0.25, scored: 3 });
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
});
