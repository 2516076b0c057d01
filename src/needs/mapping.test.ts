import { describe, expect, it } from 'vitest';
import { routes } from '../api/routeTable.js';
import { computeCoverage, specsToProbe } from './coverage.js';
import { checkMapping, dashboardPagePatterns, loadMapping, MappingError, pagePatternsFromSource, parseMapping, type AtlasTargets, type Mapping } from './mapping.js';
import { parseReport, parseReportDir } from './parser.js';
import { VENDORED_REPORT_DIR as REAL_REPORT_DIR } from './vendored.js';

const live = (): AtlasTargets => ({ api: routes, pages: dashboardPagePatterns() });
const figure = (endpoint: string) => ({ kind: 'figure' as const, label: 'x', endpoint, value: 'a', format: 'text' as const, zeroIsAnswer: false });

describe('the shipped mapping against the live route tables', () => {
  it('maps every question, gap and action item of the real report once, and every mapped view and endpoint exists', () => {
    const mapping = loadMapping();
    const report = parseReportDir(REAL_REPORT_DIR);
    expect(checkMapping(mapping, live(), report)).toEqual([]);
    // Every answer passes its live check here: what is left is the static part (nothing unmapped or broken).
    const all = new Map([...specsToProbe(mapping, live()).keys()].map((id) => [id, { ok: true, reason: null }]));
    const cov = computeCoverage(report, mapping, live(), all);
    expect(cov.overall.total).toBe(112);
    expect(cov.overall).toMatchObject({ unmapped: 0, broken: 0, empty: 0 });
    expect(cov.overall.answered).toBe(Object.values(mapping.questions).filter((e) => e.status === 'answered').length);
    expect(cov.items.gaps.total).toBe(27);
    expect(cov.items.actions.total).toBe(33);
    expect(cov.items.overall).toMatchObject({ unmapped: 0, broken: 0 });
    // Without a live check nothing counts as answered.
    expect(computeCoverage(report, mapping, live(), new Map()).overall.answered).toBe(0);
  });

  it('reads the dashboard page patterns from web/src/routes.tsx', () => {
    const pages = dashboardPagePatterns();
    const served = (p: string) => pages.some((re) => re.test(p));
    expect(served('/')).toBe(true);
    expect(served('/orchestrators')).toBe(true);
    expect(served(`/orchestrators/0x${'ab'.repeat(20)}`)).toBe(true);
    expect(served('/orchestrators/nope')).toBe(false);
    expect(pagePatternsFromSource("{ pattern: /^\\/a\\/([a-z-]+)$/, render }, { pattern: /^\\/b[/]c$/i }").map(String)).toEqual(['/^\\/a\\/([a-z-]+)$/', '/^\\/b[/]c$/i']);
  });
});

describe('the mapping check fails on what does not exist', () => {
  const report = parseReport([
    { file: 'model.md', text: '```\n0 a\n1 b\n2 c\n3 d\n4 e\n5 f\n```\n' },
    { file: 'roles/g.md', text: '# G\n\n## Scenarios\n\n* Decide.\n  * How much?\n  * How fast?\n' },
  ]);
  const base = (entry: Mapping['questions'][string]): Mapping => ({ report: 't', questions: { 'g/much': entry, 'g/fast': { status: 'out-of-scope', reason: 'not network data at all' } }, items: {} });

  it('passes when the endpoint, its query and the view exist', () => {
    const m = base({ status: 'answered', score: 5, views: ['/orchestrators'], endpoints: ['/api/v1/orchestrators/{address}'], answer: figure('/api/v1/orchestrators?sort=fees30d&limit=3') });
    expect(checkMapping(m, live(), report)).toEqual([]);
  });

  it('names a mapped endpoint that does not exist, a bad query, a missing view and a templated answer', () => {
    const m = base({ status: 'answered', score: 5, views: ['/nowhere'], endpoints: ['/api/v1/no-such-endpoint'], answer: figure('/api/v1/orchestrators?sort=bogus') });
    const problems = checkMapping(m, live(), report);
    expect(problems[0]).toBe('g/much: view /nowhere is not a dashboard page');
    expect(problems[1]).toBe('g/much: endpoint /api/v1/no-such-endpoint does not exist in the route table');
    expect(problems[2]).toMatch(/^g\/much: answer: endpoint \/api\/v1\/orchestrators\?sort=bogus: query rejected by \/api\/v1\/orchestrators \(sort: must be one of/);
    expect(problems).toHaveLength(3);
    const t = base({ status: 'answered', score: 5, views: ['/'], endpoints: ['/api/v1/network'], answer: figure('/api/v1/orchestrators/{address}') });
    expect(checkMapping(t, live(), report)).toEqual(['g/much: answer endpoint /api/v1/orchestrators/{address} must be concrete (no {placeholders})']);
    const post = checkMapping(base({ status: 'answered', score: 5, views: ['/'], endpoints: ['/api/v1/network'], answer: figure('/api/v1/x') }), { api: [{ path: '/api/v1/x', method: 'post' }, { path: '/api/v1/network' }], pages: [/^\/$/] }, report);
    expect(post).toEqual(['g/much: answer: endpoint /api/v1/x does not exist in the route table']);
  });

  it('names unmapped questions and entries for questions the report does not have', () => {
    const m: Mapping = { report: 't', questions: { 'g/much': { status: 'planned', issue: 7, needs: 'x' }, 'g/gone': { status: 'planned', issue: 7, needs: 'x' } }, items: {} };
    expect(checkMapping(m, live(), report)).toEqual(['g/fast: not mapped (roles/g.md:7 "How fast?")', 'g/gone: mapped but not a question of the report']);
  });

  it('rejects a malformed mapping file with the path of each bad value', () => {
    const bad = (doc: unknown) => {
      try {
        parseMapping(doc, 'm.json');
      } catch (e) {
        return (e as MappingError).problems;
      }
      return [];
    };
    expect(bad({ report: 't', questions: { 'g/a': { status: 'out-of-scope', reason: 'no' } } })).toEqual(['m.json: questions.g/a.reason: give the reason in a few words']);
    expect(bad({ report: 't', questions: { 'g/a': { status: 'planned', needs: 'x' } } })[0]).toMatch(/^m\.json: questions\.g\/a\.issue: /);
    expect(bad({ report: 't', questions: { 'g/a': { status: 'answered', score: 6, views: [], endpoints: ['/x'], answer: figure('/api/v1/network') } } })).toHaveLength(3);
    expect(bad({ report: 't', questions: { 'G A': { status: 'planned', issue: 1, needs: 'x' } } })).toEqual(['m.json: questions.G A: Invalid key in record']);
    expect(bad({ report: 't', questions: { 'g/a': { status: 'maybe' } } })[0]).toMatch(/^m\.json: questions\.g\/a\.status: /);
    expect(bad({ report: 't', questions: {}, extra: 1 })[0]).toMatch(/^m\.json: \(root\): Unrecognized key/);
  });
});
