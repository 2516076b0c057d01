import { sql } from 'kysely';
import { createPublicClient, decodeEventLog, getAddress, http, keccak256, parseAbi, toBytes, type Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livepeerUpgradePath } from '../../src/sim/backend.js';
import { DEFAULT_UPGRADE_ROUNDS } from '../../src/sim/livepeer/upgrades.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import type { SimulationResult } from '../../src/sim/simulator.js';
import { dbKinds } from '../helpers/db.js';
import { sharedPath } from '../helpers/sharedDir.mjs';
import { logsPerContract, roundDifferences, simulateAndIndex, type IndexedBackend } from '../helpers/conformanceChecks.js';

/**
 * The upgrade path on the real contracts: the network starts on the first implementations Arbitrum One ran
 * (../shared/livepeer-protocol-history) and switches through BondingManager v2-v9, TicketBroker v2-v3 and Minter v2
 * in mainnet's order, with the operations each fix touched sent just before and just after every switch. Atlas
 * indexes it on every database backend; its values must equal the contracts' own views to the wei just before and
 * just after each switch and at the head.
 */
const ROUNDS = 42;
const SWITCHES = DEFAULT_UPGRADE_ROUNDS;
const SNAPSHOTS = [...new Set([...SWITCHES.flatMap((k) => [k - 1, k]), ROUNDS])].sort((a, b) => a - b);
// A smaller network than the main conformance scenario, so 42 rounds stay quick: 30 orchestrators for 20 active seats.
const SCENARIO = resolveScenario({ preset: 'test', rounds: ROUNDS, orchestrators: 30, delegators: 120, gateways: 4, ticketsPerRound: 20, snapshotRounds: SNAPSHOTS });
const PARAMS = { numActiveTranscoders: 20 };
const CHECKOUT = sharedPath('livepeer-protocol');
const HISTORY = sharedPath('livepeer-protocol-history');
const BACKEND = livepeerUpgradePath(CHECKOUT, HISTORY);
const EVENTS = parseAbi([
  'event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)',
  'event Reward(address indexed transcoder, uint256 amount)',
]);
const CONTROLLER_ABI = parseAbi(['event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash)', 'function getContract(bytes32) view returns (address)']);

type Row = Record<string, string | null>;

/** Which versions ran in a scenario round (1-based), for a mismatch's report. */
function versionsAt(k: number): string {
  const running: Record<string, number> = { BondingManagerTarget: 1, TicketBrokerTarget: 1, Minter: 1 };
  for (const s of BACKEND.upgrades!.steps) if (s.round <= k) running[s.contract] = s.version;
  return `BondingManager v${running.BondingManagerTarget}, TicketBroker v${running.TicketBrokerTarget}, Minter v${running.Minter}`;
}

