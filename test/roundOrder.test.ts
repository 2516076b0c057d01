import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stakingRound, treasuryRound } from '../src/analytics/roundViews.js';
import { poolsByTranscoder } from '../src/read/pools.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { allRounds } from '../src/read/rounds.js';

// Rounds are numbers: read as text for exactness, they must still come back in numeric order (9 before 10 and 31;
// as text, "9" sorted last and the overview took round 9 for the current one).
describe.each(dbKinds)('round order on %s', (kind) => {
  let t: TestDb;
  const ROUNDS = [31, 9, 10, 100];
  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: true });
    for (const r of ROUNDS)
      await sql`insert into protocol_round (round, block_number, block_time, block_hash, mintable, inflation, total_active_stake, l2_supply, treasury_reward_cut_rate, treasury_balance, active_transcoders)
        values (${r}, ${r * 8}, ${1_700_000_000 + r * 86_400}, ${`0x${r}`}, 1, 1, 1, 1, 0, 0, 1)`.execute(t.db);
    for (const r of ROUNDS)
      await sql`insert into earnings_pool (transcoder, round, total_stake, reward_cut, fee_share, cumulative_reward_factor, cumulative_fee_factor)
        values ('0x00000000000000000000000000000000000000a1', ${r}, 1, 0, 0, ${r}, 0)`.execute(t.db);
  });
  afterAll(async () => t?.close());

  it('reads rounds and pools oldest first by number', async () => {
    const want = [9n, 10n, 31n, 100n];
    expect((await allRounds(t.db)).map((r) => r.round)).toEqual(want);
    expect((await allRounds(t.db)).map(stakingRound).map((r) => r.round)).toEqual(want);
    expect((await allRounds(t.db)).map(treasuryRound).map((r) => r.round)).toEqual(want);
    expect((await poolsByTranscoder(t.db)).get('0x00000000000000000000000000000000000000a1')!.map((p) => p.round)).toEqual(want);
  });
});
