-- Protocol projections (src/projections). Amounts are numeric(78,0) in wei / LPT base units;
-- rounds and blocks are bigint; addresses are lower-case 0x-hex text.

-- Every decoded protocol event, for history views and exports.
create table chain_event (
  block_number bigint not null,
  log_index integer not null,
  tx_hash text not null,
  tx_index integer not null,
  block_time bigint not null,
  round bigint,
  contract text not null,
  name text not null,
  -- Principal addresses of the event (e.g. delegator / delegate, sender / recipient) for filtering.
  a1 text,
  a2 text,
  amount numeric(78, 0),
  -- json (not jsonb): stored as written, cheaper on the write path; read back whole.
  args json not null,
  primary key (block_number, log_index)
);
create index chain_event_name_idx on chain_event (name, block_number);
create index chain_event_a1_idx on chain_event (a1, block_number) where a1 is not null;
create index chain_event_a2_idx on chain_event (a2, block_number) where a2 is not null;

-- One row per initialized round: the Minter and BondingManager figures at initialization plus
-- what happened during the round (rewards minted, fees paid).
create table protocol_round (
  round bigint primary key,
  block_number bigint not null,
  block_time bigint not null,
  l1_block bigint,
  block_hash text not null,
  mintable numeric(78, 0) not null,
  inflation numeric(78, 0) not null,
  total_active_stake numeric(78, 0) not null,
  l2_supply numeric(78, 0) not null,
  l1_supply numeric(78, 0),
  treasury_reward_cut_rate numeric(78, 0) not null,
  treasury_balance numeric(78, 0) not null,
  active_transcoders integer not null,
  rewards numeric(78, 0) not null default 0,
  treasury_rewards numeric(78, 0) not null default 0,
  reward_calls integer not null default 0,
  fees numeric(78, 0) not null default 0,
  winning_tickets integer not null default 0
);

-- BondingManager transcoder records, as getTranscoder returns them, plus total stake.
create table transcoder (
  address text primary key,
  last_reward_round bigint not null,
  reward_cut bigint not null,
  fee_share bigint not null,
  last_active_stake_update_round bigint not null,
  activation_round bigint not null,
  deactivation_round numeric(78, 0) not null,
  active_cumulative_rewards numeric(78, 0) not null,
  cumulative_rewards numeric(78, 0) not null,
  cumulative_fees numeric(78, 0) not null,
  last_fee_round bigint not null,
  total_stake numeric(78, 0) not null,
  updated_block bigint not null
);

-- Off-ledger facts about orchestrators: service URIs, reward caller, first appearance.
create table orchestrator (
  address text primary key,
  service_uri text,
  ai_service_uri text,
  reward_caller text,
  first_block bigint not null,
  updated_block bigint not null
);

-- BondingManager delegator records, as getDelegator returns them.
create table delegator (
  address text primary key,
  bonded_amount numeric(78, 0) not null,
  fees numeric(78, 0) not null,
  delegate text not null,
  delegated_amount numeric(78, 0) not null,
  start_round bigint not null,
  last_claim_round bigint not null,
  next_unbonding_lock_id bigint not null,
  -- Open unbonding locks: [{"id": "3", "amount": "…", "withdrawRound": "…"}].
  unbonding_locks jsonb not null,
  updated_block bigint not null
);
create index delegator_delegate_idx on delegator (delegate);

-- Earnings pool per (orchestrator, round): the contract's stored pool (stake, cuts, factors at 1e27)
-- and what was paid into it that round (rewards, treasury part, fees).
create table earnings_pool (
  transcoder text not null,
  round bigint not null,
  total_stake numeric(78, 0) not null default 0,
  reward_cut bigint not null default 0,
  fee_share bigint not null default 0,
  cumulative_reward_factor numeric(78, 0) not null default 0,
  cumulative_fee_factor numeric(78, 0) not null default 0,
  rewards numeric(78, 0) not null default 0,
  treasury_rewards numeric(78, 0) not null default 0,
  fees numeric(78, 0) not null default 0,
  primary key (transcoder, round)
);
create index earnings_pool_round_idx on earnings_pool (round);

