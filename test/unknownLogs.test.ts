import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keccak256, toBytes, toEventSelector, type Hex } from 'viem';
import { simulatorNetwork } from '../src/chain/networks.js';
import { createApp } from '../src/api/app.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { startAnvil, type AnvilNode } from '../src/sim/anvil.js';
import { SimRpc } from '../src/sim/simRpc.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';

// A contract whose code only emits one log with the given topic (PUSH32 topic, PUSH1 0, PUSH1 0, LOG1, STOP).
const emitter = (topic: Hex): Hex => `0x7f${topic.slice(2)}60006000a100`;
const UNKNOWN = keccak256(toBytes('SomethingAtlasDoesNotKnow(uint256)'));

describe('logs of protocol contracts that Atlas cannot name', () => {
  let node: AnvilNode;
  const net = simulatorNetwork();

  beforeAll(async () => {
    node = await startAnvil();
    const rpc = new SimRpc(node.url);
    // The BondingManager emits an event missing from Atlas's ABIs; the Controller a known one (Pause).
    await rpc.call('anvil_setCode', [net.contracts.BondingManager.address, emitter(UNKNOWN)]);
    await rpc.call('anvil_setCode', [net.contracts.Controller.address, emitter(toEventSelector('Pause()'))]);
    const from = '0x00000000000000000000000000000000000000f1';
    await rpc.call('anvil_setBalance', [from, '0x56bc75e2d63100000']);
    for (const to of [net.contracts.BondingManager.address, net.contracts.Controller.address, net.contracts.BondingManager.address]) {
      await rpc.call('eth_sendTransaction', [{ from, to, gas: '0x100000' }]);
    }
  });
  afterAll(async () => {
    await node?.stop();
  });

  for (const kind of dbKinds) {
    describe(kind, () => {
      let db: TestDb;
      beforeAll(async () => {
        db = await openTestDb(kind, { migrate: true });
        const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: node.url, network: net, confirmations: 0 });
        await indexer.backfill();
      });
      afterAll(async () => {
        await db?.close();
      });

      it('are counted and shown on /api/v1/status, grouped by contract and event', async () => {
        const app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
        const res = await app.request('/api/v1/status');
        expect(res.status).toBe(200);
        const body = (await res.json()) as { divergences: number; unknownLogs: { total: number; byEvent: { contract: string; address: string; topic0: string; count: number }[] } };
        expect(body.unknownLogs.total).toBe(2);
        expect(body.unknownLogs.byEvent).toMatchObject([{ contract: 'BondingManager', address: net.contracts.BondingManager.address.toLowerCase(), topic0: UNKNOWN, count: 2 }]);
        expect(body.divergences).toBe(0);
      });

      it('a known event of the same batch is indexed by name', async () => {
        const { rows } = await sql<{ name: string }>`select contract || '.' || name as name from chain_event`.execute(db.db);
        expect(rows.map((r) => r.name)).toEqual(['Controller.Pause']);
      });
    });
  }
});
