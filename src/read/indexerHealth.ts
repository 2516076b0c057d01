import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** Chain events the protocol mirror did not predict (ledger_divergence rows); 0 when Atlas equals the contracts. */
export async function divergenceCount(db: Db): Promise<number> {
  const r = await rows(db, sql<{ n: Text }>`select count(*)::text as n from ledger_divergence`);
  return Number(r[0]?.n ?? 0);
}

/** Values of the BondingManager's views the chain read back differently (state_divergence rows, `--verify-state`). */
export async function stateDivergenceCount(db: Db): Promise<number> {
  const r = await rows(db, sql<{ n: Text }>`select count(*)::text as n from state_divergence`);
  return Number(r[0]?.n ?? 0);
}

/** Rows of the index compared with the chain's BondingManager views by `atlas verify` (numbers as decimal text). */
export interface StateSample {
  delegators: ({ address: string } & Record<string, unknown>)[];
  transcoders: ({ address: string } & Record<string, unknown>)[];
  pools: ({ transcoder: string; round: string } & Record<string, unknown>)[];
}

/**
 * Up to `n` delegators drawn at random, the orchestrators among them, and each such orchestrator's newest
 * earnings pool: the rows `atlas verify` reads back from the chain.
 */
export async function sampleState(db: Db, n: number): Promise<StateSample> {
  const delegators = await rows(
    db,
    sql<{ address: string } & Record<string, unknown>>`
      select address, bonded_amount::text as bonded_amount, fees::text as fees, delegate, delegated_amount::text as delegated_amount,
        start_round::text as start_round, last_claim_round::text as last_claim_round, next_unbonding_lock_id::text as next_unbonding_lock_id
      from delegator order by random() limit ${n}`,
  );
  const picked = delegators.map((d) => d.address);
  if (picked.length === 0) return { delegators, transcoders: [], pools: [] };
  const transcoders = await rows(
    db,
    sql<{ address: string } & Record<string, unknown>>`
      select address, last_reward_round::text as last_reward_round, reward_cut::text as reward_cut, fee_share::text as fee_share,
        last_active_stake_update_round::text as last_active_stake_update_round, activation_round::text as activation_round,
        deactivation_round::text as deactivation_round, active_cumulative_rewards::text as active_cumulative_rewards,
        cumulative_rewards::text as cumulative_rewards, cumulative_fees::text as cumulative_fees, last_fee_round::text as last_fee_round
      from transcoder where address in (${sql.join(picked)})`,
  );
  const pools =
    transcoders.length === 0
      ? []
      : await rows(
          db,
          sql<{ transcoder: string; round: string } & Record<string, unknown>>`
            select p.transcoder, p.round::text as round, p.total_stake::text as total_stake, p.reward_cut::text as reward_cut, p.fee_share::text as fee_share,
              p.cumulative_reward_factor::text as cumulative_reward_factor, p.cumulative_fee_factor::text as cumulative_fee_factor
            from earnings_pool p
            where p.transcoder in (${sql.join(transcoders.map((t) => t.address))})
              and p.round = (select max(q.round) from earnings_pool q where q.transcoder = p.transcoder)`,
        );
  return { delegators, transcoders, pools };
}

/** Logs of protocol contracts Atlas could not name (unknown_log), grouped by address and event selector. */
export interface UnknownLogGroup {
  address: string;
  /** Null for an anonymous log. */
  topic0: string | null;
  count: number;
  firstBlock: bigint;
  lastBlock: bigint;
}

/** Unknown-log groups, most frequent first. */
export async function unknownLogGroups(db: Db): Promise<UnknownLogGroup[]> {
  const r = await rows(
    db,
    sql<{ address: string; topic0: string | null; n: Text; first: Text; last: Text }>`
      select address, topic0, count(*)::text as n, min(block_number)::text as first, max(block_number)::text as last
      from unknown_log group by address, topic0 order by count(*) desc, address, topic0`,
  );
  return r.map((g) => ({ address: g.address, topic0: g.topic0, count: Number(g.n), firstBlock: big(g.first), lastBlock: big(g.last) }));
}
