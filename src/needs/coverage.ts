import { allQuestions, type NeedsReport, type Question } from './model.js';
import { entryProblems, type AtlasTargets, type Mapping, type MappingEntry } from './mapping.js';

/**
 * answered: mapped to views and endpoints that exist; broken: mapped, but something it names is missing;
 * planned: an open issue will answer it; out-of-scope: Atlas does not try, with a reason; unmapped: no entry.
 */
export type NeedStatus = 'answered' | 'broken' | 'planned' | 'out-of-scope' | 'unmapped';

/** Scores the report gives when it gives none: model.md says such questions are "probably a 0 or 1". */
export const UNSCORED_ASSUMED = 0.5;

/** The report's availability for a question on the 0–5 scale: mean of the midpoints of its score entries. */
export function reportScore(q: Question): { score: number; assumed: boolean } {
  const entries = q.scores.flatMap((s) => s.entries);
  if (entries.length === 0) return { score: UNSCORED_ASSUMED, assumed: true };
  return { score: entries.reduce((s, e) => s + (e.min + e.max) / 2, 0) / entries.length, assumed: false };
}

export interface QuestionCoverage {
  id: string;
  roleId: string;
  status: NeedStatus;
  /** Report score (0–5) before Atlas. */
  before: number;
  beforeAssumed: boolean;
  /** Score with Atlas: the mapped score when answered (never below the report's), else the report's. */
  after: number;
  problems: string[];
  entry: MappingEntry | null;
}

export interface CoverageSummary {
  total: number;
  answered: number;
  broken: number;
  planned: number;
  outOfScope: number;
  unmapped: number;
  /** answered / total. */
  answeredShare: number;
  /** answered / (total − out of scope). */
  answeredShareInScope: number;
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
}

/** Status and before/after score of one question under a mapping. */
export function questionCoverage(q: Question, roleId: string, entry: MappingEntry | undefined, targets: AtlasTargets): QuestionCoverage {
  const { score: before, assumed } = reportScore(q);
  if (!entry) return { id: q.id, roleId, status: 'unmapped', before, beforeAssumed: assumed, after: before, problems: [], entry: null };
  const problems = entryProblems(entry, targets);
  const status: NeedStatus = entry.status === 'answered' ? (problems.length === 0 ? 'answered' : 'broken') : entry.status;
  const after = status === 'answered' && entry.status === 'answered' ? Math.max(before, entry.score) : before;
  return { id: q.id, roleId, status, before, beforeAssumed: assumed, after, problems, entry };
}

function summarize(items: QuestionCoverage[]): CoverageSummary {
  const count = (s: NeedStatus) => items.filter((i) => i.status === s).length;
  const total = items.length;
  const answered = count('answered');
  const outOfScope = count('out-of-scope');
  const mean = (f: (i: QuestionCoverage) => number) => (total === 0 ? 0 : items.reduce((s, i) => s + f(i), 0) / total);
  return {
    total,
    answered,
    broken: count('broken'),
    planned: count('planned'),
    outOfScope,
    unmapped: count('unmapped'),
    answeredShare: total === 0 ? 0 : answered / total,
    answeredShareInScope: total - outOfScope === 0 ? 0 : answered / (total - outOfScope),
    scoreBefore: mean((i) => i.before),
    scoreAfter: mean((i) => i.after),
    scored: items.filter((i) => !i.beforeAssumed).length,
  };
}

/** Coverage of the report's questions (and topics) by Atlas, overall and per role. */
export function computeCoverage(report: NeedsReport, mapping: Mapping, targets: AtlasTargets): Coverage {
  const questions = allQuestions(report).map(({ role, question }) => questionCoverage(question, role.id, mapping.questions[question.id], targets));
  return {
    overall: summarize(questions),
    roles: report.roles.map((r) => ({ roleId: r.id, name: r.name, ...summarize(questions.filter((q) => q.roleId === r.id)) })),
    questions,
  };
}
