import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { putRound, putTranscoder } from './helpers/registry.js';

type J = Record<string, any>;

// Round numbers that order differently as text ("9" after "24") and as numbers.
const ROUNDS = [8, 9, 10, 11, 24];
const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const C = '0x00000000000000000000000000000000000000cc';

describe.each(dbKinds)('GraphQL orders and filters rounds as numbers (%s)', (kind) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const gql = async (query: string): Promise<J> => {
    const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as J;
    expect(body.errors).toBeUndefined();
    return body.data as J;
  };

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    for (const r of ROUNDS) await putRound(db.db, r);
    for (const [address, lastReward] of [[A, 9], [B, 24], [C, 10]] as const) {
      await putTranscoder(db.db, address, 10n ** 21n);
      await sql`update transcoder set last_reward_round = ${lastReward} where address = ${address}`.execute(db.db);
    }
    for (const r of ROUNDS) {
      await sql`insert into earnings_pool (transcoder, round) values (${A}, ${r})`.execute(db.db);
      // The subgraph's Pool: the active set as NewRound initialized the round.
      await sql`insert into round_pool (round, transcoder, total_stake, reward_cut, fee_share, block_number) values (${r}, ${A}, 0, 0, 0, ${r})`.execute(db.db);
    }
    app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('the latest round first, and a round filter compares numbers', async () => {
    const d = await gql('{ latest: rounds(first: 1, orderBy: id, orderDirection: desc) { id } after9: rounds(where: { id_gt: "9" }) { id } upTo10: rounds(where: { id_lte: "10" }) { id } }');
    expect(d.latest).toEqual([{ id: '24' }]);
    expect(d.after9.map((r: J) => r.id)).toEqual(['10', '11', '24']);
    expect(d.upTo10.map((r: J) => r.id)).toEqual(['8', '9', '10']);
  });

  it('a reference to a round sorts and filters as a number', async () => {
    const d = await gql(`{
      pools(orderBy: round, orderDirection: desc) { round { id } }
      later: pools(where: { round_gte: "10" }) { round { id } }
      transcoders(orderBy: lastRewardRound, orderDirection: desc) { id lastRewardRound { id } }
    }`);
    expect(d.pools.map((p: J) => p.round.id)).toEqual(['24', '11', '10', '9', '8']);
    expect(d.later.map((p: J) => p.round.id).sort()).toEqual(['10', '11', '24']);
    expect(d.transcoders.map((t: J) => t.lastRewardRound.id)).toEqual(['24', '10', '9']);
  });
});
