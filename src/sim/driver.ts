import type { Address, Hex } from 'viem';
import { SimRpc, toHex, type SimTx } from './simRpc.js';

export interface MinedTx<T> {
  tx: SimTx<T>;
  hash: Hex;
  blockNumber: number;
  ok: boolean;
  logs: RawLog[];
  /** Position in its block. */
  index: number;
}

export interface RawLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  logIndex: number;
}

interface RpcReceipt {
  transactionHash: Hex;
  transactionIndex: Hex;
  status: Hex;
  blockNumber: Hex;
  logs: { address: Address; topics: Hex[]; data: Hex; logIndex: Hex }[];
}

/**
 * Mines the simulator's transactions, one block per call: the round clock counts blocks, so a slot of the plan is
 * exactly one block however many transactions it holds. Nonces are assigned here because anvil hands the same
 * pending nonce to concurrent impersonated sends.
 */
export class ChainDriver {
  private nonces = new Map<string, number>();
  private lastTimestamp = 0;
  blocksMined = 0;
  txsMined = 0;
  txsReverted = 0;
  logsEmitted = 0;
  readonly revertReasons = new Map<string, number>();

  constructor(
    readonly rpc: SimRpc,
    /** Transactions per JSON-RPC request (sends and receipts). */
    private readonly batchSize = 500,
    /** Ask the node for the nonce of senders not seen yet (for a node with history this driver did not make). */
    private readonly nonceFromNode = false,
  ) {}

  async init(timestamp: number): Promise<void> {
    this.lastTimestamp = timestamp;
  }

  get timestamp(): number {
    return this.lastTimestamp;
  }

  private nonceFor(from: Address): number {
    const key = from.toLowerCase();
    const n = this.nonces.get(key) ?? 0;
    this.nonces.set(key, n + 1);
    return n;
  }

  /** Mine `txs` in order, in one block at `timestamp` (seconds); an empty list mines an empty block. */
  async mine<T>(txs: SimTx<T>[], timestamp: number): Promise<MinedTx<T>[]> {
    if (this.nonceFromNode) {
      const unknown = [...new Set(txs.map((t) => t.from.toLowerCase()))].filter((a) => !this.nonces.has(a));
      const counts = await this.rpc.batch<Hex>(unknown.map((a) => ({ method: 'eth_getTransactionCount', params: [a, 'latest'] })));
      unknown.forEach((a, i) => this.nonces.set(a, Number(counts[i])));
    }
    const hashes: Hex[] = [];
    for (let i = 0; i < txs.length; i += this.batchSize) {
      const chunk = txs.slice(i, i + this.batchSize);
      hashes.push(
        ...(await this.rpc.batch<Hex>(
          chunk.map((t) => ({
            method: 'eth_sendTransaction',
            params: [{ from: t.from, to: t.to, data: t.data, value: toHex(t.value ?? 0n), gas: '0x1c9c380', gasPrice: '0x0', nonce: toHex(this.nonceFor(t.from)) }],
          })),
        )),
      );
    }
    await this.mineEmpty(timestamp);
    // One call for the block's receipts: a receipt asked for alone costs the node a walk over its block.
    const inBlock = txs.length === 0 ? [] : await this.rpc.call<RpcReceipt[]>('eth_getBlockReceipts', ['latest']);
    const byHash = new Map(inBlock.map((r) => [r.transactionHash.toLowerCase(), r]));
    const receipts = hashes.map((h) => byHash.get(h.toLowerCase()) ?? null);
    const out: MinedTx<T>[] = [];
    for (let j = 0; j < txs.length; j++) {
      const r = receipts[j];
      if (!r) throw new Error(`transaction ${hashes[j]} was not mined`);
      const ok = r.status === '0x1';
      this.txsMined++;
      if (!ok) {
        this.txsReverted++;
        await this.recordRevert(txs[j]!, Number(r.blockNumber) - 1);
      }
      const logs = r.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data, logIndex: Number(l.logIndex) }));
      this.logsEmitted += logs.length;
      out.push({ tx: txs[j]!, hash: hashes[j]!, blockNumber: Number(r.blockNumber), ok, logs, index: Number(r.transactionIndex) });
    }
    // In chain order, whatever order the node put them in.
    return out.sort((a, b) => a.index - b.index);
  }

  /** The number of the last block. */
  async head(): Promise<number> {
    return Number(await this.rpc.call<Hex>('eth_blockNumber', []));
  }

  /** Mine `count` empty blocks, `spacing` seconds apart after the last one (at least a second). */
  async mineEmptyBlocks(count: number, spacing: number): Promise<void> {
    if (count <= 0) return;
    const step = Math.max(1, Math.floor(spacing));
    await this.rpc.call('anvil_mine', [toHex(count), toHex(step)]);
    const head = await this.rpc.call<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
    this.lastTimestamp = Number(head.timestamp);
    this.blocksMined += count;
  }

  async mineEmpty(timestamp: number): Promise<void> {
    const ts = Math.max(Math.floor(timestamp), this.lastTimestamp + 1);
    await this.rpc.call('evm_setNextBlockTimestamp', [toHex(ts)]);
    await this.rpc.call('evm_mine', []);
    this.lastTimestamp = ts;
    this.blocksMined++;
  }

  /** Replays a reverted call to learn why: the simulator reports reasons instead of hiding them. */
  private async recordRevert(tx: SimTx<unknown>, block: number): Promise<void> {
    let reason = 'unknown';
    try {
      await this.rpc.call('eth_call', [{ from: tx.from, to: tx.to, data: tx.data, value: toHex(tx.value ?? 0n) }, toHex(block)]);
      reason = 'succeeds on replay';
    } catch (e) {
      const msg = (e as Error).message;
      const at = msg.indexOf('reverted');
      reason = (at >= 0 ? msg.slice(at + 'reverted'.length).replace(/^[:\s]+/, '') : msg).slice(0, 160) || 'reverted without reason';
    }
    this.revertReasons.set(reason, (this.revertReasons.get(reason) ?? 0) + 1);
  }
}
