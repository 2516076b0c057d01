import type { HandlerTable } from '../state.js';

const ZERO = '0x0000000000000000000000000000000000000000';

/** LivepeerToken: L2 supply from mints and burns, the treasury's LPT balance from transfers to and from it. */
export const livepeerTokenHandlers: HandlerTable = {
  'LivepeerToken.Transfer': (s, e, { tx }) => {
    const from = e.args.from as string;
    const to = e.args.to as string;
    const v = e.args.value as bigint;
    if (from === ZERO) s.extra.l2Supply += v;
    if (to === ZERO) s.extra.l2Supply -= v;
    const tre = s.extra.treasury;
    if (to !== tre && from !== tre) return;
    const delta = to === tre ? v : -v;
    s.extra.treasuryBalance += delta;
    const kind = from === tre ? 'outflow' : tx.some((x) => x.name === 'TreasuryReward') ? 'treasury-reward' : 'inflow';
    s.changes.treasuryBalances.push({ block_number: e.blockNumber, log_index: e.logIndex, balance: s.extra.treasuryBalance, delta, kind });
  },
};
