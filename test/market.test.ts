import { createRequire } from 'node:module';
import { createPublicClient, decodeFunctionResult, encodeFunctionData, http, parseAbi, parseAbiItem, type Abi, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/index.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { depth, midPrice, poolSnapshot, quote } from '../src/market/analytics.js';
import { L2_LPT_GATEWAY } from '../src/market/bridge.js';
import { marketPools } from '../src/market/pools.js';
import { bridgeEvents, poolEvents } from '../src/market/queries.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { deriveAddress } from '../src/sim/population.js';
import { presets, resolveScenario } from '../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../src/sim/simulator.js';
import { SIM_POOL_ROUTER } from '../src/sim/uniswap.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const poolAbi = createRequire(import.meta.url)('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json').abi as Abi;
const routerAbi = parseAbi(['function swap(address pool, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96) returns (int256, int256)']);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const E18 = 10n ** 18n;

// One chain for both backends: the tests only read it (eth_call), each backend indexes it into its own database.
const scenario = resolveScenario({ preset: 'test', rounds: 8 });
let simulated: Promise<SimulationResult> | undefined;
afterAll(async () => {
  await (await simulated)?.node?.stop();
});

describe.each(dbKinds)('the LPT market on the real Uniswap V3 contracts (%s)', (kind) => {
  let db: TestDb;
  let sim: SimulationResult;
  const call = async (to: Address, abi: Abi, fn: string, args: unknown[] = [], from?: Address) => {
    const res = await fetch(sim.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to, from, data: encodeFunctionData({ abi, functionName: fn, args } as never) }, 'latest'] }),
    });
    const j = (await res.json()) as { result?: Hex; error?: { message: string } };
    if (!j.result) throw new Error(j.error?.message ?? 'eth_call failed');
    return decodeFunctionResult({ abi, functionName: fn, data: j.result } as never) as unknown;
  };

  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    sim = await (simulated ??= runSimulation({ scenario, keepNode: true }));
    await new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: simulatorNetwork(), confirmations: 0 }).backfill();
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('rebuilds each pool from its events: price, tick, in-range liquidity and reserves equal the contract’s', async () => {
    const pools = marketPools(simulatorNetwork()).filter((p) => p.fee !== 500);
    for (const p of pools) {
      const s = poolSnapshot(p.address.toLowerCase(), p.fee, p.tickSpacing, await poolEvents(db.db, p.address))!;
      const slot0 = (await call(p.address, poolAbi, 'slot0')) as [bigint, number];
      expect(s.sqrtPriceX96).toBe(slot0[0]);
      expect(s.tick).toBe(Number(slot0[1]));
      expect(s.liquidity).toBe(await call(p.address, poolAbi, 'liquidity'));
      // Reserves from the events' token flows; the pool also holds the fees it has not paid out.
      const lptBalance = (await call('0x289ba1701C2F088cf0faf8B3705246331cB8A839', erc20, 'balanceOf', [p.address])) as bigint;
      const wethBalance = (await call('0x82aF49447D8a07e3bd95BD0d56f35241523fBab1', erc20, 'balanceOf', [p.address])) as bigint;
      expect(s.reserve0).toBe(lptBalance);
      expect(s.reserve1).toBe(wethBalance);
      for (const t of s.ticks.slice(0, 6)) {
        const info = (await call(p.address, poolAbi, 'ticks', [t.tick])) as [bigint, bigint];
        expect(info[1]).toBe(t.liquidityNet);
      }
    }
  });

  it('quotes buying and selling N LPT to the wei of what the pool charges, across ticks', async () => {
    const trader = deriveAddress(scenario.seed, 'arbitrageur', 0);
    for (const p of marketPools(simulatorNetwork()).filter((x) => x.fee !== 500)) {
      const s = poolSnapshot(p.address.toLowerCase(), p.fee, p.tickSpacing, await poolEvents(db.db, p.address))!;
      for (const n of [10n, 5_000n, 150_000n]) {
        const sell = quote(s, 'sell', n * E18);
        const [a0, a1] = (await call(SIM_POOL_ROUTER, routerAbi, 'swap', [p.address, true, n * E18, 4295128740n], trader)) as [bigint, bigint];
        expect([sell.lpt, -sell.weth]).toEqual([a0, a1]);
        const buy = quote(s, 'buy', n * E18);
        if (!buy.filled) continue;
        const [b0, b1] = (await call(SIM_POOL_ROUTER, routerAbi, 'swap', [p.address, false, -(n * E18), 1461446703485210103287273052203988822378723970341n], trader)) as [bigint, bigint];
        expect([-buy.lpt, buy.weth]).toEqual([b0, b1]);
        expect(buy.slippagePpm).toBeGreaterThan(0);
        expect(sell.slippagePpm).toBeGreaterThan(0);
      }
      // Depth to +2%: buying that much lands the price 2% up (to the tick's rounding).
      const d = depth(s, 20_000);
      const after = quote(s, 'buy', d.lpt);
      expect(Math.abs(after.priceImpactPpm - 20_000)).toBeLessThan(5);
      expect(Number(midPrice(s.sqrtPriceX96).num) > 0).toBe(true);
    }
  });

  it('indexes the bridge flows and serves the market endpoints', async () => {
    const flows = await bridgeEvents(db.db);
    expect(flows.filter((f) => f.kind === 'deposit').length).toBeGreaterThan(10);
    const app = createApp({ db: db.db, dbKind: kind, status: () => ({ phase: 'live', headBlock: 1, indexedBlock: 1, lagBlocks: 0 }), webDir: null, rateLimit: false });
    const get = async (p: string) => (await (await app.request(p)).json()) as J;
    const m = await get('/api/v1/market/lpt');
    expect(m.pools.map((p: J) => p.feeTier).sort()).toEqual(['0.3%', '1%']);
    expect(BigInt(m.totals.tvlWeth.wei)).toBeGreaterThan(0n);
    expect(m.pools[0].volume7d.swaps).toBeGreaterThan(0);
    const depthJ = await get('/api/v1/market/lpt/depth?amounts=1000,10000');
    expect(depthJ.best).toHaveLength(4);
    expect(depthJ.best.every((q: J) => q.slippage > 0)).toBe(true);
    const vol = await get('/api/v1/market/lpt/volume');
    expect(vol.data.length).toBeGreaterThanOrEqual(2);
    const bridge = await get('/api/v1/market/bridge');
    expect(BigInt(bridge.totals.deposits.wei)).toBe(flows.filter((f) => f.kind === 'deposit').reduce((a, f) => a + f.amount, 0n));
    const providers = await get('/api/v1/market/lpt/providers');
    expect(providers.data.length).toBeGreaterThanOrEqual(6);
    const liq = await get('/api/v1/market/lpt/liquidity');
    expect(liq.bands.some((b: J) => b.inRange)).toBe(true);
  });
});

