import type { HandlerTable } from '../state.js';

/** BondingVotes: delegation changes, which count from the next round (the governor's vote weights follow them). */
export const bondingVotesHandlers: HandlerTable = {
  'BondingVotes.DelegateChanged': (s, e) => {
    const start = s.extra.lastRound + 1n;
    const row = { block_number: e.blockNumber, log_index: e.logIndex, account: e.args.delegator as string, from_delegate: e.args.fromDelegate as string, to_delegate: e.args.toDelegate as string, start_round: start };
    s.changes.delegateChanges.push(row);
    s.pushDelegate(row.account, start, row.to_delegate);
  },
};
