import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../../test/helpers/db.js';
import { computeCoverage, specsToProbe } from '../../needs/coverage.js';
import { probeAnswers } from '../../needs/probe.js';
import { dashboardPagePatterns, loadMapping } from '../../needs/mapping.js';
import { parseReportDir } from '../../needs/parser.js';
import { importReport } from '../../needs/store.js';
import { VENDORED_REPORT_DIR as REAL_REPORT_DIR } from '../../needs/vendored.js';
import { createApp } from '../app.js';
import { routes } from '../routeTable.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe.each(dbKinds)('needs API on %s', (kind) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const report = parseReportDir(REAL_REPORT_DIR);
  /** A GET; while the first live check of the answers runs (a 503 asking to retry), asked again. */
  const get = async (p: string): Promise<{ status: number; body: J; text: string }> => {
    for (;;) {
      const res = await app.request(p);
      const text = await res.text();
      if (res.status === 503 && text.includes('checked against this Atlas for the first time')) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      return { status: res.status, body: JSON.parse(text) as J, text };
    }
  };

  const targets = { api: routes, pages: dashboardPagePatterns() };
  /** The live check as the route runs it, through the same app. */
  const verdicts = () =>
    probeAnswers(specsToProbe(loadMapping(), targets), async (p) => {
      const res = await app.request(p);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: judged as it is
      }
      return { status: res.status, body };
    });

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  });
  afterAll(async () => db?.close());

  it('says how to import when no report is stored', async () => {
    const r = await get('/api/v1/needs');
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe('no data-needs report has been imported yet: run `atlas needs import <report dir>`');
    expect((await get('/api/v1/needs/imports')).body).toEqual({ data: [] });
  });

  it('serves the configured report directory as version 0 while nothing is imported, and explains a broken one', async () => {
    const withDir = async (dir: string, p: string) => {
      const res = await createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, needsDir: dir }).request(p);
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text) as J, text };
    };
    const r = await withDir(REAL_REPORT_DIR, '/api/v1/needs/coverage');
    expect(r.status).toBe(200);
    // The directory's name, never the server's file path.
    expect(r.body.import).toMatchObject({ id: 0, label: 'ATLAS_NEEDS_DIR (not imported)', sourceDir: path.basename(REAL_REPORT_DIR), questions: 109, topics: 3 });
    expect(r.text).not.toContain(path.dirname(REAL_REPORT_DIR));
    expect(r.body.overall.total).toBe(112);
    const bad = await withDir(path.join(REAL_REPORT_DIR, 'roles'), '/api/v1/needs');
    expect(bad.status).toBe(503);
    expect(bad.body.error.message).toContain('model.md:1: missing: the report directory needs model.md with the availability scale');
    expect(bad.text).not.toContain(path.dirname(REAL_REPORT_DIR));
  });

  it('serves the map: every question with its report score and Atlas answer', async () => {
    await importReport(db.db, report, REAL_REPORT_DIR, 'v1');
    const { status, body } = await get('/api/v1/needs');
    expect(status).toBe(200);
    expect(body.import).toMatchObject({ label: 'v1', roles: 6, scenarios: 24, questions: 109, topics: 3 });
    expect(body.roles.map((r: J) => r.id)).toEqual(['foundation', 'gateway', 'investor-delegator', 'orchestrator', 'delegate', 'spe']);
    const questions = body.roles.flatMap((r: J) => r.scenarios.flatMap((s: J) => s.questions));
    expect(questions).toHaveLength(112);
    // Nothing is indexed here: the mapped answer exists but its endpoint has no data, so it is empty, not answered.
    const revenue = questions.find((q: J) => q.id === 'gateway/much-revenue-network-whole-generate');
    expect(revenue.reportScore).toEqual({ value: 5, assumed: false });
    expect(revenue.atlas).toMatchObject({ status: 'empty', score: 5, views: ['/'], issue: null, problems: [], answer: null });
    expect(revenue.atlas.reason).toMatch(/\/api\/v1\/network answered HTTP \d+|totals\.fees is (zero|missing|null)/);
    const proxy = questions.find((q: J) => q.id === 'orchestrator/costs-profit');
    expect(proxy.atlas.status).toBe('empty');
    const legal = questions.find((q: J) => q.id === 'investor-delegator/legal-relationship-foundation-lpt-token');
    expect(legal.atlas).toMatchObject({ status: 'out-of-scope', reason: 'a legal question, not data', score: 2, answer: null });
    expect(questions.filter((q: J) => q.atlas.status === 'unmapped' || q.atlas.status === 'broken')).toEqual([]);
    const cov = computeCoverage(report, loadMapping(), targets, await verdicts());
    expect(body.overall).toEqual(cov.overall);
    expect(body.roles[1].summary).toEqual((({ roleId: _r, name: _n, ...s }) => s)(cov.roles[1]!));
    expect(body.items.list).toHaveLength(60);
    expect(body.items.gaps.total).toBe(27);
  });

  it('serves coverage per role and for gaps and action items, equal to the coverage computation over the live check', async () => {
    const { body } = await get('/api/v1/needs/coverage');
    const cov = computeCoverage(report, loadMapping(), targets, await verdicts());
    expect(body.overall).toEqual(cov.overall);
    expect(body.roles).toEqual(cov.roles);
    const { list: _l, ...items } = cov.items;
    expect(body.items).toEqual(items);
    expect(body.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const o = body.overall;
    expect(o.total).toBe(112);
    expect(o.answered + o.partial + o.empty + o.broken + o.planned + o.outOfScope + o.unmapped).toBe(112);
    // An empty database answers almost nothing: mapping an endpoint is not answering the question.
    expect(o.empty).toBeGreaterThan(o.answered);
  });

  it('serves a role landing page with the views it needs', async () => {
    const { status, body } = await get('/api/v1/needs/roles/gateway');
    expect(status).toBe(200);
    expect(body.role).toEqual({ id: 'gateway', name: 'Gateway', fileTitle: 'Gateway' });
    expect(body.summary.total).toBe(25);
    expect(body.answers.every((a: J) => a.partial === null || typeof a.partial === 'string')).toBe(true);
    expect(body.gaps).toHaveLength(4);
    expect(body.planned.every((p: J) => p.questions.length > 0)).toBe(true);
    const missing = await get('/api/v1/needs/roles/builder');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('no role "builder" in the report (roles: foundation, gateway, investor-delegator, orchestrator, delegate, spe)');
    expect((await get('/api/v1/needs/roles/Bad_Role')).status).toBe(400);
  });

  it('lists and compares versions, rejecting unknown or malformed versions', async () => {
    const listed = await get('/api/v1/needs/imports');
    const imports = listed.body.data;
    expect(imports).toHaveLength(1);
    expect(listed.text).not.toContain(path.dirname(REAL_REPORT_DIR));
    const id = imports[0].id;
    expect((await get(`/api/v1/needs/compare?from=${id}&to=${id}`)).body).toEqual({ from: id, to: id, added: [], removed: [], rescored: [] });
    expect((await get(`/api/v1/needs/compare?from=${id}&to=999999`)).status).toBe(404);
    expect((await get('/api/v1/needs/compare?from=x&to=1')).status).toBe(400);
    expect((await get('/api/v1/needs?version=0')).status).toBe(400);
    expect((await get('/api/v1/needs?version=999999')).body.error.message).toBe('no imported data-needs report version 999999');
    expect((await get('/api/v1/needs?extra=1')).status).toBe(400);
  });
});
