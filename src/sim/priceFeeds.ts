import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFunctionData, type Abi, type Address, type Hex } from 'viem';
import { ETH_USD_FEED, LPT_WETH_POOL, WETH } from '../prices/sources.js';
import { SIM_OPERATOR } from './deploy.js';
import type { ChainDriver } from './driver.js';
import { Rng } from './rng.js';
import type { SimTx } from './simRpc.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const feedsDir = path.join(here, 'contracts', 'feeds');
const LPT: Address = '0x289ba1701C2F088cf0faf8B3705246331cB8A839';
const Q96 = 2n ** 96n;

interface Compiled {
  abi: Abi;
  deployedBytecode: Hex;
}
type FeedArtifacts = Record<'EthUsdAggregator' | 'LptWethPool', Compiled>;

/** Compiles the two price contracts (kept apart from the protocol's so they add no protocol compile work). */
function compileFeeds(): FeedArtifacts {
  const sources: Record<string, { content: string }> = {};
  for (const f of readdirSync(feedsDir).sort()) if (f.endsWith('.sol')) sources[f] = { content: readFileSync(path.join(feedsDir, f), 'utf8') };
  const hash = createHash('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 16);
  const cacheDir = path.join(here, '..', '..', 'node_modules', '.cache', 'atlas-contracts');
  const cacheFile = path.join(cacheDir, `feeds-${hash}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as FeedArtifacts;
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const input = { language: 'Solidity', sources, settings: { evmVersion: 'shanghai', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.deployedBytecode.object'] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { deployedBytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`price feed compile failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const art = {} as FeedArtifacts;
  for (const name of ['EthUsdAggregator', 'LptWethPool'] as const) {
    const c = out.contracts[`${name}.sol`]?.[name];
    if (!c) throw new Error(`contract ${name} missing from compiler output`);
    art[name] = { abi: c.abi, deployedBytecode: `0x${c.evm.deployedBytecode.object}` as Hex };
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(art));
  return art;
}

/** Integer square root (floor). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  // Newton's method from a power of two above the root; it decreases monotonically to floor(sqrt(n)).
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** sqrtPriceX96 for a price of `num/den` token1 per token0 (same decimals): floor(sqrt(num/den) * 2^96). */
export function sqrtPriceX96Of(num: bigint, den: bigint): bigint {
  return isqrt((num * Q96 * Q96) / den);
}

/**
 * The simulated market: ETH/USD and LPT/ETH follow seeded geometric random walks (a few percent per
 * round), posted at the start of every round as a Chainlink answer and a Swap on the LPT/WETH pool.
 * Its own Rng stream leaves the protocol's agent model untouched.
 */
export class SimulatedMarket {
  private readonly rng: Rng;
  private readonly art = compileFeeds();
  /** USD per ETH, 8 decimals. */
  ethUsdE8: bigint;
  /** ETH per LPT as a float for the walk; the posted sqrtPriceX96 is exact for the rounded value. */
  private lptEth: number;
  readonly posted: { ethUsdE8: bigint; sqrtPriceX96: bigint }[] = [];

  constructor(seed: number | string) {
    this.rng = new Rng(`${seed}/prices`);
    this.ethUsdE8 = 2_600n * 10n ** 8n;
    this.lptEth = 0.0024;
  }

  /** Place both contracts at their real addresses and initialise them. */
  async deploy(driver: ChainDriver, timestamp: number): Promise<void> {
    await driver.rpc.batch([
      { method: 'anvil_setCode', params: [ETH_USD_FEED, this.art.EthUsdAggregator.deployedBytecode] },
      { method: 'anvil_setCode', params: [LPT_WETH_POOL, this.art.LptWethPool.deployedBytecode] },
    ]);
    const sqrtP = this.sqrtPrice();
    const mined = await driver.mine(
      [
        this.tx(ETH_USD_FEED, 'EthUsdAggregator', 'initialize', [SIM_OPERATOR]),
        this.tx(LPT_WETH_POOL, 'LptWethPool', 'initialize', [SIM_OPERATOR, LPT, WETH, sqrtP, this.tick(), 10n ** 24n]),
      ],
      timestamp,
    );
    if (mined.some((m) => !m.ok)) throw new Error('price feed deployment failed');
  }

  /** The next round's price posts: one ETH/USD answer and one LPT/WETH swap, as transactions to mine. */
  roundTxs<T>(tag: T): SimTx<T>[] {
    this.ethUsdE8 = BigInt(Math.max(1, Math.round(Number(this.ethUsdE8) * this.rng.lognormal(1, 0.03))));
    const before = this.lptEth;
    this.lptEth = Math.max(1e-6, this.lptEth * this.rng.lognormal(1, 0.04));
    const sqrtP = this.sqrtPrice();
    this.posted.push({ ethUsdE8: this.ethUsdE8, sqrtPriceX96: sqrtP });
    // A buyer of LPT pushes the price up (LPT leaves the pool: amount0 < 0), a seller pushes it down.
    const lptAmount = BigInt(Math.round(this.rng.int(50, 5_000))) * 10n ** 18n;
    const wethAmount = BigInt(Math.round(Number(lptAmount / 10n ** 12n) * this.lptEth)) * 10n ** 12n;
    const buy = this.lptEth >= before;
    const amount0 = buy ? -lptAmount : lptAmount;
    const amount1 = buy ? wethAmount : -wethAmount;
    const trader = `0x${'7a'.repeat(19)}${(this.posted.length % 256).toString(16).padStart(2, '0')}` as Address;
    return [
      { ...this.tx(ETH_USD_FEED, 'EthUsdAggregator', 'transmit', [this.ethUsdE8]), tag },
      { ...this.tx(LPT_WETH_POOL, 'LptWethPool', 'recordSwap', [trader, amount0, amount1, sqrtP, this.tick()]), tag },
    ];
  }

  private sqrtPrice(): bigint {
    const num = BigInt(Math.round(this.lptEth * 1e12));
    return sqrtPriceX96Of(num, 10n ** 12n);
  }

  private tick(): number {
    return Math.floor(Math.log(this.lptEth) / Math.log(1.0001));
  }

  private tx(to: Address, name: keyof FeedArtifacts, fn: string, args: readonly unknown[]): SimTx<string> {
    const data = encodeFunctionData({ abi: this.art[name].abi, functionName: fn, args } as never) as Hex;
    return { from: SIM_OPERATOR, to, data, tag: `${name}.${fn}` };
  }
}
