-- Contracts created at run time by a factory (legacy polls from PollCreator): their logs belong to
-- the factory's source from their creation block on. Written in the batch transaction that saw the
-- creation log, deleted by a reorg that removes that block, so the address set always matches the
-- checkpoint.
create table sync_child (
  source text not null,
  address text not null,
  from_block bigint not null,
  primary key (source, address)
);
create index sync_child_block_idx on sync_child (from_block);

-- Legacy poll results, computed by the projection at the first block past each poll's end (L1
-- block), from the stake ledger at that moment. Append-only: a reorg deletes rows from the fork on.
create table poll_tally (
  poll text primary key,
  block_number bigint not null,
  round bigint,
  end_block bigint not null,
  yes_stake numeric(78, 0) not null,
  no_stake numeric(78, 0) not null,
  -- Total bonded stake the quorum is measured against (LPT-wei).
  total_stake numeric(78, 0) not null,
  quorum numeric(78, 0) not null,
  quota numeric(78, 0) not null,
  voters integer not null,
  passed boolean not null
);
