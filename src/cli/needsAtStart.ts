import type { Kysely } from 'kysely';
import { parseReportDir } from '../needs/parser.js';
import { importReport, listImports } from '../needs/store.js';
import type { Database } from '../store/schema.js';

/**
 * The data-needs map on a fresh start: when nothing is imported yet, the configured report (ATLAS_NEEDS_DIR, by
 * default the one vendored with Atlas) is imported once, so the map and coverage pages have content. Returns what
 * happened, for the start log; a report that does not parse is reported, not fatal.
 */
export async function importNeedsAtStart(db: Kysely<Database>, dir: string): Promise<string | null> {
  if ((await listImports(db)).length > 0) return null;
  try {
    const report = parseReportDir(dir);
    const r = await importReport(db, report, dir, 'imported at start');
    return `data-needs report imported from ${dir} (version ${r.import.id})`;
  } catch (e) {
    return `data-needs report in ${dir} not imported: ${(e as Error).message.split('\n')[0]}`;
  }
}
