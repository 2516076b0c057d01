import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendDelegatorCountMoves } from '../src/projections/delegatorsCount.js';
import { rollbackProjections } from '../src/projections/protocolStore.js';
import type { AsOf } from '../src/read/db.js';
import { delegatorsCountStart, protocolDelegatorsCount, roundDelegatorsCount } from '../src/read/subgraph/delegatorsCount.js';
import { upTo } from '../src/read/subgraph/sql.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';
import { dbKinds } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side row access

// delegator_count_move, kept at index time, against the subgraph's delegator count recomputed from every Bond,
// Unbond and Rebond event up to a block (the count's definition, as projections/delegatorsCount.ts states it).

const ZERO = '0x0000000000000000000000000000000000000000';

/** Per move up to the block: round, whether it counts in the round, and its change to the count. */
const moves = (asOf: AsOf) => sql`(
  select m.block_number, m.log_index, m.round, m.name <> 'Rebond' as in_round,
    case when m.name = 'Bond' then (case when m.from_none then 1 else 0 end)
      when m.name = 'Unbond' then (case when m.emptied then -1 else 0 end)
      else (case when coalesce(m.prev_emptied, true) then 1 else 0 end) end as delta
  from (
    select x.*, lag(x.emptied) over (partition by x.delegator order by x.block_number, x.log_index) as prev_emptied
    from (
      select ce.block_number, ce.log_index, ce.round, ce.name, lower(ce.args ->> 'delegator') as delegator,
        (ce.name = 'Bond' and lower(ce.args ->> 'oldDelegate') = ${ZERO}) as from_none,
        (ce.name = 'Unbond' and exists (select 1 from delegator_history dh
          where dh.address = lower(ce.args ->> 'delegator') and dh.version_block = ce.block_number and dh.bonded_amount = 0)) as emptied
      from chain_event ce where ce.name in ('Bond', 'Unbond', 'Rebond') and ${upTo(asOf, 'ce.block_number')}) x) m)`;

/** Per NewRound up to the block: the count before it and the round's in-round moves. */
const byRound = (asOf: AsOf) => sql`
  with mv as ${moves(asOf)},
  nr as (
    select s.marker as round, ${delegatorsCountStart} + s.running as start
    from (
      select u.marker, sum(u.delta) over (order by u.block_number, u.log_index rows unbounded preceding) as running
      from (
        select mv.block_number, mv.log_index, mv.delta, null::bigint as marker from mv
        union all
        select ce.block_number, ce.log_index, 0, (ce.args ->> 'round')::bigint from chain_event ce where ce.name = 'NewRound' and ${upTo(asOf, 'ce.block_number')}) u) s
    where s.marker is not null)
  select nr.round::text as round, nr.start::text as start, coalesce(rm.moved, 0)::text as moved
  from nr left join (select mv.round, sum(mv.delta) as moved from mv where mv.in_round group by mv.round) rm on rm.round = nr.round
  order by nr.round`;

