import type { TreasuryCallRow } from '../rows.js';
import type { HandlerTable } from '../state.js';

/** Treasury (the governor's timelock): each scheduled call, and when it was executed or cancelled. */
export const treasuryHandlers: HandlerTable = {
  'Treasury.CallScheduled': (s, e) => {
    const a = e.args;
    const key = `${a.id}:${a.index}`;
    const row: TreasuryCallRow = {
      operation_id: String(a.id),
      call_index: Number(a.index),
      target: String(a.target).toLowerCase(),
      value: a.value as bigint,
      data: String(a.data),
      delay: a.delay as bigint,
      scheduled_block: e.blockNumber,
      executed_block: null,
      cancelled_block: null,
    };
    s.treasuryCalls.set(key, row);
    s.changes.treasuryCalls.set(key, row);
  },
  'Treasury.CallExecuted': (s, e) => {
    const key = `${e.args.id}:${e.args.index}`;
    const row = s.treasuryCalls.get(key);
    if (!row) return;
    row.executed_block = e.blockNumber;
    s.changes.treasuryCalls.set(key, row);
  },
  'Treasury.Cancelled': (s, e) => {
    for (const [key, row] of s.treasuryCalls) {
      if (row.operation_id !== String(e.args.id)) continue;
      row.cancelled_block = e.blockNumber;
      s.changes.treasuryCalls.set(key, row);
    }
  },
};
