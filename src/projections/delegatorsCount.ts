import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

// The subgraph's delegator counter (Protocol, Round and Day `delegatorsCount`) is not a count of bonded accounts:
// it moves with events. BondingManager.Bond from no delegate (oldDelegate 0) adds one, a Rebond by an account
// whose last move emptied it (or that never moved) adds one, an Unbond that leaves nothing bonded takes one away;
// the subgraph reads the bonded amount with an eth_call, which answers the state after the block. A round starts
// from the count at its NewRound and moves with the round's Bond and Unbond events after it; the subgraph's Rebond
// handler changes its Round without saving it, so a rebond moves the protocol's count only.
//
// delegator_count_move keeps one row per Bond, Unbond, Rebond and NewRound with its change and the running totals
// after it, so a read as of any block is one index lookup (read/subgraph/delegatorsCount.ts).

/**
 * Appends the rows of every Bond, Unbond, Rebond and NewRound in chain_event after the table's last row, from the
 * events and delegator_history (the bonded amount after each block). Runs in the batch's transaction after its
 * rows are written; a reorg deletes rows from the fork block on and the next batch appends them again.
 */
export async function appendDelegatorCountMoves(db: Kysely<Database>): Promise<void> {
  await sql`
    insert into delegator_count_move (block_number, log_index, delegator, round, new_round, in_round, emptied, delta, total, round_total)
    with lastrow as (select m.block_number, m.log_index, m.total from delegator_count_move m order by m.block_number desc, m.log_index desc limit 1),
    ev as (
      select ce.block_number, ce.log_index, ce.name, ce.round,
        case when ce.name = 'NewRound' then (ce.args ->> 'round')::bigint end as new_round,
        case when ce.name <> 'NewRound' then lower(ce.args ->> 'delegator') end as delegator,
        (ce.name = 'Bond' and lower(ce.args ->> 'oldDelegate') = ${ZERO_ADDRESS}) as from_none,
        (ce.name = 'Unbond' and exists (select 1 from delegator_history dh
          where dh.address = lower(ce.args ->> 'delegator') and dh.version_block = ce.block_number and dh.bonded_amount = 0)) as emptied
      from chain_event ce
      where ce.name in ('Bond', 'Unbond', 'Rebond', 'NewRound')
        and ce.block_number >= coalesce((select block_number from lastrow), -1)
        and (ce.block_number, ce.log_index) > (coalesce((select block_number from lastrow), -1), coalesce((select log_index from lastrow), -1))),
    prev as (
      -- The account's previous move: in this run, else the table's last row for it (none: never moved).
      select ev.*, coalesce(lag(ev.emptied) over (partition by ev.delegator order by ev.block_number, ev.log_index),
        (select m.emptied from delegator_count_move m where m.delegator = ev.delegator order by m.block_number desc, m.log_index desc limit 1)) as prev_emptied
      from ev),
    d as (
      select prev.*, prev.name in ('Bond', 'Unbond') as in_round,
        case when prev.name = 'Bond' then (case when prev.from_none then 1 else 0 end)
          when prev.name = 'Unbond' then (case when prev.emptied then -1 else 0 end)
          when prev.name = 'Rebond' then (case when coalesce(prev.prev_emptied, true) then 1 else 0 end)
          else 0 end as delta
      from prev)
    select d.block_number, d.log_index, d.delegator, d.round, d.new_round, d.in_round, d.emptied, d.delta,
      coalesce((select total from lastrow), 0) + sum(d.delta) over (order by d.block_number, d.log_index rows unbounded preceding) as total,
      coalesce((select m.round_total from delegator_count_move m where m.round = d.round order by m.block_number desc, m.log_index desc limit 1), 0)
        + sum(case when d.in_round then d.delta else 0 end) over (partition by d.round order by d.block_number, d.log_index rows unbounded preceding) as round_total
    from d`.execute(db);
}
