import type { StoredBlock } from './checkpoint.js';
import type { BlockHeader } from './logFetcher.js';
import { AtlasError } from '../base/errors.js';

/** What the node's chain says about the blocks we stored. */
export type ForkCheck =
  /** Our newest stored block is on the node's chain. */
  | { kind: 'ok' }
  /** The node's head is below our newest block, but the part it has agrees: a lagging node, not a reorg. */
  | { kind: 'behind' }
  /** Blocks after `ancestor` were replaced. */
  | { kind: 'reorg'; ancestor: StoredBlock; depth: number };

export class ReorgTooDeepError extends AtlasError {
  override name = 'ReorgTooDeepError';
  constructor(message: string) {
    super('internal', message, { reason: 'reorg_too_deep' });
  }
}

/**
 * Compare stored block hashes (newest first) with the node's. One header read
 * settles the common case: if our newest block (or the newest one at or below
 * the node's head) matches, everything before it matches too, because each
 * hash commits to its parent. Otherwise walk back in batches to the newest
 * stored block that still matches: that is the common ancestor. Stored blocks
 * may be sparse (backfill keeps only batch ends), so the true fork can be
 * anywhere after the ancestor; rolling back to the ancestor is always safe.
 */
export async function findForkPoint(
  storedDesc: readonly StoredBlock[],
  head: number,
  getHeaders: (numbers: number[]) => Promise<Array<BlockHeader | null>>,
  batchSize = 64,
): Promise<ForkCheck> {
  if (storedDesc.length === 0) return { kind: 'ok' };
  const top = storedDesc[0];
  const reachable = storedDesc.filter((b) => b.number <= head);
  if (reachable.length === 0) return { kind: 'behind' };
  const [probe] = await getHeaders([reachable[0].number]);
  if (probe?.hash === reachable[0].hash) return top.number > head ? { kind: 'behind' } : { kind: 'ok' };

  for (let i = 1; i < reachable.length; i += batchSize) {
    const slice = reachable.slice(i, i + batchSize);
    const nodeHeaders = await getHeaders(slice.map((b) => b.number));
    const hit = slice.findIndex((b, j) => nodeHeaders[j]?.hash === b.hash);
    if (hit >= 0) return { kind: 'reorg', ancestor: slice[hit], depth: top.number - slice[hit].number };
  }
  const oldest = storedDesc[storedDesc.length - 1];
  throw new ReorgTooDeepError(
    `chain reorganisation deeper than the stored window: none of the ${storedDesc.length} stored blocks ` +
      `${oldest.number}..${top.number} is on the node's chain any more (head ${head}). ` +
      `Raise keepBlocks/confirmations, or resync from an earlier block.`,
  );
}
