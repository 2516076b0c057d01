// The LPT market around the simulated protocol: the real Uniswap V3 core contracts (factory and pools, from
// @uniswap/v3-core's compiled artifacts) at their Arbitrum One addresses, liquidity providers with full-range
// and concentrated positions, noise traders and an arbitrageur that moves the pools to the market's price;
// and the L1↔L2 LPT bridge, where traders deposit LPT from L1 and withdraw it again.
import { createRequire } from 'node:module';
import { encodePacked, encodeFunctionData, keccak256, maxUint256, toBytes, toFunctionSelector, type Abi, type Address, type Hex } from 'viem';
import { L2_LPT_GATEWAY, L1_LPT } from '../market/bridge.js';
import { FEE_TIERS, LPT_L2, poolAddress, UNISWAP_V3_FACTORY, WETH_ARBITRUM } from '../market/pools.js';
import { amount0Delta, amount1Delta, liquidityForAmounts, sqrtPriceX96Of, sqrtRatioAtTick, tickAtSqrtRatio } from '../market/uniswapMath.js';
import { compileSolidityDir } from './compileDir.js';
import { SIM_OPERATOR } from './deploy.js';
import type { ChainDriver } from './driver.js';
import { deriveAddress } from './population.js';
import { Rng } from './rng.js';
import type { Action } from './actions.js';
import { toHex, type SimRpc, type SimTx } from './simRpc.js';

const require = createRequire(import.meta.url);
const factoryArtifact = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json') as { abi: Abi; bytecode: Hex };
const poolArtifact = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json') as { abi: Abi };

/** Uniswap's deployer: its first contract creation is the factory's address on every chain. */
const UNISWAP_DEPLOYER: Address = '0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9';
/** The simulator's own router (no real contract lives at this address). */
export const SIM_POOL_ROUTER: Address = '0x5100000000000000000000000000000000000002';
const LPT_ABI = [
  { type: 'function', name: 'balanceOf', inputs: [{ type: 'address' }], outputs: [{ type: 'uint256' }], stateMutability: 'view' },
  { type: 'function', name: 'approve', inputs: [{ type: 'address' }, { type: 'uint256' }], outputs: [{ type: 'bool' }], stateMutability: 'nonpayable' },
  { type: 'function', name: 'setMinter', inputs: [{ type: 'address' }, { type: 'bool' }], outputs: [], stateMutability: 'nonpayable' },
  { type: 'function', name: 'grantRole', inputs: [{ type: 'bytes32' }, { type: 'address' }], outputs: [], stateMutability: 'nonpayable' },
] as const satisfies Abi;
const CACHE_ABI = [
  { type: 'function', name: 'setL1CirculatingSupply', inputs: [{ type: 'uint256' }], outputs: [], stateMutability: 'nonpayable' },
] as const satisfies Abi;
const L2_LPT_DATA_CACHE: Address = '0xd78b6bD09cd28A83cFb21aFa0DA95c685A6bb0B1';

const E18 = 10n ** 18n;
const MARKET: Action = { kind: 'setup', what: 'market' };
const L1_SUPPLY: Action = { kind: 'setup', what: 'l1-supply' };
const units = (x: number) => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

type Contracts = ReturnType<typeof compileMarket>;
const compileMarket = () => compileSolidityDir('market', ['SimWETH', 'SimPoolRouter', 'SimL2LPTGateway'] as const);

/** Tokens an agent can spend for sure (wei): what it held when the round was planned, less what the round's earlier transactions may spend, plus what they surely return. */
interface Purse {
  lpt: bigint;
  weth: bigint;
}

interface Position {
  owner: Address;
  pool: Address;
  lower: number;
  upper: number;
  liquidity: bigint;
  /** Half-width of the range as a share of the price (0 = full range); kept when the position is re-centred. */
  width: number;
  lpt: number;
}

/** Liquidity providers: pool fee tier, LPT funded, range width (0 = full range). */
const LPS: { fee: number; lpt: number; width: number }[] = [
  { fee: 3000, lpt: 200_000, width: 0 },
  { fee: 3000, lpt: 100_000, width: 0.2 },
  { fee: 3000, lpt: 50_000, width: 0.5 },
  { fee: 3000, lpt: 40_000, width: 0.08 },
  { fee: 10000, lpt: 30_000, width: 0 },
  { fee: 10000, lpt: 20_000, width: 0.3 },
];
const TRADERS = 8;

