import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSummary } from './summary.js';
import { plainText, slugOf } from './text.js';
export { plainText, slugOf } from './text.js';
import type { Field, FieldKind, Gap, Link, NeedsReport, ParseWarning, Question, Role, ScaleLevel, Scenario, Score, ScoreEntry, SourceRef } from './model.js';
import { AtlasError } from '../base/errors.js';

/** One problem that stops an import, located in the report. */
export interface FormatIssue extends SourceRef {
  message: string;
}

/** The report does not follow the format; every issue names its file and line. */
export class NeedsFormatError extends AtlasError {
  override name = 'NeedsFormatError';
  constructor(readonly issues: FormatIssue[]) {
    super('unprocessable', issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
  }
}

/** A file's text, named relative to the report directory (e.g. "roles/gateway.md"). */
export interface ReportFile {
  file: string;
  text: string;
}

const FIELD_LABELS: Record<string, FieldKind> = {
  source: 'source',
  sources: 'source',
  'potential source': 'potential-source',
  'potential sources': 'potential-source',
  resource: 'resource',
  resources: 'resource',
  'potential resource': 'potential-resource',
  'potential resources': 'potential-resource',
  representation: 'representation',
  representations: 'representation',
};

const SCORE_RE = /\*Data availability score:\s*([^*]*)\*/i;
const LABEL_RE = /^\*([A-Za-z][A-Za-z ]*?)\.\*\s*(.*)$/;
const BULLET_RE = /^([ \t]*)(?:[*+-]|\d{1,3}[.)])[ \t]+(.*)$/;
const HEADING_RE = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const SEE_RE = /^See\s+\[[^\]]*\]\(\.\/([^)#\s]+?)\.md\)\.?$/i;

function linksOf(md: string): Link[] {
  const out: Link[] = [];
  for (const m of md.matchAll(/\[([^\]]*)\]\(([^)\s]*)[^)]*\)/g)) out.push({ text: m[1]!.trim(), url: m[2]! });
  return out;
}

function indentOf(ws: string): number {
  let n = 0;
  for (const ch of ws) n += ch === '\t' ? 4 : 1;
  return n;
}

/**
 * Reads "3 (transcoding) or 0 (AI)", "0–2", "4 (non-realtime AI jobs) 1 (other job types)": values or
 * ranges on the 0–5 scale, each optionally qualified, separated by commas, "or", "and" or spaces.
 */
export function parseScoreText(raw: string): { entries: ScoreEntry[] } | { error: string } {
  const entries: ScoreEntry[] = [];
  const re = /(\d+)(?:\s*[–—-]\s*(\d+))?\s*(?:\(([^)]*)\))?/g;
  let rest = '';
  let last = 0;
  for (const m of raw.matchAll(re)) {
    rest += raw.slice(last, m.index);
    last = m.index! + m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (min > 5 || max > 5) return { error: `score ${m[0].trim()} is outside the 0–5 scale` };
    if (min > max) return { error: `score range ${m[0].trim()} runs backwards` };
    const q = m[3]?.trim();
    entries.push({ min, max, qualifier: q ? q : null });
  }
  rest += raw.slice(last);
  if (entries.length === 0) return { error: `no score in "${raw.trim()}" (expected e.g. 3, 0–2 or "3 (transcoding) or 0 (AI)")` };
  const leftover = rest.replace(/\b(or|and)\b/gi, '').replace(/[\s,;/]+/g, '');
  if (leftover) return { error: `cannot read "${leftover}" in score "${raw.trim()}"` };
  return { entries };
}

/** The 0–5 availability scale from model.md's code block ("0<TAB>no data exists anywhere" …). */
export function parseScale(text: string, file = 'model.md'): { scale: ScaleLevel[]; issues: FormatIssue[] } {
  const issues: FormatIssue[] = [];
  const lines = text.split(/\r?\n/);
  let inCode = false;
  let codeLine = 0;
  const scale: ScaleLevel[] = [];
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) {
      inCode = !inCode;
      if (inCode) codeLine = i + 1;
      return;
    }
    if (!inCode) return;
    const m = /^\s*(\d+)[\t ]+(\S.*)$/.exec(line);
    if (m) scale.push({ score: Number(m[1]), meaning: m[2]!.trim() });
  });
  if (inCode) issues.push({ file, line: codeLine, message: 'code block is not closed' });
  const scores = scale.map((s) => s.score).join(',');
  if (scores !== '0,1,2,3,4,5') issues.push({ file, line: codeLine || 1, message: `availability scale must list scores 0 to 5 once each in a code block, found [${scores}]` });
  return { scale, issues };
}

