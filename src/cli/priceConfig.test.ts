import { describe, expect, it } from 'vitest';
import { arbitrumOne, simulatorNetwork } from '../chain/networks.js';
import { ETH_USD_FEED, LPT_WETH_POOL, priceSources } from '../prices/sources.js';
import { ConfigError, loadConfig } from './config.js';
import { priceOverrides } from './indexCommand.js';

const A1 = '0x3607e46698d218B3a5Cae44bF381475C0a5e2ca7';
const A2 = '0x942d00008D658dbB40745BBEc89A93c253f9B882';
const POOL = '0x4fD47e5102DFBF95541F64ED6FE13d4eD26D2546';

describe('price-source configuration', () => {
  it('reads aggregators and the pool from the environment, lower-cased and deduplicated', () => {
    const c = loadConfig({ ATLAS_PRICE_AGGREGATORS: ` ${A1}, ${A2},${A1.toLowerCase()}`, ATLAS_LPT_POOL: POOL });
    expect(c.prices).toEqual({ ethUsdAggregators: [A1.toLowerCase(), A2.toLowerCase()], lptPool: POOL.toLowerCase() });
    expect(loadConfig({}).prices).toEqual({ ethUsdAggregators: [] });
  });

  it('lets CLI flags override the environment', () => {
    const c = loadConfig({ ATLAS_PRICE_AGGREGATORS: A1 }, priceOverrides({ priceAggregators: A2, lptPool: POOL }));
    expect(c.prices).toEqual({ ethUsdAggregators: [A2.toLowerCase()], lptPool: POOL.toLowerCase() });
    expect(priceOverrides({})).toEqual({});
  });

  it.each([
    [{ ATLAS_PRICE_AGGREGATORS: `${A1},0x1234` }, 'ATLAS_PRICE_AGGREGATORS must be 0x-prefixed 20-byte addresses separated by commas (bad entry: "0x1234")'],
    [{ ATLAS_PRICE_AGGREGATORS: `${A1},,${A2}` }, 'ATLAS_PRICE_AGGREGATORS must be 0x-prefixed 20-byte addresses separated by commas (bad entry: "")'],
    [{ ATLAS_PRICE_AGGREGATORS: 'feed' }, 'ATLAS_PRICE_AGGREGATORS must be 0x-prefixed 20-byte addresses separated by commas (bad entry: "feed")'],
    [{ ATLAS_LPT_POOL: `${POOL}00` }, 'ATLAS_LPT_POOL must be a 0x-prefixed 20-byte address'],
  ])('rejects %j with a clear error', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('builds Arbitrum One sources from the given aggregators and pool only', () => {
    const c = loadConfig({ ATLAS_PRICE_AGGREGATORS: `${A1},${A2}`, ATLAS_LPT_POOL: POOL });
    const src = priceSources(arbitrumOne, c.prices);
    expect(src).toEqual([
      { pair: 'ETH/USD', kind: 'chainlink', addresses: [A1.toLowerCase(), A2.toLowerCase()], startBlock: 5_856_156 },
      { pair: 'LPT/ETH', kind: 'uniswapV3', addresses: [POOL.toLowerCase()], startBlock: 6_738_078 },
    ]);
    // The proxy emits nothing on Arbitrum One: never listed; no configuration, no chain source.
    expect(src.flatMap((s) => s.addresses)).not.toContain(ETH_USD_FEED);
    expect(priceSources(arbitrumOne, loadConfig({}).prices)).toEqual([]);
    // The simulator keeps its own contracts whatever is configured.
    expect(priceSources(simulatorNetwork(), c.prices).map((s) => s.addresses)).toEqual([[ETH_USD_FEED], [LPT_WETH_POOL]]);
  });
});