export class SimulatedUniswap {
  private readonly rng: Rng;
  private readonly art: Contracts = compileMarket();
  readonly pools: Address[] = [poolAddress(LPT_L2, WETH_ARBITRUM, 3000), poolAddress(LPT_L2, WETH_ARBITRUM, 10000)];
  private readonly positions: Position[] = [];
  private readonly lps: Address[];
  private readonly traders: Address[];
  private readonly arb: Address;
  /** Each agent's spendable LPT and WETH while a round is planned: no transaction is sent that its sender cannot pay. */
  private readonly purses = new Map<Address, Purse>();
  /** Each pool's price (sqrtPriceX96) when the round is planned: the price its positions are opened and closed at. */
  private readonly sqrtPrices = new Map<Address, bigint>();

  /** `supply` is the simulation's own record of L1 circulating supply, shared with every other bridge user. */
  constructor(
    seed: number | string,
    private readonly supply: { l1CirculatingSupply: bigint },
  ) {
    this.rng = new Rng(`${seed}/uniswap`);
    this.lps = LPS.map((_, i) => deriveAddress(seed, 'lp', i));
    this.traders = Array.from({ length: TRADERS }, (_, i) => deriveAddress(seed, 'trader', i));
    this.arb = deriveAddress(seed, 'arbitrageur', 0);
  }

  private call<T>(to: Address, abi: Abi, fn: string, args: readonly unknown[], tag: T, from: Address = SIM_OPERATOR, value?: bigint): SimTx<T> {
    return { from, to, data: encodeFunctionData({ abi, functionName: fn, args } as never) as Hex, tag, ...(value !== undefined ? { value } : {}) };
  }

  /**
   * LPT deposited on L1 arrives on L2: the gateway mints it, and L1 circulating supply drops by as much, so
   * the global supply the Minter sees stays the same. Tagged so the expectation model follows both supplies.
   */
  deposit(to: Address, amount: bigint): SimTx<Action>[] {
    this.supply.l1CirculatingSupply -= amount;
    return [
      this.call<Action>(L2_LPT_GATEWAY, this.art.SimL2LPTGateway.abi, 'finalizeInboundTransfer', [L1_LPT, to, to, amount, '0x'], { kind: 'bridge', to, amount }),
      this.call<Action>(L2_LPT_DATA_CACHE, CACHE_ABI, 'setL1CirculatingSupply', [this.supply.l1CirculatingSupply], L1_SUPPLY),
    ];
  }

  /** LPT leaving for L1: burnt on L2 by the gateway, back in L1 circulating supply. */
  private withdraw(from: Address, amount: bigint): SimTx<Action>[] {
    this.supply.l1CirculatingSupply += amount;
    return [
      this.call<Action>(L2_LPT_GATEWAY, this.art.SimL2LPTGateway.abi, 'outboundTransfer', [L1_LPT, from, amount, '0x'], { kind: 'bridge', to: from, amount: -amount }, from),
      this.call<Action>(L2_LPT_DATA_CACHE, CACHE_ABI, 'setL1CirculatingSupply', [this.supply.l1CirculatingSupply], L1_SUPPLY),
    ];
  }

  private purse(a: Address): Purse {
    let p = this.purses.get(a);
    if (!p) this.purses.set(a, (p = { lpt: 0n, weth: 0n }));
    return p;
  }

