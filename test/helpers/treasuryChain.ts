import { parseAbi } from 'viem';
import { simulatorNetwork } from '../../src/chain/networks.js';
import type { Hono } from 'hono';
import { createApp, type AppOptions } from '../../src/api/index.js';
import { indexedChain, sharedChain, type SharedChain } from './chains.js';
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
 * cut restoration once the ceiling zeroed the cut. Its node serves the whole test run (eth_call its views; do not
 * mine on it: forkChain('governance') gives a node of one's own).
 */
export function governanceChain(): Promise<SharedChain> {
  return sharedChain('governance');
}

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

type Get = (p: string, init?: RequestInit) => Promise<{ res: Response; body: J; text: string }>;

/**
 * The governance chain indexed into a database of `kind` (the caller's copy, to close), an app over it, and a GET
 * that answers parsed JSON (or the raw text); `getWith` asks an app over the same database with other options.
 */
export async function indexedApi(kind: DbKind): Promise<{ db: TestDb; app: Hono; get: Get; getWith: (options: Partial<AppOptions>) => Get }> {
  const { db } = await indexedChain('governance', kind);
  const appWith = (options: Partial<AppOptions> = {}) => createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, ...options });
  const app = appWith();
  return { db, app, get: getFrom(app), getWith: (options) => getFrom(appWith(options)) };
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
