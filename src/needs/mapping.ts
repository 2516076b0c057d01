import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { allQuestions, reportItems, type NeedsReport } from './model.js';
import { AtlasError } from '../base/errors.js';

/** The mapping file shipped with Atlas. */
export const defaultMappingPath = fileURLToPath(new URL('./mapping.json', import.meta.url));

const apiPath = z
  .string()
  .regex(/^\/api\/[^\s#]*$/, 'must be an API path starting with /api/')
  .meta({ description: 'API endpoint, optionally with a query string' });
const viewPath = z.string().regex(/^\/[^\s]*$/, 'must be a dashboard path starting with /');
/** Dot path into a JSON answer, e.g. "totals.fees" or "data.0.address". */
const jsonPath = z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dot path like totals.fees');
const format = z.enum(['amount', 'percent', 'number', 'text', 'address']);

/** Zero is an answer only where the mapping says so (e.g. "how many faults": none); otherwise it reads as no data. */
const zeroIsAnswer = z.boolean().default(false);
const figure = z.strictObject({
  kind: z.literal('figure'),
  label: z.string().min(1),
  endpoint: apiPath,
  value: jsonPath,
  format: format.default('text'),
  /** For amounts: the unit the question asks in; an answer in another unit is not an answer. */
  unit: z.enum(['LPT', 'ETH', 'USD']).optional(),
  zeroIsAnswer,
});
const chart = z.strictObject({
  kind: z.literal('chart'),
  label: z.string().min(1),
  endpoint: apiPath,
  list: jsonPath.default('data'),
  x: jsonPath,
  y: z.array(z.strictObject({ path: jsonPath, label: z.string().min(1) })).min(1).max(3),
  type: z.enum(['line', 'bar']).default('line'),
  zeroIsAnswer,
});
const table = z.strictObject({
  kind: z.literal('table'),
  label: z.string().min(1),
  endpoint: apiPath,
  list: jsonPath.default('data'),
  columns: z
    .array(
      z.strictObject({
        path: jsonPath,
        label: z.string().min(1),
        format: format.default('text'),
        /** The value is a series (e.g. jobs per day): show its total; amounts are summed exactly in wei. */
        sum: z.boolean().default(false),
      }),
    )
    .min(1)
    .max(5),
  rows: z.number().int().min(1).max(10).default(5),
  zeroIsAnswer,
});
export const answerSpecSchema = z.discriminatedUnion('kind', [figure, chart, table]);

const answerFields = {
  views: z.array(viewPath).min(1),
  endpoints: z.array(apiPath).min(1),
  answer: answerSpecSchema,
  note: z.string().min(1).optional(),
};
const answered = z.strictObject({
  status: z.literal('answered'),
  /** Availability once Atlas answers: 5 = published and organised in a designated portal; 4 when only partly. */
  score: z.number().int().min(0).max(5),
  ...answerFields,
});
/** A proxy: related data that helps, not the data asked for. At most "stored and available" (3). */
const partial = z.strictObject({
  status: z.literal('partial'),
  score: z.number().int().min(0).max(3, 'a partial answer scores at most 3 (stored and available, not the data asked for)'),
  ...answerFields,
  reason: z.string().min(10, 'say in a few words what the proxy lacks'),
});
const planned = z.strictObject({
  status: z.literal('planned'),
  issue: z.number().int().positive(),
  needs: z.string().min(1),
});
const outOfScope = z.strictObject({
  status: z.literal('out-of-scope'),
  reason: z.string().min(10, 'give the reason in a few words'),
});
export const mappingEntrySchema = z.discriminatedUnion('status', [answered, partial, planned, outOfScope]);

const key = (what: string) => z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, `${what} keys look like role/slug`);
export const mappingSchema = z.strictObject({
  report: z.string().min(1),
  questions: z.record(key('question'), mappingEntrySchema),
  /** The report's gaps (`role/gap-…`) and the action items of its summary (`executive-summary/…`, `key-findings/…`). */
  items: z.record(key('item'), mappingEntrySchema).default({}),
});

export type AnswerSpec = z.output<typeof answerSpecSchema>;
export type MappingEntry = z.output<typeof mappingEntrySchema>;
/** An entry that names an answer: answered in full or by proxy. */
export type AnswerEntry = Extract<MappingEntry, { status: 'answered' | 'partial' }>;
export const hasAnswer = (e: MappingEntry | null | undefined): e is AnswerEntry => e?.status === 'answered' || e?.status === 'partial';
export type Mapping = z.output<typeof mappingSchema>;

export class MappingError extends AtlasError {
  override name = 'MappingError';
  constructor(readonly problems: string[]) {
    super('unprocessable', problems.join('\n'));
  }
}

/** Validates a mapping document; problems name the JSON path of the bad value. */
export function parseMapping(doc: unknown, source = 'mapping'): Mapping {
  const r = mappingSchema.safeParse(doc);
  if (!r.success) throw new MappingError(r.error.issues.map((i) => `${source}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  return r.data;
}

/** Reads and validates the mapping file (JSON). */
export function loadMapping(file = defaultMappingPath): Mapping {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MappingError([`${file}: ${(e as Error).message}`]);
  }
  return parseMapping(doc, file);
}

/** What exists in this build of Atlas: the REST route table and the dashboard's page patterns. */
export interface AtlasTargets {
  api: readonly { path: string; method?: 'get' | 'post'; query?: z.ZodType }[];
  pages: RegExp[];
}

const routeRegexCache = new Map<string, RegExp>();

function routeRegex(p: string): RegExp {
  const hit = routeRegexCache.get(p);
  if (hit) return hit;
  const escaped = p
    .split(/\{[^}]+\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  const re = new RegExp(`^${escaped}$`);
  routeRegexCache.set(p, re);
  return re;
}

/** Why an endpoint is not served by a GET route of the table (null when it is). */
export function endpointProblem(endpoint: string, targets: AtlasTargets): string | null {
  const [p, qs] = endpoint.split('?', 2) as [string, string | undefined];
  const r = targets.api.find((x) => (x.method ?? 'get') === 'get' && (x.path === p || routeRegex(x.path).test(p)));
  if (!r) return `endpoint ${p} does not exist in the route table`;
  if (qs !== undefined && r.query) {
    const q = Object.fromEntries(new URLSearchParams(qs));
    const v = r.query.safeParse(q);
    if (!v.success) return `endpoint ${endpoint}: query rejected by ${r.path} (${v.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`;
  } else if (qs !== undefined && qs !== '' && !r.query) return `endpoint ${endpoint}: ${r.path} takes no query parameters`;
  return null;
}

/** Why a dashboard path is not served by a page of the route table (null when it is). */
export function viewProblem(view: string, targets: AtlasTargets): string | null {
  const p = view.split(/[?#]/, 1)[0]!;
  return targets.pages.some((re) => re.test(p)) ? null : `view ${p} is not a dashboard page`;
}

/** Everything wrong with one answered or partial entry against what exists. */
export function entryProblems(e: MappingEntry, targets: AtlasTargets): string[] {
  if (!hasAnswer(e)) return [];
  const out: string[] = [];
  for (const v of e.views) {
    const p = viewProblem(v, targets);
    if (p) out.push(p);
  }
  for (const ep of e.endpoints) {
    const p = endpointProblem(ep, targets);
    if (p) out.push(p);
  }
  if (e.answer.endpoint.includes('{')) out.push(`answer endpoint ${e.answer.endpoint} must be concrete (no {placeholders})`);
  else {
    const p = endpointProblem(e.answer.endpoint, targets);
    if (p) out.push(`answer: ${p}`);
  }
  return out;
}

/**
 * The mapping check: every mapped view and endpoint exists, and (given the report) every question, gap
 * and action item has exactly one entry and every entry names one of the report's.
 */
export function checkMapping(mapping: Mapping, targets: AtlasTargets, report?: NeedsReport): string[] {
  const problems: string[] = [];
  for (const [id, e] of [...Object.entries(mapping.questions), ...Object.entries(mapping.items)]) for (const p of entryProblems(e, targets)) problems.push(`${id}: ${p}`);
  if (report) {
    const ids = new Set<string>();
    for (const { question } of allQuestions(report)) {
      ids.add(question.id);
      if (!mapping.questions[question.id]) problems.push(`${question.id}: not mapped (${question.file}:${question.line} "${question.text}")`);
    }
    for (const id of Object.keys(mapping.questions)) if (!ids.has(id)) problems.push(`${id}: mapped but not a question of the report`);
    const itemIds = new Set<string>();
    for (const item of reportItems(report)) {
      itemIds.add(item.id);
      if (!mapping.items[item.id]) problems.push(`${item.id}: not mapped (${item.file}:${item.line} "${item.text.slice(0, 80)}")`);
    }
    for (const id of Object.keys(mapping.items)) if (!itemIds.has(id)) problems.push(`${id}: mapped but not a gap or action item of the report`);
  }
  return problems;
}

/** Page patterns of web/src/routes.tsx, read from its source (the server cannot load the React module). */
export function pagePatternsFromSource(tsx: string): RegExp[] {
  const out: RegExp[] = [];
  for (const m of tsx.matchAll(/pattern:\s*\/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^/\\\n[])+)\/([a-z]*)/g)) out.push(new RegExp(m[1]!, m[2]));
  return out;
}

/** The dashboard route table's source file. */
export const webRoutesPath = fileURLToPath(new URL('../../web/src/routes.tsx', import.meta.url));

/** Page patterns of this checkout's dashboard (empty when the web sources are absent). */
export function dashboardPagePatterns(file = webRoutesPath): RegExp[] {
  try {
    return pagePatternsFromSource(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