type Owner = { kind: 'scenario'; s: Scenario } | { kind: 'question'; q: Question; s: Scenario };

interface Frame {
  indent: number;
  owner: Owner;
  /** Fields and notes pass their owner on to their own children. */
  isField: boolean;
  /** Scenario frames: the last question directly under it, for fields written one level too shallow. */
  lastQuestion?: Question;
}

interface RoleDraft {
  role: Role;
  qIds: Set<string>;
  sIds: Set<string>;
}

function unique(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Parses one role file; a file without a "## Scenarios" section (e.g. roles/README.md) yields no roles. */
export function parseRoleFile(src: ReportFile, issues: FormatIssue[], warnings: ParseWarning[]): Role[] {
  const { file } = src;
  const lines = src.text.split(/\r?\n/);
  const baseId = path.basename(file, '.md').toLowerCase();
  let title: string | null = null;
  let titleLine = 1;
  let section = '';
  let subsection: string | null = null;
  let subsectionLine = 1;
  const drafts: RoleDraft[] = [];
  let role: RoleDraft | null = null;
  let scenario: Scenario | null = null;
  let stack: Frame[] = [];
  let prevBlank = true;
  let gapGroup: string | null = null;
  let gapRole: RoleDraft | null = null;
  let lastGap: Gap | null = null;
  let lastText: { append: (t: string) => void } | null = null;
  const hasScenarios = lines.some((l) => /^##\s+scenarios\s*$/i.test(l));
  if (!hasScenarios) return [];

  const draftFor = (id: string, name: string, line: number): RoleDraft => {
    const found = drafts.find((d) => d.role.id === id);
    if (found) return found;
    const d: RoleDraft = { role: { id, name, fileTitle: title ?? name, file, line, scenarios: [], gaps: [], views: [] }, qIds: new Set(), sIds: new Set() };
    drafts.push(d);
    return d;
  };
  const currentRole = (line: number): RoleDraft => {
    if (role) return role;
    role = subsection ? draftFor(slugOf(subsection), subsection, subsectionLine) : draftFor(baseId, title ?? baseId, titleLine);
    return role;
  };
  const err = (line: number, message: string) => issues.push({ file, line, message });
  const warn = (line: number, message: string) => warnings.push({ file, line, message });

  const addScore = (line: number, raw: string, note: string, owner: Owner) => {
    const parsed = parseScoreText(raw);
    if ('error' in parsed) return err(line, parsed.error);
    const n = plainText(note).replace(/^\((.*)\)$/, '$1').trim();
    const score: Score = { file, line, raw: raw.trim(), entries: parsed.entries, note: n || null };
    (owner.kind === 'question' ? owner.q : owner.s).scores.push(score);
  };
  const addField = (line: number, kind: FieldKind, md: string, owner: Owner): Field => {
    const f: Field = { file, line, kind, text: plainText(md), links: linksOf(md) };
    (owner.kind === 'question' ? owner.q : owner.s).fields.push(f);
    return f;
  };
  const newQuestion = (line: number, md: string, kind: Question['kind'], s: Scenario, parent: Question | null): Question => {
    const r = currentRole(line);
    const text = plainText(md);
    const q: Question = {
      id: unique(`${r.role.id}/${slugOf(text)}`, r.qIds),
      text,
      kind,
      depth: parent ? parent.depth + 1 : 1,
      parentId: parent?.id ?? null,
      file,
      line,
      fields: [],
      scores: [],
      reportOutOfScope: null,
    };
    s.questions.push(q);
    return q;
  };

  lines.forEach((rawLine, idx) => {
    const line = idx + 1;
    if (rawLine.trim() === '') {
      prevBlank = true;
      return;
    }
    const h = HEADING_RE.exec(rawLine);
    if (h) {
      const level = h[1]!.length;
      const text = plainText(h[2]!);
      stack = [];
      scenario = null;
      lastText = null;
      if (level === 1) {
        if (title === null) {
          title = text;
          titleLine = line;
        }
      } else if (level === 2) {
        section = text.toLowerCase();
        subsection = null;
        role = null;
        gapGroup = null;
        gapRole = null;
      } else if (level === 3) {
        subsection = text;
        subsectionLine = line;
        if (section === 'scenarios') role = null;
        if (section === 'gaps') {
          const match = drafts.find((d) => d.role.id === slugOf(text));
          gapRole = match ?? null;
          gapGroup = match ? null : text;
        }
      }
      prevBlank = true;
      return;
    }
    if (section !== 'scenarios' && section !== 'gaps') {
      prevBlank = false;
      return;
    }
    if (title === null) err(line, 'content before the "# Title" line that names the role');

    const b = BULLET_RE.exec(rawLine);
    if (!b) {
      const views = /^\*\*Views:\*\*\s*(.*)$/i.exec(rawLine.trim());
      if (views && section === 'scenarios') currentRole(line).role.views.push(plainText(views[1]!));
      else if (/^\s/.test(rawLine) && lastText && !prevBlank) lastText.append(plainText(rawLine));
      else {
        // A paragraph ends the list it follows.
        stack = [];
        lastText = null;
      }
      prevBlank = false;
      return;
    }
    const indent = indentOf(b[1]!);
    const body = b[2]!.trim();

    if (section === 'gaps') {
      const target = gapRole ?? drafts[0] ?? currentRole(line);
      if (indent === 0 || !lastGap) {
        const gap: Gap = { file, line, group: gapGroup, text: plainText(body) };
        target.role.gaps.push(gap);
        lastGap = gap;
      } else {
        const g = lastGap;
        g.text = `${g.text} — ${plainText(body)}`;
      }
      lastText = null;
      prevBlank = false;
      return;
    }

    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1];

    const scoreHead = /^\*Data availability score:/i.test(body);
    const label = scoreHead ? null : LABEL_RE.exec(body);
    if (scoreHead || label) {
      if (!parent || !scenario) {
        err(line, 'a field (*Source.*, score, …) outside any scenario');
        prevBlank = false;
        return;
      }
      let owner = parent.owner;
      if (!parent.isField && owner.kind === 'scenario' && parent.lastQuestion && !prevBlank) {
        // Written at the level of the questions right after one: it belongs to that question.
        owner = { kind: 'question', q: parent.lastQuestion, s: owner.s };
        warn(line, `field at the level of the questions; read as belonging to "${parent.lastQuestion.text}" (line ${parent.lastQuestion.line})`);
      }
      let rest = body;
      const inline = SCORE_RE.exec(rest);
      if (scoreHead && inline) {
        addScore(line, inline[1]!, rest.slice(inline.index + inline[0].length), owner);
        lastText = null;
      } else if (label) {
        const kind = FIELD_LABELS[label[1]!.trim().toLowerCase()];
        if (!kind) {
          err(line, `unknown field "*${label[1]}.*" (expected *Source.*, *Potential source.*, *Resource.*, *Potential resource.*, *Representation.* or *Data availability score: N*)`);
          prevBlank = false;
          return;
        }
        rest = label[2]!;
        const s = SCORE_RE.exec(rest);
        if (s) {
          addScore(line, s[1]!, rest.slice(s.index + s[0].length), owner);
          rest = rest.slice(0, s.index);
        }
        const f = addField(line, kind, rest, owner);
        lastText = { append: (t) => (f.text = `${f.text} ${t}`) };
      } else {
        err(line, 'data availability score without a closing "*"');
      }
      stack.push({ indent, owner, isField: true });
      prevBlank = false;
      return;
    }

    if (!parent) {
      if (scenario && body.includes('?')) {
        // A question written at the scenarios' level: it stays in the scenario it follows.
        const s: Scenario = scenario;
        const q = newQuestion(line, body, 'question', s, null);
        warn(line, `question at the level of scenarios; read as a question of "${s.text}" (line ${s.line})`);
        stack.push({ indent, owner: { kind: 'question', q, s }, isField: false });
        lastText = { append: (t) => (q.text = `${q.text} ${t}`) };
      } else {
        const r = currentRole(line);
        const text = plainText(body);
        const s: Scenario = { id: unique(`${r.role.id}/${slugOf(text)}`, r.sIds), text, file, line, seeAlso: [], fields: [], scores: [], reportOutOfScope: null, questions: [] };
        r.role.scenarios.push(s);
        scenario = s;
        stack.push({ indent, owner: { kind: 'scenario', s }, isField: false });
        lastText = { append: (t) => (s.text = `${s.text} ${t}`) };
      }
      prevBlank = false;
      return;
    }

    const owner = parent.owner;
    const see = SEE_RE.exec(body);
    if (see && owner.kind === 'scenario' && !parent.isField) {
      owner.s.seeAlso.push(see[1]!.toLowerCase());
      stack.push({ indent, owner, isField: true });
      lastText = null;
    } else if (/out of scope/i.test(body)) {
      const text = plainText(body);
      if (owner.kind === 'question') owner.q.reportOutOfScope = text;
      else owner.s.reportOutOfScope = text;
      stack.push({ indent, owner, isField: true });
      lastText = null;
    } else if (parent.isField || (owner.kind === 'question' && !body.includes('?'))) {
      // Unlabelled text under a question (an example, a candidate answer) is a note of that question.
      const f = addField(line, 'note', body, owner);
      stack.push({ indent, owner, isField: true });
      lastText = { append: (t) => (f.text = `${f.text} ${t}`) };
    } else {
      const s = owner.s;
      const q = newQuestion(line, body, body.includes('?') ? 'question' : 'topic', s, owner.kind === 'question' ? owner.q : null);
      if (owner.kind === 'scenario') parent.lastQuestion = q;
      stack.push({ indent, owner: { kind: 'question', q, s }, isField: false });
      lastText = { append: (t) => (q.text = `${q.text} ${t}`) };
    }
    prevBlank = false;
  });

  if (title === null) err(1, 'no "# Title" line naming the role');
  if (drafts.length === 0) err(1, 'the "## Scenarios" section lists no scenario');
  return drafts.map((d) => d.role);
}

/** Parses a report given as files (model.md and roles/*.md), collecting every format issue before failing. */
export function parseReport(files: ReportFile[]): NeedsReport {
  const issues: FormatIssue[] = [];
  const warnings: ParseWarning[] = [];
  const sorted = [...files].sort((a, b) => a.file.localeCompare(b.file));
  const model = sorted.find((f) => f.file === 'model.md');
  let scale: ScaleLevel[] = [];
  if (!model) issues.push({ file: 'model.md', line: 1, message: 'missing: the report directory needs model.md with the availability scale' });
  else {
    const s = parseScale(model.text);
    scale = s.scale;
    issues.push(...s.issues);
  }
  const roles: Role[] = [];
  const roleFiles = sorted.filter((f) => f.file.startsWith('roles/'));
  if (roleFiles.length === 0) issues.push({ file: 'roles/', line: 1, message: 'no role files (roles/*.md)' });
  for (const f of roleFiles) {
    for (const r of parseRoleFile(f, issues, warnings)) {
      const dup = roles.find((x) => x.id === r.id);
      if (dup) issues.push({ file: r.file, line: r.line, message: `role "${r.id}" is also defined in ${dup.file}:${dup.line}` });
      else roles.push(r);
    }
  }
  if (issues.length === 0 && roles.length === 0) issues.push({ file: 'roles/', line: 1, message: 'no role file has a "## Scenarios" section' });
  const known = new Set(roleFiles.map((f) => path.basename(f.file, '.md').toLowerCase()));
  for (const r of roles)
    for (const s of r.scenarios)
      for (const ref of s.seeAlso) if (!known.has(ref)) warnings.push({ file: s.file, line: s.line, message: `"See" refers to roles/${ref}.md, which the report does not have` });
  if (issues.length > 0) throw new NeedsFormatError(issues);
  const readme = sorted.find((f) => f.file === 'README.md');
  const actions = readme ? parseSummary(readme.text, readme.file) : [];
  const fileHashes = sorted.map((f) => ({ file: f.file, sha256: createHash('sha256').update(f.text).digest('hex') }));
  const contentHash = createHash('sha256')
    .update(fileHashes.map((f) => `${f.file}\0${f.sha256}`).join('\n'))
    .digest('hex');
  return { roles, scale, actions, files: fileHashes, contentHash, warnings };
}

/** Reads README.md (its summary's action items), model.md and roles/*.md of a report directory. */
export function readReportDir(dir: string): ReportFile[] {
  if (!existsSync(dir)) throw new NeedsFormatError([{ file: dir, line: 1, message: 'directory does not exist' }]);
  const files: ReportFile[] = [];
  const readme = path.join(dir, 'README.md');
  if (existsSync(readme)) files.push({ file: 'README.md', text: readFileSync(readme, 'utf8') });
  const model = path.join(dir, 'model.md');
  if (existsSync(model)) files.push({ file: 'model.md', text: readFileSync(model, 'utf8') });
  const rolesDir = path.join(dir, 'roles');
  if (existsSync(rolesDir))
    for (const name of readdirSync(rolesDir).sort())
      if (name.endsWith('.md')) files.push({ file: `roles/${name}`, text: readFileSync(path.join(rolesDir, name), 'utf8') });
  return files;
}

/** Parses the report in a directory (README.md, model.md, roles/*.md). */
export function parseReportDir(dir: string): NeedsReport {
  return parseReport(readReportDir(dir));
}
