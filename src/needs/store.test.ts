import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import type { NeedsReport } from './model.js';
import { parseReport, readReportDir, type ReportFile } from './parser.js';
import { compareImports, importReport, listImports, loadImport } from './store.js';
import { VENDORED_REPORT_DIR as REAL_REPORT_DIR } from './vendored.js';

/** The real report with one score changed, one question removed and one added: a plausible next version. */
function nextVersion(files: ReportFile[]): ReportFile[] {
  return files.map((f) => {
    if (f.file === 'roles/spe.md')
      return {
        file: f.file,
        text: f.text
          .replace('  * How much existing competition for funding is there in my focus area?\n    * *Resource.* Trawling [Treasury forum](https://forum.livepeer.org/c/treasury/18)\n    * *Data availability score: 4*\n', '')
          .replace('* Decide parameters (amount, focus area) to pitch an application for funding.\n', '* Decide parameters (amount, focus area) to pitch an application for funding.\n  * How long do funded projects take to deliver?\n    * *Data availability score: 1*\n'),
      };
    if (f.file === 'roles/gateway.md') return { file: f.file, text: f.text.replace('*Data availability score: 0–2*', '*Data availability score: 3*') };
    return f;
  });
}

describe.each(dbKinds)('needs report versions on %s', (kind) => {
  let db: TestDb;
  let firstId = 0;
  const files = readReportDir(REAL_REPORT_DIR);
  const v1 = parseReport(files);
  const v2 = parseReport(nextVersion(files));

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
  });
  afterAll(async () => db?.close());

  it('imports a version once, with its questions', async () => {
    const first = await importReport(db.db, v1, '/reports/v1', 'first');
    expect(first.created).toBe(true);
    firstId = first.import.id;
    expect(first.import).toMatchObject({ contentHash: v1.contentHash, sourceDir: '/reports/v1', label: 'first', roles: 6, scenarios: 24, questions: 109, topics: 3 });
    const again = await importReport(db.db, v1, '/elsewhere');
    expect(again).toEqual({ import: first.import, created: false });
    const n = await sql<{ n: number }>`select count(*)::int as n from needs_question where import_id = ${first.import.id}`.execute(db.db);
    expect(n.rows[0]!.n).toBe(112);
    const q = await sql<{ score_min: number; score_max: number; line: number }>`select score_min, score_max, line from needs_question where question_id = 'gateway/safety-faults-detectable-protocol-mechanism'`.execute(db.db);
    expect(q.rows).toEqual([{ score_min: 0, score_max: 3, line: 46 }]);
    const loaded = await loadImport(db.db);
    expect(loaded!.report).toEqual(JSON.parse(JSON.stringify(v1)) as NeedsReport);
  });

  it('keeps versions apart and compares them', async () => {
    const second = await importReport(db.db, v2, '/reports/v2');
    expect(second.created).toBe(true);
    expect(second.import.questions).toBe(109);
    // A re-import that found its version still consumed a sequence value: versions increase, with gaps.
    expect((await listImports(db.db)).map((i) => i.id)).toEqual([second.import.id, firstId]);
    expect(second.import.id).toBeGreaterThan(firstId);
    const cmp = await compareImports(db.db, firstId, second.import.id);
    expect(cmp.added).toEqual([{ questionId: 'spe/long-funded-projects-take-deliver', roleId: 'spe', text: 'How long do funded projects take to deliver?', scoreFrom: null, scoreTo: '1' }]);
    expect(cmp.removed).toEqual([{ questionId: 'spe/much-existing-competition-funding-focus-area', roleId: 'spe', text: 'How much existing competition for funding is there in my focus area?', scoreFrom: '4', scoreTo: null }]);
    expect(cmp.rescored).toEqual([{ questionId: 'gateway/competitive-livepeer-gpus-tradcloud-depin-peers-risk', roleId: 'gateway', text: 'How competitive are Livepeer GPUs with tradcloud or DePIN peers on risk?', scoreFrom: '0–2', scoreTo: '3' }]);
    expect((await loadImport(db.db, firstId))!.import.label).toBe('first');
    expect(await loadImport(db.db, 9999)).toBeNull();
  });

  it('writes nothing when a question row is rejected', async () => {
    const broken = JSON.parse(JSON.stringify(v1)) as NeedsReport;
    broken.contentHash = 'broken';
    broken.roles[0]!.scenarios[1]!.questions[0]!.kind = 'riddle' as 'question';
    await expect(importReport(db.db, broken, '/x')).rejects.toThrow();
    const n = await sql<{ n: number }>`select count(*)::int as n from needs_import where content_hash = 'broken'`.execute(db.db);
    expect(n.rows[0]!.n).toBe(0);
  });
});

it('reads the report files named relative to the directory', () => {
  expect(readReportDir(REAL_REPORT_DIR).map((f) => f.file)).toEqual(['README.md', 'model.md', 'roles/README.md', 'roles/foundation.md', 'roles/gateway.md', 'roles/investor-delegator.md', 'roles/orchestrator-delegate.md', 'roles/spe.md']);
  expect(readFileSync(path.join(REAL_REPORT_DIR, 'model.md'), 'utf8')).toContain('data availability score');
});
