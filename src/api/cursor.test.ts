import { describe, expect, it } from 'vitest';
import { AtlasError } from './errors.js';
import { decodeCursor, encodeCursor, paginate } from './cursor.js';

const items = [
  { id: 'a', v: 3n },
  { id: 'b', v: 1n },
  { id: 'c', v: null },
  { id: 'd', v: 3n },
  { id: 'e', v: 2n },
];

function walk(order: 'asc' | 'desc', limit: number): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = paginate(items, { limit, cursor, key: (t) => t.v, id: (t) => t.id, order });
    out.push(...p.data.map((t) => t.id));
    if (!p.nextCursor) return out;
    cursor = p.nextCursor;
  }
}

describe('cursor pagination', () => {
  it('pages through ties and nulls without gaps or repeats, nulls last in both orders', () => {
    expect(walk('desc', 2)).toEqual(['a', 'd', 'e', 'b', 'c']);
    expect(walk('asc', 2)).toEqual(['b', 'e', 'a', 'd', 'c']);
    expect(walk('asc', 1)).toEqual(walk('asc', 100));
  });

  it('keeps its place when a row is added before the cursor', () => {
    const first = paginate(items, { limit: 2, key: (t) => t.v, id: (t) => t.id, order: 'desc' });
    const more = [...items, { id: 'f', v: 9n }];
    const next = paginate(more, { limit: 2, cursor: first.nextCursor!, key: (t) => t.v, id: (t) => t.id, order: 'desc' });
    expect(next.data.map((t) => t.id)).toEqual(['e', 'b']);
  });

  it('round-trips keys of every type and rejects forged cursors with a 400', () => {
    expect(decodeCursor(encodeCursor([12n, 3, 'x', null]), 4)).toEqual([12n, 3, 'x', null]);
    for (const bad of ['???', encodeCursor([1n]), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[["b","1e5"],["s","x"]]').toString('base64url'), 'A'.repeat(600)]) {
      expect(() => decodeCursor(bad, 2)).toThrow(AtlasError);
    }
  });
});
