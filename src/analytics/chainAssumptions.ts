// Forecast assumptions read off the indexed rounds: where issuance starts, how participation has moved, how much of
// the mintable reward calls actually mint, and the treasury cut in force.
import { participationModel } from './backtest.js';
import type { IssuanceAssumptions } from './issuanceForecast.js';
import type { StakingRound } from './roundViews.js';

/** Issuance assumptions from the indexed rounds (trailing `window` rounds for the fitted parts) and Minter parameters (ppb). */
export function chainIssuanceAssumptions(rounds: readonly StakingRound[], params: { inflationChange: bigint; targetBondingRate: bigint }, window = 90): { assumptions: IssuanceAssumptions; treasuryCut: number } | null {
  const live = rounds.filter((r) => r.totalActiveStake > 0n && r.supply > 0n);
  const last = live[live.length - 1];
  if (!last) return null;
  const recent = live.slice(-window);
  const part = (r: StakingRound) => Number((r.totalActiveStake * 1_000_000_000n) / r.supply) / 1e9;
  let minted = 0n;
  let mintable = 0n;
  // The newest round is still open: its reward calls are not all in yet.
  for (const r of recent.slice(0, -1)) {
    minted += r.rewards + r.treasuryRewards;
    mintable += r.mintable;
  }
  return {
    assumptions: {
      inflation: Number(last.inflation),
      participation: part(last),
      supply: Number(last.supply / 10n ** 12n) / 1e6,
      inflationChange: Number(params.inflationChange),
      targetBondingRate: Number(params.targetBondingRate),
      roundsPerStep: 1,
      mintedShare: mintable > 0n ? Math.min(1, Number((minted * 1_000_000n) / mintable) / 1e6) : 1,
      participationModel: participationModel(recent.map(part), 'random-walk'),
    },
    treasuryCut: Number((last.treasuryRewardCutRate * 1_000_000n) / 10n ** 27n) / 1e6,
  };
}
