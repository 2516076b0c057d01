// The data-needs map: the imported report (roles → scenarios → questions) joined with the mapping to
// Atlas views and endpoints, coverage with the availability score before and after, role landing data,
// and the list and comparison of imported report versions.
import path from 'node:path';
import { z } from 'zod';
import { computeCoverage, type Coverage, type CoverageSummary, type QuestionCoverage } from '../../needs/coverage.js';
import { dashboardPagePatterns, loadMapping, type AtlasTargets, type Mapping } from '../../needs/mapping.js';
import { reportCounts, type NeedsReport, type Question, type Role, type Scenario } from '../../needs/model.js';
import { NeedsFormatError, parseReportDir } from '../../needs/parser.js';
import { compareImports, listImports, loadImport, type NeedsImport } from '../../needs/store.js';
import type { Db } from '../../read/db.js';
import { atlasSchema, questionSchema, summarySchema, importSchema, scenarioSchema, roleSchema, mapSchema, coverageSchema, landingSchema, compareSchema } from '../../needs/apiSchemas.js';
import { AtlasError } from '../errors.js';
import { route, type RouteDef, type RouteOptions } from '../route.js';
import { intParam } from '../schemas.js';

const versionQuery = z.strictObject({ version: intParam(1, 2_147_483_647, 'imported report version (default: the newest)').optional() });

let mappingCache: Mapping | null = null;
let pagesCache: RegExp[] | null = null;

/** The app's mounted routes and the dashboard's pages: what a mapped view or endpoint must name. */
function targets(routes: RouteOptions['routes']): AtlasTargets {
  pagesCache ??= dashboardPagePatterns();
  return { api: routes, pages: pagesCache };
}

let dirReport: { dir: string; value: { import: NeedsImport; report: NeedsReport } } | null = null;

/**
 * Without any import, the configured report directory (ATLAS_NEEDS_DIR, else the vendored report) is served as
 * version 0 (parsed, not stored), so `atlas serve` over a database nobody imported into still shows the map.
 */
function reportFromDir(dir: string | null | undefined): { import: NeedsImport; report: NeedsReport } | null {
  if (!dir) return null;
  if (dirReport?.dir === dir) return dirReport.value;
  let report: NeedsReport;
  try {
    report = parseReportDir(dir);
  } catch (e) {
    if (e instanceof NeedsFormatError) throw new AtlasError('unavailable', `ATLAS_NEEDS_DIR holds a report that does not follow the format:\n${e.message.split(dir + path.sep).join('').split(dir).join(path.basename(dir))}`);
    throw e;
  }
  const c = reportCounts(report);
  const value = {
    import: { id: 0, contentHash: report.contentHash, sourceDir: path.basename(dir), label: 'ATLAS_NEEDS_DIR (not imported)', importedAt: new Date().toISOString(), ...c },
    report,
  };
  dirReport = { dir, value };
  return value;
}

/** An import as served: the directory's name only, never a file path of the server. */
const publicImport = (i: NeedsImport): NeedsImport => ({ ...i, sourceDir: path.basename(i.sourceDir) });

async function loadOr404(db: Db, version: number | undefined, dir: string | null | undefined): Promise<{ import: NeedsImport; report: NeedsReport }> {
  const found = await loadImport(db, version);
  if (found) return { ...found, import: publicImport(found.import) };
  if (version !== undefined) throw new AtlasError('not_found', `no imported data-needs report version ${version}`);
  const fromDir = reportFromDir(dir);
  if (fromDir) return fromDir;
  throw new AtlasError('not_found', 'no data-needs report has been imported yet: run `atlas needs import <report dir>`');
}

/** Report and mapping joined with coverage, for one version. */
async function mapped(db: Db, version: number | undefined, dir: string | null | undefined, routes: RouteOptions['routes']) {
  const found = await loadOr404(db, version, dir);
  mappingCache ??= loadMapping();
  const coverage = computeCoverage(found.report, mappingCache, targets(routes));
  return { ...found, coverage, byId: new Map(coverage.questions.map((q) => [q.id, q])) };
}

function atlasJson(c: QuestionCoverage): z.input<typeof atlasSchema> {
  const e = c.entry;
  return {
    status: c.status,
    score: c.after,
    views: e?.status === 'answered' ? e.views : [],
    endpoints: e?.status === 'answered' ? e.endpoints : [],
    answer: e?.status === 'answered' && c.status === 'answered' ? e.answer : null,
    note: e?.status === 'answered' ? (e.note ?? null) : null,
    issue: e?.status === 'planned' ? e.issue : null,
    needs: e?.status === 'planned' ? e.needs : null,
    reason: e?.status === 'out-of-scope' ? e.reason : null,
    problems: c.problems,
  };
}

function questionJson(q: Question, c: QuestionCoverage): z.input<typeof questionSchema> {
  return { ...q, reportScore: { value: c.before, assumed: c.beforeAssumed }, atlas: atlasJson(c) };
}

function scenarioJson(s: Scenario, byId: Map<string, QuestionCoverage>): z.input<typeof scenarioSchema> {
  return { ...s, questions: s.questions.map((q) => questionJson(q, byId.get(q.id)!)) };
}

function roleSummary(coverage: Coverage, roleId: string): CoverageSummary {
  const { roleId: _id, name: _name, ...summary } = coverage.roles.find((r) => r.roleId === roleId)!;
  return summary;
}

