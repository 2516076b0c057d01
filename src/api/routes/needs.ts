// The data-needs map: the imported report (roles → scenarios → questions) joined with the mapping to
// Atlas views and endpoints, coverage with the availability score before and after, role landing data,
// and the list and comparison of imported report versions.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { computeCoverage, type Coverage, type CoverageSummary, type QuestionCoverage } from '../../needs/coverage.js';
import { answerSpecSchema, dashboardPagePatterns, loadMapping, type AtlasTargets, type Mapping } from '../../needs/mapping.js';
import type { NeedsReport, Question, Role, Scenario } from '../../needs/model.js';
import { compareImports, listImports, loadImport, type NeedsImport } from '../../needs/store.js';
import type { Database } from '../../store/schema.js';
import { ApiError } from '../errors.js';
import { route, type RouteDef } from '../rest.js';
import { intParam } from '../schemas.js';

const int = z.number().int();
const ref = { file: z.string(), line: int };
const scoreSchema = z
  .object({ ...ref, raw: z.string(), note: z.string().nullable(), entries: z.array(z.object({ min: int, max: int, qualifier: z.string().nullable() })) })
  .meta({ id: 'NeedsScore' });
const fieldSchema = z
  .object({
    ...ref,
    kind: z.enum(['source', 'potential-source', 'resource', 'potential-resource', 'representation', 'note']),
    text: z.string(),
    links: z.array(z.object({ text: z.string(), url: z.string() })),
  })
  .meta({ id: 'NeedsField' });
const statusSchema = z.enum(['answered', 'broken', 'planned', 'out-of-scope', 'unmapped']);
const atlasSchema = z
  .object({
    status: statusSchema,
    score: z.number().meta({ description: 'availability (0–5) with Atlas: the mapped score when answered, else the report score' }),
    views: z.array(z.string()),
    endpoints: z.array(z.string()),
    answer: answerSpecSchema.nullable(),
    note: z.string().nullable(),
    issue: int.nullable().meta({ description: 'open issue that will answer a planned question' }),
    needs: z.string().nullable(),
    reason: z.string().nullable().meta({ description: 'why the question is out of scope' }),
    problems: z.array(z.string()).meta({ description: 'what a broken mapping names that does not exist' }),
  })
  .meta({ id: 'NeedsAtlasAnswer' });
const questionSchema = z
  .object({
    ...ref,
    id: z.string(),
    text: z.string(),
    kind: z.enum(['question', 'topic']),
    depth: int,
    parentId: z.string().nullable(),
    fields: z.array(fieldSchema),
    scores: z.array(scoreSchema),
    reportOutOfScope: z.string().nullable(),
    reportScore: z.object({ value: z.number(), assumed: z.boolean().meta({ description: 'unscored in the report: model.md reads that as 0 or 1' }) }),
    atlas: atlasSchema,
  })
  .meta({ id: 'NeedsQuestion' });
const summarySchema = z
  .object({
    total: int,
    answered: int,
    broken: int,
    planned: int,
    outOfScope: int,
    unmapped: int,
    answeredShare: z.number().meta({ description: 'answered / total' }),
    answeredShareInScope: z.number().meta({ description: 'answered / (total − out of scope)' }),
    scoreBefore: z.number().meta({ description: 'mean report availability score (0–5)' }),
    scoreAfter: z.number().meta({ description: 'mean availability score (0–5) with Atlas' }),
    scored: int,
  })
  .meta({ id: 'NeedsCoverageSummary' });
const importSchema = z
  .object({ id: int, contentHash: z.string(), sourceDir: z.string(), label: z.string().nullable(), importedAt: z.string(), roles: int, scenarios: int, questions: int, topics: int })
  .meta({ id: 'NeedsImport' });
const gapSchema = z.object({ ...ref, group: z.string().nullable(), text: z.string() });
const scenarioSchema = z
  .object({ ...ref, id: z.string(), text: z.string(), seeAlso: z.array(z.string()), reportOutOfScope: z.string().nullable(), fields: z.array(fieldSchema), scores: z.array(scoreSchema), questions: z.array(questionSchema) })
  .meta({ id: 'NeedsScenario' });
