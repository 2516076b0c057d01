import { sql, type RawBuilder } from 'kysely';
import type { AsOf } from '../db.js';
import { upTo } from './sql.js';

// The subgraph's delegator counter (Protocol, Round and Day `delegatorsCount`) moves with Bond, Unbond and Rebond
// events (see projections/delegatorsCount.ts, which keeps delegator_count_move at index time). On Arbitrum One it
// starts at 3,520, the L1 subgraph's count in its final round.

/** The count the subgraph starts from on this database's network. */
export const delegatorsCountStart = sql`(case when (select m.value ->> 'name' from atlas_meta m where m.key = 'network') = 'arbitrum-one' then 3520 else 0 end)`;

/** The protocol's count after the last move up to the read's block. */
export const protocolDelegatorsCount = (asOf: AsOf): RawBuilder<unknown> =>
  sql`(${delegatorsCountStart} + coalesce((select m.total from delegator_count_move m where ${upTo(asOf, 'm.block_number')} order by m.block_number desc, m.log_index desc limit 1), 0))`;

/**
 * A lateral join giving the round in `roundCol` (initialized by the read's block) `dc.start`, the count at its
 * NewRound (before the round's own moves), and `dc.moved`, the round's Bond and Unbond moves up to the read's block;
 * no row for a round without a NewRound.
 */
export const roundDelegatorsCount = (asOf: AsOf, roundCol: string): RawBuilder<unknown> => sql`left join lateral (
  select ${delegatorsCountStart} + m.total as start,
    coalesce((select r.round_total from delegator_count_move r where r.round = m.new_round and ${upTo(asOf, 'r.block_number')}
      order by r.block_number desc, r.log_index desc limit 1), 0) as moved
  from delegator_count_move m where m.new_round = ${sql.ref(roundCol)} and ${upTo(asOf, 'm.block_number')}) dc on true`;
