-- History for reads as of a past block (GraphQL `block: { number | hash }`), written by the protocol projection in
-- each batch's transaction and deleted from a fork block on by a reorg, like every append-only table.

-- RoundsManager and Minter settings read at each NewRound's block (eth_call): round length and lock amount, the
-- round's start on the round clock, inflation change and target bonding rate. Null where the node could not serve
-- that block's state.
alter table protocol_round add column round_length bigint;
alter table protocol_round add column round_lock_amount bigint;
alter table protocol_round add column start_block bigint;
alter table protocol_round add column inflation_change numeric(78, 0);
alter table protocol_round add column target_bonding_rate numeric(78, 0);

-- The state of each mutable projection row after every block that changed it: a read as of block N takes, per
-- key, the newest version with version_block <= N. Same columns as the current table.
create table transcoder_history (like transcoder);
alter table transcoder_history add column version_block bigint not null;
create index transcoder_history_key_idx on transcoder_history (address, version_block);

create table delegator_history (like delegator);
alter table delegator_history add column version_block bigint not null;
create index delegator_history_key_idx on delegator_history (address, version_block);

create table earnings_pool_history (like earnings_pool);
alter table earnings_pool_history add column version_block bigint not null;
create index earnings_pool_history_key_idx on earnings_pool_history (transcoder, round, version_block);

create table protocol_round_history (like protocol_round);
alter table protocol_round_history add column version_block bigint not null;
create index protocol_round_history_key_idx on protocol_round_history (round, version_block);

create table orchestrator_history (like orchestrator);
alter table orchestrator_history add column version_block bigint not null;
create index orchestrator_history_key_idx on orchestrator_history (address, version_block);

create table gateway_history (like gateway);
alter table gateway_history add column version_block bigint not null;
create index gateway_history_key_idx on gateway_history (address, version_block);

-- The transcoder pool when each round was initialized (RoundsManager.NewRound): every orchestrator active in the
-- round with its stake and cuts at that moment. The subgraph's Pool entities are these rows.
create table round_pool (
  round bigint not null,
  transcoder text not null,
  total_stake numeric(78, 0) not null,
  reward_cut bigint not null,
  fee_share bigint not null,
  block_number bigint not null,
  primary key (round, transcoder)
);
create index round_pool_transcoder_idx on round_pool (transcoder, round);

-- Every transaction that emitted a protocol event: sender, recipient, gas limit and price (the subgraph's
-- Transaction entity), read from the node by block and position.
create table chain_tx (
  hash text primary key,
  block_number bigint not null,
  tx_index integer not null,
  block_time bigint not null,
  from_address text not null,
  to_address text,
  gas numeric(78, 0) not null,
  gas_price numeric(78, 0) not null
);
create index chain_tx_block_idx on chain_tx (block_number, tx_index);
create index chain_tx_from_idx on chain_tx (from_address, block_number);

-- Every block the indexer read logs from: its hash (a `block: { hash }` read names it), parent, time and the L1
-- block Arbitrum carries (the round clock).
create table indexed_block (
  block_number bigint primary key,
  hash text not null,
  parent_hash text not null,
  block_time bigint not null,
  l1_block bigint
);
create index indexed_block_hash_idx on indexed_block (hash);
