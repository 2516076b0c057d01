// Response shapes of the data-needs endpoints; the dashboard types its pages from them.
import { z } from 'zod';
import { answerSpecSchema } from './mapping.js';

const int = z.number().int();
const ref = { file: z.string(), line: int };
export const scoreSchema = z
  .object({ ...ref, raw: z.string(), note: z.string().nullable(), entries: z.array(z.object({ min: int, max: int, qualifier: z.string().nullable() })) })
  .meta({ id: 'NeedsScore' });
export const fieldSchema = z
  .object({
    ...ref,
    kind: z.enum(['source', 'potential-source', 'resource', 'potential-resource', 'representation', 'note']),
    text: z.string(),
    links: z.array(z.object({ text: z.string(), url: z.string() })),
  })
  .meta({ id: 'NeedsField' });
export const statusSchema = z.enum(['answered', 'partial', 'empty', 'broken', 'planned', 'out-of-scope', 'unmapped']);
export const atlasSchema = z
  .object({
    status: statusSchema,
    score: z.number().meta({ description: 'availability (0–5) with Atlas: the mapped score when answered or partial (at most 3), else the report score' }),
    views: z.array(z.string()),
    endpoints: z.array(z.string()),
    answer: answerSpecSchema.nullable(),
    note: z.string().nullable(),
    issue: int.nullable().meta({ description: 'open issue that will answer a planned question' }),
    needs: z.string().nullable(),
    reason: z.string().nullable().meta({ description: 'out of scope: why; partial: what the proxy lacks; empty: why the live answer does not count' }),
    problems: z.array(z.string()).meta({ description: 'what a broken mapping names that does not exist' }),
  })
  .meta({ id: 'NeedsAtlasAnswer' });
export const questionSchema = z
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
const countFields = {
  total: int,
  answered: int.meta({ description: 'the endpoint returns the data asked for (checked live)' }),
  partial: int.meta({ description: 'a proxy that returns data, with the reason it is only a proxy' }),
  empty: int.meta({ description: 'mapped, but the endpoint returns no data of the kind asked' }),
  broken: int,
  planned: int,
  outOfScope: int,
  unmapped: int,
  answeredShare: z.number().meta({ description: 'answered / total' }),
  answeredShareInScope: z.number().meta({ description: 'answered / (total − out of scope)' }),
};
export const countsSchema = z.object(countFields).meta({ id: 'NeedsStatusCounts' });
export const summarySchema = z
  .object({
    ...countFields,
    scoreBefore: z.number().meta({ description: 'mean report availability score (0–5)' }),
    scoreAfter: z.number().meta({ description: 'mean availability score (0–5) with Atlas' }),
    scored: int,
  })
  .meta({ id: 'NeedsCoverageSummary' });
export const importSchema = z
  .object({ id: int, contentHash: z.string(), sourceDir: z.string(), label: z.string().nullable(), importedAt: z.string(), roles: int, scenarios: int, questions: int, topics: int })
  .meta({ id: 'NeedsImport' });
export const gapSchema = z.object({ ...ref, group: z.string().nullable(), text: z.string() });
export const itemSchema = z
  .object({
    ...ref,
    id: z.string(),
    kind: z.enum(['gap', 'action']),
    roleId: z.string().nullable(),
    group: z.string().nullable(),
    title: z.string().nullable(),
    text: z.string(),
    atlas: atlasSchema,
  })
  .meta({ id: 'NeedsItem' });
export const itemsSchema = z
  .object({ overall: countsSchema, gaps: countsSchema, actions: countsSchema })
  .meta({ id: 'NeedsItemCoverage', description: 'the report’s role gaps and the action items of its summary, counted like questions' });
export const scenarioSchema = z
  .object({ ...ref, id: z.string(), text: z.string(), seeAlso: z.array(z.string()), reportOutOfScope: z.string().nullable(), fields: z.array(fieldSchema), scores: z.array(scoreSchema), questions: z.array(questionSchema) })
  .meta({ id: 'NeedsScenario' });
export const roleSchema = z
  .object({ ...ref, id: z.string(), name: z.string(), fileTitle: z.string(), views: z.array(z.string()), gaps: z.array(gapSchema), summary: summarySchema, scenarios: z.array(scenarioSchema) })
  .meta({ id: 'NeedsRole' });
export const mapSchema = z
  .object({
    import: importSchema,
    scale: z.array(z.object({ score: int, meaning: z.string() })),
    overall: summarySchema,
    roles: z.array(roleSchema),
    items: itemsSchema.extend({ list: z.array(itemSchema) }),
    warnings: z.array(z.object({ ...ref, message: z.string() })),
  })
  .meta({ id: 'NeedsMap' });
export const coverageSchema = z
  .object({
    import: importSchema,
    checkedAt: z.string().nullable().meta({ description: 'when the answer endpoints were last asked (ISO time); null when they could not be' }),
    overall: summarySchema,
    roles: z.array(summarySchema.extend({ roleId: z.string(), name: z.string() })),
    items: itemsSchema,
  })
  .meta({ id: 'NeedsCoverage' });
export const landingSchema = z
  .object({
    import: importSchema,
    role: z.object({ id: z.string(), name: z.string(), fileTitle: z.string() }),
    summary: summarySchema,
    views: z.array(z.object({ path: z.string(), questions: int })).meta({ description: 'dashboard pages answering this role’s questions, most used first' }),
    endpoints: z.array(z.object({ path: z.string(), questions: int })),
    answers: z.array(
      z.object({
        questionId: z.string(),
        text: z.string(),
        scenario: z.string(),
        answer: answerSpecSchema,
        views: z.array(z.string()),
        partial: z.string().nullable().meta({ description: 'a proxy: what it lacks; null for a full answer' }),
      }),
    ),
    planned: z.array(z.object({ issue: int, questions: z.array(z.object({ questionId: z.string(), text: z.string(), needs: z.string() })) })),
    gaps: z.array(gapSchema),
  })
  .meta({ id: 'NeedsRoleLanding' });
export const changeSchema = z.object({ questionId: z.string(), roleId: z.string(), text: z.string(), scoreFrom: z.string().nullable(), scoreTo: z.string().nullable() });
export const compareSchema = z.object({ from: int, to: int, added: z.array(changeSchema), removed: z.array(changeSchema), rescored: z.array(changeSchema) }).meta({ id: 'NeedsComparison' });

export type NeedsMapJson = z.output<typeof mapSchema>;
export type NeedsQuestionJson = z.output<typeof questionSchema>;
export type NeedsCoverageJson = z.output<typeof coverageSchema>;
export type NeedsSummaryJson = z.output<typeof summarySchema>;
export type NeedsCountsJson = z.output<typeof countsSchema>;
export type NeedsItemJson = z.output<typeof itemSchema>;
export type NeedsRoleLandingJson = z.output<typeof landingSchema>;
export type NeedsComparisonJson = z.output<typeof compareSchema>;
export type NeedsImportListJson = { data: z.output<typeof importSchema>[] };
export type { AnswerSpec } from './mapping.js';
