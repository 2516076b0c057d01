import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedDataDir } from '../../test/helpers/db.js';
import { createDb } from '../store/db.js';
import { listImports } from '../needs/store.js';
import { UsageError } from './errors.js';
import { needsCheckCommand, needsImportCommand } from './needsCommand.js';
import { VENDORED_REPORT_DIR as REAL_REPORT_DIR } from '../needs/vendored.js';

describe('atlas needs', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-needs-'));
  const dataDir = path.join(tmp, 'db');
  // The command opens the data directory as any start does; it need not be the first start (initdb) of it here.
  beforeAll(() => seedDataDir(dataDir));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const run = async (fn: () => Promise<void>): Promise<string> => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
    const saved = { ...process.env };
    process.env.ATLAS_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    try {
      await fn();
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
    return chunks.join('');
  };

  it('imports the real report once and prints counts and coverage', async () => {
    const out = await run(() => needsImportCommand(REAL_REPORT_DIR, { label: 'v1' }));
    expect(out.split('\n')[0]).toBe('imported version 1: 6 roles, 24 scenarios, 109 questions, 3 topics (42 scored)');
    expect(out).toMatch(/\nmapping: \d+ of 112 questions mapped to an answer, \d+ to a proxy, \d+ planned, \d+ out of scope; 60 gaps and action items/);
    expect(out).not.toContain('to map for this version');
    const again = await run(() => needsImportCommand(REAL_REPORT_DIR, {}));
    expect(again.split('\n')[0]).toBe('already imported version 1: 6 roles, 24 scenarios, 109 questions, 3 topics (42 scored)');
  });

  it('refuses a report with format errors, naming file and line, and stores nothing', async () => {
    const bad = path.join(tmp, 'bad');
    mkdirSync(path.join(bad, 'roles'), { recursive: true });
    copyFileSync(path.join(REAL_REPORT_DIR, 'model.md'), path.join(bad, 'model.md'));
    writeFileSync(path.join(bad, 'roles', 'x.md'), '# X\n\n## Scenarios\n\n* Do.\n  * Why?\n    * *Data availability score: 9*\n');
    const err = await run(() => needsImportCommand(bad, {})).catch((e: Error & { code?: string }) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`the report in ${bad} does not follow the format:\n  ${path.join(bad, 'roles/x.md')}:7: score 9 is outside the 0–5 scale`);
    const db = await createDb({ kind: 'pglite', dataDir });
    try {
      expect((await listImports(db.db)).map((i) => i.label)).toEqual(['v1']);
    } finally {
      await db.close();
    }
  });

  it('checks the mapping against the route tables and the report', async () => {
    expect(await run(() => needsCheckCommand(REAL_REPORT_DIR))).toBe('needs mapping: 112 question entries and 60 item entries, every mapped view and endpoint exists, every question, gap and action item mapped\n');
  });
});
