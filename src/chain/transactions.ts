import { z } from 'zod';
import { RpcTransientError, toHexQuantity, type RpcClient } from './rpc.js';

/** A transaction as the node describes it: sender, recipient (null for a contract creation), gas limit and price (wei). */
export interface TxDetails {
  hash: string;
  blockNumber: number;
  index: number;
  from: string;
  to: string | null;
  gas: bigint;
  gasPrice: bigint;
}

const quantity = z.string().regex(/^0x[0-9a-fA-F]+$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const txSchema = z.object({
  hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  from: address,
  to: address.nullable().optional(),
  gas: quantity,
  // Legacy and EIP-1559 transactions alike carry the price actually paid (the effective price once mined).
  gasPrice: quantity.optional(),
  maxFeePerGas: quantity.optional(),
});

/**
 * Reads the transactions that emitted protocol events, by block number and position in the block
 * (eth_getTransactionByBlockNumberAndIndex): served by any node that has the block, with or without a
 * transaction-hash index, in JSON-RPC batches.
 */
export async function readTransactions(rpc: RpcClient, wanted: readonly { hash: string; blockNumber: number; index: number }[]): Promise<TxDetails[]> {
  if (wanted.length === 0) return [];
  const found = await rpc.batch(
    wanted.map((w) => ({ method: 'eth_getTransactionByBlockNumberAndIndex', params: [toHexQuantity(w.blockNumber), toHexQuantity(w.index)] })),
    txSchema.nullable(),
  );
  // A node that serves the block under another layout (a replayed or re-timed history) is asked by hash instead.
  const misplaced = wanted.filter((w, i) => found[i]?.hash.toLowerCase() !== w.hash.toLowerCase());
  const byHash = new Map<string, z.infer<typeof txSchema>>();
  if (misplaced.length) {
    const got = await rpc.batch(
      misplaced.map((w) => ({ method: 'eth_getTransactionByHash', params: [w.hash] })),
      txSchema.nullable(),
    );
    got.forEach((tx) => tx && byHash.set(tx.hash.toLowerCase(), tx));
  }
  return wanted.map((w, i) => {
    const at = found[i];
    const tx = at && at.hash.toLowerCase() === w.hash.toLowerCase() ? at : byHash.get(w.hash.toLowerCase());
    // Neither way: a lagging backend or a reorganized chain.
    if (!tx) {
      throw new RpcTransientError(`the node has no transaction ${w.hash} at block ${w.blockNumber} position ${w.index}`, 'rpc', { method: 'eth_getTransactionByBlockNumberAndIndex' });
    }
    return {
      hash: w.hash.toLowerCase(),
      blockNumber: w.blockNumber,
      index: w.index,
      from: tx.from.toLowerCase(),
      to: tx.to ? tx.to.toLowerCase() : null,
      gas: BigInt(tx.gas),
      gasPrice: BigInt(tx.gasPrice ?? tx.maxFeePerGas ?? '0x0'),
    };
  });
}
