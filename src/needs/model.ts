/** The data-needs report as Atlas reads it: roles → scenarios → questions → sources and scores. */
import { slugOf } from './text.js';

/** Where a thing was read from, relative to the report directory; lines are 1-based. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One reading of the 0–5 availability scale; a range `0–2` gives min 0, max 2, a single value min = max. */
export interface ScoreEntry {
  min: number;
  max: number;
  /** Per-job-type or per-resource split, e.g. "transcoding", "AI", "treasury"; null when the score is unqualified. */
  qualifier: string | null;
}

/** One `*Data availability score: …*` statement. */
export interface Score extends SourceRef {
  entries: ScoreEntry[];
  /** The text between the asterisks after "score:". */
  raw: string;
  /** Explanation following the score, e.g. "(no budget …)". */
  note: string | null;
}

export type FieldKind = 'source' | 'potential-source' | 'resource' | 'potential-resource' | 'representation' | 'note';

export interface Link {
  text: string;
  url: string;
}

/** A *Source.*, *Potential source.*, *Resource.*, *Representation.* bullet or an unlabelled note under a question. */
export interface Field extends SourceRef {
  kind: FieldKind;
  text: string;
  links: Link[];
}

export interface Question extends SourceRef {
  /** Stable key `role/slug`; the mapping file refers to questions by it. */
  id: string;
  text: string;
  /** 'topic' for an item of a scenario that is not phrased as a question (e.g. "Brand/marketing."). */
  kind: 'question' | 'topic';
  /** Nesting below the scenario: 1 for a question of the scenario, 2 for a sub-question, … */
  depth: number;
  parentId: string | null;
  fields: Field[];
  scores: Score[];
  /** The report itself calls the question out of scope ("Out of scope for ecosystem data."). */
  reportOutOfScope: string | null;
}

export interface Scenario extends SourceRef {
  id: string;
  text: string;
  /** Roles whose questions the scenario defers to ("See [Gateway](./gateway.md).") as role ids. */
  seeAlso: string[];
  /** Fields and scores given for the scenario as a whole. */
  fields: Field[];
  scores: Score[];
  /** The report calls the whole scenario out of scope. */
  reportOutOfScope: string | null;
  /** Depth-first, parents before their sub-questions. */
  questions: Question[];
}

export interface Gap extends SourceRef {
  group: string | null;
  text: string;
}

/** A recommendation of the report's summary (README.md): a leaf of the executive summary or a paragraph of a key finding. */
export interface ActionItem extends SourceRef {
  /** `executive-summary/slug` or `key-findings/slug[-n]`. */
  id: string;
  section: 'executive-summary' | 'key-findings';
  /** The bold title it is listed under, e.g. "Orchestrator directory". */
  title: string;
  text: string;
}

export interface Role extends SourceRef {
  id: string;
  name: string;
  /** The file's title when a file holds several roles (orchestrator-delegate.md: Orchestrator, Delegate). */
  fileTitle: string;
  scenarios: Scenario[];
  gaps: Gap[];
  /** "**Views:** …" lines of the role. */
  views: string[];
}

/** One level of the availability scale from model.md. */
export interface ScaleLevel {
  score: number;
  meaning: string;
}

/** A non-fatal irregularity the parser recovered from (kept so a report author can fix the source). */
export interface ParseWarning extends SourceRef {
  message: string;
}

export interface NeedsReport {
  roles: Role[];
  scale: ScaleLevel[];
  /** Action items of README.md's summary; absent in reports imported before they were read. */
  actions?: ActionItem[];
  /** Every file read, with its SHA-256, in name order; `contentHash` covers them all. */
  files: { file: string; sha256: string }[];
  contentHash: string;
  warnings: ParseWarning[];
}

/** Counts the tests assert and the import prints. */
export function reportCounts(r: NeedsReport): { roles: number; scenarios: number; questions: number; topics: number; scored: number } {
  let scenarios = 0;
  let questions = 0;
  let topics = 0;
  let scored = 0;
  for (const role of r.roles)
    for (const s of role.scenarios) {
      scenarios++;
      for (const q of s.questions) {
        if (q.kind === 'question') questions++;
        else topics++;
        if (q.scores.length > 0) scored++;
      }
    }
  return { roles: r.roles.length, scenarios, questions, topics, scored };
}

/** Every question of the report, in report order. */
export function allQuestions(r: NeedsReport): { role: Role; scenario: Scenario; question: Question }[] {
  const out: { role: Role; scenario: Scenario; question: Question }[] = [];
  for (const role of r.roles) for (const scenario of role.scenarios) for (const question of scenario.questions) out.push({ role, scenario, question });
  return out;
}

/** A gap of a role or an action item of the summary: what the report asks to be built, besides its questions. */
export interface ReportItem extends SourceRef {
  /** Gaps: `role/gap-slug`; action items: their own id. */
  id: string;
  kind: 'gap' | 'action';
  /** The role a gap belongs to; null for action items. */
  roleId: string | null;
  /** Gaps: the sub-heading they are listed under; action items: their section. */
  group: string | null;
  /** Action items: the bold title; gaps: null. */
  title: string | null;
  text: string;
}

/**
 * Every gap (in role order) and action item of the report, with stable ids: a gap's id is its role and
 * the meaningful words of its text, numbered when two read the same.
 */
export function reportItems(r: NeedsReport): ReportItem[] {
  const out: ReportItem[] = [];
  const taken = new Set<string>();
  for (const role of r.roles)
    for (const g of role.gaps) {
      const base = `${role.id}/gap-${slugOf(g.text)}`;
      let id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
      taken.add(id);
      out.push({ id, kind: 'gap', roleId: role.id, group: g.group, title: null, text: g.text, file: g.file, line: g.line });
    }
  for (const a of r.actions ?? []) out.push({ id: a.id, kind: 'action', roleId: null, group: a.section, title: a.title, text: a.text, file: a.file, line: a.line });
  return out;
}
