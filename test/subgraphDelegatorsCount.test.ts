import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { appendDelegatorCountMoves } from '../src/projections/delegatorsCount.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

// The subgraph's delegatorsCount on hand-made events, for the moves the simulator's agents never make (an Unbond
// of everything, a rebond from unbonded): Bond from no delegate +1, Unbond to nothing bonded −1, Rebond without a
// delegate +1 (protocol only), a redelegation or a partial unbond 0; a round starts from the count at NewRound.

const [A, B, C, D, O] = ['a', 'b', 'c', 'd', 'e'].map((x) => `0x${x.repeat(40)}`) as [string, string, string, string, string];
const ZERO = `0x${'0'.repeat(40)}`;
const DAY = 86400;
const T0 = 19_000 * DAY;
const timeOf = (block: number) => T0 + (block >= 20 ? DAY : 0) + block;

describe.each(dbKinds)("the subgraph's delegator count (%s)", (kind) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const gql = async (query: string): Promise<J> => {
    const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as J;
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as J;
  };

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    const event = async (block: number, round: number | null, name: string, args: J) =>
      sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, a2, amount, args)
        values (${block}, 0, ${`0x${String(block).padStart(64, '0')}`}, 0, ${timeOf(block)}, ${round}, ${name === 'NewRound' ? 'RoundsManager' : 'BondingManager'}, ${name}, null, null, null, ${JSON.stringify(args)})`.execute(db.db);
    const bondedAfter = async (block: number, address: string, bonded: bigint) =>
      sql`insert into delegator_history (address, bonded_amount, fees, delegate, delegated_amount, start_round, last_claim_round, next_unbonding_lock_id, unbonding_locks, updated_block, version_block)
        values (${address}, ${bonded.toString()}, 0, ${O}, 0, 1, 1, 1, '[]', ${block}, ${block})`.execute(db.db);
    const round = async (r: number, block: number) => {
      await sql`insert into protocol_round (round, block_number, block_time, l1_block, block_hash, mintable, inflation, total_active_stake, l2_supply, l1_supply,
          treasury_reward_cut_rate, treasury_balance, active_transcoders)
        values (${r}, ${block}, ${timeOf(block)}, null, '0x00', 0, 0, 100, 1000, null, 0, 0, 1)`.execute(db.db);
      await sql`insert into protocol_round_history select *, ${block} from protocol_round where round = ${r}`.execute(db.db);
      await event(block, r, 'NewRound', { round: String(r), blockHash: '0x00' });
    };
    await event(5, null, 'Bond', { newDelegate: O, oldDelegate: ZERO, delegator: A, additionalAmount: '10', bondedAmount: '10' }); // +1
    await event(6, null, 'Bond', { newDelegate: O, oldDelegate: ZERO, delegator: B, additionalAmount: '10', bondedAmount: '10' }); // +1
    await round(1, 10); // starts at 2
    await event(11, 1, 'Unbond', { delegate: O, delegator: A, unbondingLockId: '0', amount: '10', withdrawRound: '8' });
    await bondedAfter(11, A, 0n); // −1: A unbonded everything
    await event(12, 1, 'Unbond', { delegate: O, delegator: B, unbondingLockId: '0', amount: '5', withdrawRound: '8' });
    await bondedAfter(12, B, 5n); // 0: B keeps 5 bonded
    await event(13, 1, 'Bond', { newDelegate: O, oldDelegate: ZERO, delegator: C, additionalAmount: '1', bondedAmount: '1' }); // +1
    await event(14, 1, 'Rebond', { delegate: O, delegator: A, unbondingLockId: '0', amount: '10' }); // +1, protocol only
    await round(2, 20); // starts at 3
    await event(21, 2, 'Rebond', { delegate: O, delegator: B, unbondingLockId: '0', amount: '5' }); // 0: B still has a delegate
    await event(22, 2, 'Bond', { newDelegate: O, oldDelegate: C, delegator: C, additionalAmount: '0', bondedAmount: '1' }); // 0: a redelegation
    await sql`insert into indexed_block (block_number, hash, parent_hash, block_time, l1_block) values (22, '0x22', '0x21', ${timeOf(22)}, null)`.execute(db.db);
    // What the indexer derives from these rows in each batch.
    await appendDelegatorCountMoves(db.db);
    app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 22, indexedBlock: 22, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('moves with Bond from no delegate, Unbond to nothing and Rebond from unbonded, as of any block', async () => {
    const d = await gql(`{
      protocol(id: "0") { delegatorsCount }
      at11: protocol(id: "0", block: { number: 11 }) { delegatorsCount }
      at14: protocol(id: "0", block: { number: 14 }) { delegatorsCount }
    }`);
    expect(d.protocol.delegatorsCount).toBe('3');
    expect(d.at11.delegatorsCount).toBe('1');
    expect(d.at14.delegatorsCount).toBe('3');
  });

  it("a round starts from the count at NewRound and moves with its Bond and Unbond events, not its rebonds; a day shows its round's start", async () => {
    const d = await gql('{ rounds { id delegatorsCount } days { date delegatorsCount } later: rounds(where: { delegatorsCount_gt: "2" }) { id } }');
    expect(d.rounds).toEqual([
      { id: '1', delegatorsCount: '2' }, // 2 − 1 (A) + 1 (C); A's rebond is not counted in the round
      { id: '2', delegatorsCount: '3' },
    ]);
    expect(d.days).toEqual([
      { date: T0, delegatorsCount: '2' },
      { date: T0 + DAY, delegatorsCount: '3' },
    ]);
    expect(d.later).toEqual([{ id: '2' }]);
  });
});
