import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** One orchestrator's earnings pool in one round (earnings_pool), with the round's start time. */
export interface PoolRow {
  round: bigint;
  /** Block time of the round's start; null when the round row is missing. */
  time: number | null;
  totalStake: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  cumulativeRewardFactor: bigint;
  cumulativeFeeFactor: bigint;
  rewards: bigint;
  treasuryRewards: bigint;
  fees: bigint;
}

/** An orchestrator's pools from `fromRound` on, oldest first. */
export async function poolHistory(db: Db, transcoder: string, fromRound: bigint): Promise<PoolRow[]> {
  const r = await rows(
    db,
    sql<Record<string, Text | null>>`
      select ep.round::text, ep.total_stake::text, ep.reward_cut::text, ep.fee_share::text,
        ep.cumulative_reward_factor::text, ep.cumulative_fee_factor::text, ep.rewards::text,
        ep.treasury_rewards::text, ep.fees::text, pr.block_time::text
      from earnings_pool ep left join protocol_round pr on pr.round = ep.round
      where ep.transcoder = ${transcoder} and ep.round >= ${fromRound.toString()}
      order by ep.round`,
  );
  return r.map((p) => ({
    round: big(p.round!),
    time: p.block_time ? Number(p.block_time) : null,
    totalStake: big(p.total_stake!),
    rewardCut: big(p.reward_cut!),
    feeShare: big(p.fee_share!),
    cumulativeRewardFactor: big(p.cumulative_reward_factor!),
    cumulativeFeeFactor: big(p.cumulative_fee_factor!),
    rewards: big(p.rewards!),
    treasuryRewards: big(p.treasury_rewards!),
    fees: big(p.fees!),
  }));
}

/** Rewards and fees of every pool in a round range that earned either (the directory's windows). */
export async function poolEarnings(db: Db, fromRound: bigint, toRound: bigint): Promise<{ transcoder: string; round: bigint; rewards: bigint; fees: bigint }[]> {
  const r = await rows(
    db,
    sql<{ transcoder: Text; round: Text; rewards: Text; fees: Text }>`
      select transcoder, round::text, rewards::text, fees::text from earnings_pool
      where round >= ${fromRound.toString()} and round <= ${toRound.toString()} and (rewards > 0 or fees > 0)`,
  );
  return r.map((p) => ({ transcoder: p.transcoder, round: big(p.round), rewards: big(p.rewards), fees: big(p.fees) }));
}

/** Every orchestrator's fees over all rounds (ETH-wei). */
export async function feeTotals(db: Db): Promise<Map<string, bigint>> {
  const r = await rows(db, sql<{ transcoder: Text; fees: Text }>`select transcoder, sum(fees)::text as fees from earnings_pool group by transcoder`);
  return new Map(r.map((f) => [f.transcoder, big(f.fees)]));
}

/** Every pool with fees up to `toRound` (ETH-wei), for valuing fees at each round's time. */
export async function poolFees(db: Db, toRound: bigint): Promise<{ transcoder: string; round: bigint; fees: bigint }[]> {
  const r = await rows(db, sql<{ transcoder: Text; round: Text; fees: Text }>`select transcoder, round::text, fees::text from earnings_pool where fees > 0 and round <= ${toRound.toString()}`);
  return r.map((p) => ({ transcoder: p.transcoder, round: big(p.round), fees: big(p.fees) }));
}

/** An orchestrator's pool in one round as the staking analytics use it: cumulative factors (parts per 1e27), stake and what was paid in (LPT-wei rewards, ETH-wei fees). */
export interface PoolFactorRow {
  round: bigint;
  crf: bigint;
  cff: bigint;
  totalStake: bigint;
  rewards: bigint;
  fees: bigint;
}

/** Every pool by orchestrator, each oldest first; all orchestrators, or the ones given; every round, or those up to `toRound`. */
export async function poolsByTranscoder(db: Db, only?: readonly string[], toRound?: bigint): Promise<Map<string, PoolFactorRow[]>> {
  if (only && only.length === 0) return new Map();
  const where = sql`where ${only ? sql`transcoder in (${sql.join([...only])})` : sql`true`} ${toRound === undefined ? sql`` : sql`and round <= ${toRound.toString()}`}`;
  const r = await rows(
    db,
    sql<{ transcoder: Text; round: Text; crf: Text; cff: Text; total_stake: Text; rewards: Text; fees: Text }>`
      select transcoder, round::text, cumulative_reward_factor::text as crf, cumulative_fee_factor::text as cff, total_stake::text, rewards::text, fees::text
      from earnings_pool ${where} order by earnings_pool.transcoder, earnings_pool.round`,
  );
  const m = new Map<string, PoolFactorRow[]>();
  for (const x of r) {
    let list = m.get(x.transcoder);
    if (!list) m.set(x.transcoder, (list = []));
    list.push({ round: big(x.round), crf: big(x.crf), cff: big(x.cff), totalStake: big(x.total_stake), rewards: big(x.rewards), fees: big(x.fees) });
  }
  return m;
}

/** An orchestrator's cuts in force in one round's pool (parts per 1e6): the reward cut it keeps, the fee share delegators get. */
export interface PoolCutRow {
  transcoder: string;
  round: bigint;
  rewardCut: bigint;
  feeShare: bigint;
}

/** The cuts of every pool of rounds [fromRound, toRound] (every orchestrator's, or one's). */
export async function poolCuts(db: Db, f: { fromRound: bigint; toRound: bigint; transcoder?: string }): Promise<PoolCutRow[]> {
  const r = await rows(
    db,
    sql<{ transcoder: Text; round: Text; reward_cut: Text; fee_share: Text }>`
      select transcoder, round::text, reward_cut::text, fee_share::text from earnings_pool
      where round between ${f.fromRound.toString()} and ${f.toRound.toString()} ${f.transcoder === undefined ? sql`` : sql`and transcoder = ${f.transcoder}`}`,
  );
  return r.map((p) => ({ transcoder: p.transcoder, round: big(p.round), rewardCut: big(p.reward_cut), feeShare: big(p.fee_share) }));
}
