import { sql } from 'kysely';
import { big, bigOrNull, rows, type Db, type Text } from './db.js';

/** A BondingManager transcoder record joined with its service registry and reward-caller facts. */
export interface TranscoderRow {
  address: string;
  lastRewardRound: bigint;
  /** Last round the transcoder's pool received fees. */
  lastFeeRound: bigint;
  /** Parts per million. */
  rewardCut: bigint;
  /** Parts per million. */
  feeShare: bigint;
  activationRound: bigint;
  /** uint256 max on chain while no deactivation is scheduled. */
  deactivationRound: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
  totalStake: bigint;
  serviceUri: string | null;
  aiServiceUri: string | null;
  rewardCaller: string | null;
  /** First block the orchestrator appeared in (registration). */
  firstBlock: bigint | null;
}

/** Every transcoder, or the ones given. */
export async function allTranscoders(db: Db, only?: readonly string[]): Promise<TranscoderRow[]> {
  if (only && only.length === 0) return [];
  const r = await rows(
    db,
    sql<Record<string, Text | null>>`
      select t.address, t.last_reward_round::text, t.last_fee_round::text, t.reward_cut::text, t.fee_share::text, t.activation_round::text,
        t.deactivation_round::text, t.cumulative_rewards::text, t.cumulative_fees::text, t.total_stake::text,
        o.service_uri, o.ai_service_uri, o.reward_caller, o.first_block::text
      from transcoder t left join orchestrator o on o.address = t.address ${only ? sql`where t.address in (${sql.join([...only])})` : sql``}`,
  );
  return r.map((t) => ({
    address: t.address!,
    lastRewardRound: big(t.last_reward_round!),
    lastFeeRound: big(t.last_fee_round!),
    rewardCut: big(t.reward_cut!),
    feeShare: big(t.fee_share!),
    activationRound: big(t.activation_round!),
    deactivationRound: big(t.deactivation_round!),
    cumulativeRewards: big(t.cumulative_rewards!),
    cumulativeFees: big(t.cumulative_fees!),
    totalStake: big(t.total_stake!),
    serviceUri: t.service_uri ?? null,
    aiServiceUri: t.ai_service_uri ?? null,
    rewardCaller: t.reward_caller ?? null,
    firstBlock: bigOrNull(t.first_block),
  }));
}
