import path from 'node:path';
import { routes } from '../api/routeTable.js';
import { checkMapping, dashboardPagePatterns, loadMapping, MappingError, type AtlasTargets } from '../needs/mapping.js';
import { reportCounts, reportItems } from '../needs/model.js';
import { NeedsFormatError, parseReportDir } from '../needs/parser.js';
import { importReport } from '../needs/store.js';
import { loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { UsageError } from './errors.js';

function parseOrExplain(dir: string) {
  try {
    return parseReportDir(dir);
  } catch (e) {
    if (e instanceof NeedsFormatError) throw new UsageError(`the report in ${dir} does not follow the format:\n${e.issues.map((i) => `  ${path.join(dir, i.file)}:${i.line}: ${i.message}`).join('\n')}`);
    throw e;
  }
}

function mappingOrExplain() {
  try {
    return loadMapping();
  } catch (e) {
    if (e instanceof MappingError) throw new UsageError(`the needs mapping is invalid:\n${e.problems.map((p) => `  ${p}`).join('\n')}`);
    throw e;
  }
}

const targets = (): AtlasTargets => ({ api: routes, pages: dashboardPagePatterns() });

/** `atlas needs import <dir>`: parse a version of the data-needs report and store it in the database. */
export async function needsImportCommand(dir: string, flags: { label?: string }): Promise<void> {
  const abs = path.resolve(dir);
  const report = parseOrExplain(abs);
  const mapping = mappingOrExplain();
  const cfg = loadConfig(process.env);
  const db = await openDatabase(cfg.database);
  try {
    const { import: imp, created } = await importReport(db.db, report, abs, flags.label ?? null);
    const c = reportCounts(report);
    const out = process.stdout;
    out.write(`${created ? 'imported' : 'already imported'} version ${imp.id}: ${c.roles} roles, ${c.scenarios} scenarios, ${c.questions} questions, ${c.topics} topics (${c.scored} scored)\n`);
    for (const w of report.warnings) out.write(`  note: ${path.join(abs, w.file)}:${w.line}: ${w.message}\n`);
    const statuses = Object.values(mapping.questions).map((e) => e.status);
    const n = (s: string) => statuses.filter((x) => x === s).length;
    out.write(
      `mapping: ${n('answered')} of ${c.questions + c.topics} questions mapped to an answer, ${n('partial')} to a proxy, ${n('planned')} planned, ${n('out-of-scope')} out of scope; ${reportItems(report).length} gaps and action items (honest coverage, asked live: GET /api/v1/needs/coverage)\n`,
    );
    const problems = checkMapping(mapping, targets(), report);
    if (problems.length > 0) out.write(`mapping: ${problems.length} question(s) or item(s) to map for this version:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  } finally {
    await db.close();
  }
}

/** `atlas needs check [dir]`: the mapping's views and endpoints exist (and, given a report, every question is mapped). */
export async function needsCheckCommand(dir: string | undefined): Promise<void> {
  const mapping = mappingOrExplain();
  const report = dir === undefined ? undefined : parseOrExplain(path.resolve(dir));
  const problems = checkMapping(mapping, targets(), report);
  if (problems.length > 0) throw new UsageError(`needs mapping check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.stdout.write(
    `needs mapping: ${Object.keys(mapping.questions).length} question entries and ${Object.keys(mapping.items).length} item entries, every mapped view and endpoint exists${report ? ', every question, gap and action item mapped' : ''}\n`,
  );
}