describe.each(dbKinds)('the delegator count kept at index time (%s)', (kind) => {
  let fx: IndexedFixture;
  const rows = async (q: RawBuilder<unknown>) => (await q.execute(fx.db.db)).rows as J[];

  /** Protocol and per-round counts read from the table, and recomputed, as of a block. */
  const both = async (asOf: AsOf) => {
    const [kept] = await rows(sql`select ${protocolDelegatorsCount(asOf)}::text as n`);
    const [want] = await rows(sql`select (${delegatorsCountStart} + coalesce(sum(mv.delta), 0))::text as n from ${moves(asOf)} mv`);
    const keptRounds = await rows(sql`select pr.round::text as round, dc.start::text as start, dc.moved::text as moved
      from (select (ce.args ->> 'round')::bigint as round from chain_event ce where ce.name = 'NewRound' and ${upTo(asOf, 'ce.block_number')}) pr ${roundDelegatorsCount(asOf, 'pr.round')} order by pr.round`);
    return { kept: { protocol: kept!.n, rounds: keptRounds }, want: { protocol: want!.n, rounds: await rows(byRound(asOf)) } };
  };

  /** Blocks to read at: each NewRound's, one before it, and a block of a move in each round. */
  const blocks = async (): Promise<AsOf[]> => {
    const r = await rows(sql`select distinct block_number from chain_event where name in ('NewRound', 'Bond', 'Unbond', 'Rebond') order by block_number`);
    const all = r.map((x) => BigInt(x.block_number as string));
    const picks = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / 12)) === 0);
    return ['latest', ...picks.flatMap((b) => [{ block: b }, { block: b - 1n }])];
  };

  beforeAll(async () => {
    fx = await indexedFixture(kind);
  }, 600_000);
  afterAll(async () => {
    await fx?.db.close();
  });

  it('equals the recomputation from every event, now and as of past blocks', async () => {
    const [n] = await rows(sql`select count(*)::int as n, count(*) filter (where delta <> 0)::int as moved, max(total)::int as top from delegator_count_move`);
    expect(n!.moved).toBeGreaterThan(10);
    expect(n!.top).toBeGreaterThan(10);
    for (const asOf of await blocks()) {
      const { kept, want } = await both(asOf);
      expect(want.rounds.length, String(asOf === 'latest' ? asOf : asOf.block)).toBe(kept.rounds.length);
      expect(kept, String(asOf === 'latest' ? asOf : asOf.block)).toEqual(want);
    }
  });

  it('after a reorg drops its rows from the fork block on, and appends the new branch from the rows before it', async () => {
    const before = await rows(sql`select * from delegator_count_move order by block_number, log_index`);
    const forkAt = BigInt((before[Math.floor(before.length / 2)]!.block_number as string | number).toString());
    const events = await rows(sql`select * from chain_event where block_number >= ${forkAt} order by block_number, log_index`);
    const versions = await rows(sql`select * from delegator_history where version_block >= ${forkAt}`);
    await fx.db.db.transaction().execute((trx) => rollbackProjections(trx, Number(forkAt)));
    const cut = await rows(sql`select * from delegator_count_move order by block_number, log_index`);
    expect(cut).toEqual(before.filter((r) => BigInt(String(r.block_number)) < forkAt));
    let { kept, want } = await both('latest');
    expect(kept).toEqual(want);

    // The new branch: the same blocks, but the first Bond in it now comes from no delegate and the first partial
    // Unbond leaves its account nothing bonded.
    const bond = events.find((e) => e.name === 'Bond' && (e.args as J).oldDelegate.toLowerCase() !== ZERO);
    const unbond = events.find((e) => e.name === 'Unbond');
    expect(bond && unbond).toBeTruthy();
    (bond!.args as J).oldDelegate = ZERO;
    const unbonder = String((unbond!.args as J).delegator).toLowerCase();
    await fx.db.db.transaction().execute(async (trx) => {
      for (const e of events)
        await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, a2, amount, args)
          values (${e.block_number}, ${e.log_index}, ${e.tx_hash}, ${e.tx_index}, ${e.block_time}, ${e.round}, ${e.contract}, ${e.name}, ${e.a1}, ${e.a2}, ${e.amount}, ${JSON.stringify(e.args)})`.execute(trx);
      for (const v of versions) {
        const bonded = v.address === unbonder && String(v.version_block) === String(unbond!.block_number) ? '0' : v.bonded_amount;
        await sql`insert into delegator_history (address, bonded_amount, fees, delegate, delegated_amount, start_round, last_claim_round, next_unbonding_lock_id, unbonding_locks, updated_block, version_block)
          values (${v.address}, ${bonded}, ${v.fees}, ${v.delegate}, ${v.delegated_amount}, ${v.start_round}, ${v.last_claim_round}, ${v.next_unbonding_lock_id}, ${JSON.stringify(v.unbonding_locks)}, ${v.updated_block}, ${v.version_block})`.execute(trx);
      }
      await appendDelegatorCountMoves(trx);
    });
    ({ kept, want } = await both('latest'));
    expect(kept).toEqual(want);
    const after = await rows(sql`select * from delegator_count_move order by block_number, log_index`);
    const at = (e: J) => after.find((r) => String(r.block_number) === String(e.block_number) && String(r.log_index) === String(e.log_index))!;
    expect([at(bond!).delta, at(unbond!).emptied, at(unbond!).delta]).toEqual([1, true, -1]);
    for (const asOf of await blocks()) {
      ({ kept, want } = await both(asOf));
      expect(kept, String(asOf === 'latest' ? asOf : asOf.block)).toEqual(want);
    }
  });
});
