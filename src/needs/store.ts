import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { allQuestions, reportCounts, type NeedsReport } from './model.js';

type Db = Kysely<Database>;

/** One stored version of the report. */
export interface NeedsImport {
  id: number;
  contentHash: string;
  sourceDir: string;
  label: string | null;
  importedAt: string;
  roles: number;
  scenarios: number;
  questions: number;
  topics: number;
}

interface ImportRow {
  id: number;
  content_hash: string;
  source_dir: string;
  label: string | null;
  imported_at: Date | string;
  roles: number;
  scenarios: number;
  questions: number;
  topics: number;
}

const toImport = (r: ImportRow): NeedsImport => ({
  id: Number(r.id),
  contentHash: r.content_hash,
  sourceDir: r.source_dir,
  label: r.label,
  importedAt: (r.imported_at instanceof Date ? r.imported_at : new Date(r.imported_at)).toISOString(),
  roles: Number(r.roles),
  scenarios: Number(r.scenarios),
  questions: Number(r.questions),
  topics: Number(r.topics),
});

const COLUMNS = sql`id, content_hash, source_dir, label, imported_at, roles, scenarios, questions, topics`;

/**
 * Stores a parsed report as a new version in one transaction; the same content imported again
 * returns the version that already holds it (created: false).
 */
export async function importReport(db: Db, report: NeedsReport, sourceDir: string, label: string | null = null): Promise<{ import: NeedsImport; created: boolean }> {
  const c = reportCounts(report);
  return db.transaction().execute(async (trx) => {
    const inserted = await sql<ImportRow>`
      insert into needs_import (content_hash, source_dir, label, roles, scenarios, questions, topics, report)
      values (${report.contentHash}, ${sourceDir}, ${label}, ${c.roles}, ${c.scenarios}, ${c.questions}, ${c.topics}, ${JSON.stringify(report)}::jsonb)
      on conflict (content_hash) do nothing
      returning ${COLUMNS}`.execute(trx);
    const row = inserted.rows[0];
    if (!row) {
      const existing = await sql<ImportRow>`select ${COLUMNS} from needs_import where content_hash = ${report.contentHash}`.execute(trx);
      return { import: toImport(existing.rows[0]!), created: false };
    }
    const values = allQuestions(report).map(({ role, scenario, question: q }) => {
      const entries = q.scores.flatMap((s) => s.entries);
      const min = entries.length ? Math.min(...entries.map((e) => e.min)) : null;
      const max = entries.length ? Math.max(...entries.map((e) => e.max)) : null;
      return sql`(${row.id}, ${q.id}, ${role.id}, ${scenario.id}, ${q.kind}, ${q.text}, ${q.file}, ${q.line}, ${min}, ${max})`;
    });
    if (values.length > 0)
      await sql`insert into needs_question (import_id, question_id, role_id, scenario_id, kind, text, file, line, score_min, score_max) values ${sql.join(values)}`.execute(trx);
    return { import: toImport(row), created: true };
  });
}

/** Every stored version, newest first. */
export async function listImports(db: Db): Promise<NeedsImport[]> {
  const r = await sql<ImportRow>`select ${COLUMNS} from needs_import order by id desc`.execute(db);
  return r.rows.map(toImport);
}

/** A version with its report (the newest when id is omitted); null when none is stored. */
export async function loadImport(db: Db, id?: number): Promise<{ import: NeedsImport; report: NeedsReport } | null> {
  const r =
    id === undefined
      ? await sql<ImportRow & { report: NeedsReport | string }>`select ${COLUMNS}, report from needs_import order by id desc limit 1`.execute(db)
      : await sql<ImportRow & { report: NeedsReport | string }>`select ${COLUMNS}, report from needs_import where id = ${id}`.execute(db);
  const row = r.rows[0];
  if (!row) return null;
  const report = typeof row.report === 'string' ? (JSON.parse(row.report) as NeedsReport) : row.report;
  return { import: toImport(row), report };
}

export interface QuestionChange {
  questionId: string;
  roleId: string;
  text: string;
  /** Score range before and after ("2", "0–2", null when unscored). */
  scoreFrom: string | null;
  scoreTo: string | null;
}

export interface ImportComparison {
  from: number;
  to: number;
  added: QuestionChange[];
  removed: QuestionChange[];
  rescored: QuestionChange[];
}

const range = (min: number | null, max: number | null) => (min === null || max === null ? null : min === max ? String(min) : `${min}–${max}`);

/** Questions added, removed and re-scored between two versions (by question key). */
export async function compareImports(db: Db, from: number, to: number): Promise<ImportComparison> {
  type Row = { question_id: string; role_id: string; text: string; a_min: number | null; a_max: number | null; b_min: number | null; b_max: number | null; side: 'a' | 'b' | 'both' };
  const r = await sql<Row>`
    select coalesce(b.question_id, a.question_id) as question_id, coalesce(b.role_id, a.role_id) as role_id, coalesce(b.text, a.text) as text,
           a.score_min as a_min, a.score_max as a_max, b.score_min as b_min, b.score_max as b_max,
           case when a.question_id is null then 'b' when b.question_id is null then 'a' else 'both' end as side
    from (select * from needs_question where import_id = ${from}) a
    full outer join (select * from needs_question where import_id = ${to}) b on a.question_id = b.question_id
    order by 1`.execute(db);
  const change = (x: Row): QuestionChange => ({ questionId: x.question_id, roleId: x.role_id, text: x.text, scoreFrom: range(x.a_min, x.a_max), scoreTo: range(x.b_min, x.b_max) });
  return {
    from,
    to,
    added: r.rows.filter((x) => x.side === 'b').map(change),
    removed: r.rows.filter((x) => x.side === 'a').map(change),
    rescored: r.rows.filter((x) => x.side === 'both' && (x.a_min !== x.b_min || x.a_max !== x.b_max)).map(change),
  };
}
