// The data-needs map: the imported report (roles → scenarios → questions) joined with the mapping to
// Atlas views and endpoints, coverage with the availability score before and after, role landing data,
// and the list and comparison of imported report versions.
import path from 'node:path';
import { z } from 'zod';
import { computeCoverage, specsToProbe, type Coverage, type CoverageSummary, type EntryCoverage, type QuestionCoverage } from '../../needs/coverage.js';
import { dashboardPagePatterns, hasAnswer, loadMapping, type AtlasTargets, type Mapping } from '../../needs/mapping.js';
import { probeAnswers, responseFetcher, type Verdict } from '../../needs/probe.js';
import { reportCounts, type NeedsReport, type Question, type Role, type Scenario } from '../../needs/model.js';
import { NeedsFormatError, parseReportDir } from '../../needs/parser.js';
import { compareImports, listImports, loadImport, type NeedsImport } from '../../needs/store.js';
import type { Db } from '../../read/db.js';
import { atlasSchema, questionSchema, importSchema, scenarioSchema, roleSchema, mapSchema, coverageSchema, landingSchema, compareSchema, itemSchema } from '../../needs/apiSchemas.js';
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

/** How long the live check of the answers stands before it is asked again. */
const CHECK_TTL_MS = 60_000;
/**
 * How long a request waits for a running check before it is answered with the last finished one (or, before
 * any, asked to retry): well inside the request time limit, however long the check takes on a busy server.
 */
const CHECK_WAIT_MS = 5_000;

type Checked = { verdicts: Map<string, Verdict>; checkedAt: string | null };
const checks = new WeakMap<RouteOptions, { at: number; value: Promise<Checked>; last: Checked | null }>();

/**
 * The honest check: every answer endpoint asked through the app itself (in process, outside the rate
 * limit and the request time limit), each answer judged against its spec. Shared by concurrent requests,
 * repeated at most once a minute; the last finished check stands while the next runs.
 */
function liveVerdicts(options: RouteOptions, mapping: Mapping, t: AtlasTargets): { value: Promise<Checked>; last: Checked | null } {
  const hit = checks.get(options);
  if (hit && Date.now() - hit.at < CHECK_TTL_MS) return hit;
  const request = options.selfRequest;
  const ask = request && responseFetcher(request);
  const value = ask
    ? probeAnswers(specsToProbe(mapping, t), (p) => (p.startsWith('/api/v1/needs') ? Promise.resolve({ status: 400, body: 'the map cannot vouch for itself' }) : ask(p))).then((verdicts) => ({
        verdicts,
        checkedAt: new Date().toISOString(),
      }))
    : Promise.resolve({ verdicts: new Map<string, Verdict>(), checkedAt: null });
  const entry = { at: Date.now(), value, last: hit?.last ?? null };
  checks.set(options, entry);
  value.then(
    (done) => (entry.last = done),
    () => checks.delete(options),
  );
  return entry;
}

/** The running check if it finishes within CHECK_WAIT_MS, else the last finished one; before any, a 503 to retry. */
async function currentVerdicts(options: RouteOptions, mapping: Mapping, t: AtlasTargets): Promise<Checked> {
  const check = liveVerdicts(options, mapping, t);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), CHECK_WAIT_MS);
  });
  try {
    const done = await Promise.race([check.value, waited]);
    if (done) return done;
  } finally {
    clearTimeout(timer);
  }
  if (check.last) return check.last;
  throw new AtlasError('unavailable', 'every mapped answer is being checked against this Atlas for the first time; retry in a few seconds');
}

/** Report and mapping joined with live-checked coverage, for one version. */
async function mapped(db: Db, version: number | undefined, options: RouteOptions) {
  const found = await loadOr404(db, version, options.needsDir);
  mappingCache ??= loadMapping();
  const t = targets(options.routes);
  const { verdicts, checkedAt } = await currentVerdicts(options, mappingCache, t);
  const coverage = computeCoverage(found.report, mappingCache, t, verdicts);
  return { ...found, coverage, checkedAt, byId: new Map(coverage.questions.map((q) => [q.id, q])) };
}

