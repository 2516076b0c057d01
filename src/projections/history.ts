import type { SqlValue } from './sqlWriter.js';

/**
 * Versions of the mutable projection rows, one per block that changed them, for reads as of a past block. Each
 * `<table>_history` table has the current table's columns plus `version_block`; a reorg deletes versions from the
 * fork block on. Written with COPY: a version is never updated.
 */
export const HISTORY_COLUMNS = {
  transcoder: ['address', 'last_reward_round', 'reward_cut', 'fee_share', 'last_active_stake_update_round', 'activation_round', 'deactivation_round', 'active_cumulative_rewards', 'cumulative_rewards', 'cumulative_fees', 'last_fee_round', 'total_stake', 'updated_block'],
  delegator: ['address', 'bonded_amount', 'fees', 'delegate', 'delegated_amount', 'start_round', 'last_claim_round', 'next_unbonding_lock_id', 'unbonding_locks', 'updated_block'],
  earnings_pool: ['transcoder', 'round', 'total_stake', 'reward_cut', 'fee_share', 'cumulative_reward_factor', 'cumulative_fee_factor', 'rewards', 'treasury_rewards', 'fees'],
  protocol_round: ['round', 'block_number', 'block_time', 'l1_block', 'block_hash', 'mintable', 'inflation', 'total_active_stake', 'l2_supply', 'l1_supply', 'treasury_reward_cut_rate', 'treasury_balance', 'active_transcoders', 'rewards', 'treasury_rewards', 'reward_calls', 'fees', 'winning_tickets', 'round_length', 'round_lock_amount', 'start_block', 'inflation_change', 'target_bonding_rate'],
  orchestrator: ['address', 'service_uri', 'ai_service_uri', 'reward_caller', 'first_block', 'updated_block'],
  gateway: ['address', 'deposit', 'reserve', 'withdraw_round', 'winning_tickets', 'face_value_total', 'fees_paid', 'first_block', 'updated_block'],
} as const satisfies Record<string, readonly string[]>;

export type HistoryTable = keyof typeof HISTORY_COLUMNS;
export const HISTORY_TABLES = Object.keys(HISTORY_COLUMNS) as HistoryTable[];

/** The history table of a mutable table. */
export const historyTable = (t: HistoryTable) => `${t}_history`;

/** Row versions of one batch, by table: each row carries `version_block`. */
export type HistoryRows = Record<HistoryTable, Record<string, SqlValue>[]>;

export const emptyHistory = (): HistoryRows => ({ transcoder: [], delegator: [], earnings_pool: [], protocol_round: [], orchestrator: [], gateway: [] });

/** Keys of the rows a block changed, gathered while its transactions are applied and turned into versions at its end. */
export class BlockTouches {
  readonly delegators = new Set<string>();
  readonly transcoders = new Set<string>();
  /** Earnings pools by `transcoder|round`. */
  readonly pools = new Map<string, [string, bigint]>();
  readonly rounds = new Set<bigint>();
  readonly orchestrators = new Set<string>();
  readonly gateways = new Set<string>();

  get empty(): boolean {
    return this.delegators.size + this.transcoders.size + this.pools.size + this.rounds.size + this.orchestrators.size + this.gateways.size === 0;
  }

  clear(): void {
    this.delegators.clear();
    this.transcoders.clear();
    this.pools.clear();
    this.rounds.clear();
    this.orchestrators.clear();
    this.gateways.clear();
  }
}
