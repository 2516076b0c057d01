import type { EventHandler } from '../state.js';

/**
 * ParameterUpdate carries only the parameter's name: its value is what the contract's getter returned at the
 * event's block (read by the indexer before the batch is applied).
 */
export const recordParameter: EventHandler = (s, e) => {
  const param = String(e.args.param);
  const value = s.params(e.blockNumber, e.contract, param);
  s.changes.params.push({ block_number: e.blockNumber, log_index: e.logIndex, contract: e.contract, param, value: value?.toString() ?? null });
};
