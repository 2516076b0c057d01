import type { Address } from 'viem';
import type { NetworkConfig } from '../chain/networks.js';

/** A pair Atlas prices amounts with: quote units per one base unit. */
export type PricePair = 'ETH/USD' | 'LPT/ETH';

export interface PriceSourceConfig {
  pair: PricePair;
  kind: 'chainlink' | 'uniswapV3';
  /** Contracts whose logs carry the price (a Chainlink proxy emits nothing: list its aggregators). */
  addresses: Address[];
  /** First block that can hold a price log. */
  startBlock: number;
}

/** Chainlink ETH/USD feed proxy on Arbitrum One (issue 10); the simulator's aggregator sits at this address. */
export const ETH_USD_FEED: Address = '0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612';
/** Uniswap V3 LPT/WETH 0.3% pool on Arbitrum One; token0 = LPT, token1 = WETH. */
export const LPT_WETH_POOL: Address = '0x4fD47e5102DFBF95541F64ED6FE13d4eD26D2546';
export const WETH: Address = '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1';
/** Decimals of the ETH/USD answer. */
export const ETH_USD_DECIMALS = 8;

/**
 * Where prices come from on a network. On Arbitrum One the feed proxy emits no events (its underlying
 * aggregators do, and change over time), so ETH/USD is read from the aggregator addresses passed in
 * `ethUsdAggregators`, else from an imported CSV series; the pool did not exist at block 6,738,078 (a
 * safe lower bound for its first Swap).
 */
export function priceSources(network: NetworkConfig, ethUsdAggregators: Address[] = []): PriceSourceConfig[] {
  if (network.name === 'arbitrum-one') {
    const out: PriceSourceConfig[] = [{ pair: 'LPT/ETH', kind: 'uniswapV3', addresses: [LPT_WETH_POOL], startBlock: 6_738_078 }];
    if (ethUsdAggregators.length > 0) out.push({ pair: 'ETH/USD', kind: 'chainlink', addresses: ethUsdAggregators, startBlock: 5_856_156 });
    return out;
  }
  return [
    { pair: 'ETH/USD', kind: 'chainlink', addresses: [ETH_USD_FEED], startBlock: 0 },
    { pair: 'LPT/ETH', kind: 'uniswapV3', addresses: [LPT_WETH_POOL], startBlock: 0 },
  ];
}
