import { encodeFunctionData, type Address, type Hex } from 'viem';
import { ETH_USD_FEED } from '../prices/sources.js';
import { compileSolidityDir } from './compileDir.js';
import { SIM_OPERATOR } from './deploy.js';
import type { ChainDriver } from './driver.js';
import { Rng } from './rng.js';
import type { Action } from './actions.js';
import type { SimRpc, SimTx } from './simRpc.js';
import { SimulatedUniswap } from './uniswap.js';

export { isqrt, sqrtPriceX96Of } from '../market/uniswapMath.js';

/**
 * The simulated market: ETH/USD and LPT/ETH follow seeded geometric random walks (a few percent per
 * round). ETH/USD is posted at the start of every round as a Chainlink answer; LPT/ETH is where traders and
 * an arbitrageur take the real Uniswap V3 LPT/WETH pools (`uniswap.ts`). Its own Rng streams leave the
 * protocol's agent model untouched.
 */
export class SimulatedMarket {
  private readonly rng: Rng;
  private readonly feed = compileSolidityDir('feeds', ['EthUsdAggregator'] as const);
  readonly uniswap: SimulatedUniswap;
  /** USD per ETH, 8 decimals. */
  ethUsdE8: bigint;
  /** ETH per LPT: the price the arbitrageur moves the pools to. */
  private lptEth: number;

  /** `supply`: the simulation's record of L1 circulating supply, which bridge deposits and withdrawals move. */
  constructor(seed: number | string, supply: { l1CirculatingSupply: bigint }) {
    this.rng = new Rng(`${seed}/prices`);
    this.uniswap = new SimulatedUniswap(seed, supply);
    this.ethUsdE8 = 2_600n * 10n ** 8n;
    this.lptEth = 0.0024;
  }

  /** The feed at its real address, and the LPT market (Uniswap V3 pools, bridge) with its agents. */
  async deploy(driver: ChainDriver, timestamp: number): Promise<void> {
    await driver.rpc.call('anvil_setCode', [ETH_USD_FEED, this.feed.EthUsdAggregator.deployedBytecode]);
    const mined = await driver.mine([this.tx(ETH_USD_FEED, 'initialize', [SIM_OPERATOR])], timestamp);
    if (mined.some((m) => !m.ok)) throw new Error('price feed deployment failed');
    await this.uniswap.deploy(driver, timestamp + 1, this.lptEth);
  }

  /**
   * The next round's market: `opening` is the ETH/USD answer posted with the round's initialisation; `trading`
   * (the LPT market's trades, liquidity and bridge flows) goes in a later block, so the supply and prices a
   * round starts with are those of its first block.
   */
  async roundTxs(rpc: SimRpc): Promise<{ opening: SimTx<Action>[]; trading: SimTx<Action>[] }> {
    this.ethUsdE8 = BigInt(Math.max(1, Math.round(Number(this.ethUsdE8) * this.rng.lognormal(1, 0.03))));
    const before = this.lptEth;
    this.lptEth = Math.max(1e-6, this.lptEth * this.rng.lognormal(1, 0.04));
    return {
      opening: [{ ...this.tx(ETH_USD_FEED, 'transmit', [this.ethUsdE8]), tag: { kind: 'setup', what: 'prices' } }],
      trading: await this.uniswap.roundTxs(rpc, this.lptEth, before),
    };
  }

  /** LPT bridged in from L1 for `to`: a DepositFinalized of the L2 gateway, with L1 circulating supply moved down. */
  bridgeIn(to: Address, amount: bigint): SimTx<Action>[] {
    return this.uniswap.deposit(to, amount);
  }

  private tx(to: Address, fn: string, args: readonly unknown[]): SimTx<string> {
    const data = encodeFunctionData({ abi: this.feed.EthUsdAggregator.abi, functionName: fn, args } as never) as Hex;
    return { from: SIM_OPERATOR, to, data, tag: `EthUsdAggregator.${fn}` };
  }
}