function roleJson(r: Role, coverage: Coverage, byId: Map<string, QuestionCoverage>): z.input<typeof roleSchema> {
  return { ...r, summary: roleSummary(coverage, r.id), scenarios: r.scenarios.map((s) => scenarioJson(s, byId)) };
}

function tally(paths: string[]): { path: string; questions: number }[] {
  const m = new Map<string, number>();
  for (const p of paths) m.set(p, (m.get(p) ?? 0) + 1);
  return [...m].map(([path, questions]) => ({ path, questions })).sort((a, b) => b.questions - a.questions || a.path.localeCompare(b.path));
}

export const needsRoutes = [
  route({
    path: '/api/v1/needs',
    tag: 'needs',
    summary: 'The data-needs map',
    description:
      'Every role, scenario and question of the imported data-needs report with its sources and availability score, joined with the Atlas views and endpoints that answer it (or why it is planned or out of scope), and coverage per role.',
    query: versionQuery,
    response: mapSchema,
    maxAge: 10,
    cache: 'none',
    errors: [404, 503],
    handler: async ({ query, data, options }) => {
      const m = await mapped(data.db, query.version, options.needsDir, options.routes);
      return {
        import: m.import,
        scale: m.report.scale,
        overall: m.coverage.overall,
        roles: m.report.roles.map((r) => roleJson(r, m.coverage, m.byId)),
        warnings: m.report.warnings,
      };
    },
  }),
  route({
    path: '/api/v1/needs/coverage',
    tag: 'needs',
    summary: 'Coverage of the data needs',
    description: 'Share of the report’s questions Atlas answers with views that exist, per role and overall, and the mean availability score (0–5) before and after.',
    query: versionQuery,
    response: coverageSchema,
    maxAge: 10,
    cache: 'none',
    errors: [404, 503],
    handler: async ({ query, data, options }) => {
      const m = await mapped(data.db, query.version, options.needsDir, options.routes);
      return { import: m.import, overall: m.coverage.overall, roles: m.coverage.roles };
    },
  }),
  route({
    path: '/api/v1/needs/roles/{role}',
    tag: 'needs',
    summary: 'What one role needs',
    description: 'The views and endpoints that answer a role’s questions, their live answers, what is planned (by issue) and the report’s gaps for the role.',
    params: z.strictObject({ role: z.string().regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a role id such as gateway or orchestrator' }) }),
    query: versionQuery,
    response: landingSchema,
    maxAge: 10,
    cache: 'none',
    errors: [404, 503],
    handler: async ({ params, query, data, options }) => {
      const m = await mapped(data.db, query.version, options.needsDir, options.routes);
      const role = m.report.roles.find((r) => r.id === params.role);
      if (!role) throw new AtlasError('not_found', `no role "${params.role}" in the report (roles: ${m.report.roles.map((r) => r.id).join(', ')})`);
      const items = role.scenarios.flatMap((s) => s.questions.map((q) => ({ s, q, c: m.byId.get(q.id)! })));
      const answered = items.filter((i) => i.c.status === 'answered' && i.c.entry?.status === 'answered');
      const planned = new Map<number, { questionId: string; text: string; needs: string }[]>();
      for (const i of items)
        if (i.c.entry?.status === 'planned') planned.set(i.c.entry.issue, [...(planned.get(i.c.entry.issue) ?? []), { questionId: i.q.id, text: i.q.text, needs: i.c.entry.needs }]);
      return {
        import: m.import,
        role: { id: role.id, name: role.name, fileTitle: role.fileTitle },
        summary: roleSummary(m.coverage, role.id),
        views: tally(answered.flatMap((i) => (i.c.entry?.status === 'answered' ? i.c.entry.views : []))),
        endpoints: tally(answered.flatMap((i) => (i.c.entry?.status === 'answered' ? i.c.entry.endpoints.map((e) => e.split('?')[0]!) : []))),
        answers: answered.map((i) => {
          const e = i.c.entry as Extract<QuestionCoverage['entry'], { status: 'answered' }>;
          return { questionId: i.q.id, text: i.q.text, scenario: i.s.text, answer: e.answer, views: e.views };
        }),
        planned: [...planned].sort((a, b) => a[0] - b[0]).map(([issue, questions]) => ({ issue, questions })),
        gaps: role.gaps,
      };
    },
  }),
  route({
    path: '/api/v1/needs/imports',
    tag: 'needs',
    summary: 'Imported report versions',
    response: z.object({ data: z.array(importSchema) }).meta({ id: 'NeedsImportList' }),
    maxAge: 10,
    cache: 'none',
    handler: async ({ data }) => ({ data: (await listImports(data.db)).map(publicImport) }),
  }),
  route({
    path: '/api/v1/needs/compare',
    tag: 'needs',
    summary: 'Compare two report versions',
    description: 'Questions added, removed and re-scored between two imported versions, matched by question key.',
    query: z.strictObject({ from: intParam(1, 2_147_483_647, 'older version'), to: intParam(1, 2_147_483_647, 'newer version') }),
    response: compareSchema,
    maxAge: 10,
    cache: 'none',
    errors: [404],
    handler: async ({ query, data }) => {
      for (const v of [query.from, query.to]) if (!(await loadImport(data.db, v))) throw new AtlasError('not_found', `no imported data-needs report version ${v}`);
      return compareImports(data.db, query.from, query.to);
    },
  }),
];