function atlasJson(c: EntryCoverage, score: number | null): z.input<typeof atlasSchema> {
  const e = c.entry;
  const a = hasAnswer(e) ? e : null;
  return {
    status: c.status,
    score: score ?? (a && (c.status === 'answered' || c.status === 'partial') ? a.score : 0),
    views: a?.views ?? [],
    endpoints: a?.endpoints ?? [],
    answer: a && (c.status === 'answered' || c.status === 'partial') ? a.answer : null,
    note: a?.note ?? null,
    issue: e?.status === 'planned' ? e.issue : null,
    needs: e?.status === 'planned' ? e.needs : null,
    reason: c.reason,
    problems: c.problems,
  };
}

function itemJson(i: Coverage['items']['list'][number]): z.input<typeof itemSchema> {
  return { ...i.item, atlas: atlasJson(i, null) };
}

function questionJson(q: Question, c: QuestionCoverage): z.input<typeof questionSchema> {
  return { ...q, reportScore: { value: c.before, assumed: c.beforeAssumed }, atlas: atlasJson(c, c.after) };
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
      const m = await mapped(data.db, query.version, options);
      const { list, ...counts } = m.coverage.items;
      return {
        import: m.import,
        scale: m.report.scale,
        overall: m.coverage.overall,
        roles: m.report.roles.map((r) => roleJson(r, m.coverage, m.byId)),
        items: { ...counts, list: list.map(itemJson) },
        warnings: m.report.warnings,
      };
    },
  }),
  route({
    path: '/api/v1/needs/coverage',
    tag: 'needs',
    summary: 'Coverage of the data needs',
    description:
      'Share of the report’s questions, gaps and action items Atlas answers, per role and overall, and the mean availability score (0–5) before and after. An answer counts only when its endpoint, asked now, returns data of the kind asked; proxies count as partial.',
    query: versionQuery,
    response: coverageSchema,
    maxAge: 10,
    cache: 'none',
    errors: [404, 503],
    handler: async ({ query, data, options }) => {
      const m = await mapped(data.db, query.version, options);
      const { list: _list, ...items } = m.coverage.items;
      return { import: m.import, checkedAt: m.checkedAt, overall: m.coverage.overall, roles: m.coverage.roles, items };
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
      const m = await mapped(data.db, query.version, options);
      const role = m.report.roles.find((r) => r.id === params.role);
      if (!role) throw new AtlasError('not_found', `no role "${params.role}" in the report (roles: ${m.report.roles.map((r) => r.id).join(', ')})`);
      const items = role.scenarios.flatMap((s) => s.questions.map((q) => ({ s, q, c: m.byId.get(q.id)! })));
      const answered = items.filter((i) => (i.c.status === 'answered' || i.c.status === 'partial') && hasAnswer(i.c.entry));
      const planned = new Map<number, { questionId: string; text: string; needs: string }[]>();
      for (const i of items)
        if (i.c.entry?.status === 'planned') planned.set(i.c.entry.issue, [...(planned.get(i.c.entry.issue) ?? []), { questionId: i.q.id, text: i.q.text, needs: i.c.entry.needs }]);
      return {
        import: m.import,
        role: { id: role.id, name: role.name, fileTitle: role.fileTitle },
        summary: roleSummary(m.coverage, role.id),
        views: tally(answered.flatMap((i) => (hasAnswer(i.c.entry) ? i.c.entry.views : []))),
        endpoints: tally(answered.flatMap((i) => (hasAnswer(i.c.entry) ? i.c.entry.endpoints.map((e) => e.split('?')[0]!) : []))),
        answers: answered.map((i) => {
          const e = i.c.entry as Extract<QuestionCoverage['entry'], { status: 'answered' | 'partial' }>;
          return { questionId: i.q.id, text: i.q.text, scenario: i.s.text, answer: e.answer, views: e.views, partial: e.status === 'partial' ? e.reason : null };
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
