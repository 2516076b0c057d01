import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAbiParameters, keccak256, toBytes, toEventSelector, type Hex } from 'viem';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ARBITRUM_ONE_TARGETS } from '../src/chain/targets.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { loadProjector } from '../src/projections/protocolStore.js';
import { UnknownTargetError } from '../src/projections/targetVersions.js';
import { startAnvil, type AnvilNode } from '../src/sim/anvil.js';
import { SimRpc } from '../src/sim/simRpc.js';
import { dbKinds, openTestDb } from './helpers/db.js';

// The Controller's code here only emits SetContractInfo(id, contractAddress, gitCommitHash) with the call's data
// (CALLDATACOPY 96 bytes, LOG1 with the event's topic): each transaction is one registration.
const SET_CONTRACT_INFO = toEventSelector('SetContractInfo(bytes32,address,bytes20)');
const registrar: Hex = `0x606060006000377f${SET_CONTRACT_INFO.slice(2)}60606000a100`;
const FROM = '0x00000000000000000000000000000000000000f1';
const CONFIRMATIONS = 2;
const target = (contract: string, version: number) => ARBITRUM_ONE_TARGETS.find((t) => t.contract === contract && t.version === version)!.address;

describe('version-aware replay on a chain whose Controller registers Arbitrum One targets', () => {
  let node: AnvilNode;
  let rpc: SimRpc;
  // The simulator's addresses, with Arbitrum One's rule table: each registration is looked up by address.
  const net = simulatorNetwork(31337, 0, 'arbitrum-one');
  /** One registration; resolves with the block it was mined in. */
  const register = async (name: string, address: string): Promise<number> => {
    const data = encodeAbiParameters([{ type: 'bytes32' }, { type: 'address' }, { type: 'bytes32' }], [keccak256(toBytes(name)), address as Hex, `0x${'ab'.repeat(20)}${'00'.repeat(12)}`]);
    const hash = await rpc.call<Hex>('eth_sendTransaction', [{ from: FROM, to: net.contracts.Controller.address, gas: '0x100000', data }]);
    for (;;) {
      const receipt = await rpc.call<{ blockNumber: Hex } | null>('eth_getTransactionReceipt', [hash]);
      if (receipt) return Number(receipt.blockNumber);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const mine = async (n: number) => {
    for (let i = 0; i < n; i++) await rpc.call('evm_mine', []);
  };

  beforeAll(async () => {
    node = await startAnvil();
    rpc = new SimRpc(node.url);
    await rpc.call('anvil_setCode', [net.contracts.Controller.address, registrar]);
    await rpc.call('anvil_setBalance', [FROM, '0x56bc75e2d63100000']);
  });
  afterAll(async () => {
    await node?.stop();
  });

  for (const kind of dbKinds) {
    it(`${kind}: a reorg across an upgrade block rolls the version in force back with it`, async () => {
      const base = await rpc.call<string>('evm_snapshot', []);
      const db = await openTestDb(kind, { migrate: true });
      try {
        const v1Block = await register('BondingManagerTarget', target('BondingManager', 1));
        await mine(CONFIRMATIONS + 1);
        const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: node.url, network: net, confirmations: CONFIRMATIONS });
        await indexer.backfill();
        await indexer.syncOnce();
        const fork = await rpc.call<string>('evm_snapshot', []);
        await register('BondingManagerTarget', target('BondingManager', 2));
        await indexer.syncOnce();
        const state = async () => (await loadProjector(db.db, net.contracts.Treasury.address, () => undefined, net.targetVersions)).extra.targets;
        expect((await state())?.BondingManager?.version).toBe(2);

        // The upgrade's block is replaced by a longer branch without it.
        await rpc.call('evm_revert', [fork]);
        await register('TicketBrokerTarget', target('TicketBroker', 2));
        await mine(1);
        await indexer.syncOnce();
        const after = await state();
        expect(after?.BondingManager).toEqual({ version: 1, address: target('BondingManager', 1), block: v1Block });
        expect(after?.TicketBroker?.version).toBe(2);
        const projector = await loadProjector(db.db, net.contracts.Treasury.address, () => undefined, net.targetVersions);
        expect(projector.ledger.bondingManagerVersion()).toBe(1);
      } finally {
        await db.close();
        await rpc.call('evm_revert', [base]);
      }
    }, 120_000);

    it(`${kind}: an implementation address Arbitrum One never ran stops the indexer with one line naming it and its block`, async () => {
      const base = await rpc.call<string>('evm_snapshot', []);
      const db = await openTestDb(kind, { migrate: true });
      try {
        await register('BondingManagerTarget', target('BondingManager', 9));
        const unknown = '0x00000000000000000000000000000000000bad01';
        const at = await register('BondingManagerTarget', unknown);
        const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: node.url, network: net, confirmations: 0 });
        const err = await indexer.backfill().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(UnknownTargetError);
        const message = (err as Error).message;
        expect(message).toContain(`unknown BondingManagerTarget ${unknown} registered by the Controller at block ${at}`);
        expect(message).not.toContain('\n');
        // Nothing from the failed batch was kept: the indexer resumes from before it once it knows the address.
        const projector = await loadProjector(db.db, net.contracts.Treasury.address, () => undefined, net.targetVersions);
        expect(projector.extra.targets?.BondingManager?.address ?? null).not.toBe(unknown);
      } finally {
        await db.close();
        await rpc.call('evm_revert', [base]);
      }
    }, 120_000);
  }
});
