// The rules that changed between the implementations Arbitrum One ran (docs/protocol.md §10), as pure functions of
// the version: the ledger asks these at the places the contracts differ and is otherwise one rule set.
import { LATEST_VERSIONS, type VersionedContract } from '../base/protocolVersions.js';
import { ZERO_ADDRESS, type Address } from './ledger-types.js';

export { LATEST_VERSIONS, type ProtocolVersions, type VersionedContract } from '../base/protocolVersions.js';

/** Highest known version per contract; a version outside 1..latest has no rules. */
export function isKnownVersion(contract: VersionedContract, version: number): boolean {
  return Number.isInteger(version) && version >= 1 && version <= LATEST_VERSIONS[contract];
}

// ---------------------------------------------------------------- BondingManager

/**
 * BondingManager.bondForWithHint's auto-claim: v1–v3 claim the caller's earnings (the `autoClaimEarnings` modifier
 * read msg.sender), v4 on the owner's (`_autoClaimEarnings(_owner)`).
 */
export function bondClaimant(version: number, caller: Address, owner: Address): Address {
  return version < 4 ? caller : owner;
}

/**
 * Whether bondForWithHint moves the owner's existing stake away from its current delegate: v1–v2 test for a
 * non-null delegate, v3 on for bonded stake (so stake left under a null delegate by an old transferBond moves too).
 */
export function bondMovesExistingStake(
  version: number,
  s: { currentDelegate: Address; currentBondedAmount: bigint; to: Address },
): boolean {
  const leaving = s.currentDelegate !== s.to;
  return version < 3 ? s.currentDelegate !== ZERO_ADDRESS && leaving : s.currentBondedAmount > 0n && leaving;
}

/**
 * The revert reason bondForWithHint gives a third-party caller (not the owner nor the L2Migrator), or null: none
 * before v4; v4–v5 refuse only moving a bonded owner's stake (INVALID_CALLER); v6 refuse self-delegating an unbonded
 * owner and changing a delegate; v7 on also bonding for the zero address.
 */
export function thirdPartyBondRefusal(
  version: number,
  s: { ownerUnbonded: boolean; owner: Address; to: Address; currentDelegate: Address; movesExistingStake: boolean },
): string | null {
  if (version < 4) return null;
  if (version < 6) return s.movesExistingStake && !s.ownerUnbonded ? 'INVALID_CALLER' : null;
  if (version >= 7 && s.owner === ZERO_ADDRESS) return 'INVALID_DELEGATOR';
  if (s.ownerUnbonded) return s.to === s.owner ? 'INVALID_DELEGATE' : null;
  return s.currentDelegate === s.to ? null : 'INVALID_DELEGATE_CHANGE';
}

/**
 * BondingManager._authorizeClaimEarnings (v9 on): a third party may not trigger a bonded delegator's claim (in
 * bondFor, or as the receiver of transferBond) before the delegate's reward call of the round.
 */
export function guardsThirdPartyClaims(version: number): boolean {
  return version >= 9;
}

/**
 * transferBond claims the receiver's earnings before rebonding the lock for it, and moves an unbonded receiver to
 * Pending (startRound = next round): v2 on. v1 rebonds onto an unclaimed receiver, whose older earnings then
 * accrue on the larger stake.
 */
export function transferBondSettlesReceiver(version: number): boolean {
  return version >= 2;
}

/**
 * The delegate transferBond gives the receiver, or a revert reason. v1–v2 read the sender's delegate after the
 * unbond (null after a full unbond); v3 on cache it before. v1–v4 set it whenever the receiver's delegate is null,
 * v5 on only when the receiver also has no bonded stake. v6 on refuse a receiver that is the sender's delegate
 * (self-delegation), v7 on also the zero address.
 */
export function transferBondReceiverDelegate(
  version: number,
  s: {
    senderDelegateBefore: Address;
    senderDelegateAfter: Address;
    receiver: Address;
    receiverDelegate: Address;
    receiverBondedAmount: bigint;
  },
): { delegate: Address } | { revert: string } {
  const adopts = s.receiverDelegate === ZERO_ADDRESS && (version < 5 || s.receiverBondedAmount === 0n);
  if (!adopts) return { delegate: s.receiverDelegate };
  const delegate = version < 3 ? s.senderDelegateAfter : s.senderDelegateBefore;
  if (version >= 6 && delegate === s.receiver) return { revert: 'INVALID_DELEGATOR' };
  if (version >= 7 && s.receiver === ZERO_ADDRESS) return { revert: 'INVALID_DELEGATOR' };
  return { delegate };
}

/**
 * The treasury cut (v7, the "delta" upgrade): reward() routes treasuryRewardCutRate of the minted LPT to the
 * Treasury, updateTranscoderWithFees deducts it when re-deriving a round's rewards, round initialization switches
 * to the next round's rate and reward() halts contributions above the balance ceiling. Before v7 the rate does
 * not exist: in effect 0.
 */
export function treasuryCutRateInForce(version: number, treasuryRewardCutRate: bigint): bigint {
  return version >= 7 ? treasuryRewardCutRate : 0n;
}

/** Whether the version has the treasury cut and its parameters (v7 on). */
export function hasTreasuryCut(version: number): boolean {
  return version >= 7;
}

/**
 * rebondFromUnbondedWithHint initializes the new delegate's pool factors for the current round
 * (`ensureInitializedCumulativeFactorsPool`), so the delegator's next claim starts from them: v8 on.
 */
export function rebondFromUnbondedInitializesPool(version: number): boolean {
  return version >= 8;
}

/** BondingManager events a version's ABI declares beyond v1's: TreasuryReward from v7. */
export function bondingManagerEventExists(version: number, name: string): boolean {
  return name !== 'TreasuryReward' || version >= 7;
}

// ---------------------------------------------------------------- Minter

/**
 * The supply Minter.setCurrentRewardTokens takes mintable tokens from (LPT-wei): v1 the L2 token's totalSupply
 * only, v2 on the global supply (L2 + L1 circulating, `getGlobalTotalSupply`). Inflation's bonding rate uses the
 * global supply in both.
 */
export function mintableSupply(version: number, s: { l2Supply: bigint; globalSupply: bigint }): bigint {
  return version < 2 ? s.l2Supply : s.globalSupply;
}
