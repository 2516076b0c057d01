import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, toBytes, toEventSelector, type Hex } from 'viem';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { startAnvil, type AnvilNode } from '../src/sim/anvil.js';
import { SimRpc } from '../src/sim/simRpc.js';
import { openTestDb, type TestDb } from './helpers/db.js';

// The real RoundsManager counts rounds in block.number, which on Arbitrum is the L1 block and on any other chain
// (anvil) the block itself; it has no other clock to ask. A RoundsManager that only emits NewRound(round, hash)
// (PUSH32 hash, PUSH1 0, MSTORE, PUSH32 round, PUSH32 topic, PUSH1 32, PUSH1 0, LOG2, STOP) stands in for it.
const newRoundEmitter = (round: bigint): Hex =>
  `0x7f${keccak256(toBytes('hash')).slice(2)}600052` +
  `7f${encodeAbiParameters([{ type: 'uint256' }], [round]).slice(2)}` +
  `7f${toEventSelector('NewRound(uint256,bytes32)').slice(2)}60206000a200` as Hex;

describe('round clock off Arbitrum: the block number', () => {
  let node: AnvilNode;
  let db: TestDb;
  const net = simulatorNetwork();
  const blocks: number[] = [];

  beforeAll(async () => {
    node = await startAnvil();
    const rpc = new SimRpc(node.url);
    const from = '0x00000000000000000000000000000000000000f1';
    await rpc.call('anvil_setBalance', [from, '0x56bc75e2d63100000']);
    for (const round of [7n, 8n]) {
      await rpc.call('anvil_mine', ['0x5']);
      await rpc.call('anvil_setCode', [net.contracts.RoundsManager.address, newRoundEmitter(round)]);
      const hash = await rpc.call<Hex>('eth_sendTransaction', [{ from, to: net.contracts.RoundsManager.address, gas: '0x100000' }]);
      // anvil answers eth_sendTransaction before the automined block is stored: ask until the receipt is there.
      let receipt: { blockNumber: Hex } | null = null;
      for (let i = 0; i < 100 && !receipt; i++) {
        receipt = await rpc.call<{ blockNumber: Hex } | null>('eth_getTransactionReceipt', [hash]);
        if (!receipt) await new Promise((r) => setTimeout(r, 50));
      }
      if (!receipt) throw new Error(`no receipt for ${hash}`);
      blocks.push(Number(receipt.blockNumber));
    }
    db = await openTestDb('pglite', { migrate: true });
    await new ProtocolIndexer({ db: db.db, rpcUrl: node.url, network: net, confirmations: 0 }).backfill();
  });
  afterAll(async () => {
    await db?.close();
    await node?.stop();
  });

  it("stores each round's L1 block as the block that initialized it", async () => {
    const { rows } = await sql<{ round: string; block_number: string; l1_block: string | null }>`select round::text, block_number::text, l1_block::text from protocol_round order by round`.execute(db.db);
    expect(rows.map((r) => [r.round, Number(r.block_number), r.l1_block === null ? null : Number(r.l1_block)])).toEqual([
      ['7', blocks[0], blocks[0]],
      ['8', blocks[1], blocks[1]],
    ]);
  });
});
