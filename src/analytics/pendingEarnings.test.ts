import { describe, expect, it } from 'vitest';
import type { DelegatorRecord } from '../read/delegators.js';
import type { TranscoderRow } from '../read/orchestrators.js';
import type { PoolFactorRow } from '../read/pools.js';
import { pendingEarningsOf } from './pendingEarnings.js';

const E18 = 10n ** 18n;
const E27 = 10n ** 27n;
const ZERO = '0x0000000000000000000000000000000000000000';

const delegator = (address: string, delegate: string | null, bondedAmount: bigint, fees: bigint, lastClaimRound: bigint): DelegatorRecord => ({
  address, delegate, bondedAmount, fees, delegatedAmount: 0n, startRound: 1n, lastClaimRound, unbondingLocks: [],
});
const transcoder = (address: string, lastRewardRound: bigint, lastFeeRound: bigint, cumulativeRewards: bigint, cumulativeFees: bigint): TranscoderRow => ({
  address, lastRewardRound, lastFeeRound, rewardCut: 0n, feeShare: 0n, activationRound: 1n, deactivationRound: 0n, cumulativeRewards, cumulativeFees,
  totalStake: 0n, serviceUri: null, aiServiceUri: null, rewardCaller: null, firstBlock: null,
});
const pool = (round: bigint, crf: bigint, cff: bigint): PoolFactorRow => ({ round, crf, cff, totalStake: 0n, rewards: 0n, fees: 0n });

describe('pending stake and fees from the pool factors', () => {
  const dels = [delegator('0xd', '0xo', 100n * E18, 5n, 10n), delegator('0xo', '0xo', 50n * E18, 0n, 12n), delegator('0xu', null, 3n * E18, 9n, 4n)];
  const trs = [transcoder('0xo', 12n, 12n, 7n * E18, 3n)];
  // Round 13 has no pool: BondingManager.latestCumulativeFactorsPool falls back to round 12 (the last reward and fee round).
  const pools = new Map([['0xo', [pool(10n, E27, 0n), pool(12n, (11n * E27) / 10n, 2n * 10n ** 24n)]]]);

  it('grows stake by endCRF/startCRF and adds stake × ΔCFF / startCRF of fees; an orchestrator adds its own cumulative rewards and fees in the current round', () => {
    expect(pendingEarningsOf(dels, trs, pools, 13n, 13n)).toEqual([
      // 100 LPT × 1.1 = 110 LPT; 5 wei + 100e18 × 2e24 / 1e27 = 5 + 2e17 wei.
      { delegator: '0xd', delegate: '0xo', bondedAmount: 100n * E18, pendingStake: 110n * E18, pendingFees: 5n + 2n * 10n ** 17n, lastClaimRound: 10n, endRound: 13n },
      // Claimed through 12 and nothing newer: only its own cumulative rewards (7 LPT) and fees (3 wei).
      { delegator: '0xo', delegate: '0xo', bondedAmount: 50n * E18, pendingStake: 57n * E18, pendingFees: 3n, lastClaimRound: 12n, endRound: 13n },
      { delegator: '0xu', delegate: ZERO, bondedAmount: 3n * E18, pendingStake: 3n * E18, pendingFees: 9n, lastClaimRound: 4n, endRound: 13n },
    ]);
  });

  it('leaves out the orchestrator’s own cumulative earnings for a past end round, as the contract does', () => {
    const [, own] = pendingEarningsOf(dels, trs, pools, 12n, 13n);
    expect(own).toMatchObject({ pendingStake: 50n * E18, pendingFees: 0n, endRound: 12n });
  });
});
