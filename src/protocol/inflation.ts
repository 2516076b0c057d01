// Minter math of the Arbitrum deployment (Minter.setInflation, docs/protocol.md §4). The L2 Minter links MathUtilsV2, so every
// percentage here is parts per 1e9, unlike BondingManager's 1e6 cuts.
import { PERC_DIVISOR_V2, add, percOf, percOfPerc, percPoints, requireThat, sub, uint256 } from './precision.js';

/** Inputs of Minter.setInflation; inflation/inflationChange/targetBondingRate in parts per 1e9, stakes in LPT-wei. */
export interface InflationInputs {
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  /** BondingManager.getTotalBonded() = currentRoundTotalActiveStake just snapshotted (LPT-wei). */
  totalBonded: bigint;
  /** Minter.getGlobalTotalSupply() = L2 totalSupply + L1 circulating supply (LPT-wei). */
  globalSupply: bigint;
}

/** Bonding rate in parts per 1e9: floor(totalBonded * 1e9 / globalSupply), 0 when supply is 0. */
export function bondingRate(totalBonded: bigint, globalSupply: bigint): bigint {
  uint256(totalBonded, 'totalBonded');
  // The contract skips the division when supply is 0 and leaves the rate at 0 (so inflation rises).
  if (uint256(globalSupply, 'globalSupply') === 0n) return 0n;
  return percPoints(totalBonded, globalSupply, PERC_DIVISOR_V2);
}

/** Next round's inflation (parts per 1e9) per Minter.setInflation: +change below target, -change (floored at 0) above, unchanged at target. */
export function nextInflation(i: InflationInputs): bigint {
  const inflation = uint256(i.inflation, 'inflation');
  const change = uint256(i.inflationChange, 'inflationChange');
  const rate = bondingRate(i.totalBonded, i.globalSupply);
  if (rate < i.targetBondingRate) return add(inflation, change);
  if (rate > i.targetBondingRate) return change > inflation ? 0n : sub(inflation, change);
  return inflation;
}

/** Mintable tokens for a round (LPT-wei): floor(globalSupply * inflation / 1e9), inflation in parts per 1e9. */
export function mintableTokens(globalSupply: bigint, inflation: bigint): bigint {
  return percOfPerc(globalSupply, inflation, PERC_DIVISOR_V2);
}

/** Minter.createReward (LPT-wei): mintable * floor(transcoderStake * 1e9 / totalActiveStake) / 1e9. */
export function rewardTokens(currentMintableTokens: bigint, transcoderStake: bigint, totalActiveStake: bigint): bigint {
  return percOf(currentMintableTokens, transcoderStake, totalActiveStake, PERC_DIVISOR_V2);
}

/** Minter state touched by round initialization and reward calls (LPT-wei; rates in parts per 1e9). */
export interface MinterState {
  inflation: bigint;
  inflationChange: bigint;
  targetBondingRate: bigint;
  currentMintableTokens: bigint;
  currentMintedTokens: bigint;
}

/**
 * Minter.setCurrentRewardTokens: new inflation (ppb) from the global supply, then mintable (LPT-wei) from
 * `mintFrom` (the global supply from Minter v2 on; v1 took the L2 supply only, see `mintableSupply`); resets minted.
 */
export function setCurrentRewardTokens(state: MinterState, totalBonded: bigint, globalSupply: bigint, mintFrom = globalSupply): MinterState {
  const inflation = nextInflation({ ...state, totalBonded, globalSupply });
  return {
    ...state,
    inflation,
    currentMintableTokens: mintableTokens(mintFrom, inflation),
    currentMintedTokens: 0n,
  };
}

/** Minter.createReward with its cap: returns the minted amount (LPT-wei) and the updated state; reverts past mintable. */
export function createReward(
  state: MinterState,
  transcoderStake: bigint,
  totalActiveStake: bigint,
): { minted: bigint; state: MinterState } {
  const minted = rewardTokens(state.currentMintableTokens, transcoderStake, totalActiveStake);
  const currentMintedTokens = add(state.currentMintedTokens, minted);
  requireThat(currentMintedTokens <= state.currentMintableTokens, 'minted tokens cannot exceed mintable tokens');
  return { minted, state: { ...state, currentMintedTokens } };
}
