import { describe, expect, it } from 'vitest';
import { ethUsdFromAnswer, PriceBook } from '../prices/lookup.js';
import { splitIncome } from './income.js';

const E18 = 10n ** 18n;

describe('income split by the pool cuts in force', () => {
  // ETH at 2000 USD from t=0; no LPT/ETH price, so rewards stay unpriced.
  const book = new PriceBook({ 'ETH/USD': [{ time: 0, price: ethUsdFromAnswer(2000n * 10n ** 8n) }], 'LPT/ETH': [] });

  it('keeps floor(R × rewardCut / 1e6) of a reward and shares floor(F × feeShare / 1e6) of a fee', () => {
    const items = splitIncome(
      [{ transcoder: '0xo', round: 5n, rewardCut: 100_000n, feeShare: 250_000n }],
      [{ orchestrator: '0xo', round: 5n, time: 100, amount: 1_000_003n }],
      [
        { recipient: '0xo', round: 5n, time: 100, paid: E18 },
        { recipient: '0xp', round: 5n, time: 200, paid: 7n },
      ],
      book,
    );
    expect(items).toEqual([
      { orchestrator: '0xo', round: 5, time: 100, kind: 'reward', amount: 1_000_003n, kept: 100_000n, shared: 900_003n, usdE8: null, keptUsdE8: null, sharedUsdE8: null },
      { orchestrator: '0xo', round: 5, time: 100, kind: 'fee', amount: E18, kept: (3n * E18) / 4n, shared: E18 / 4n, usdE8: 2000n * 10n ** 8n, keptUsdE8: 1500n * 10n ** 8n, sharedUsdE8: 500n * 10n ** 8n },
      // No pool row for 0xp in round 5 (a partial index): the whole payment counts as kept.
      { orchestrator: '0xp', round: 5, time: 200, kind: 'fee', amount: 7n, kept: 7n, shared: 0n, usdE8: 0n, keptUsdE8: 0n, sharedUsdE8: 0n },
    ]);
  });
});
