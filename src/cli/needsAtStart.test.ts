import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { listImports } from '../needs/store.js';
import { VENDORED_REPORT_DIR } from '../needs/vendored.js';
import { importNeedsAtStart } from './needsAtStart.js';

describe('importNeedsAtStart', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb('pglite', { migrate: true });
  });
  afterAll(async () => db?.close());

  it('reports a directory that does not parse and imports nothing', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'atlas-needs-'));
    mkdirSync(path.join(bad, 'roles'));
    writeFileSync(path.join(bad, 'roles', 'x.md'), 'not a report\n');
    const msg = await importNeedsAtStart(db.db, bad);
    expect(msg).toMatch(/not imported/);
    expect(await listImports(db.db)).toEqual([]);
  });

  it('imports the vendored report once, then leaves existing imports alone', async () => {
    const msg = await importNeedsAtStart(db.db, VENDORED_REPORT_DIR);
    expect(msg).toBe(`data-needs report imported from ${VENDORED_REPORT_DIR} (version 1)`);
    const imports = await listImports(db.db);
    expect(imports.map((i) => [i.questions, i.roles])).toEqual([[imports[0]!.questions, 6]]);
    expect(imports[0]!.questions).toBeGreaterThan(100);
    expect(await importNeedsAtStart(db.db, VENDORED_REPORT_DIR)).toBeNull();
    expect((await listImports(db.db)).length).toBe(1);
  });
});
