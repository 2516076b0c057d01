import { CompiledQuery, type QueryResult } from 'kysely';
import { describe, expect, it } from 'vitest';
import { streamWithCursor, type CursorHost } from './cursorStream.js';

// A scripted connection: records every statement and serves `total` rows
// through FETCH, optionally failing on the nth fetch.
function fakeHost(options: { total: number; inTransaction?: boolean; failOnFetch?: number }) {
  const log: string[] = [];
  let served = 0;
  let fetches = 0;
  const host: CursorHost = {
    inTransaction: () => options.inTransaction ?? false,
    async execute(query: CompiledQuery): Promise<QueryResult<unknown>> {
      const text = query.sql.replace(/atlas_cursor_\d+/, 'C');
      log.push(query.parameters.length ? `${text} ${JSON.stringify(query.parameters)}` : text);
      const fetch = /^fetch forward (\d+) from/.exec(text);
      if (!fetch) return { rows: [] };
      if (++fetches === options.failOnFetch) throw new Error('division by zero');
      const n = Math.min(Number(fetch[1]), options.total - served);
      const rows = Array.from({ length: n }, (_, i) => ({ n: served + i + 1 }));
      served += n;
      return { rows };
    },
  };
  return { host, log };
}

function selectQuery(): CompiledQuery {
  // Any SelectQueryNode will do; compile one without a database.
  return {
    ...CompiledQuery.raw('select n from big where n > $1', [0]),
    query: { kind: 'SelectQueryNode' } as CompiledQuery['query'],
  };
}

async function drain(it: AsyncIterableIterator<QueryResult<unknown>>): Promise<number[]> {
  const sizes: number[] = [];
  for await (const chunk of it) sizes.push(chunk.rows.length);
  return sizes;
}

describe('streamWithCursor', () => {
  it('wraps a cursor in its own transaction when none is open', async () => {
    const { host, log } = fakeHost({ total: 5 });
    expect(await drain(streamWithCursor(host, selectQuery(), 2))).toEqual([2, 2, 1]);
    expect(log).toEqual([
      'begin',
      'declare C no scroll cursor for select n from big where n > $1 [0]',
      'fetch forward 2 from C',
      'fetch forward 2 from C',
      'fetch forward 2 from C',
      'close C',
      'commit',
    ]);
  });

  it('reuses the caller transaction and leaves it open', async () => {
    const { host, log } = fakeHost({ total: 4, inTransaction: true });
    expect(await drain(streamWithCursor(host, selectQuery(), 2))).toEqual([2, 2]);
    expect(log).toEqual([
      'declare C no scroll cursor for select n from big where n > $1 [0]',
      'fetch forward 2 from C',
      'fetch forward 2 from C',
      'fetch forward 2 from C',
      'close C',
    ]);
  });

  it('closes the cursor when the consumer stops early', async () => {
    const { host, log } = fakeHost({ total: 100 });
    for await (const chunk of streamWithCursor(host, selectQuery(), 10)) {
      expect(chunk.rows).toHaveLength(10);
      break;
    }
    expect(log.slice(-2)).toEqual(['close C', 'commit']);
  });

  it('rolls its own transaction back when a fetch fails', async () => {
    const { host, log } = fakeHost({ total: 100, failOnFetch: 2 });
    await expect(drain(streamWithCursor(host, selectQuery(), 10))).rejects.toThrow('division by zero');
    expect(log.at(-1)).toBe('rollback');
    expect(log).not.toContain('commit');
  });

  it('runs statements a cursor cannot hold in full, then chunks them', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: i }));
    const log: string[] = [];
    const host: CursorHost = {
      inTransaction: () => false,
      execute: async (q) => {
        log.push(q.sql);
        return { rows };
      },
    };
    const query = CompiledQuery.raw('insert into t default values returning id');
    expect(await drain(streamWithCursor(host, query, 2))).toEqual([2, 2, 1]);
    expect(log).toEqual(['insert into t default values returning id']);
  });

  it('rejects a bad chunk size', async () => {
    const { host } = fakeHost({ total: 1 });
    await expect(drain(streamWithCursor(host, selectQuery(), 0))).rejects.toThrow(/positive integer/);
  });
});
