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
/** Address of the simulator's Uniswap V3 LPT/WETH pool (token0 = LPT, token1 = WETH); on Arbitrum One the pool is configured (ATLAS_LPT_POOL). */
export const LPT_WETH_POOL: Address = '0x4fD47e5102DFBF95541F64ED6FE13d4eD26D2546';
export const WETH: Address = '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1';
/** Decimals of the ETH/USD answer. */
export const ETH_USD_DECIMALS = 8;

/** Price contracts given by configuration (Arbitrum One): the feed's aggregators and the LPT/WETH pool. */
export interface PriceSourceOptions {
  /** Chainlink ETH/USD aggregators behind the feed proxy (the proxy itself emits no AnswerUpdated). */
  ethUsdAggregators?: Address[];
  /** Uniswap V3 LPT/WETH pool (token0 LPT, token1 WETH). */
  lptPool?: Address;
}

/**
 * Where prices come from on a network. On Arbitrum One the feed proxy emits no events (its underlying
 * aggregators do, and change over time), and the pool address is not among the verified facts, so both
 * come from configuration; a pair without a source is priced from an imported CSV series only. Block
 * 6,738,078 is a safe lower bound for the pool's first Swap. The simulator places an aggregator at the
 * proxy address and the pool at LPT_WETH_POOL.
 */
export function priceSources(network: NetworkConfig, opts: PriceSourceOptions = {}): PriceSourceConfig[] {
  if (network.name === 'arbitrum-one') {
    const out: PriceSourceConfig[] = [];
    if (opts.ethUsdAggregators && opts.ethUsdAggregators.length > 0) out.push({ pair: 'ETH/USD', kind: 'chainlink', addresses: opts.ethUsdAggregators, startBlock: 5_856_156 });
    if (opts.lptPool) out.push({ pair: 'LPT/ETH', kind: 'uniswapV3', addresses: [opts.lptPool], startBlock: 6_738_078 });
    return out;
  }
  // The simulator deploys its feeds with the protocol, from its chain's first block.
  const first = network.contracts.Controller.startBlock;
  return [
    { pair: 'ETH/USD', kind: 'chainlink', addresses: [ETH_USD_FEED], startBlock: first },
    { pair: 'LPT/ETH', kind: 'uniswapV3', addresses: [LPT_WETH_POOL], startBlock: first },
  ];
}
