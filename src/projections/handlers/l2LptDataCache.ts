import type { HandlerTable } from '../state.js';

/** L2LPTDataCache: the L1 circulating supply the Minter adds to L2 supply for inflation. */
export const l2LptDataCacheHandlers: HandlerTable = {
  'L2LPTDataCache.CacheTotalSupplyFinalized': (s, e) => {
    s.extra.l1Supply = e.args.totalSupply as bigint;
  },
};
