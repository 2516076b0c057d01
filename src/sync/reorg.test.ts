import { describe, expect, it } from 'vitest';
import type { StoredBlock } from './checkpoint.js';
import type { BlockHeader, Hex } from './logFetcher.js';
import { ReorgTooDeepError, findForkPoint } from './reorg.js';

// findForkPoint is pure: a chain here is just a map from number to hash.
const h = (branch: string, n: number): Hex => `0x${branch}${n.toString(16).padStart(8, '0')}`;

function chain(len: number, forkAt: number | null, branch = 'bb'): (numbers: number[]) => Promise<Array<BlockHeader | null>> {
  return async (numbers) =>
    numbers.map((n) =>
      n > len
        ? null
        : {
            number: n,
            hash: forkAt !== null && n >= forkAt ? h(branch, n) : h('aa', n),
            parentHash: h('aa', n - 1),
            timestamp: n,
            l1BlockNumber: null,
          },
    );
}

const stored = (numbers: number[]): StoredBlock[] =>
  numbers
    .sort((a, b) => b - a)
    .map((n) => ({ number: n, hash: h('aa', n), parentHash: h('aa', n - 1) }));

describe('findForkPoint', () => {
  it('is ok with nothing stored', async () => {
    expect(await findForkPoint([], 10, chain(10, null))).toEqual({ kind: 'ok' });
  });

  it('settles the common case with one header read', async () => {
    let reads = 0;
    const get = chain(50, null);
    const res = await findForkPoint(stored([40, 45, 50]), 55, async (ns) => {
      reads += ns.length;
      return get(ns);
    });
    expect(res).toEqual({ kind: 'ok' });
    expect(reads).toBe(1);
  });

  it('finds the newest matching stored block as the ancestor', async () => {
    const res = await findForkPoint(stored([30, 40, 41, 42, 43, 44]), 44, chain(44, 42));
    expect(res).toEqual({ kind: 'reorg', ancestor: stored([41])[0], depth: 3 });
  });

  it('falls back to a sparse ancestor below the fork', async () => {
    const res = await findForkPoint(stored([10, 20, 30, 31]), 40, chain(40, 25));
    expect(res.kind === 'reorg' && res.ancestor.number).toBe(20);
  });

  it('reports a lagging node when the part it has agrees', async () => {
    expect(await findForkPoint(stored([40, 41, 42]), 41, chain(41, null))).toEqual({ kind: 'behind' });
    expect(await findForkPoint(stored([40, 41, 42]), 30, chain(30, null))).toEqual({ kind: 'behind' });
  });

  it('sees a shorter replacement chain when a stored block at or below its head differs', async () => {
    const res = await findForkPoint(stored([38, 39, 40, 41, 42]), 40, chain(40, 39));
    expect(res.kind === 'reorg' && res.ancestor.number).toBe(38);
  });

  it('walks back across several batches', async () => {
    const nums = Array.from({ length: 200 }, (_, i) => 1000 + i);
    const res = await findForkPoint(stored(nums), 1199, chain(1199, 1010), 16);
    expect(res.kind === 'reorg' && res.ancestor.number).toBe(1009);
  });

  it('refuses when no stored block is on the chain any more', async () => {
    await expect(findForkPoint(stored([50, 51, 52]), 60, chain(60, 10))).rejects.toBeInstanceOf(ReorgTooDeepError);
  });
});
