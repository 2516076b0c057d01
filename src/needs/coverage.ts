import { allQuestions, reportItems, type NeedsReport, type Question, type ReportItem } from './model.js';
import { entryProblems, hasAnswer, type AnswerSpec, type AtlasTargets, type Mapping, type MappingEntry } from './mapping.js';
import type { Verdict } from './probe.js';

/**
 * answered: its endpoint returns the data asked for; partial: a proxy (related data, with the reason) that
 * returns data; empty: mapped, but the endpoint returns nothing of the kind (or was not asked); broken: a
 * mapped view or endpoint does not exist; planned: an open issue will answer it; out-of-scope: Atlas does
 * not try, with a reason; unmapped: no entry.
 */
export type NeedStatus = 'answered' | 'partial' | 'empty' | 'broken' | 'planned' | 'out-of-scope' | 'unmapped';

/** Scores the report gives when it gives none: model.md says such questions are "probably a 0 or 1". */
export const UNSCORED_ASSUMED = 0.5;

/** The report's availability for a question on the 0–5 scale: mean of the midpoints of its score entries. */
export function reportScore(q: Question): { score: number; assumed: boolean } {
  const entries = q.scores.flatMap((s) => s.entries);
  if (entries.length === 0) return { score: UNSCORED_ASSUMED, assumed: true };
  return { score: entries.reduce((s, e) => s + (e.min + e.max) / 2, 0) / entries.length, assumed: false };
}

/** Status of one mapped thing (question, gap or action item). */
export interface EntryCoverage {
  id: string;
  status: NeedStatus;
  /** Broken: what the entry names that does not exist. */
  problems: string[];
  /** Partial: what the proxy lacks; empty: why the live answer does not count. */
  reason: string | null;
  entry: MappingEntry | null;
}

export interface QuestionCoverage extends EntryCoverage {
  roleId: string;
  /** Report score (0–5) before Atlas. */
  before: number;
  beforeAssumed: boolean;
  /** Score with Atlas: the mapped score when answered or partial (never below the report's), else the report's. */
  after: number;
}

export interface ItemCoverage extends EntryCoverage {
  item: ReportItem;
}

export interface StatusCounts {
  total: number;
  answered: number;
  partial: number;
  empty: number;
  broken: number;
  planned: number;
  outOfScope: number;
  unmapped: number;
  /** answered / total. */
  answeredShare: number;
  /** answered / (total − out of scope). */
  answeredShareInScope: number;
}

export interface CoverageSummary extends StatusCounts {
  /** Mean report score (0–5) over all questions, unscored ones at {@link UNSCORED_ASSUMED}. */
  scoreBefore: number;
  /** Mean score (0–5) with Atlas's answers. */
  scoreAfter: number;
  /** Questions the report scores explicitly. */
  scored: number;
}

export interface Coverage {
  overall: CoverageSummary;
  roles: (CoverageSummary & { roleId: string; name: string })[];
  questions: QuestionCoverage[];
  /** Gaps and action items together, and each kind alone. */
  items: { overall: StatusCounts; gaps: StatusCounts; actions: StatusCounts; list: ItemCoverage[] };
}

/** The answer specs to ask live: every answered or partial entry whose views and endpoints exist. */
export function specsToProbe(mapping: Mapping, targets: AtlasTargets): Map<string, AnswerSpec> {
  const out = new Map<string, AnswerSpec>();
  for (const [id, e] of [...Object.entries(mapping.questions), ...Object.entries(mapping.items)]) if (hasAnswer(e) && entryProblems(e, targets).length === 0) out.set(id, e.answer);
  return out;
}

/** Status of one entry given the static check and its live verdict (keyed by entry id). */
export function entryCoverage(id: string, entry: MappingEntry | undefined, targets: AtlasTargets, verdicts: ReadonlyMap<string, Verdict>): EntryCoverage {
  if (!entry) return { id, status: 'unmapped', problems: [], reason: null, entry: null };
  if (!hasAnswer(entry)) return { id, status: entry.status, problems: [], reason: entry.status === 'out-of-scope' ? entry.reason : null, entry };
  const problems = entryProblems(entry, targets);
  if (problems.length > 0) return { id, status: 'broken', problems, reason: null, entry };
  const v = verdicts.get(id);
  if (!v || !v.ok) return { id, status: 'empty', problems: [], reason: v?.reason ?? 'not checked against a running Atlas', entry };
  return { id, status: entry.status, problems: [], reason: entry.status === 'partial' ? entry.reason : null, entry };
}

function counts(items: EntryCoverage[]): StatusCounts {
  const count = (s: NeedStatus) => items.filter((i) => i.status === s).length;
  const total = items.length;
  const answered = count('answered');
  const outOfScope = count('out-of-scope');
  return {
    total,
    answered,
    partial: count('partial'),
    empty: count('empty'),
    broken: count('broken'),
    planned: count('planned'),
    outOfScope,
    unmapped: count('unmapped'),
    answeredShare: total === 0 ? 0 : answered / total,
    answeredShareInScope: total - outOfScope === 0 ? 0 : answered / (total - outOfScope),
  };
}

function summarize(items: QuestionCoverage[]): CoverageSummary {
  const total = items.length;
  const mean = (f: (i: QuestionCoverage) => number) => (total === 0 ? 0 : items.reduce((s, i) => s + f(i), 0) / total);
  return { ...counts(items), scoreBefore: mean((i) => i.before), scoreAfter: mean((i) => i.after), scored: items.filter((i) => !i.beforeAssumed).length };
}

/**
 * Coverage of the report's questions, gaps and action items by Atlas, overall and per role. `verdicts`
 * are the live checks of the answer endpoints ({@link specsToProbe}, `probeAnswers`); an answer without
 * a passing verdict is empty, whatever the mapping claims.
 */
export function computeCoverage(report: NeedsReport, mapping: Mapping, targets: AtlasTargets, verdicts: ReadonlyMap<string, Verdict>): Coverage {
  const questions = allQuestions(report).map(({ role, question }): QuestionCoverage => {
    const c = entryCoverage(question.id, mapping.questions[question.id], targets, verdicts);
    const { score: before, assumed } = reportScore(question);
    const after = (c.status === 'answered' || c.status === 'partial') && hasAnswer(c.entry) ? Math.max(before, c.entry.score) : before;
    return { ...c, roleId: role.id, before, beforeAssumed: assumed, after };
  });
  const list = reportItems(report).map((item): ItemCoverage => ({ ...entryCoverage(item.id, mapping.items[item.id], targets, verdicts), item }));
  return {
    overall: summarize(questions),
    roles: report.roles.map((r) => ({ roleId: r.id, name: r.name, ...summarize(questions.filter((q) => q.roleId === r.id)) })),
    questions,
    items: { overall: counts(list), gaps: counts(list.filter((i) => i.item.kind === 'gap')), actions: counts(list.filter((i) => i.item.kind === 'action')), list },
  };
}
