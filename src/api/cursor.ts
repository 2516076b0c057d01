import { AtlasError } from './errors.js';

/**
 * Opaque cursors: base64url JSON of the last row's sort key and tiebreaker. Clients must treat them as
 * opaque; the server re-validates everything it decodes, so a forged cursor can only yield a 400.
 */
export type SortKey = number | bigint | string | null;

type Encoded = ['n', number] | ['b', string] | ['s', string] | ['z', null];

function encKey(k: SortKey): Encoded {
  if (k === null) return ['z', null];
  if (typeof k === 'bigint') return ['b', k.toString()];
  if (typeof k === 'number') return ['n', k];
  return ['s', k];
}

function decKey(e: unknown): SortKey {
  if (!Array.isArray(e) || e.length !== 2) throw new Error('bad key');
  const [t, v] = e as [unknown, unknown];
  if (t === 'z' && v === null) return null;
  if (t === 'n' && typeof v === 'number' && Number.isFinite(v)) return v;
  if (t === 'b' && typeof v === 'string' && /^-?\d{1,80}$/.test(v)) return BigInt(v);
  if (t === 's' && typeof v === 'string' && v.length <= 200) return v;
  throw new Error('bad key');
}

export const MAX_CURSOR_LENGTH = 512;

export function encodeCursor(keys: SortKey[]): string {
  return Buffer.from(JSON.stringify(keys.map(encKey))).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): SortKey[] {
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('shape');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== arity) throw new Error('arity');
    return parsed.map(decKey);
  } catch {
    throw new AtlasError('bad_request', 'query parameter "cursor": not a cursor returned by this endpoint (pass page.nextCursor unchanged)');
  }
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  // Nulls sort last in either direction: handled by the caller; here they compare greatest.
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'string' || typeof b === 'string') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Sort, then page through an in-memory list (small tables served from the per-version cache) by
 * (key, id): the cursor holds the last row's pair, so pages stay stable when rows are added.
 * Nulls sort last in both directions.
 */
export function paginate<T>(
  items: readonly T[],
  opts: { limit: number; cursor?: string; key: (t: T) => SortKey; id: (t: T) => string; order: 'asc' | 'desc' },
): Page<T> {
  const dir = opts.order === 'asc' ? 1 : -1;
  const cmp = (ka: SortKey, ia: string, kb: SortKey, ib: string): number => {
    if (ka === null && kb !== null) return 1;
    if (kb === null && ka !== null) return -1;
    const c = compareKeys(ka, kb) * dir;
    return c !== 0 ? c : ia < ib ? -1 : ia > ib ? 1 : 0;
  };
  const sorted = items.map((t) => ({ t, k: opts.key(t), i: opts.id(t) })).sort((a, b) => cmp(a.k, a.i, b.k, b.i));
  let start = 0;
  if (opts.cursor) {
    const [k, id] = decodeCursor(opts.cursor, 2);
    if (typeof id !== 'string') throw new AtlasError('bad_request', 'query parameter "cursor": malformed');
    start = sorted.findIndex((x) => cmp(x.k, x.i, k!, id) > 0);
    if (start === -1) start = sorted.length;
  }
  const slice = sorted.slice(start, start + opts.limit);
  const last = slice[slice.length - 1];
  const more = start + opts.limit < sorted.length;
  return { data: slice.map((x) => x.t), nextCursor: more && last ? encodeCursor([last.k, last.i]) : null };
}

/** Decodes an event-history cursor (block, log index); a malformed one is a 400. */
export const eventCursorKey = (cursor: string | undefined): [bigint, number] | null => {
  if (!cursor) return null;
  const [b, l] = decodeCursor(cursor, 2);
  if (typeof b !== 'bigint' || typeof l !== 'number' || !Number.isInteger(l)) throw new AtlasError('bad_request', 'query parameter "cursor": malformed');
  return [b, l];
};
