import solc from 'solc';
import { encodeFunctionData, parseAbi } from 'viem';
import { z } from 'zod';
import { toHexQuantity, type RpcClient } from '../../chain/rpc.js';
import { seededRandom } from '../../sim/faultProxy.js';
import type { Hex } from '../logFetcher.js';

/**
 * A tiny contract that emits as many events as asked, and helpers to build a
 * chain history with it on anvil. Test support for src/sync only.
 */

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Emitter {
  event Ping(uint256 indexed id, address indexed sender, uint256 value, bytes data);
  event Pong(uint256 indexed id, bytes32 tag);
  function emitMany(uint256 start, uint256 count, uint256 salt) external {
    for (uint256 i = 0; i < count; i++) {
      if ((i + salt) % 3 == 0) emit Pong(start + i, keccak256(abi.encode(salt, i)));
      else emit Ping(start + i, msg.sender, salt * 1000 + i, abi.encodePacked(uint32(salt), uint16(i)));
    }
  }
}
`;

export const emitterAbi = parseAbi(['function emitMany(uint256 start, uint256 count, uint256 salt)']);

const outputSchema = z.object({
  errors: z.array(z.object({ severity: z.string(), formattedMessage: z.string() })).optional(),
  contracts: z.record(
    z.string(),
    z.record(z.string(), z.object({ evm: z.object({ bytecode: z.object({ object: z.string() }) }) })),
  ),
});

let bytecode: Hex | undefined;

/** Compiles once per process (solc-js takes a moment to load). */
export function emitterBytecode(): Hex {
  if (bytecode) return bytecode;
  const input = {
    language: 'Solidity',
    sources: { 'Emitter.sol': { content: SOURCE } },
    settings: {
      evmVersion: 'shanghai',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
    },
  };
  const out = outputSchema.parse(JSON.parse((solc as { compile: (s: string) => string }).compile(JSON.stringify(input))));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  bytecode = `0x${out.contracts['Emitter.sol'].Emitter.evm.bytecode.object}`;
  return bytecode;
}

const receiptSchema = z.object({ contractAddress: z.string().nullable().optional(), status: z.string() });

const GAS = toHexQuantity(30_000_000);

/** Deploy an Emitter. With `mine`, mines a block for it (anvil started with noMining). */
export async function deployEmitter(rpc: RpcClient, opts: { from?: Hex; mine?: boolean } = {}): Promise<Hex> {
  const from = opts.from ?? '0x00000000000000000000000000000000000e0001';
  const hash = await rpc.request('eth_sendTransaction', [{ from, data: emitterBytecode(), gas: GAS, gasPrice: '0x0' }], z.string());
  if (opts.mine) await rpc.request('evm_mine', []);
  const receipt = await rpc.request('eth_getTransactionReceipt', [hash], receiptSchema);
  if (receipt.status !== '0x1' || !receipt.contractAddress) throw new Error('Emitter deployment failed');
  return receipt.contractAddress.toLowerCase() as Hex;
}

let senderSeq = 0;

/** Send (unmined) a call that makes `emitter` emit `count` events. A fresh sender per tx sidesteps nonce bookkeeping. */
export async function sendEmit(rpc: RpcClient, emitter: Hex, start: number, count: number, salt: number): Promise<Hex> {
  const from = `0x${(0xa0000000 + ++senderSeq).toString(16).padStart(40, '0')}` as Hex;
  const data = encodeFunctionData({ abi: emitterAbi, functionName: 'emitMany', args: [BigInt(start), BigInt(count), BigInt(salt)] });
  return rpc.request('eth_sendTransaction', [{ from, to: emitter, data, gas: GAS, gasPrice: '0x0' }], z.string()) as Promise<Hex>;
}

export interface HistoryOptions {
  seed: number;
  /** Blocks with transactions to mine. */
  blocks: number;
  /** Emitters that may emit in each block. */
  emitters: readonly Hex[];
  /** Max transactions per block (0..max, random). Default 3. */
  maxTxPerBlock?: number;
  /** Max events per transaction. Default 20. */
  maxEventsPerTx?: number;
  /** Probability that an empty stretch follows a block. Default 0. */
  gapProbability?: number;
  /** Longest empty stretch. Default 200. */
  maxGap?: number;
  /** Distinguishes branches built from the same seed. */
  salt?: number;
}

/**
 * Mine a seeded history on an anvil started with noMining: each block gets a
 * few transactions from random emitters, sometimes followed by a stretch of
 * empty blocks. Returns the events emitted per emitter (for sanity checks).
 */
export async function mineHistory(rpc: RpcClient, opts: HistoryOptions): Promise<{ events: number }> {
  const rnd = seededRandom(opts.seed);
  const maxTx = opts.maxTxPerBlock ?? 3;
  const maxEv = opts.maxEventsPerTx ?? 20;
  let events = 0;
  let id = opts.seed * 1_000_000;
  for (let b = 0; b < opts.blocks; b++) {
    const txs = Math.floor(rnd() * (maxTx + 1));
    for (let t = 0; t < txs; t++) {
      const emitter = opts.emitters[Math.floor(rnd() * opts.emitters.length)];
      const count = 1 + Math.floor(rnd() * maxEv);
      await sendEmit(rpc, emitter, id, count, (opts.salt ?? 0) * 7919 + b * 31 + t);
      id += count;
      events += count;
    }
    await rpc.request('evm_mine', []);
    if (opts.gapProbability && rnd() < opts.gapProbability) {
      const gap = 1 + Math.floor(rnd() * (opts.maxGap ?? 200));
      await rpc.request('anvil_mine', [toHexQuantity(gap)]);
    }
  }
  return { events };
}
