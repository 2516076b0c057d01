import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../../test/helpers/db.js';
import { createDb } from '../../store/db.js';
import type { Database } from '../../store/schema.js';
import { GraphQLIsolate } from './isolate.js';

/** A database whose statements each take `delayMs` (a slow or overloaded server), counting what it was asked. */
function slowDb(inner: Kysely<Database>, delayMs: number) {
  const seen: string[] = [];
  const state = { delayMs };
  const db = {
    executeQuery: async (q: CompiledQuery): Promise<QueryResult<unknown>> => {
      seen.push(q.sql);
      await new Promise((r) => setTimeout(r, state.delayMs));
      return inner.executeQuery(q);
    },
  } as unknown as Kysely<Database>;
  return { db, seen, state };
}

/** Runs a first query until one finishes within the limit: a cold worker on a loaded machine may miss it once. */
async function warm(iso: GraphQLIsolate): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await iso.run({ query: '{ transcoders(first: 6) { id } }', variables: null, operationName: null }, 'application/json', { requestId: `warm${attempt}`, method: 'POST' });
      return;
    } catch (e) {
      if (attempt === 5) throw e;
    }
  }
}

describe('GraphQL worker: time limit, statements of a stopped request, statement concurrency', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('pglite', { migrate: true });
    for (let i = 0; i < 6; i++) {
      await t.db.executeQuery(
        CompiledQuery.raw(
          `insert into transcoder (address, last_reward_round, reward_cut, fee_share, last_active_stake_update_round, activation_round, deactivation_round,
            active_cumulative_rewards, cumulative_rewards, cumulative_fees, last_fee_round, total_stake, updated_block)
           values ('0x${String(i).padStart(40, '0')}', 0, 0, 0, 0, 1, 1000, 0, 0, 0, 0, ${i + 1}, 1)`,
        ),
      );
    }
  });
  afterAll(async () => t?.close());

  it('answers a query; stops one past its time limit with a 503 that says so, and runs none of its remaining statements', async () => {
    const slow = slowDb(t.db, 300);
    const faults: Error[] = [];
    const iso = new GraphQLIsolate({ db: slow.db, timeoutMs: 2_000, cacheTtlMs: 1000, sqlConcurrency: 1, onFault: (e) => faults.push(e) });
    try {
      // The worker's first query (cold code paths, on a busy machine) is not what the limit is about: warm it first.
      slow.state.delayMs = 0;
      await warm(iso);
      slow.state.delayMs = 300;
      const ok = await iso.run({ query: '{ transcoders(first: 2, orderBy: totalStake) { id } }', variables: null, operationName: null }, 'application/json', { requestId: 'r1', method: 'POST' });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).data.transcoders).toHaveLength(2);
      // Six lists, one statement each, one at a time at 300 ms: 1.8 s of statements, over a 1 s limit.
      const short = new GraphQLIsolate({ db: slow.db, timeoutMs: 1_000, cacheTtlMs: 1000, sqlConcurrency: 1, onFault: (e) => faults.push(e) });
      try {
        slow.state.delayMs = 0;
        await warm(short);
        slow.state.delayMs = 300;
        slow.seen.length = 0;
        const six = Array.from({ length: 6 }, (_, i) => `t${i}: transcoders(first: 1, skip: ${i}) { id }`).join(' ');
        const err = await short.run({ query: `{ ${six} }`, variables: null, operationName: null }, 'application/json', { requestId: 'r2', method: 'POST' }).then(
          () => null,
          (e: unknown) => e as Error & { code?: string },
        );
        expect(err?.code).toBe('unavailable');
        expect(err?.message).toContain('time limit of 1 s');
        const atStop = slow.seen.length;
        await new Promise((r) => setTimeout(r, 2_500));
        // At most the statement in flight (and the one already queued behind it) finished; nothing new started.
        expect(slow.seen.length).toBeLessThanOrEqual(atStop + 1);
        expect(slow.seen.length).toBeLessThan(7);
      } finally {
        await short.close();
      }
    } finally {
      await iso.close();
    }
    expect(faults).toEqual([]);
  });

  it('holds at most sqlConcurrency statements in flight, however many the worker sends', async () => {
    let inFlight = 0;
    let most = 0;
    const db = {
      executeQuery: async (q: CompiledQuery) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return t.db.executeQuery(q);
      },
    } as unknown as Kysely<Database>;
    const iso = new GraphQLIsolate({ db, timeoutMs: 30_000, cacheTtlMs: 1000, sqlConcurrency: 2, onFault: () => undefined });
    try {
      const r = await iso.run({ query: '{ transcoders(first: 6) { pools(first: 1) { id } delegators(first: 1) { id } } }', variables: null, operationName: null }, 'application/json', { requestId: 'r3', method: 'POST' });
      expect(r.status).toBe(200);
      expect(most).toBe(2);
    } finally {
      await iso.close();
    }
  });

  it('on a shared thread, leaves it free after each statement for as long as the statement took', async () => {
    const spans: [number, number][] = [];
    const db = {
      executeQuery: async (q: CompiledQuery) => {
        const start = performance.now();
        const end = start + 40;
        while (performance.now() < end); // a statement that holds the thread, as the embedded database's do
        spans.push([start, performance.now()]);
        return t.db.executeQuery(q);
      },
    } as unknown as Kysely<Database>;
    // The default statement concurrency, with two requests at once: their statements still take turns with the thread.
    const iso = new GraphQLIsolate({ db, timeoutMs: 30_000, cacheTtlMs: 1000, sharesThread: true, onFault: () => undefined });
    try {
      const ask = (id: string, first: number) =>
        iso.run({ query: `{ transcoders(first: ${first}) { pools(first: 1) { id } } }`, variables: null, operationName: null }, 'application/json', { requestId: id, method: 'POST' });
      const [r, r2] = await Promise.all([ask('r5', 6), ask('r6', 5)]);
      expect(r.status).toBe(200);
      expect(r2.status).toBe(200);
      spans.sort((a, b) => a[0] - b[0]);
      expect(spans.length).toBeGreaterThan(1);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0] - spans[i - 1]![1]).toBeGreaterThanOrEqual(spans[i - 1]![1] - spans[i - 1]![0] - 5);
    } finally {
      await iso.close();
    }
  });

  it("says so when the database cancels a statement for its timeout (PostgreSQL's 57014)", async () => {
    const db = {
      executeQuery: async () => {
        throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
      },
    } as unknown as Kysely<Database>;
    const faults: Error[] = [];
    const iso = new GraphQLIsolate({ db, timeoutMs: 30_000, cacheTtlMs: 1000, onFault: (e) => faults.push(e) });
    try {
      const r = await iso.run({ query: '{ transcoders(first: 6) { id } }', variables: null, operationName: null }, 'application/json', { requestId: 'r4', method: 'POST' });
      const body = JSON.parse(r.body) as { errors: { message: string }[] };
      expect(body.errors[0]!.message).toBe('a database statement of this query ran longer than the statement timeout and was cancelled; ask for fewer rows');
      expect(faults).toEqual([]);
    } finally {
      await iso.close();
    }
  });
});

describe.skipIf(!dbKinds.includes('postgres'))('statement timeout of a PostgreSQL pool', () => {
  it('cancels a statement that runs past it', async () => {
    const t = await openTestDb('postgres');
    const pool = await createDb({ ...(t.config as { kind: 'postgres'; url: string }), statementTimeoutMs: 200 });
    try {
      await expect(pool.db.executeQuery(CompiledQuery.raw('select pg_sleep(2)'))).rejects.toMatchObject({ code: '57014' });
      expect((await pool.db.executeQuery(CompiledQuery.raw('select 1 as one'))).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.close();
      await t.close();
    }
  });
});
