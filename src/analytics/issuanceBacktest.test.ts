import { describe, expect, it } from 'vitest';
import { computeIssuanceBacktest, storedIssuanceBacktest, vendoredHistory } from './issuanceBacktest.js';

describe('stored issuance backtest', () => {
  it('equals a fresh run on the vendored daily history (npm run backtest stores it again)', () => {
    const days = vendoredHistory();
    expect(days.length).toBe(1337);
    const fresh = computeIssuanceBacktest(days);
    expect(storedIssuanceBacktest()).toEqual(fresh);
    // The forecast beats the no-change baseline on inflation at both horizons.
    for (const h of ['30d', '90d']) expect(fresh.figures[`inflation_mape_percent_${h}`]).toBeLessThan(fresh.baseline[`inflation_mape_percent_${h}`]!);
  });
});
