import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { parseReportDir } from '../needs/parser.js';
import { importReport, listImports } from '../needs/store.js';
import type { Database } from '../store/schema.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the report sits next to a checkout of this repository. */
export const SIBLING_REPORT_DIR = path.resolve(repo, '../shared/livepeer-data-geography');

/**
 * The data-needs map on a fresh start: when nothing is imported yet, the report of ATLAS_NEEDS_DIR (or the
 * one beside the checkout) is imported once, so the map and coverage pages have content. Returns what
 * happened, for the start log; a report that does not parse is reported, not fatal.
 */
export async function importNeedsAtStart(db: Kysely<Database>, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if ((await listImports(db)).length > 0) return null;
  const dir = env.ATLAS_NEEDS_DIR?.trim() || (existsSync(path.join(SIBLING_REPORT_DIR, 'roles')) ? SIBLING_REPORT_DIR : null);
  if (!dir) return null;
  try {
    const report = parseReportDir(dir);
    const r = await importReport(db, report, dir, 'imported at start');
    return `data-needs report imported from ${dir} (version ${r.import.id})`;
  } catch (e) {
    return `data-needs report in ${dir} not imported: ${(e as Error).message.split('\n')[0]}`;
  }
}