  /**
   * Opens a position of about `p.lpt` LPT (and its worth in WETH) in a range around `price`, as much of it as its
   * owner can pay at the pool's price; none when it can pay nothing.
   */
  private mintPosition<T>(p: Omit<Position, 'liquidity' | 'lower' | 'upper'>, price: number, tag: T): SimTx<T> | null {
    const spacing = FEE_TIERS[p.pool === this.pools[0] ? 3000 : 10000]!;
    const align = (t: number) => Math.round(t / spacing) * spacing;
    const [lower, upper] =
      p.width === 0
        ? [Math.ceil(-887272 / spacing) * spacing, Math.floor(887272 / spacing) * spacing]
        : [align(tickAtSqrtRatio(sqrtOf(price * (1 - p.width)))), align(tickAtSqrtRatio(sqrtOf(price * (1 + p.width))))];
    const purse = this.purse(p.owner);
    const sqrtP = this.sqrtPrices.get(p.pool)!;
    const [sqrtA, sqrtB] = [sqrtRatioAtTick(lower), sqrtRatioAtTick(upper)];
    let liquidity = liquidityForAmounts(sqrtP, sqrtA, sqrtB, min(units(p.lpt), purse.lpt), min(units(p.lpt * price), purse.weth));
    // The pool charges the amounts rounded up: a wei more than the purse holds at most; a slightly smaller position pays.
    let [need0, need1] = positionAmounts(sqrtP, sqrtA, sqrtB, liquidity, true);
    if (need0 > purse.lpt || need1 > purse.weth) {
      liquidity -= liquidity / 1_000_000n + 1n;
      [need0, need1] = positionAmounts(sqrtP, sqrtA, sqrtB, liquidity, true);
    }
    if (liquidity <= 0n || need0 > purse.lpt || need1 > purse.weth) return null;
    purse.lpt -= need0;
    purse.weth -= need1;
    this.positions.push({ ...p, lower, upper, liquidity });
    return this.call(SIM_POOL_ROUTER, this.art.SimPoolRouter.abi, 'mint', [p.pool, lower, upper, liquidity], tag, p.owner);
  }

  /** Each agent's LPT and WETH, each pool's price and each position's liquidity (dropped when it has none), from the chain. */
  private async readMarket(rpc: SimRpc): Promise<void> {
    const agents = [...this.lps, ...this.traders, this.arb];
    const balances = await rpc.reads<bigint>(agents.flatMap((a) => [LPT_L2, WETH_ARBITRUM].map((token) => ({ address: token, abi: LPT_ABI, functionName: 'balanceOf', args: [a] }))));
    agents.forEach((a, i) => this.purses.set(a, { lpt: balances[2 * i]!, weth: balances[2 * i + 1]! }));
    const slot0 = await rpc.reads<readonly [bigint]>(this.pools.map((pool) => ({ address: pool, abi: poolArtifact.abi, functionName: 'slot0' })));
    this.pools.forEach((pool, i) => this.sqrtPrices.set(pool, slot0[i]![0]));
    const held = await rpc.reads<readonly [bigint]>(
      this.positions.map((p) => ({ address: p.pool, abi: poolArtifact.abi, functionName: 'positions', args: [keccak256(encodePacked(['address', 'int24', 'int24'], [p.owner, p.lower, p.upper]))] })),
    );
    this.positions.forEach((p, i) => (p.liquidity = held[i]![0]));
    const open = this.positions.filter((p) => p.liquidity > 0n);
    this.positions.splice(0, this.positions.length, ...open);
  }

