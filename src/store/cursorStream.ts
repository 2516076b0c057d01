import { CompiledQuery, type QueryResult } from 'kysely';

/**
 * What a connection must offer for {@link streamWithCursor}. Both backends
 * stream through the same server-side cursor code so `.stream()` behaves the
 * same on PGlite and PostgreSQL (and needs no extra npm package).
 */
export interface CursorHost {
  execute(query: CompiledQuery): Promise<QueryResult<unknown>>;
  /** True while the connection is inside an explicit transaction. */
  inTransaction(): boolean;
}

let cursorSeq = 0;

// DECLARE only accepts a plain SELECT/VALUES/TABLE; anything else (DML with
// RETURNING, raw WITH that might modify data) is run in full and then chunked.
function canUseCursor(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return true;
  if (query.query.kind !== 'RawNode') return false;
  return /^\s*\(*\s*(select|values|table)\b/i.test(query.sql);
}

export async function* streamWithCursor<R>(
  host: CursorHost,
  query: CompiledQuery,
  chunkSize = 100,
): AsyncIterableIterator<QueryResult<R>> {
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
    throw new Error(`chunkSize must be a positive integer, got ${String(chunkSize)}`);
  }

  if (!canUseCursor(query)) {
    const result = await host.execute(query);
    const rows = result.rows as R[];
    for (let i = 0; i < rows.length; i += chunkSize) {
      yield { rows: rows.slice(i, i + chunkSize) };
    }
    return;
  }

  const name = `atlas_cursor_${++cursorSeq}`;
  // A non-holdable cursor lives only inside a transaction; open one when the
  // caller is not already in one, and close it when the stream ends.
  const ownTransaction = !host.inTransaction();
  if (ownTransaction) await host.execute(CompiledQuery.raw('begin'));

  let failed = false;
  try {
    await host.execute(
      CompiledQuery.raw(`declare ${name} no scroll cursor for ${query.sql}`, [...query.parameters]),
    );
    for (;;) {
      const chunk = await host.execute(CompiledQuery.raw(`fetch forward ${chunkSize} from ${name}`));
      if (chunk.rows.length === 0) break;
      yield { rows: chunk.rows as R[] };
      if (chunk.rows.length < chunkSize) break;
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    if (failed) {
      // The transaction is aborted; only rolling back (our own) makes the
      // connection usable again. A caller's transaction is theirs to end.
      if (ownTransaction) await host.execute(CompiledQuery.raw('rollback')).catch(() => undefined);
    } else {
      // Also reached when the consumer stops early (break/return/throw in its loop).
      await host.execute(CompiledQuery.raw(`close ${name}`));
      if (ownTransaction) await host.execute(CompiledQuery.raw('commit'));
    }
  }
}
