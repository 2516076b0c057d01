import { createPublicClient, http, parseAbi, type PublicClient } from 'viem';
import { simulatorNetwork } from '../../src/chain/networks.js';
import { ProtocolIndexer } from '../../src/projections/indexer.js';
import { resolveScenario } from '../../src/sim/scenario.js';
import { runSimulation, type SimulationResult } from '../../src/sim/simulator.js';
import type { Hono } from 'hono';
import { createApp, type AppOptions } from '../../src/api/index.js';
import type { DbKind, TestDb } from './db.js';

/** Governor and token views the tests compare the indexed figures with. */
export const VIEWS = parseAbi([
  'function proposalVotes(uint256 id) view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)',
  'function quorum(uint256 round) view returns (uint256)',
  'function quota() view returns (uint256)',
  'function state(uint256 id) view returns (uint8)',
  'function hasVoted(uint256 id, address account) view returns (bool)',
  'function proposalSnapshot(uint256 id) view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
]);

export const CONTRACTS = simulatorNetwork().contracts;

/**
 * The 'test' preset run long enough (17 rounds) for every governance outcome the agent model plans: a failing
 * vote, an override that flips delegators' weight, a passing grant, a vote below quorum, and the LIP-101
 * cut restoration once the ceiling zeroed the cut. The node stays up so tests can eth_call its views.
 */
export async function governanceChain(): Promise<{ sim: SimulationResult; client: PublicClient }> {
  const scenario = resolveScenario({ preset: 'test', rounds: 17 });
  const sim = await runSimulation({ scenario, keepNode: true });
  const client = createPublicClient({ transport: http(sim.rpcUrl) }) as PublicClient;
  return { sim, client };
}

/** Backfills the simulated chain into a test database. */
export async function indexInto(db: TestDb, rpcUrl: string): Promise<void> {
  const indexer = new ProtocolIndexer({ db: db.db, rpcUrl, network: simulatorNetwork(), confirmations: 0 });
  await indexer.backfill();
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

type Get = (p: string, init?: RequestInit) => Promise<{ res: Response; body: J; text: string }>;

/**
 * An app over the governance chain indexed into `db`, and a GET that answers parsed JSON (or the raw text);
 * `getWith` asks an app over the same database with other options (a budget file, say).
 */
export async function indexedApi(db: TestDb, kind: DbKind, rpcUrl: string): Promise<{ app: Hono; get: Get; getWith: (options: Partial<AppOptions>) => Get }> {
  await indexInto(db, rpcUrl);
  const appWith = (options: Partial<AppOptions> = {}) => createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, ...options });
  const app = appWith();
  return { app, get: getFrom(app), getWith: (options) => getFrom(appWith(options)) };
}

function getFrom(app: Hono): Get {
  return async (p, init) => {
    const res = await app.request(p, init);
    const text = await res.text();
    let body: J = {};
    try {
      body = JSON.parse(text) as J;
    } catch {
      body = { text };
    }
    return { res, body, text };
  };
}
