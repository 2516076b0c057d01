// The Uniswap V3 LPT pools: addresses follow from the factory, the token pair and the fee tier (CREATE2 with
// the pool init code hash), the same on Arbitrum One and in the simulator, which deploys the real contracts.
import { encodeAbiParameters, getContractAddress, keccak256, type Address } from 'viem';

/** Uniswap V3 factory (the same address on Ethereum and Arbitrum One). */
export const UNISWAP_V3_FACTORY: Address = '0x1F98431c8aD98523631AE4a59f267346ea31F984';
/** keccak256 of UniswapV3Pool's creation code (@uniswap/v3-core 1.0.x). */
export const POOL_INIT_CODE_HASH = '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54';
/** L2 LPT (Arbitrum One) and WETH on Arbitrum One; LPT sorts first, so LPT is token0 and prices are WETH per LPT. */
export const LPT_L2: Address = '0x289ba1701C2F088cf0faf8B3705246331cB8A839';
export const WETH_ARBITRUM: Address = '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1';
/** Fee tiers (hundredths of a basis point) and their tick spacings, as the factory enables them. */
export const FEE_TIERS: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 };

/** The pool of a pair and fee tier, as UniswapV3Factory.createPool deploys it. */
export function poolAddress(tokenA: Address, tokenB: Address, fee: number): Address {
  const [t0, t1] = tokenA.toLowerCase() < tokenB.toLowerCase() ? [tokenA, tokenB] : [tokenB, tokenA];
  const salt = keccakSalt(t0, t1, fee);
  return getContractAddress({ opcode: 'CREATE2', from: UNISWAP_V3_FACTORY, salt, bytecodeHash: POOL_INIT_CODE_HASH });
}

const keccakSalt = (t0: Address, t1: Address, fee: number) => keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }], [t0, t1, fee]));

/** One LPT market Atlas indexes: an LPT/WETH pool and its fee tier. */
export interface LptPool {
  address: Address;
  fee: number;
  tickSpacing: number;
  /** First block to index (0 in the simulator). */
  startBlock: number;
}

/** The LPT/WETH pools of every fee tier but the 0.01% one (which LPT has never used). */
export function lptPools(startBlock = 0): LptPool[] {
  return [500, 3000, 10000].map((fee) => ({ address: poolAddress(LPT_L2, WETH_ARBITRUM, fee), fee, tickSpacing: FEE_TIERS[fee]!, startBlock }));
}

/** LPT on Arbitrum One exists from this block: no LPT pool has an event before it. */
const LPT_L2_FIRST_BLOCK = 5856156;

/**
 * The LPT pools to index on a network: the simulator deploys them at the same addresses, so there they start with
 * the protocol (its Controller's start block, as the price feeds do; from block 0 their sources held the whole
 * sync's checkpoint back to 0 when the protocol started later).
 */
export function marketPools(network: { name: string; contracts?: { Controller: { startBlock: number } } }): LptPool[] {
  return lptPools(network.name === 'arbitrum-one' ? LPT_L2_FIRST_BLOCK : (network.contracts?.Controller.startBlock ?? 0));
}