describe('Atlas equals the real contracts along the upgrade path Arbitrum One took', () => {
  let sim: SimulationResult;
  let backends: IndexedBackend[] = [];
  let firstRound = 0;

  beforeAll(async () => {
    // Every version's implementation sits at its Arbitrum One address: Atlas follows them with mainnet's table, and
    // --verify-state reads every batch's rows back from the contracts' views at its last block.
    ({ sim, backends } = await simulateAndIndex({ scenario: SCENARIO, contracts: BACKEND, params: PARAMS, targetVersions: 'arbitrum-one', verifyState: true }));
    firstRound = sim.groundTruth.firstRound;
    for (const b of backends) await b.indexer!.backfill();
  });

  afterAll(async () => {
    await sim?.node?.stop();
    for (const b of backends) await b.db.close();
  });

  it('ran at least 40 rounds through every version without a reverted transaction', () => {
    expect(sim.groundTruth.stats.revertReasons).toEqual({});
    expect(sim.groundTruth.stats.reverted).toBe(0);
    expect(sim.groundTruth.rounds.length).toBeGreaterThanOrEqual(40);
  });

  it("switched as mainnet did: each target registered in the Controller in mainnet's order, the last ones running at the head", async () => {
    const client = createPublicClient({ transport: http(sim.rpcUrl) });
    const A = sim.deployment.addresses;
    const logs = await client.getLogs({ address: A.Controller, event: CONTROLLER_ABI[0], fromBlock: 0n, toBlock: 'latest' });
    const steps = BACKEND.upgrades!.steps;
    const ids = new Map(['BondingManagerTarget', 'TicketBrokerTarget', 'RoundsManagerTarget', 'Minter'].map((n) => [keccak256(toBytes(n)), n]));
    const registered = logs
      .map((l) => decodeEventLog({ abi: CONTROLLER_ABI, ...l }).args as { id: `0x${string}`; contractAddress: Address })
      .filter((a) => ids.has(a.id))
      .map((a) => `${ids.get(a.id)} ${getAddress(a.contractAddress)}`);
    const first = BACKEND.upgrades!.first;
    // The first deployment registers the Minter, then each proxy's target in the deploy scripts' order.
    expect(registered).toEqual([
      `Minter ${first.Minter.address}`,
      `TicketBrokerTarget ${first.TicketBroker.address}`,
      `BondingManagerTarget ${first.BondingManager.address}`,
      `RoundsManagerTarget ${first.RoundsManager.address}`,
      ...steps.map((s) => `${s.contract} ${s.address}`),
    ]);
    expect(registered.slice(-steps.length)).toEqual(steps.map((s) => `${s.contract} ${s.address}`));
    const head = await Promise.all(['BondingManagerTarget', 'TicketBrokerTarget', 'Minter'].map((n) => client.readContract({ address: A.Controller, abi: CONTROLLER_ABI, functionName: 'getContract', args: [keccak256(toBytes(n))] })));
    const last = (c: string) => steps.filter((s) => s.contract === c).at(-1)!.address;
    expect(head).toEqual([last('BondingManagerTarget'), last('TicketBrokerTarget'), last('Minter')]);
    expect(steps.map((s) => `${s.contract} v${s.version}`)).toEqual([
      'Minter v2', 'BondingManagerTarget v2', 'BondingManagerTarget v3', 'TicketBrokerTarget v2', 'BondingManagerTarget v4', 'BondingManagerTarget v5',
      'BondingManagerTarget v6', 'TicketBrokerTarget v3', 'BondingManagerTarget v7', 'BondingManagerTarget v8', 'BondingManagerTarget v9',
    ]);
  });

  it('sent the operations each fix touched just before and just after every switch', () => {
    const probes = sim.upgradeProbes ?? [];
    const refused = probes.filter((p) => !p.sent).map((p) => `switch ${p.step} (${BACKEND.upgrades!.steps[p.step]!.contract} v${BACKEND.upgrades!.steps[p.step]!.version}) ${p.side}: ${p.probe}: ${p.reason}`);
    expect(refused).toEqual([]);
    for (const [i] of BACKEND.upgrades!.steps.entries()) {
      const sent = (side: string) => new Set(probes.filter((p) => p.step === i && p.side === side && p.sent).map((p) => p.probe));
      expect(sent('before').size, `switch ${i} before`).toBe(3);
      expect(sent('after').size, `switch ${i} after`).toBe(5);
    }
  });

  it('redeemed winning tickets just before and just after each TicketBroker switch, and rewards minted around the Minter switch', async () => {
    const client = createPublicClient({ transport: http(sim.rpcUrl) });
    const A = sim.deployment.addresses;
    const B = BigInt(sim.params.roundLength);
    const inRound = async (address: Address, event: (typeof EVENTS)[number], k: number) => {
      const r = BigInt(firstRound + k - 1);
      return (await client.getLogs({ address, event, fromBlock: r * B, toBlock: r * B + B - 1n })).length;
    };
    for (const s of BACKEND.upgrades!.steps) {
      if (s.contract === 'TicketBrokerTarget') {
        expect([await inRound(A.TicketBroker, EVENTS[0], s.round - 1), await inRound(A.TicketBroker, EVENTS[0], s.round)].every((n) => n > 0), `tickets around TicketBroker v${s.version}`).toBe(true);
      }
      if (s.contract === 'Minter') {
        expect([await inRound(A.BondingManager, EVENTS[1], s.round - 1), await inRound(A.BondingManager, EVENTS[1], s.round)].every((n) => n > 0), 'rewards around the Minter switch').toBe(true);
      }
    }
  });

  it.each(dbKinds)('%s: every delegator and orchestrator field, pending stake and fees equal the contracts just before and after each switch and at the head', (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const report = b.mismatches.map((m) => `round ${m.round} (${versionsAt(m.round - firstRound + 1)}): ${m.what}: contracts ${m.expected}, Atlas ${m.actual}`);
    expect(report).toEqual([]);
    expect(sim.groundTruth.snapshots.length).toBe(SNAPSHOTS.length);
    expect(b.checked).toBeGreaterThan(10_000);
  });

  it.each(dbKinds)('%s: no divergence from the contracts and no unknown log', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    expect((await sql<Row>`select * from ledger_divergence`.execute(b.db.db)).rows).toEqual([]);
    expect((await sql<Row>`select * from unknown_log`.execute(b.db.db)).rows).toEqual([]);
    expect(b.indexer!.stats.unknownLogs).toBe(0);
    expect((await sql<Row>`select * from state_divergence`.execute(b.db.db)).rows).toEqual([]);
    expect(b.indexer!.stats.stateValuesChecked).toBeGreaterThan(10_000);
  });

  it.each(dbKinds)('%s: every protocol log of the chain is indexed, contract by contract (both Minters)', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    const counts = await logsPerContract(b.db, sim);
    expect(counts.filter((c) => c.indexed !== c.onChain)).toEqual([]);
    expect(counts.find((c) => c.key === 'MinterV1')!.indexed).toBeGreaterThan(0);
    expect(counts.find((c) => c.key === 'Minter')!.indexed).toBeGreaterThan(0);
  });

  it.each(dbKinds)('%s: rounds (mintable across the Minter switch, minted, inflation, total active stake, supply, treasury) equal the contracts', async (kind) => {
    const b = backends.find((x) => x.kind === kind)!;
    expect(await roundDifferences(b.db, sim.groundTruth.rounds, (r) => ` (${versionsAt(r - firstRound + 1)})`)).toEqual([]);
  });
});
