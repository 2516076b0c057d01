import { sql } from 'kysely';
import { DEFAULT_UNBONDING_PERIOD } from '../protocol/ledger.js';
import { big, blockBound, rows, type AsOf, type Db, type Text } from './db.js';

/**
 * Protocol parameters as deployed on Arbitrum One, used until the chain announces a change (ParameterUpdate):
 * BondingManager.unbondingPeriod (rounds), LivepeerGovernor quorum numerator and quota (per 1e6 of the
 * counted votes; see GovernorVotesQuorumFractionUpgradeable.quorumNumerator and GovernorCountingOverridable),
 * Minter.inflationChange and Minter.targetBondingRate (parts per 1e9; the Arbitrum values since LIP-83, whose
 * history moves in steps of 500 toward a 50% target).
 */
export const DEPLOYED_PARAMS = {
  unbondingPeriod: DEFAULT_UNBONDING_PERIOD,
  quorumNumerator: 333_300n,
  quota: 500_000n,
  inflationChange: 500n,
  targetBondingRate: 500_000_000n,
} as const;

/** Parameters a ParameterUpdate names; the value is the one the chain set (null when it could not be read). */
export type ParamName = 'unbondingPeriod' | 'roundLength' | 'inflationChange' | 'numActiveTranscoders' | 'targetBondingRate' | 'quorumNumerator' | 'quota';

/** The newest value of each named parameter at `asOf` (null: never announced, or announced without a readable value). */
export async function latestParams(db: Db, names: readonly ParamName[], asOf: AsOf = 'latest'): Promise<Map<ParamName, string | null>> {
  if (names.length === 0) return new Map();
  const r = await rows(
    db,
    sql<{ param: ParamName; value: string | null }>`
      select distinct on (param) param, value from param_change
      where param in (${sql.join([...names])}) ${blockBound(asOf)}
      order by param, block_number desc, log_index desc`,
  );
  return new Map(names.map((n) => [n, r.find((x) => x.param === n)?.value ?? null]));
}

const intOf = (v: string | null | undefined): bigint | null => (v && /^\d+$/.test(v) ? BigInt(v) : null);

/** The parameters the read side computes with: announced values, else the deployed ones. */
export interface ProtocolParams {
  /** Rounds an unbonding lock waits before it can be withdrawn (BondingManager.unbondingPeriod). */
  unbondingPeriod: bigint;
  /** L1 blocks per round (RoundsManager.roundLength); null until announced. */
  roundLength: bigint | null;
  quorumNumerator: bigint;
  quota: bigint;
}

export async function protocolParams(db: Db, asOf: AsOf = 'latest'): Promise<ProtocolParams> {
  const p = await latestParams(db, ['unbondingPeriod', 'roundLength', 'quorumNumerator', 'quota'], asOf);
  return {
    unbondingPeriod: intOf(p.get('unbondingPeriod')) ?? DEPLOYED_PARAMS.unbondingPeriod,
    roundLength: intOf(p.get('roundLength')),
    quorumNumerator: intOf(p.get('quorumNumerator')) ?? DEPLOYED_PARAMS.quorumNumerator,
    quota: intOf(p.get('quota')) ?? DEPLOYED_PARAMS.quota,
  };
}

/** Minter parameters as last announced (parts per 1e9), else the deployed ones. */
export async function minterParams(db: Db, asOf: AsOf = 'latest'): Promise<{ inflationChange: bigint; targetBondingRate: bigint }> {
  const p = await latestParams(db, ['inflationChange', 'targetBondingRate'], asOf);
  return {
    inflationChange: intOf(p.get('inflationChange')) ?? DEPLOYED_PARAMS.inflationChange,
    targetBondingRate: intOf(p.get('targetBondingRate')) ?? DEPLOYED_PARAMS.targetBondingRate,
  };
}

/** BondingManager's treasury parameters as last announced (ceiling LPT-wei, cut rate per 1e27); null until announced. */
export async function treasuryParams(db: Db): Promise<{ ceiling: bigint | null; nextCutRate: bigint | null }> {
  const r = await rows(
    db,
    sql<{ param: string; value: string | null }>`
      select distinct on (param) param, value from param_change
      where contract = 'BondingManager' and param in ('treasuryBalanceCeiling', 'nextRoundTreasuryRewardCutRate')
      order by param, block_number desc, log_index desc`,
  );
  const v = (p: string) => intOf(r.find((y) => y.param === p)?.value);
  return { ceiling: v('treasuryBalanceCeiling'), nextCutRate: v('nextRoundTreasuryRewardCutRate') };
}

/** A ParameterUpdate with the value read at its block (null when it could not be read). */
export interface ParamChangeRow {
  block: bigint;
  logIndex: number;
  contract: string;
  param: string;
  value: string | null;
}

/** Every ParameterUpdate, in chain order. */
export async function paramChanges(db: Db): Promise<ParamChangeRow[]> {
  const r = await rows(
    db,
    sql<{ block: Text; log_index: number; contract: string; param: string; value: string | null }>`
      select block_number::text as block, log_index, contract, param, value from param_change order by block_number, log_index`,
  );
  return r.map((x) => ({ block: big(x.block), logIndex: Number(x.log_index), contract: String(x.contract), param: String(x.param), value: x.value === null ? null : String(x.value) }));
}
