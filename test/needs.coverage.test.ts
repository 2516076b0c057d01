import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAnswer, loadMapping } from '../src/needs/mapping.js';
import { demoNetwork, type DemoNetwork } from './helpers/demoNetwork.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

/**
 * The mapping test over every entry: on a demo network built the way `atlas start` builds it, every
 * question, gap and action item the mapping answers (fully or by proxy) must return data of the kind asked
 * when its endpoint is asked now — the coverage endpoint's own live check decides.
 */
describe('honest coverage of the data needs on the demo', () => {
  let net: DemoNetwork;
  let map: J;
  let coverage: J;

  beforeAll(async () => {
    net = await demoNetwork('pglite', { preset: 'test' });
    coverage = (await (await net.app.request('/api/v1/needs/coverage')).json()) as J;
    map = (await (await net.app.request('/api/v1/needs')).json()) as J;
  }, 900_000);
  afterAll(async () => net?.close());

  it('answers every mapped question, gap and action item with data of the kind asked', () => {
    const mapping = loadMapping();
    const questions = map.roles.flatMap((r: J) => r.scenarios.flatMap((s: J) => s.questions));
    const entries: [string, J][] = [...questions.map((q: J) => [q.id, q.atlas] as [string, J]), ...map.items.list.map((i: J) => [i.id, i.atlas] as [string, J])];
    const mapped = entries.filter(([id]) => hasAnswer(mapping.questions[id] ?? mapping.items[id]));
    expect(mapped.length).toBe(Object.values({ ...mapping.questions, ...mapping.items }).filter(hasAnswer).length);
    // Reported with their reasons, so a failure names what came back empty.
    expect(mapped.filter(([, a]) => a.status !== 'answered' && a.status !== 'partial').map(([id, a]) => `${id}: ${a.status} (${a.reason ?? a.problems.join('; ')})`)).toEqual([]);
    for (const [id, a] of mapped) expect(a.status, id).toBe((mapping.questions[id] ?? mapping.items[id])!.status);
    // A proxy always says what it lacks.
    expect(mapped.filter(([, a]) => a.status === 'partial' && !a.reason)).toEqual([]);
  });

  it('reaches the issue’s targets: ≥ 60 questions and ≥ 35 gaps and action items answered in full', () => {
    expect(coverage.overall.answered).toBeGreaterThanOrEqual(60);
    expect(coverage.items.overall.answered).toBeGreaterThanOrEqual(35);
    expect(coverage.overall).toMatchObject({ empty: 0, broken: 0, unmapped: 0 });
    expect(coverage.items.overall).toMatchObject({ empty: 0, broken: 0, unmapped: 0, total: 60 });
    expect(coverage.overall.scoreAfter).toBeGreaterThan(coverage.overall.scoreBefore);
  });
});