  /** Deploys WETH, the router, the L2 gateway, the real factory and two LPT/WETH pools, and funds the agents. */
  async deploy(driver: ChainDriver, timestamp: number, lptEth: number): Promise<void> {
    const rpc = driver.rpc;
    await rpc.batch([
      { method: 'anvil_setCode', params: [WETH_ARBITRUM, this.art.SimWETH.deployedBytecode] },
      { method: 'anvil_setCode', params: [SIM_POOL_ROUTER, this.art.SimPoolRouter.deployedBytecode] },
      { method: 'anvil_setCode', params: [L2_LPT_GATEWAY, this.art.SimL2LPTGateway.deployedBytecode] },
      ...[UNISWAP_DEPLOYER, this.arb, ...this.lps, ...this.traders].map((a) => ({ method: 'anvil_setBalance', params: [a, toHex(1_000_000n * E18)] })),
    ]);
    // The factory from Uniswap's own deployer's first transaction lands at its real address.
    await rpc.call('eth_sendTransaction', [{ from: UNISWAP_DEPLOYER, data: factoryArtifact.bytecode, gas: '0x1c9c380', gasPrice: '0x0', nonce: '0x0' }]);
    await driver.mineEmpty(timestamp);
    const code = await rpc.call<Hex>('eth_getCode', [UNISWAP_V3_FACTORY, 'latest']);
    if (code === '0x') throw new Error('Uniswap V3 factory deployment failed');

    const sqrtP = sqrtOf(lptEth);
    // The deployed LivepeerToken grants minting and burning by role (AccessControl: it answers DEFAULT_ADMIN_ROLE();
    // its MINTER_ROLE and BURNER_ROLE are private); Atlas's own token by setMinter.
    const roles = await rpc
      .call<Hex>('eth_call', [{ to: LPT_L2, data: toFunctionSelector('function DEFAULT_ADMIN_ROLE()') }, 'latest'])
      .then((r) => r.length === 66)
      .catch(() => false);
    const setup: SimTx<string>[] = [
      this.call(SIM_POOL_ROUTER, this.art.SimPoolRouter.abi, 'initialize', [SIM_OPERATOR], 'router.initialize'),
      this.call(L2_LPT_GATEWAY, this.art.SimL2LPTGateway.abi, 'initialize', [SIM_OPERATOR, L1_LPT, LPT_L2], 'gateway.initialize'),
      ...(roles
        ? ['MINTER_ROLE', 'BURNER_ROLE'].map((role) => this.call(LPT_L2, LPT_ABI, 'grantRole', [keccak256(toBytes(role)), L2_LPT_GATEWAY], `LivepeerToken.grantRole(${role})`))
        : [this.call(LPT_L2, LPT_ABI, 'setMinter', [L2_LPT_GATEWAY, true], 'LivepeerToken.setMinter')]),
    ];
    for (const [i, pool] of this.pools.entries()) {
      setup.push(this.call(UNISWAP_V3_FACTORY, factoryArtifact.abi, 'createPool', [LPT_L2, WETH_ARBITRUM, [3000, 10000][i]], 'factory.createPool'));
      setup.push(this.call(SIM_POOL_ROUTER, this.art.SimPoolRouter.abi, 'addPool', [pool], 'router.addPool'));
      setup.push(this.call(pool, poolArtifact.abi, 'initialize', [sqrtP], 'pool.initialize'));
    }
    // Agents: WETH from ether and approvals now; their LPT comes over the bridge in the first round.
    for (const [a, lpt] of this.funding()) {
      setup.push(this.call(WETH_ARBITRUM, this.art.SimWETH.abi, 'deposit', [], 'weth.deposit', a, units(Math.max(lpt * lptEth * 1.5, 300))));
      setup.push(this.call(LPT_L2, LPT_ABI, 'approve', [SIM_POOL_ROUTER, maxUint256], 'approve', a));
      setup.push(this.call(WETH_ARBITRUM, this.art.SimWETH.abi, 'approve', [SIM_POOL_ROUTER, maxUint256], 'approve', a));
      setup.push(this.call(LPT_L2, LPT_ABI, 'approve', [L2_LPT_GATEWAY, maxUint256], 'approve', a));
    }
    const mined = await driver.mine(setup, timestamp + 1);
    const failed = mined.filter((m) => !m.ok);
    if (failed.length > 0) throw new Error(`simulated LPT market setup failed at ${failed.map((f) => f.tx.tag).join(', ')}: ${[...driver.revertReasons.keys()].join('; ')}`);
  }

  /** LPT each agent brings over the bridge: providers a little more than they deposit, traders a stock, the arbitrageur a large one. */
  private funding(): [Address, number][] {
    return [...this.lps.map((a, i): [Address, number] => [a, LPS[i]!.lpt * 1.05]), ...this.traders.map((a): [Address, number] => [a, 100_000]), [this.arb, 1_500_000]];
  }

  private funded = false;

