// Pieces several staking areas share: number schemas, labels beside addresses, issuance inputs.
import { z } from 'zod';
import { chainIssuanceAssumptions } from '../../../analytics/chainAssumptions.js';
import { type Candidate } from '../../../analytics/recommender.js';
import { stakingRound } from '../../../analytics/roundViews.js';
import { minterParams } from '../../../read/params.js';
import { allRounds } from '../../../read/rounds.js';
import { LABEL_ROLES, type AddressLabel } from '../../../registry/labels.js';
import type { ApiData, OrchestratorData } from '../../data.js';


export const int = z.number().int();

export const num = z.number();

export const labelSchema = z
  .object({
    address: z.string(),
    name: z.string(),
    url: z.string().nullable(),
    role: z.enum(LABEL_ROLES),
    issuedAt: int,
    signature: z.string(),
    verified: z.boolean().meta({ description: 'the role is backed by the indexed chain or the operator; false: only the signer says so' }),
    roleSource: z.enum(['chain', 'configuration']).nullable(),
  })
  .meta({ id: 'AddressLabel', description: 'A self-identification signed by the address (EIP-712)' });

export const labelJson = (l: AddressLabel | undefined) => l ?? null;

export async function issuanceInputs(data: ApiData) {
  const rounds = (await allRounds(data.db)).map(stakingRound);
  const params = await minterParams(data.db);
  const chain = chainIssuanceAssumptions(rounds, params);
  return { rounds, params, chain };
}

/** An orchestrator as the forward-yield model sees it (the recommender's candidate and the forward fan's input). */
export function forwardCandidate(o: OrchestratorData, feesPerRound: number[], riskScore: number, votingRate: number | null): Candidate {
  return {
    address: o.address,
    active: o.active,
    rewardCallProbability: o.rewardCalls90.ratio ?? 0,
    rewardCut: Number(o.rewardCut),
    feeShare: Number(o.feeShare),
    poolStake: Number(o.totalStake / 10n ** 12n) / 1e6,
    feesPerRound,
    riskScore,
    votingRate,
  };
}
