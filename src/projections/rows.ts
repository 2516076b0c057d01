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