-- TicketBroker senders (gateways): funds and totals paid.
create table gateway (
  address text primary key,
  deposit numeric(78, 0) not null,
  reserve numeric(78, 0) not null,
  withdraw_round bigint,
  winning_tickets integer not null,
  face_value_total numeric(78, 0) not null,
  fees_paid numeric(78, 0) not null,
  first_block bigint not null,
  updated_block bigint not null
);

create table winning_ticket (
  block_number bigint not null,
  log_index integer not null,
  tx_hash text not null,
  block_time bigint not null,
  round bigint not null,
  sender text not null,
  recipient text not null,
  face_value numeric(78, 0) not null,
  win_prob numeric(78, 0) not null,
  sender_nonce numeric(78, 0) not null,
  creation_round bigint,
  paid numeric(78, 0) not null,
  primary key (block_number, log_index)
);
create index winning_ticket_sender_idx on winning_ticket (sender, round);
create index winning_ticket_recipient_idx on winning_ticket (recipient, round);

-- Parameter changes with the value read at (or derived for) that block.
create table param_change (
  block_number bigint not null,
  log_index integer not null,
  contract text not null,
  param text not null,
  value text,
  primary key (block_number, log_index)
);

create table contract_info (
  block_number bigint not null,
  log_index integer not null,
  id text not null,
  name text,
  address text not null,
  git_commit_hash text not null,
  primary key (block_number, log_index)
);

-- BondingVotes delegation changes with the round from which they count.
create table delegate_change (
  block_number bigint not null,
  log_index integer not null,
  account text not null,
  from_delegate text not null,
  to_delegate text not null,
  start_round bigint not null,
  primary key (block_number, log_index)
);
create index delegate_change_account_idx on delegate_change (account, start_round);

create table proposal (
  id text primary key,
  proposer text not null,
  targets jsonb not null,
  "values" jsonb not null,
  calldatas jsonb not null,
  description text not null,
  vote_start bigint not null,
  vote_end bigint not null,
  created_block bigint not null,
  created_round bigint,
  queued_block bigint,
  eta bigint,
  executed_block bigint,
  canceled_block bigint,
  for_votes numeric(78, 0) not null default 0,
  against_votes numeric(78, 0) not null default 0,
  abstain_votes numeric(78, 0) not null default 0,
  voters integer not null default 0
);

create table vote (
  proposal_id text not null,
  voter text not null,
  support smallint not null,
  weight numeric(78, 0) not null,
  reason text not null,
  delegate text,
  block_number bigint not null,
  log_index integer not null,
  primary key (proposal_id, voter)
);
create index vote_voter_idx on vote (voter);

create table treasury_call (
  operation_id text not null,
  call_index integer not null,
  target text not null,
  value numeric(78, 0) not null,
  data text not null,
  delay bigint not null,
  scheduled_block bigint not null,
  executed_block bigint,
  cancelled_block bigint,
  primary key (operation_id, call_index)
);

-- Treasury LPT balance after every change.
create table treasury_balance (
  block_number bigint not null,
  log_index integer not null,
  balance numeric(78, 0) not null,
  delta numeric(78, 0) not null,
  kind text not null,
  primary key (block_number, log_index)
);

-- Prior images of mutable rows changed in unfinalized blocks, so a reorg can restore them exactly.
create table projection_undo (
  seq bigserial primary key,
  block_number bigint not null,
  tbl text not null,
  key jsonb not null,
  old_row jsonb
);
create index projection_undo_block_idx on projection_undo (block_number);

-- Places where a chain event differed from what the protocol math predicted (should stay empty).
create table ledger_divergence (
  block_number bigint not null,
  log_index integer not null,
  tx_hash text not null,
  what text not null,
  expected text not null,
  actual text not null,
  primary key (block_number, log_index, what)
);