describe('the LPT market over a demo-length run', () => {
  it('sends no transaction its agents cannot pay: nothing reverts, and the agents trade both ways, re-centre ranges and bridge', async () => {
    // The market's agents and their random streams do not depend on the protocol's population: a small one will do.
    const sim = await runSimulation({ scenario: resolveScenario({ preset: 'test', rounds: presets.demo.rounds, orchestrators: 40, delegators: 150 }), keepNode: true });
    try {
      expect(sim.groundTruth.stats.revertReasons).toEqual({});
      expect(sim.groundTruth.stats.reverted).toBe(0);
      const client = createPublicClient({ transport: http(sim.rpcUrl) });
      const pools = marketPools(simulatorNetwork()).filter((p) => p.fee !== 500).map((p) => p.address);
      const swaps = await client.getLogs({ address: pools, event: parseAbiItem('event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)'), fromBlock: 0n });
      expect(swaps.filter((l) => l.args.amount0! > 0n).length).toBeGreaterThan(presets.demo.rounds);
      expect(swaps.filter((l) => l.args.amount0! < 0n).length).toBeGreaterThan(presets.demo.rounds);
      const burns = await client.getLogs({ address: pools, event: parseAbiItem('event Burn(address indexed owner, int24 indexed tickLower, int24 indexed tickUpper, uint128 amount, uint256 amount0, uint256 amount1)'), fromBlock: 0n });
      expect(burns.length).toBeGreaterThan(3);
      const withdrawals = await client.getLogs({ address: L2_LPT_GATEWAY, event: parseAbiItem('event WithdrawalInitiated(address _l1Token, address indexed _from, address indexed _to, uint256 indexed _l2ToL1Id, uint256 _exitNum, uint256 _amount)'), fromBlock: 0n });
      expect(withdrawals.length).toBeGreaterThan(3);
    } finally {
      await sim.node?.stop();
    }
  }, 300_000);
});
