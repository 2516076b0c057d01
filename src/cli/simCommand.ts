import { existsSync } from 'node:fs';
import path from 'node:path';
import { startAnvil } from '../sim/anvil.js';
import { writeGroundTruth } from '../sim/groundTruth.js';
import { presets, resolveScenario, type PresetName } from '../sim/scenario.js';
import { atlasContracts, livepeerContracts } from '../sim/backend.js';
import { runSimulation, simulatorNodeOptions } from '../sim/simulator.js';
import { UsageError } from './errors.js';
import { ProgressLine } from './progress.js';

export interface SimFlags {
  preset: string;
  seed?: string;
  rounds?: number;
  orchestrators?: number;
  delegators?: number;
  gateways?: number;
  tickets?: number;
  snapshotRounds?: string;
  out?: string;
  port?: number;
  keep?: boolean;
  /** A livepeer/protocol checkout: run the real contracts instead of Atlas's own. */
  contracts?: string;
}

export async function simCommand(flags: SimFlags): Promise<void> {
  if (!(flags.preset in presets)) throw new UsageError(`--preset must be one of ${Object.keys(presets).join(', ')}`);
  const snapshotRounds = flags.snapshotRounds
    ? flags.snapshotRounds.split(',').map((x) => {
        if (!/^\d+$/.test(x.trim())) throw new UsageError('--snapshot-rounds must be a comma-separated list of round numbers');
        return Number(x.trim());
      })
    : undefined;
  const scenario = resolveScenario({
    preset: flags.preset as PresetName,
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.rounds !== undefined ? { rounds: flags.rounds } : {}),
    ...(flags.orchestrators !== undefined ? { orchestrators: flags.orchestrators } : {}),
    ...(flags.delegators !== undefined ? { delegators: flags.delegators } : {}),
    ...(flags.gateways !== undefined ? { gateways: flags.gateways } : {}),
    ...(flags.tickets !== undefined ? { ticketsPerRound: flags.tickets } : {}),
    ...(snapshotRounds ? { snapshotRounds } : {}),
  });
  if (flags.contracts !== undefined && !existsSync(path.join(flags.contracts, 'contracts', 'bonding', 'BondingManager.sol'))) {
    throw new UsageError(`--contracts must be a livepeer/protocol checkout (no contracts/bonding/BondingManager.sol in ${flags.contracts})`);
  }
  const contracts = flags.contracts === undefined ? atlasContracts : livepeerContracts(path.resolve(flags.contracts));
  const node = await startAnvil({ ...simulatorNodeOptions(scenario), port: flags.port });
  process.stderr.write(`atlas sim: JSON-RPC at ${node.url} (chain id 31337), ${contracts.name === 'livepeer' ? `livepeer/protocol contracts from ${flags.contracts}` : "Atlas's own contracts"}\n`);
  const progress = new ProgressLine('simulating');
  try {
    const res = await runSimulation({
      scenario,
      contracts,
      rpcUrl: node.url,
      hooks: { onProgress: (p) => progress.update(p.roundsDone, p.roundsTotal, { txs: p.txs, logs: p.logs }) },
    });
    const st = res.groundTruth.stats;
    progress.done(
      `simulated ${scenario.rounds} rounds in ${(res.elapsedMs / 1000).toFixed(1)}s: ${st.blocks} blocks, ${st.txs} txs (${st.reverted} reverted), ${st.logs} logs`,
    );
    if (flags.out) {
      writeGroundTruth(flags.out, res.groundTruth);
      process.stderr.write(`ground truth written to ${flags.out}\n`);
    }
    if (flags.keep) {
      process.stderr.write(`node kept at ${node.url}; Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await node.stop();
  }
}
