import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../../test/helpers/db.js';
import { createApp } from '../app.js';
import { Lru, StatementCache } from './answerCache.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('Lru', () => {
  it('keeps at most its weight, the least recently used leaving first, and never an entry heavier than its limit', () => {
    const l = new Lru<string>(10, 6);
    l.set('a', 'A', 4);
    l.set('b', 'B', 4);
    expect(l.get('a')).toBe('A'); // a is now the most recent
    l.set('c', 'C', 4); // 12 > 10: b leaves
    expect([l.get('a'), l.get('b'), l.get('c')]).toEqual(['A', undefined, 'C']);
    l.set('d', 'D', 7);
    expect(l.get('d')).toBeUndefined();
    expect(l.size).toBe(2);
  });
});

describe.each(dbKinds)('subgraph reads kept per data version (%s)', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('answers a statement once per version, and anew in another version or outside one', async () => {
    await sql`create table kept_probe (n int)`.execute(db.db);
    await sql`insert into kept_probe values (1)`.execute(db.db);
    const cache = new StatementCache(db.db);
    const read = async () => (await sql<{ n: number }>`select n from kept_probe`.execute(cache.db)).rows[0]!.n;
    expect(await cache.inVersion('v1', read)).toBe(1);
    await sql`update kept_probe set n = 2`.execute(db.db);
    expect(await cache.inVersion('v1', read)).toBe(1);
    expect(await cache.inVersion('v2', read)).toBe(2);
    expect(await read()).toBe(2);
  });

  it('serves a kept GraphQL answer until the indexer moves the data version, then the new data', async () => {
    const app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 5, indexedBlock: 5, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, cacheTtlMs: 0 });
    const count = async (): Promise<string> => {
      const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ protocol(id: "0") { delegatorsCount } }' }) });
      const body = (await res.json()) as J;
      expect(body.errors).toBeUndefined();
      return String(body.data.protocol.delegatorsCount);
    };
    const move = (block: number, total: number) =>
      sql`insert into delegator_count_move (block_number, log_index, delegator, round, new_round, in_round, emptied, delta, total, round_total)
        values (${block}, 0, ${`0x${'a'.repeat(40)}`}, 1, null, true, false, 1, ${total}, ${total})`.execute(db.db);
    const event = (block: number) =>
      sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, a2, amount, args)
        values (${block}, 0, ${`0x${String(block).padStart(64, '0')}`}, 0, ${block}, 1, 'BondingManager', 'Bond', null, null, null, '{}')`.execute(db.db);
    await move(1, 1);
    await event(1);
    expect(await count()).toBe('1');
    // A row written without a new version (not how the indexer writes) is not seen: the answer is kept.
    await move(2, 2);
    expect(await count()).toBe('1');
    // The indexer's batch moves the chain head: the next request reads anew.
    await event(2);
    expect(await count()).toBe('2');
  });
});
