// State and event shapes of the BondingManager mirror (ledger.ts). Field names follow the contract storage
// so values can be compared one-to-one with getTranscoder/getDelegator/getTranscoderEarningsPoolForRound.

/** Account address, lower-cased 0x-hex (the ledger lower-cases every address it is given). */
export type Address = string;

/** The null address the contract uses for "no delegate". */
export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

/** EarningsPool.Data fields still used after LIP-36 (stakes LPT-wei, cuts per 1e6, factors per 1e27). */
export interface EarningsPool {
  readonly totalStake: bigint;
  readonly transcoderRewardCut: bigint;
  readonly transcoderFeeShare: bigint;
  readonly cumulativeRewardFactor: bigint;
  readonly cumulativeFeeFactor: bigint;
}

/** An all-zero pool: the value of any earnings pool slot never written. */
export const EMPTY_POOL: EarningsPool = Object.freeze({
  totalStake: 0n,
  transcoderRewardCut: 0n,
  transcoderFeeShare: 0n,
  cumulativeRewardFactor: 0n,
  cumulativeFeeFactor: 0n,
});

/** BondingManager.Transcoder without the pool mapping (rounds, per-1e6 cuts, LPT-wei, ETH-wei for fees). */
export interface TranscoderState {
  readonly lastRewardRound: bigint;
  readonly rewardCut: bigint;
  readonly feeShare: bigint;
  readonly lastActiveStakeUpdateRound: bigint;
  readonly activationRound: bigint;
  readonly deactivationRound: bigint;
  readonly activeCumulativeRewards: bigint;
  readonly cumulativeRewards: bigint;
  readonly cumulativeFees: bigint;
  readonly lastFeeRound: bigint;
}

/** An all-zero transcoder record (never registered). */
export const EMPTY_TRANSCODER: TranscoderState = Object.freeze({
  lastRewardRound: 0n,
  rewardCut: 0n,
  feeShare: 0n,
  lastActiveStakeUpdateRound: 0n,
  activationRound: 0n,
  deactivationRound: 0n,
  activeCumulativeRewards: 0n,
  cumulativeRewards: 0n,
  cumulativeFees: 0n,
  lastFeeRound: 0n,
});

/** BondingManager.UnbondingLock (LPT-wei, rounds). A lock is valid iff withdrawRound > 0. */
export interface UnbondingLock {
  readonly amount: bigint;
  readonly withdrawRound: bigint;
}

/** BondingManager.Delegator incl. its unbonding locks (LPT-wei, ETH-wei for fees, rounds). */
export interface DelegatorState {
  readonly bondedAmount: bigint;
  readonly fees: bigint;
  readonly delegateAddress: Address;
  readonly delegatedAmount: bigint;
  readonly startRound: bigint;
  readonly lastClaimRound: bigint;
  readonly nextUnbondingLockId: bigint;
  readonly unbondingLocks: ReadonlyMap<bigint, UnbondingLock>;
}

/** An all-zero delegator record (never bonded). */
export const EMPTY_DELEGATOR: DelegatorState = Object.freeze({
  bondedAmount: 0n,
  fees: 0n,
  delegateAddress: ZERO_ADDRESS,
  delegatedAmount: 0n,
  startRound: 0n,
  lastClaimRound: 0n,
  nextUnbondingLockId: 0n,
  unbondingLocks: new Map<bigint, UnbondingLock>(),
});

/** BondingManager.delegatorStatus. */
export type DelegatorStatus = 'Pending' | 'Bonded' | 'Unbonded';

/** Minter parameters (parts per 1e9) when the ledger also runs the Minter's per-round step. */
export interface MinterParams {
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  /** Minter version (src/protocol/versions.ts): v1 mints from the L2 supply alone; the latest when absent. */
  version?: number;
}

