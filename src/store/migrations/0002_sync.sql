-- Sync engine bookkeeping (src/sync). Rows here are written in the same
-- transaction as the projection rows of each batch, so after a crash the
-- checkpoint and the projections always agree.

-- Last fully processed block per log source (a named set of contract addresses).
create table sync_checkpoint (
  source text primary key,
  block bigint not null,
  -- Hash of `block` as seen when it was processed; null before the first batch.
  block_hash text,
  updated_at timestamptz not null default now()
);

-- Recent blocks the engine has processed, newest first when walking back to find
-- a fork point after a reorg. Pruned to a window behind the newest row.
create table sync_block (
  number bigint primary key,
  hash text not null,
  parent_hash text not null,
  timestamp bigint not null,
  -- Arbitrum: the L1 block number carried by the L2 header (null elsewhere).
  l1_block bigint
);
