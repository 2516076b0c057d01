// `npm run backtest`: recompute the issuance backtest on the vendored daily history and store it for the staking pages.
import { writeFileSync } from 'node:fs';
import { computeIssuanceBacktest, STORED_BACKTEST_FILE } from '../src/analytics/issuanceBacktest.js';

const r = computeIssuanceBacktest();
writeFileSync(STORED_BACKTEST_FILE, `${JSON.stringify(r, null, 2)}\n`);
process.stderr.write(`backtest stored in ${STORED_BACKTEST_FILE}\n`);
