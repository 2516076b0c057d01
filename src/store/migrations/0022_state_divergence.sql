-- Values of the BondingManager's views (getDelegator, getTranscoder, getTranscoderEarningsPoolForRound) where the
-- chain, read at the end of a batch with `--verify-state`, differed from the row Atlas wrote (should stay empty).
-- Appended by the protocol projection in the batch's transaction and deleted from a fork block on by a reorg.
create table state_divergence (
  block_number bigint not null,
  account text not null,
  view text not null,
  field text not null,
  atlas text not null,
  chain text not null,
  primary key (block_number, account, view, field)
);
