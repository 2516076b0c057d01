import { indexedChain, type ChainName, type IndexedChain } from '../helpers/chains.js';
import type { DbKind } from '../helpers/db.js';

export type IndexedFixture = IndexedChain;

/**
 * A database filled the way production fills it: a simulated network (by default the `test` preset's 14 rounds,
 * snapshotted at rounds 7 and 14 as ground truth) backfilled by the protocol indexer. Mined and indexed once,
 * copied for each caller (test/helpers/chains.ts).
 */
export function indexedFixture(kind: DbKind, chain: ChainName = 'test'): Promise<IndexedFixture> {
  return indexedChain(chain, kind);
}
