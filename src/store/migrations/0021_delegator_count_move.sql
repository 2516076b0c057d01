-- The subgraph's event-driven delegator counter (Protocol, Round and Day `delegatorsCount`), kept at index time so a
-- read is an index lookup: one row per BondingManager Bond, Unbond and Rebond and per RoundsManager NewRound, with
-- its change to the count and the running totals after it. Written by the protocol projection in each batch's
-- transaction (projections/delegatorsCount.ts) and deleted from a fork block on by a reorg, like every append-only
-- table; a database indexed before this table existed fills it on its next batch.
create table delegator_count_move (
  block_number bigint not null,
  log_index integer not null,
  -- The account that moved (null for a NewRound).
  delegator text,
  -- The last round initialized before the event (chain_event.round).
  round bigint,
  -- The round a NewRound initialized (null for a move).
  new_round bigint,
  -- Whether the move counts in its round too (Bond and Unbond; a Rebond moves the protocol's count only).
  in_round boolean not null,
  -- An Unbond that left the account nothing bonded (its bonded amount after the block is zero).
  emptied boolean not null,
  delta smallint not null,
  -- The count after this row, from the network's starting count (0 on a new network).
  total bigint not null,
  -- The sum of the in-round moves of `round` up to this row.
  round_total bigint not null,
  primary key (block_number, log_index)
);
create index delegator_count_move_round_idx on delegator_count_move (round, block_number, log_index);
create index delegator_count_move_new_round_idx on delegator_count_move (new_round) where new_round is not null;
create index delegator_count_move_delegator_idx on delegator_count_move (delegator, block_number, log_index) where delegator is not null;
