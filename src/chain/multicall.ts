import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { toHexQuantity, type RpcClient } from './rpc.js';

/** Multicall3's address, the same on Arbitrum One and most chains; the simulator places its own aggregator there. */
export const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

export const multicallAbi = parseAbi([
  'struct Call3 { address target; bool allowFailure; bytes callData; }',
  'struct Result { bool success; bytes returnData; }',
  'function aggregate3(Call3[] calls) payable returns (Result[] returnData)',
]);

/** Read calls per eth_call: well inside a node's call gas cap for the BondingManager's views. */
export const MULTICALL_CHUNK = 300;

export interface ReadCall {
  target: Address;
  callData: Hex;
}

/** A call's answer: its return data, or null when it reverted. */
export type ReadResult = Hex | null;

/**
 * Reads `calls` at `blockNumber` through Multicall3.aggregate3, MULTICALL_CHUNK calls per eth_call (sent as one
 * JSON-RPC batch). Returns the answers in order and how many eth_calls it took.
 */
export async function multicallAt(rpc: RpcClient, calls: readonly ReadCall[], blockNumber: number): Promise<{ results: ReadResult[]; rpcCalls: number }> {
  if (calls.length === 0) return { results: [], rpcCalls: 0 };
  const chunks: ReadCall[][] = [];
  for (let i = 0; i < calls.length; i += MULTICALL_CHUNK) chunks.push(calls.slice(i, i + MULTICALL_CHUNK));
  const block = toHexQuantity(blockNumber);
  const answers = await rpc.batch<Hex>(
    chunks.map((chunk) => ({
      method: 'eth_call',
      params: [{ to: MULTICALL3_ADDRESS, data: encodeFunctionData({ abi: multicallAbi, functionName: 'aggregate3', args: [chunk.map((c) => ({ ...c, allowFailure: true }))] }) }, block],
    })),
  );
  const results: ReadResult[] = [];
  for (const raw of answers) {
    const decoded = decodeFunctionResult({ abi: multicallAbi, functionName: 'aggregate3', data: raw });
    for (const r of decoded) results.push(r.success ? r.returnData : null);
  }
  return { results, rpcCalls: chunks.length };
}
