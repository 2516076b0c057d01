import { RpcClient } from '../chain/rpc.js';
import { checkState } from '../projections/stateCheck.js';
import { indexedBlock } from '../read/chain.js';
import { sampleState } from '../read/indexerHealth.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { checkChain, networkFlag } from './indexCommand.js';

export interface VerifyFlags {
  rpcUrl?: string;
  network?: string;
  sample?: string;
}

/**
 * `atlas verify`: reads the BondingManager's getDelegator, getTranscoder and newest pool of a random sample of
 * indexed accounts at the indexed block (one multicall) and prints every value that differs from the index.
 * Exits with code 1 on any difference.
 */
export async function verifyCommand(flags: VerifyFlags): Promise<void> {
  const cfg = loadConfig(process.env, flags.rpcUrl ? { ATLAS_RPC_URL: flags.rpcUrl } : {});
  if (cfg.network.kind !== 'rpc') throw new ConfigError('nothing to verify against: set ATLAS_RPC_URL or pass --rpc-url');
  const network = networkFlag(flags.network);
  const n = Number(flags.sample ?? '100');
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new ConfigError('--sample must be a whole number from 1 to 100000');
  await checkChain(cfg.network.url, network, cfg.sync.rpcTimeoutMs);
  const db = await openDatabase(cfg.database);
  try {
    const head = await indexedBlock(db.db);
    if (head === null) throw new ConfigError('the database holds no indexed block: run atlas index first');
    const sample = await sampleState(db.db, n);
    const rpc = new RpcClient({ url: cfg.network.url, timeoutMs: cfg.sync.rpcTimeoutMs });
    const check = await checkState(rpc, network.contracts.BondingManager.address, Number(head), sample);
    for (const d of check.divergences) process.stdout.write(`${d.account} ${d.view}.${d.field}: atlas ${d.atlas}, chain ${d.chain}\n`);
    const accounts = `${sample.delegators.length} delegators, ${sample.transcoders.length} orchestrators, ${sample.pools.length} pools`;
    process.stdout.write(`block ${head}: ${accounts}; ${check.compared} values compared with ${check.rpcCalls} eth_call(s), ${check.divergences.length} differ\n`);
    if (check.divergences.length > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}