  /**
   * One round of market activity: noise trades on both pools, liquidity providers re-centring ranges the
   * price left, bridge deposits and withdrawals, and last the arbitrageur moving both pools to `lptEth`. Every
   * transaction is paid from what its sender surely holds (read from the chain as the round is planned): a trade
   * an agent cannot pay is not sent.
   */
  async roundTxs(rpc: SimRpc, lptEth: number, previousLptEth: number): Promise<SimTx<Action>[]> {
    await this.readMarket(rpc);
    const rng = this.rng;
    const out: SimTx<Action>[] = [];
    const tag = MARKET;
    const router = this.art.SimPoolRouter.abi;
    const opened = (tx: SimTx<Action> | null) => {
      if (tx) out.push(tx);
    };
    if (!this.funded) {
      // The first round: every agent's LPT arrives from L1, then providers open their positions.
      this.funded = true;
      for (const [a, lpt] of this.funding()) {
        out.push(...this.deposit(a, units(lpt)));
        this.purse(a).lpt += units(lpt);
      }
      LPS.forEach((lp, i) => opened(this.mintPosition({ owner: this.lps[i]!, pool: this.pools[lp.fee === 3000 ? 0 : 1]!, width: lp.width, lpt: lp.lpt }, previousLptEth, tag)));
    }
    // Concentrated positions the price has left are closed (burn, collect) and opened again around it.
    const tickPrev = tickAtSqrtRatio(sqrtOf(previousLptEth));
    for (const p of [...this.positions]) {
      if (p.width === 0 || (tickPrev >= p.lower && tickPrev < p.upper) || !rng.chance(0.6)) continue;
      const poolAbi = poolArtifact.abi;
      out.push(this.call(p.pool, poolAbi, 'burn', [p.lower, p.upper, p.liquidity], tag, p.owner));
      out.push(this.call(p.pool, poolAbi, 'collect', [p.owner, p.lower, p.upper, (1n << 128n) - 1n, (1n << 128n) - 1n], tag, p.owner));
      this.positions.splice(this.positions.indexOf(p), 1);
      // The burn returns at least the position's amounts at the pool's price (the fees it earned come on top).
      const [back0, back1] = positionAmounts(this.sqrtPrices.get(p.pool)!, sqrtRatioAtTick(p.lower), sqrtRatioAtTick(p.upper), p.liquidity, false);
      const purse = this.purse(p.owner);
      purse.lpt += back0;
      purse.weth += back1;
      // What the old range returned is mostly one token; the provider re-deposits a fraction of its original size.
      opened(this.mintPosition({ owner: p.owner, pool: p.pool, width: p.width, lpt: p.lpt * 0.3 }, previousLptEth, tag));
    }
    for (let k = rng.int(3, 8); k > 0; k--) {
      const trader = rng.pick(this.traders);
      const purse = this.purse(trader);
      const pool = rng.chance(0.75) ? this.pools[0]! : this.pools[1]!;
      const lpt = rng.int(100, 20_000);
      // Exact-input swaps: a swap never takes more than the amount it names.
      const sell = units(lpt);
      const buyWith = units(lpt * previousLptEth);
      if (rng.chance(0.5) && purse.lpt >= sell) {
        purse.lpt -= sell;
        out.push(this.call(SIM_POOL_ROUTER, router, 'swap', [pool, true, sell, 4295128740n], tag, trader));
      } else if (purse.weth >= buyWith) {
        purse.weth -= buyWith;
        out.push(this.call(SIM_POOL_ROUTER, router, 'swap', [pool, false, buyWith, 1461446703485210103287273052203988822378723970341n], tag, trader));
      }
    }
    // Bridge flows: a few deposits from L1 and withdrawals to L1 a round.
    for (let k = rng.int(0, 3); k > 0; k--) {
      const t = rng.pick(this.traders);
      const purse = this.purse(t);
      const amount = units(rng.int(500, 40_000));
      if (rng.chance(0.55)) {
        out.push(...this.deposit(t, amount));
        purse.lpt += amount;
      } else if (purse.lpt >= amount) {
        out.push(...this.withdraw(t, amount));
        purse.lpt -= amount;
      }
    }
    // The arbitrageur brings both pools to the market price: a swap with the target as its price limit, spending
    // at most what it holds (either token, as the pool's price at its turn decides).
    const target = sqrtOf(lptEth);
    const arb = this.purse(this.arb);
    for (const pool of this.pools) {
      const [maxLpt, maxWeth] = [min(units(1_000_000), arb.lpt), min(units(2_000), arb.weth)];
      arb.lpt -= maxLpt;
      arb.weth -= maxWeth;
      out.push(this.call(SIM_POOL_ROUTER, router, 'swapToPrice', [pool, target, maxLpt, maxWeth], tag, this.arb));
    }
    return out;
  }
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** Token amounts (LPT, WETH wei) of `liquidity` between two prices at the pool's price, as Uniswap's mint (rounded up) or burn (down) counts them. */
function positionAmounts(sqrtP: bigint, sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): [bigint, bigint] {
  if (sqrtP <= sqrtA) return [amount0Delta(sqrtA, sqrtB, liquidity, roundUp), 0n];
  if (sqrtP < sqrtB) return [amount0Delta(sqrtP, sqrtB, liquidity, roundUp), amount1Delta(sqrtA, sqrtP, liquidity, roundUp)];
  return [0n, amount1Delta(sqrtA, sqrtB, liquidity, roundUp)];
}

/** sqrt(price) · 2^96 for a WETH-per-LPT price given as a float (exact for the price rounded to 12 digits). */
export const sqrtOf = (price: number): bigint => sqrtPriceX96Of(BigInt(Math.round(price * 1e12)), 10n ** 12n);