/** Construction parameters of a ledger; mirrors the owner-set parameters of BondingManager (+ optional Minter). */
export interface LedgerConfig {
  /** transcoderPool max size (numActiveTranscoders). */
  numActiveTranscoders: bigint;
  /** Rounds between unbond and withdraw; 7 on Arbitrum. */
  unbondingPeriod?: bigint;
  /** Address reported in TreasuryReward events. */
  treasury?: Address;
  /** Initial treasuryRewardCutRate, applied to both current and next round (per 1e27). */
  treasuryRewardCutRate?: bigint;
  /** treasuryBalanceCeiling (LPT-wei); 0 disables the ceiling check. */
  treasuryBalanceCeiling?: bigint;
  /** L2Migrator address: may bond for others without the third-party restrictions. */
  l2Migrator?: Address;
  /** BondingManagerTarget version whose rules apply (src/protocol/versions.ts); the latest when absent. */
  bondingManagerVersion?: number;
  /** When set, initializeRound({globalSupply}) runs Minter.setCurrentRewardTokens and reward() mints from it. */
  minter?: MinterParams;
}

/** Contract-level scalars of the mirror (LPT-wei, per-1e27 rates, rounds). */
export interface LedgerGlobals {
  readonly lastInitializedRound: bigint;
  readonly currentRoundTotalActiveStake: bigint;
  readonly nextRoundTotalActiveStake: bigint;
  readonly treasuryRewardCutRate: bigint;
  readonly nextRoundTreasuryRewardCutRate: bigint;
  readonly treasuryBalanceCeiling: bigint;
  readonly unbondingPeriod: bigint;
  /** Minter.inflation (per 1e9). */
  readonly inflation: bigint;
  readonly inflationChange: bigint;
  readonly targetBondingRate: bigint;
  /** Minter.currentMintableTokens (LPT-wei). */
  readonly currentMintableTokens: bigint;
  /** Minter.currentMintedTokens (LPT-wei). */
  readonly currentMintedTokens: bigint;
}

type Ev<C extends string, N extends string, A> = { readonly contract: C; readonly name: N; readonly args: A };

/** An event the contracts would emit, in emission order; uint256 args are bigint, addresses lower-cased. */
export type LedgerEvent =
  | Ev<'BondingManager', 'TranscoderUpdate', { transcoder: Address; rewardCut: bigint; feeShare: bigint }>
  | Ev<'BondingManager', 'TranscoderActivated', { transcoder: Address; activationRound: bigint }>
  | Ev<'BondingManager', 'TranscoderDeactivated', { transcoder: Address; deactivationRound: bigint }>
  | Ev<'BondingManager', 'Reward', { transcoder: Address; amount: bigint }>
  | Ev<'BondingManager', 'TreasuryReward', { transcoder: Address; treasury: Address; amount: bigint }>
  | Ev<
      'BondingManager',
      'Bond',
      { newDelegate: Address; oldDelegate: Address; delegator: Address; additionalAmount: bigint; bondedAmount: bigint }
    >
  | Ev<
      'BondingManager',
      'Unbond',
      { delegate: Address; delegator: Address; unbondingLockId: bigint; amount: bigint; withdrawRound: bigint }
    >
  | Ev<'BondingManager', 'Rebond', { delegate: Address; delegator: Address; unbondingLockId: bigint; amount: bigint }>
  | Ev<
      'BondingManager',
      'TransferBond',
      {
        oldDelegator: Address;
        newDelegator: Address;
        oldUnbondingLockId: bigint;
        newUnbondingLockId: bigint;
        amount: bigint;
      }
    >
  | Ev<'BondingManager', 'WithdrawStake', { delegator: Address; unbondingLockId: bigint; amount: bigint; withdrawRound: bigint }>
  | Ev<'BondingManager', 'WithdrawFees', { delegator: Address; recipient: Address; amount: bigint }>
  | Ev<
      'BondingManager',
      'EarningsClaimed',
      { delegate: Address; delegator: Address; rewards: bigint; fees: bigint; startRound: bigint; endRound: bigint }
    >
  | Ev<'BondingManager', 'ParameterUpdate', { param: string }>
  | Ev<'Minter', 'SetCurrentRewardTokens', { currentMintableTokens: bigint; currentInflation: bigint }>;

/** Name of any ledger event. */
export type LedgerEventName = LedgerEvent['name'];
