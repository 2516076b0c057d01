import { describe, expect, it } from 'vitest';
import { allQuestions, reportCounts } from './model.js';
import { NeedsFormatError, parseReport, parseReportDir, parseScoreText, slugOf, type ReportFile } from './parser.js';
import { VENDORED_REPORT_DIR as REAL_REPORT_DIR } from './vendored.js';

const MODEL = 'Scale:\n\n```\n0\tnone\n1\tknown\n2\tstored\n3\tavailable\n4\tpublished\n5\tportal\n```\n';
const report = (roles: Record<string, string>, model = MODEL): ReportFile[] => [{ file: 'model.md', text: model }, ...Object.entries(roles).map(([f, text]) => ({ file: `roles/${f}`, text }))];
const issuesOf = (files: ReportFile[]) => {
  try {
    parseReport(files);
  } catch (e) {
    if (e instanceof NeedsFormatError) return e.issues.map((i) => `${i.file}:${i.line}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('the real report', () => {
  const r = parseReportDir(REAL_REPORT_DIR);

  it('has 6 roles, 24 scenarios, 109 questions and 3 topics', () => {
    expect(reportCounts(r)).toEqual({ roles: 6, scenarios: 24, questions: 109, topics: 3, scored: 42 });
    const perRole = r.roles.map((role) => [
      role.id,
      role.scenarios.length,
      role.scenarios.reduce((s, c) => s + c.questions.filter((q) => q.kind === 'question').length, 0),
      role.scenarios.reduce((s, c) => s + c.questions.filter((q) => q.kind === 'topic').length, 0),
    ]);
    expect(perRole).toEqual([
      ['foundation', 11, 13, 3],
      ['gateway', 4, 25, 0],
      ['investor-delegator', 2, 20, 0],
      ['orchestrator', 3, 27, 0],
      ['delegate', 2, 20, 0],
      ['spe', 2, 4, 0],
    ]);
    expect(r.roles.map((x) => x.name)).toEqual(['Livepeer Foundation', 'Gateway', 'Investor-delegator', 'Orchestrator', 'Delegate', 'Special purpose entity']);
    expect(new Set(allQuestions(r).map((q) => q.question.id)).size).toBe(112);
  });

  it('reads the availability scale from model.md', () => {
    expect(r.scale.map((s) => s.score)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.scale[5]!.meaning).toBe('data is published, organised, and discoverable through a designated portal');
  });

  it('reads scores with ranges and per-job-type splits, and sources with their links', () => {
    const byId = new Map(allQuestions(r).map((x) => [x.question.id, x.question]));
    const q = (id: string) => byId.get(id)!;
    expect(q('gateway/competitive-livepeer-gpus-tradcloud-depin-peers-risk').scores[0]).toMatchObject({ entries: [{ min: 0, max: 2, qualifier: null }], line: 12 });
    expect(q('gateway/safety-faults-detectable-protocol-mechanism').scores[0]!.entries).toEqual([
      { min: 3, max: 3, qualifier: 'transcoding' },
      { min: 0, max: 0, qualifier: 'AI' },
    ]);
    expect(q('gateway/likely-network-whole-hit-capacity').scores[0]!.entries).toEqual([
      { min: 4, max: 4, qualifier: 'non-realtime AI jobs' },
      { min: 1, max: 1, qualifier: 'other job types' },
    ]);
    expect(q('investor-delegator/deployed-optimally').scores[0]!.entries).toEqual([{ min: 4, max: 5, qualifier: null }]);
    // Inline "*Source.* … *Data availability score: 2*": both the source and its score.
    const perf = q('gateway/level-performance-job-completion-time-workload-achieved-o');
    expect(perf.scores.map((s) => [s.entries[0]!.min, s.line])).toEqual([
      [2, 72],
      [1, 73],
    ]);
    expect(perf.fields.map((f) => [f.kind, f.text])).toEqual([
      ['source', 'O benchmarking carried out by Gs.'],
      ['source', 'O system specs.'],
      ['potential-source', 'Network-wide aggregator of O performance and system spec data.'],
    ]);
    const revenue = q('gateway/much-revenue-network-whole-generate');
    expect(revenue.fields[1]!.links.map((l) => l.url)).toEqual(['https://dune.com/stronk/livepeer-arbitrum', 'https://explorer.livepeer.org']);
    expect(q('foundation/much-idle-capital-livepeer-treasury-plans-deployment').scores[0]!.note).toBe('no budget and no way to determine if capital is really "idle"');
    expect(q('spe/much-existing-competition-funding-focus-area').fields[0]!.kind).toBe('resource');
    expect(q('spe/focus-areas-funds-most-likely-allocated').fields[0]!.kind).toBe('potential-resource');
    expect(q('foundation/funding-foundation-treasury-livepeer-treasury-income-streams').fields.map((f) => f.kind)).toEqual(['source', 'potential-source', 'representation']);
  });

  it('keeps nesting, out-of-scope remarks and cross references', () => {
    const byId = new Map(allQuestions(r).map((x) => [x.question.id, x.question]));
    const perOrch = byId.get('investor-delegator/per-orchestrator')!;
    expect(perOrch.depth).toBe(3);
    expect(perOrch.parentId).toBe('investor-delegator/forecasted-yield-lpt-staking');
    expect(byId.get('orchestrator/vendors-available-hardware-rackspace-cloud-o-operation')!.reportOutOfScope).toBe('Out of scope for ecosystem data.');
    const gw = r.roles.find((x) => x.id === 'gateway')!;
    expect(gw.scenarios.map((s) => s.reportOutOfScope)).toEqual([null, null, null, 'Consider as out of scope for Protocol-level data geography.']);
    const f = r.roles.find((x) => x.id === 'foundation')!;
    expect(f.scenarios.flatMap((s) => s.seeAlso)).toEqual(['gateway', 'orchestrator-delegate', 'investor-delegator']);
    expect(r.roles.find((x) => x.id === 'spe')!.views).toEqual(['Governance (all subviews).']);
    expect(r.roles.find((x) => x.id === 'orchestrator')!.gaps).toHaveLength(4);
    expect(r.roles.find((x) => x.id === 'investor-delegator')!.gaps.map((g) => g.group)).toEqual(['Invest', 'Invest', 'Invest', 'Invest', 'Invest', 'Delegate', 'Delegate', 'Delegate', 'Delegate']);
  });

  it('recovers the misindented lines of gateway.md and says where they are', () => {
    expect(r.warnings.map((w) => `${w.file}:${w.line}`)).toEqual(['roles/gateway.md:68', 'roles/gateway.md:72', 'roles/gateway.md:74', 'roles/gateway.md:79', 'roles/gateway.md:90']);
    const byId = new Map(allQuestions(r).map((x) => [x.question.id, x.question]));
    expect(byId.get('gateway/os-have-capability-perform-desired-workload')!.scores[0]!.entries[0]!.min).toBe(4);
    expect(byId.get('gateway/current-price-quoted-o-each-job-type')!.depth).toBe(1);
  });
});

describe('format errors point to file and line', () => {
  const role = (body: string) => `# Gateway\n\n## Scenarios\n\n${body}`;

  it('rejects an out-of-range or unreadable score', () => {
    expect(issuesOf(report({ 'g.md': role('* Do a thing.\n  * Why?\n    * *Data availability score: 7*\n') }))).toEqual(['roles/g.md:7: score 7 is outside the 0–5 scale']);
    expect(issuesOf(report({ 'g.md': role('* Do a thing.\n  * Why?\n    * *Data availability score: high*\n') }))).toEqual([
      'roles/g.md:7: no score in "high" (expected e.g. 3, 0–2 or "3 (transcoding) or 0 (AI)")',
    ]);
    expect(issuesOf(report({ 'g.md': role('* Do a thing.\n  * Why?\n    * *Data availability score: 3 maybe*\n') }))).toEqual(['roles/g.md:7: cannot read "maybe" in score "3 maybe"']);
    expect(issuesOf(report({ 'g.md': role('* Do a thing.\n  * Why?\n    * *Data availability score: 4–2*\n') }))).toEqual(['roles/g.md:7: score range 4–2 runs backwards']);
  });

  it('rejects unknown field labels and fields outside a scenario', () => {
    expect(issuesOf(report({ 'g.md': role('* Do a thing.\n  * Why?\n    * *Sauce.* a dashboard\n') }))[0]).toMatch(/^roles\/g\.md:7: unknown field "\*Sauce\.\*"/);
    expect(issuesOf(report({ 'g.md': role('* *Source.* floating\n') }))).toEqual([
      'roles/g.md:5: a field (*Source.*, score, …) outside any scenario',
      'roles/g.md:1: the "## Scenarios" section lists no scenario',
    ]);
  });

  it('rejects a role file without title or scenarios, a missing scale and duplicate roles', () => {
    expect(issuesOf(report({ 'g.md': '## Scenarios\n\n* Do.\n' }))).toContain('roles/g.md:3: content before the "# Title" line that names the role');
    expect(issuesOf(report({ 'g.md': '# G\n\n## Scenarios\n\nNothing yet.\n' }))).toEqual(['roles/g.md:1: the "## Scenarios" section lists no scenario']);
    expect(issuesOf(report({ 'g.md': role('* Do.\n') }, 'no scale here'))).toEqual(['model.md:1: availability scale must list scores 0 to 5 once each in a code block, found []']);
    expect(issuesOf([{ file: 'roles/g.md', text: role('* Do.\n') }])).toEqual(['model.md:1: missing: the report directory needs model.md with the availability scale']);
    expect(issuesOf(report({ 'a.md': '# A\n\n## Scenarios\n\n### Delegate\n\n* Do.\n', 'b.md': '# B\n\n## Scenarios\n\n### Delegate\n\n* Do.\n' }))).toEqual([
      'roles/b.md:5: role "delegate" is also defined in roles/a.md:5',
    ]);
  });

  it('rejects a missing directory and a report without any scenarios', () => {
    expect(() => parseReportDir('/nonexistent/report')).toThrow('/nonexistent/report:1: directory does not exist');
    expect(issuesOf(report({ 'README.md': '# Roles\n\n* Foundation\n' }))).toEqual(['roles/:1: no role file has a "## Scenarios" section']);
    expect(issuesOf([{ file: 'model.md', text: MODEL }])).toEqual(['roles/:1: no role files (roles/*.md)']);
  });

  it('collects every issue of every file before failing', () => {
    const issues = issuesOf(report({ 'a.md': role('* S.\n  * Q?\n    * *Data availability score: 9*\n'), 'b.md': role('* S.\n  * Q?\n    * *Nope.* x\n') }));
    expect(issues.map((i) => i.split(':').slice(0, 2).join(':'))).toEqual(['roles/a.md:7', 'roles/b.md:7']);
  });

  it('reads numbered lists and tab indentation like bullets', () => {
    const r = parseReport(report({ 'n.md': role('1. Pick.\n\t1) Which one?\n\t\t- *Data availability score: 2*\n2. Pay.\n') }));
    expect(reportCounts(r)).toEqual({ roles: 1, scenarios: 2, questions: 1, topics: 0, scored: 1 });
  });

  it('a future version in the same format parses, skipping files without scenarios', () => {
    const r = parseReport(
      report({
        'README.md': '# Roles\n\n* Foundation\n',
        'new.md': role('* Pick orchestrators.\n  * Which ones are fast?\n    * *Source.* A [board](https://x.example/b).\n    * *Data availability score: 1 (AI), 2 (transcoding)*\n  * Which ones are cheap?\n'),
      }),
    );
    expect(reportCounts(r)).toEqual({ roles: 1, scenarios: 1, questions: 2, topics: 0, scored: 1 });
    expect(r.roles[0]!.id).toBe('new');
    expect(allQuestions(r)[0]!.question).toMatchObject({ id: 'new/ones-fast', line: 6, fields: [{ kind: 'source', text: 'A board.', links: [{ text: 'board', url: 'https://x.example/b' }] }] });
  });
});

describe('scores and keys', () => {
  it('reads every score form of the report', () => {
    expect(parseScoreText('5')).toEqual({ entries: [{ min: 5, max: 5, qualifier: null }] });
    expect(parseScoreText('0–2')).toEqual({ entries: [{ min: 0, max: 2, qualifier: null }] });
    expect(parseScoreText('4-5')).toEqual({ entries: [{ min: 4, max: 5, qualifier: null }] });
    expect(parseScoreText('5 (transcoding), 4 (other)')).toEqual({
      entries: [
        { min: 5, max: 5, qualifier: 'transcoding' },
        { min: 4, max: 4, qualifier: 'other' },
      ],
    });
  });

  it('derives short keys without filler words', () => {
    expect(slugOf('How much revenue does the network as a whole generate?')).toBe('much-revenue-network-whole-generate');
    expect(slugOf("What's LPT [liquidity](https://x) like?")).toBe('lpt-liquidity-like');
  });
});
