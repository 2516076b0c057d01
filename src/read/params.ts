import { sql } from 'kysely';
import { DEFAULT_UNBONDING_PERIOD } from '../protocol/ledger.js';
import { blockBound, rows, type AsOf, type Db } from './db.js';

/**
 * Protocol parameters as deployed on Arbitrum One, used until the chain announces a change (ParameterUpdate):
 * BondingManager.unbondingPeriod (rounds), LivepeerGovernor quorum numerator and quota (per 1e6 of the
 * counted votes; see GovernorVotesQuorumFractionUpgradeable.quorumNumerator and GovernorCountingOverridable).
 */
export const DEPLOYED_PARAMS = {
  unbondingPeriod: DEFAULT_UNBONDING_PERIOD,
  quorumNumerator: 333_300n,
  quota: 500_000n,
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
