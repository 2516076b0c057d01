// Row shapes written by the protocol projection; amounts are bigint here and numeric(78,0) in SQL.

export interface ChainEventRow {
  block_number: number;
  log_index: number;
  tx_hash: string;
  tx_index: number;
  block_time: number;
  round: bigint | null;
  contract: string;
  name: string;
  a1: string | null;
  a2: string | null;
  amount: bigint | null;
  args: Record<string, unknown>;
}

export interface RoundRow {
  round: bigint;
  block_number: number;
  block_time: number;
  l1_block: number | null;
  block_hash: string;
  mintable: bigint;
  inflation: bigint;
  total_active_stake: bigint;
  l2_supply: bigint;
  l1_supply: bigint | null;
  treasury_reward_cut_rate: bigint;
  treasury_balance: bigint;
  active_transcoders: number;
  rewards: bigint;
  treasury_rewards: bigint;
  reward_calls: number;
  fees: bigint;
  winning_tickets: number;
  /** RoundsManager/Minter readings at the NewRound block (null when the node could not serve them). */
  round_length: bigint | null;
  round_lock_amount: bigint | null;
  start_block: bigint | null;
  inflation_change: bigint | null;
  target_bonding_rate: bigint | null;
}

export interface OrchestratorRow {
  address: string;
  service_uri: string | null;
  ai_service_uri: string | null;
  reward_caller: string | null;
  first_block: number;
  updated_block: number;
}

export interface GatewayRow {
  address: string;
  deposit: bigint;
  reserve: bigint;
  withdraw_round: bigint | null;
  winning_tickets: number;
  face_value_total: bigint;
  fees_paid: bigint;
  first_block: number;
  updated_block: number;
}

/** A transcoder table row (BondingManager.getTranscoder plus total stake). */
export type TranscoderTableRow = {
  address: string;
  last_reward_round: bigint;
  reward_cut: bigint;
  fee_share: bigint;
  last_active_stake_update_round: bigint;
  activation_round: bigint;
  deactivation_round: bigint;
  active_cumulative_rewards: bigint;
  cumulative_rewards: bigint;
  cumulative_fees: bigint;
  last_fee_round: bigint;
  total_stake: bigint;
  updated_block: number;
};

/** A delegator table row (BondingManager.getDelegator with its open unbonding locks). */
export type DelegatorTableRow = {
  address: string;
  bonded_amount: bigint;
  fees: bigint;
  delegate: string;
  delegated_amount: bigint;
  start_round: bigint;
  last_claim_round: bigint;
  next_unbonding_lock_id: bigint;
  unbonding_locks: { id: string; amount: string; withdrawRound: string }[];
  updated_block: number;
};

/** An earnings_pool row: the contract's pool of (transcoder, round) and what was paid into it. */
export type EarningsPoolTableRow = {
  transcoder: string;
  round: bigint;
  total_stake: bigint;
  reward_cut: bigint;
  fee_share: bigint;
  cumulative_reward_factor: bigint;
  cumulative_fee_factor: bigint;
  rewards: bigint;
  treasury_rewards: bigint;
  fees: bigint;
};

/** An orchestrator active in a round, with its stake and cuts when the round was initialized (round_pool). */
export interface RoundPoolRow {
  round: bigint;
  transcoder: string;
  total_stake: bigint;
  reward_cut: bigint;
  fee_share: bigint;
  block_number: number;
}

/** A transaction that emitted protocol events (chain_tx): sender, recipient, gas limit and price. */
export interface ChainTxRow {
  hash: string;
  block_number: number;
  tx_index: number;
  block_time: number;
  from_address: string;
  to_address: string | null;
  gas: bigint;
  gas_price: bigint;
}

/** A block the indexer read logs from (indexed_block). */
export interface IndexedBlockRow {
  block_number: number;
  hash: string;
  parent_hash: string;
  block_time: number;
  l1_block: number | null;
}

export interface PoolPaymentRow {
  transcoder: string;
  round: bigint;
  rewards: bigint;
  treasury_rewards: bigint;
  fees: bigint;
}

export interface WinningTicketRow {
  block_number: number;
  log_index: number;
  tx_hash: string;
  block_time: number;
  round: bigint;
  sender: string;
  recipient: string;
  face_value: bigint;
  win_prob: bigint;
  sender_nonce: bigint;
  creation_round: bigint | null;
  paid: bigint;
}

export interface ParamChangeRow {
  block_number: number;
  log_index: number;
  contract: string;
  param: string;
  value: string | null;
}

export interface ContractInfoRow {
  block_number: number;
  log_index: number;
  id: string;
  name: string | null;
  address: string;
  git_commit_hash: string;
}

export interface DelegateChangeRow {
  block_number: number;
  log_index: number;
  account: string;
  from_delegate: string;
  to_delegate: string;
  start_round: bigint;
}

export interface ProposalRow {
  id: string;
  proposer: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  description: string;
  vote_start: bigint;
  vote_end: bigint;
  created_block: number;
  created_round: bigint | null;
  queued_block: number | null;
  eta: bigint | null;
  executed_block: number | null;
  canceled_block: number | null;
  for_votes: bigint;
  against_votes: bigint;
  abstain_votes: bigint;
  voters: number;
}

export interface VoteRow {
  proposal_id: string;
  voter: string;
  support: number;
  weight: bigint;
  reason: string;
  delegate: string | null;
  block_number: number;
  log_index: number;
}

export interface TreasuryCallRow {
  operation_id: string;
  call_index: number;
  target: string;
  value: bigint;
  data: string;
  delay: bigint;
  scheduled_block: number;
  executed_block: number | null;
  cancelled_block: number | null;
}

export interface TreasuryBalanceRow {
  block_number: number;
  log_index: number;
  balance: bigint;
  delta: bigint;
  kind: string;
}

export interface DivergenceRow {
  block_number: number;
  log_index: number;
  tx_hash: string;
  what: string;
  expected: string;
  actual: string;
}

/** A value of the BondingManager's views where the chain and Atlas's row differ (`--verify-state`, `atlas verify`). */
export interface StateDivergenceRow {
  block_number: number;
  account: string;
  /** getDelegator, getTranscoder or getTranscoderEarningsPoolForRound(<round>). */
  view: string;
  /** Atlas's column compared ('*' when the call itself failed). */
  field: string;
  atlas: string;
  chain: string;
}

/** A log of a protocol contract the decoder could not name. */
export interface UnknownLogRow {
  block_number: number;
  log_index: number;
  tx_hash: string;
  address: string;
  topic0: string | null;
}

/** A legacy poll's result, fixed at the first block past its end (migration 0011). */
export interface PollTallyRow {
  poll: string;
  block_number: number;
  round: bigint | null;
  end_block: bigint;
  yes_stake: bigint;
  no_stake: bigint;
  total_stake: bigint;
  quorum: bigint;
  quota: bigint;
  voters: number;
  passed: boolean;
}
