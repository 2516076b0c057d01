import { encodeFunctionData, parseAbi } from 'viem';
import { createRequire } from 'node:module';
import { startAnvil } from '../src/sim/anvil.js';
import { ChainDriver } from '../src/sim/driver.js';
import { resolveScenario, type PresetName } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { SimRpc, type SimTx } from '../src/sim/simRpc.js';
import { round2, writeResult } from './results.js';

/**
 * Simulator throughput: logs/s produced by the protocol scenario, against the same node mining a
 * bare event-emitting contract in blocks of the same size (the ceiling the node itself allows).
 */
export async function simBench(preset: PresetName = 'demo'): Promise<void> {
  const scenario = resolveScenario({ preset });
  const res = await runSimulation({ scenario });
  const st = res.groundTruth.stats;
  const secs = res.elapsedMs / 1000;
  // Blocks of the scenario's average size (most of a round's blocks are small; genesis and opening blocks are big).
  const perBlock = Math.max(1, Math.round(st.txs / st.blocks));
  const baseline = await bareEmitterThroughput(Math.min(st.txs, 20_000), perBlock);
  const r = writeResult({
    bench: preset === 'demo' ? 'sim' : `sim-${preset}`,
    figures: {
      logs_per_s: round2(st.logs / secs),
      txs_per_s: round2(st.txs / secs),
      blocks_per_s: round2(st.blocks / secs),
      logs_total: st.logs,
      wall_s: round2(secs),
    },
    baseline,
    dataset: `preset ${preset}, seed ${scenario.seed}: ${scenario.rounds} rounds, ${scenario.orchestrators} orchestrators, ${scenario.delegators} delegators, ${scenario.gateways} gateways; baseline: the same anvil mining a one-event contract in blocks of ${perBlock} txs (the scenario's average)`,
  });
  console.log(JSON.stringify(r, null, 2));
}

async function bareEmitterThroughput(txs: number, perBlock: number): Promise<Record<string, number>> {
  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(i: string): string };
  const src = 'pragma solidity ^0.8.20; contract E { event Ping(address indexed from, uint256 n); function ping(uint256 n) external { emit Ping(msg.sender, n); } }';
  const out = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources: { 'E.sol': { content: src } }, settings: { evmVersion: 'shanghai', outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } } }))) as {
    contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>;
  };
  const node = await startAnvil({ noMining: true, timestamp: 1_700_000_000 - 60 });
  try {
    const rpc = new SimRpc(node.url);
    const to = '0x00000000000000000000000000000000000e0001' as const;
    await rpc.call('anvil_setCode', [to, `0x${out.contracts['E.sol']!.E!.evm.deployedBytecode.object}`]);
    const abi = parseAbi(['function ping(uint256 n)']);
    const driver = new ChainDriver(rpc);
    await driver.init(1_700_000_000);
    const senders = Array.from({ length: 200 }, (_, i) => `0x${(0x10000 + i).toString(16).padStart(40, '0')}` as const);
    const batch: SimTx<null>[] = [];
    for (let i = 0; i < txs; i++) batch.push({ from: senders[i % senders.length]!, to, data: encodeFunctionData({ abi, functionName: 'ping', args: [BigInt(i)] }), tag: null });
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i += perBlock) await driver.mine(batch.slice(i, i + perBlock), 1_700_000_100 + i);
    const secs = (performance.now() - t0) / 1000;
    return { logs_per_s: round2(driver.logsEmitted / secs), txs_per_s: round2(driver.txsMined / secs), blocks_per_s: round2(driver.blocksMined / secs), logs_total: driver.logsEmitted, wall_s: round2(secs) };
  } finally {
    await node.stop();
  }
}
