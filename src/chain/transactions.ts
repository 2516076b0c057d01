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

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const QUANTITY = /^0x[0-9a-fA-F]+$/;

const isQuantity = (v: unknown): v is string => typeof v === 'string' && QUANTITY.test(v);
const isOptionalQuantity = (v: unknown): v is string | undefined => v === undefined || isQuantity(v);

/**
 * A transaction object as a block with its transactions (eth_getBlockByNumber(…, true)) lists it, or null when it
 * lacks what `TxDetails` needs (a chain's own system transaction types). Checked by hand: every block of a backfill
 * brings its transactions, and a schema object per field costs more than the JSON parse of the block.
 */
export function blockTransaction(raw: unknown): TxDetails | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const t = raw as Record<string, unknown>;
  const { hash, from, to, gas, gasPrice, maxFeePerGas, blockNumber, transactionIndex } = t;
  if (typeof hash !== 'string' || !HASH.test(hash) || typeof from !== 'string' || !ADDRESS.test(from)) return null;
  if (to !== undefined && to !== null && (typeof to !== 'string' || !ADDRESS.test(to))) return null;
  if (!isQuantity(gas) || !isOptionalQuantity(gasPrice) || !isOptionalQuantity(maxFeePerGas) || !isQuantity(blockNumber) || !isQuantity(transactionIndex)) return null;
  return detailsOf({ hash, from, to, gas, gasPrice, maxFeePerGas }, Number.parseInt(blockNumber, 16), Number.parseInt(transactionIndex, 16));
}

function detailsOf(tx: z.infer<typeof txSchema>, blockNumber: number, index: number): TxDetails {
  return {
    hash: tx.hash.toLowerCase(),
    blockNumber,
    index,
    from: tx.from.toLowerCase(),
    to: tx.to ? tx.to.toLowerCase() : null,
    gas: BigInt(tx.gas),
    gasPrice: BigInt(tx.gasPrice ?? tx.maxFeePerGas ?? '0x0'),
  };
}

/**
 * Reads the transactions that emitted protocol events when the blocks were fetched without them, in JSON-RPC batches: by hash (eth_getTransactionByHash, which
 * every provider indexes and answers from that index), and by block number and position in the block
 * (eth_getTransactionByBlockNumberAndIndex) for any the node does not know by hash (a node without a transaction
 * index). Asking by position first cost an anvil node 3 ms per transaction against 0.3 ms by hash.
 */
export async function readTransactions(rpc: RpcClient, wanted: readonly { hash: string; blockNumber: number; index: number }[]): Promise<TxDetails[]> {
  if (wanted.length === 0) return [];
  const found = await rpc.batch(
    wanted.map((w) => ({ method: 'eth_getTransactionByHash', params: [w.hash] })),
    txSchema.nullable(),
  );
  const unknown = wanted.filter((w, i) => found[i]?.hash.toLowerCase() !== w.hash.toLowerCase());
  const byPosition = new Map<string, z.infer<typeof txSchema>>();
  if (unknown.length) {
    const got = await rpc.batch(
      unknown.map((w) => ({ method: 'eth_getTransactionByBlockNumberAndIndex', params: [toHexQuantity(w.blockNumber), toHexQuantity(w.index)] })),
      txSchema.nullable(),
    );
    got.forEach((tx) => tx && byPosition.set(tx.hash.toLowerCase(), tx));
  }
  return wanted.map((w, i) => {
    const at = found[i];
    const tx = at && at.hash.toLowerCase() === w.hash.toLowerCase() ? at : byPosition.get(w.hash.toLowerCase());
    // Neither way: a lagging backend or a reorganized chain.
    if (!tx) {
      throw new RpcTransientError(`the node has no transaction ${w.hash} at block ${w.blockNumber} position ${w.index}`, 'rpc', { method: 'eth_getTransactionByBlockNumberAndIndex' });
    }
    return detailsOf(tx, w.blockNumber, w.index);
  });
}
