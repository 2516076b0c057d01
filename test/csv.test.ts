import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/index.js';
import { routes } from '../src/api/routeTable.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';
import { dangerousCell as dangerous, HOSTILE_CELL as HOSTILE, parseCsv } from './helpers/csv.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('every CSV endpoint escapes formula cells (OWASP)', () => {
  let fx: IndexedFixture;
  let app: ReturnType<typeof createApp>;
  let proposalId: string;
  let voter: string;
  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    const db = fx.db.db;
    // Text an outsider controls reaches these columns: a service URI (ServiceRegistry.setServiceURI), a vote
    // reason and a proposal description (LivepeerGovernor), and a contract name as the calendar shows it.
    await sql`update orchestrator set service_uri = ${HOSTILE} where address = (select min(address) from orchestrator)`.execute(db);
    const v = (await sql<{ proposal_id: string; voter: string }>`select proposal_id, voter from vote order by block_number, log_index limit 1`.execute(db)).rows[0]!;
    proposalId = v.proposal_id;
    voter = v.voter;
    await sql`update vote set reason = ${`=HYPERLINK("http://x","y")`} where proposal_id = ${proposalId}`.execute(db);
    await sql`update proposal set description = ${`${HOSTILE}\nbody`}`.execute(db);
    app = createApp({ db, dbKind: 'pglite', status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, budgetFile: path.join(repo, 'budgets/example.yaml') });
  });
  afterAll(async () => {
    await fx?.db.close();
  });

  const csvRoutes = routes.filter((r) => r.csv);

  it('covers every route that answers CSV', () => {
    expect(csvRoutes.map((r) => r.path).sort()).toEqual(
      [
        '/api/v1/calendar',
        '/api/v1/governance/delegates',
        '/api/v1/governance/delegates/{address}',
        '/api/v1/governance/proposals',
        '/api/v1/governance/proposals/{id}/votes',
        '/api/v1/orchestrators',
        '/api/v1/staking/events',
        '/api/v1/treasury',
        '/api/v1/treasury/budget',
        '/api/v1/treasury/forecast',
        '/api/v1/treasury/ledger',
      ].sort(),
    );
  });

  it.each(routes.filter((r) => r.csv).map((r) => r.path))('%s: no cell a spreadsheet would evaluate', async (p) => {
    const url = p.replace('{id}', proposalId).replace('{address}', voter);
    const res = await app.request(`${url}?format=csv`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(await res.text());
    expect(rows.length).toBeGreaterThan(1);
    const bad = rows.flat().filter(dangerous);
    expect(bad).toEqual([]);
  });

  it('keeps hostile text, quote-prefixed, where it was written', async () => {
    const cells = async (u: string) => parseCsv(await (await app.request(u)).text()).flat();
    expect(await cells('/api/v1/orchestrators?format=csv')).toContain(`'${HOSTILE}`);
    expect(await cells(`/api/v1/governance/proposals/${proposalId}/votes?format=csv`)).toContain(`'=HYPERLINK("http://x","y")`);
    expect(await cells('/api/v1/governance/proposals?format=csv')).toContain(`'${HOSTILE}`);
    // Negative amounts stay numbers.
    const ledger = parseCsv(await (await app.request('/api/v1/treasury/ledger?format=csv')).text());
    const delta = ledger[0]!.indexOf('delta_lpt');
    expect(ledger.slice(1).some((r) => /^-\d/.test(r[delta]!))).toBe(true);
  });

  it('staking events CSV honours limit and cursor (a page, with the next cursor in a header)', async () => {
    const first = await app.request('/api/v1/staking/events?format=csv&limit=5');
    const rows = parseCsv(await first.text());
    expect(rows).toHaveLength(6);
    const next = first.headers.get('x-next-cursor');
    expect(next).toBeTruthy();
    const json = (await (await app.request('/api/v1/staking/events?limit=10')).json()) as { data: { blockNumber: number; logIndex: number }[] };
    const second = parseCsv(await (await app.request(`/api/v1/staking/events?format=csv&limit=5&cursor=${next}`)).text());
    const ids = [...rows.slice(1), ...second.slice(1)].map((r) => `${r[0]}-${r[1]}`);
    expect(ids).toEqual(json.data.map((e) => `${e.blockNumber}-${e.logIndex}`));
    expect((await app.request('/api/v1/staking/events?limit=5000')).status).toBe(400);
  });
});
