import type { RpcClient } from '../../chain/rpc.js';
import { LogFetcher, compareLogs, type Hex } from '../logFetcher.js';
import { expectedRecords, type RecordedLog } from './recordingProjection.js';

/**
 * What a perfect sync of `sources` up to `toBlock` must have recorded, read
 * straight from the node in one clean pass per source.
 */
export async function expectedFromChain(
  rpc: RpcClient,
  sources: ReadonlyArray<{ addresses: readonly Hex[]; fromBlock: number }>,
  toBlock: number,
): Promise<RecordedLog[]> {
  const fetcher = new LogFetcher({ rpc, initialRange: 1_000_000, maxRange: 1_000_000 });
  const logs = [];
  const headers = [];
  for (const s of sources) {
    if (s.fromBlock > toBlock) continue;
    const r = await fetcher.fetchAll(s.addresses, s.fromBlock, toBlock);
    logs.push(...r.logs);
    headers.push(...r.headers);
  }
  logs.sort(compareLogs);
  return expectedRecords(logs, headers);
}
