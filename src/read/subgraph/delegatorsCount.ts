import { sql, type RawBuilder } from 'kysely';
import type { AsOf } from '../db.js';
import { argAddr, upTo, ZERO_ADDRESS } from './sql.js';

// The subgraph's delegator counter (Protocol, Round and Day `delegatorsCount`) is not a count of bonded accounts:
// it moves with events. BondingManager.Bond from no delegate (oldDelegate 0) adds one, a Rebond by an account
// with no delegate (rebondFromUnbonded) adds one, an Unbond that leaves nothing bonded takes one away. On Arbitrum
// One it starts at 3,520, the L1 subgraph's count in its final round. A round starts from the count at its
// NewRound (when stake is bonded) and moves with the round's Bond and Unbond events after it; the subgraph's Rebond
// handler changes its Round without saving it, so a rebond moves the protocol's count only.

/** The count the subgraph starts from on this database's network. */
export const delegatorsCountStart = sql`(case when (select m.value ->> 'name' from atlas_meta m where m.key = 'network') = 'arbitrum-one' then 3520 else 0 end)`;

/**
 * One row per Bond, Unbond and Rebond up to the read's block: its position, round (the last initialized one),
 * `delta` (its change to the count) and `in_round` (whether it moves the round's count too). An Unbond empties the
 * account when its bonded amount after that block (its version in delegator_history) is zero.
 */
export const delegatorCountMoves = (asOf: AsOf): RawBuilder<unknown> => sql`(
  select m.block_number, m.log_index, m.round, m.name <> 'Rebond' as in_round,
    case when m.name = 'Bond' then (case when m.from_none then 1 else 0 end)
      when m.name = 'Unbond' then (case when m.emptied then -1 else 0 end)
      else (case when coalesce(m.prev_emptied, true) then 1 else 0 end) end as delta
  from (
    select x.*, lag(x.emptied) over (partition by x.delegator order by x.block_number, x.log_index) as prev_emptied
    from (
      select ce.block_number, ce.log_index, ce.round, ce.name, ${argAddr('ce', 'delegator')} as delegator,
        (ce.name = 'Bond' and ${argAddr('ce', 'oldDelegate')} = ${ZERO_ADDRESS}) as from_none,
        (ce.name = 'Unbond' and exists (select 1 from delegator_history dh
          where dh.address = ${argAddr('ce', 'delegator')} and dh.version_block = ce.block_number and dh.bonded_amount = 0)) as emptied
      from chain_event ce where ce.name in ('Bond', 'Unbond', 'Rebond') and ${upTo(asOf, 'ce.block_number')}
    ) x
  ) m
)`;

/**
 * Per initialized round: `start` (the count at its NewRound, before the round's own moves) and `moved` (the
 * round's Bond and Unbond moves after it). Columns round, start, moved.
 */
export const delegatorsCountByRound = (asOf: AsOf): RawBuilder<unknown> => sql`(
  with mv as ${delegatorCountMoves(asOf)},
  nr as (
    select s.marker as round, ${delegatorsCountStart} + s.running as start
    from (
      select u.marker, sum(u.delta) over (order by u.block_number, u.log_index rows unbounded preceding) as running
      from (
        select mv.block_number, mv.log_index, mv.delta, null::bigint as marker from mv
        union all
        select ce.block_number, ce.log_index, 0, (ce.args ->> 'round')::bigint from chain_event ce where ce.name = 'NewRound' and ${upTo(asOf, 'ce.block_number')}
      ) u
    ) s where s.marker is not null)
  select nr.round, nr.start, coalesce(rm.moved, 0) as moved
  from nr left join (select mv.round, sum(mv.delta) as moved from mv where mv.in_round group by mv.round) rm on rm.round = nr.round
)`;