const roleSchema = z
  .object({ ...ref, id: z.string(), name: z.string(), fileTitle: z.string(), views: z.array(z.string()), gaps: z.array(gapSchema), summary: summarySchema, scenarios: z.array(scenarioSchema) })
  .meta({ id: 'NeedsRole' });
const mapSchema = z
  .object({
    import: importSchema,
    scale: z.array(z.object({ score: int, meaning: z.string() })),
    overall: summarySchema,
    roles: z.array(roleSchema),
    warnings: z.array(z.object({ ...ref, message: z.string() })),
  })
  .meta({ id: 'NeedsMap' });
const coverageSchema = z
  .object({ import: importSchema, overall: summarySchema, roles: z.array(summarySchema.extend({ roleId: z.string(), name: z.string() })) })
  .meta({ id: 'NeedsCoverage' });
const landingSchema = z
  .object({
    import: importSchema,
    role: z.object({ id: z.string(), name: z.string(), fileTitle: z.string() }),
    summary: summarySchema,
    views: z.array(z.object({ path: z.string(), questions: int })).meta({ description: 'dashboard pages answering this role’s questions, most used first' }),
    endpoints: z.array(z.object({ path: z.string(), questions: int })),
    answers: z.array(z.object({ questionId: z.string(), text: z.string(), scenario: z.string(), answer: answerSpecSchema, views: z.array(z.string()) })),
    planned: z.array(z.object({ issue: int, questions: z.array(z.object({ questionId: z.string(), text: z.string(), needs: z.string() })) })),
    gaps: z.array(gapSchema),
  })
  .meta({ id: 'NeedsRoleLanding' });
const changeSchema = z.object({ questionId: z.string(), roleId: z.string(), text: z.string(), scoreFrom: z.string().nullable(), scoreTo: z.string().nullable() });
const compareSchema = z.object({ from: int, to: int, added: z.array(changeSchema), removed: z.array(changeSchema), rescored: z.array(changeSchema) }).meta({ id: 'NeedsComparison' });

const versionQuery = z.strictObject({ version: intParam(1, 2_147_483_647, 'imported report version (default: the newest)').optional() });

let mappingCache: Mapping | null = null;
let pagesCache: RegExp[] | null = null;

/** The live route tables; read lazily because the route table imports this module. */
async function targets(): Promise<AtlasTargets> {
  const { routes } = await import('../routeTable.js');
  pagesCache ??= dashboardPagePatterns();
  return { api: routes, pages: pagesCache };
}

async function loadOr404(db: Kysely<Database>, version: number | undefined): Promise<{ import: NeedsImport; report: NeedsReport }> {
  const found = await loadImport(db, version);
  if (found) return found;
  if (version !== undefined) throw new ApiError(404, 'not_found', `no imported data-needs report version ${version}`);
  throw new ApiError(404, 'not_found', 'no data-needs report has been imported yet: run `atlas needs import <report dir>`');
}

/** Report and mapping joined with coverage, for one version. */
async function mapped(db: Kysely<Database>, version: number | undefined) {
  const found = await loadOr404(db, version);
  mappingCache ??= loadMapping();
  const coverage = computeCoverage(found.report, mappingCache, await targets());
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

export const needsRoutes: RouteDef[] = [
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
    errors: [404],
    handler: async ({ query, data }) => {
      const m = await mapped(data.db, query.version);
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
    errors: [404],
    handler: async ({ query, data }) => {
      const m = await mapped(data.db, query.version);
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
    errors: [404],
    handler: async ({ params, query, data }) => {
      const m = await mapped(data.db, query.version);
      const role = m.report.roles.find((r) => r.id === params.role);
      if (!role) throw new ApiError(404, 'not_found', `no role "${params.role}" in the report (roles: ${m.report.roles.map((r) => r.id).join(', ')})`);
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
    handler: async ({ data }) => ({ data: await listImports(data.db) }),
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
      for (const v of [query.from, query.to]) if (!(await loadImport(data.db, v))) throw new ApiError(404, 'not_found', `no imported data-needs report version ${v}`);
      return compareImports(data.db, query.from, query.to);
    },
  }),
];
