import type { PGlite, Results } from '@electric-sql/pglite';
import { parseCopyIn } from './bulkCopy.js';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { streamWithCursor } from './cursorStream.js';
import { PREPARE_MARKER, sqlLiteral, statementName } from './preparedStatements.js';

/** A FIFO lock: `lock()` resolves with a release function once every earlier holder has released. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

export interface PGliteDialectConfig {
  /** An open PGlite instance. The dialect owns it: `Kysely#destroy()` closes it. */
  pglite: PGlite;
}

/**
 * Kysely dialect for PGlite.
 *
 * PGlite is one Postgres backend with one session, so the driver hands out a
 * single connection guarded by a mutex: a transaction holds it from BEGIN to
 * COMMIT/ROLLBACK and every other query waits. Without the lock, a query from
 * elsewhere in the process would silently run inside someone else's
 * transaction. Consequence: inside `db.transaction().execute(trx => ...)`, use
 * `trx`, never `db` — a query on `db` there waits for the transaction to end,
 * which waits for the query (on PostgreSQL it would merely use another
 * connection).
 */
export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite;
  readonly #mutex = new Mutex();

  constructor(config: PGliteDialectConfig) {
    this.#pglite = config.pglite;
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#pglite, this.#mutex);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }

  /**
   * Run `fn` with the PGlite instance while holding the connection lock, for
   * things kysely cannot express (multi-statement scripts via `exec`).
   */
  runExclusive<T>(fn: (pglite: PGlite) => Promise<T>): Promise<T> {
    return this.#mutex.run(() => fn(this.#pglite));
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #mutex: Mutex;
  readonly #connection: PGliteConnection;
  #release: (() => void) | undefined;

  constructor(pglite: PGlite, mutex: Mutex) {
    this.#pglite = pglite;
    this.#mutex = mutex;
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#release = await this.#mutex.lock();
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let statement = 'start transaction';
    if (settings.isolationLevel) statement += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) statement += ` ${settings.accessMode}`;
    await connection.executeQuery(CompiledQuery.raw(statement));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }

  async destroy(): Promise<void> {
    // Taking the lock first lets an in-flight transaction finish instead of
    // being cut off by close().
    await this.#mutex.run(async () => {
      if (!this.#pglite.closed) await this.#pglite.close();
    });
  }
}

const AFFECTING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function toQueryResult<R>(result: Results<unknown>): QueryResult<R> {
  const command = result.command?.toUpperCase();
  const affected = result.rowCount ?? result.affectedRows;
  return {
    rows: result.rows as R[],
    numAffectedRows:
      command !== undefined && AFFECTING_COMMANDS.has(command) && affected !== undefined
        ? BigInt(affected)
        : undefined,
  };
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  /** Statements prepared in this session (by name), and texts PREPARE refused (run unprepared from then on). */
  readonly #prepared = new Set<string>();
  readonly #unpreparable = new Set<string>();

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const copy = parseCopyIn(compiledQuery.sql, compiledQuery.parameters);
    if (copy) {
      // PGlite reads COPY … FROM '/dev/blob' from the blob given with the query.
      const statement = copy.statement.replace(/ from stdin$/i, " from '/dev/blob'");
      const result = await this.#pglite.query(statement, [], { blob: new Blob([copy.payload as BlobPart]) });
      return { rows: [], numAffectedRows: BigInt(result.affectedRows ?? 0) };
    }
    // Not inside a transaction: a PREPARE it refuses would abort the caller's transaction.
    if (compiledQuery.sql.startsWith(PREPARE_MARKER) && !this.#unpreparable.has(compiledQuery.sql) && !this.#pglite.isInTransaction()) {
      const prepared = await this.#executePrepared<R>(compiledQuery);
      if (prepared) return prepared;
    }
    if (compiledQuery.parameters.length > 0) {
      const result = await this.#pglite.query(compiledQuery.sql, [...compiledQuery.parameters], {
        rowMode: 'object',
      });
      return toQueryResult<R>(result);
    }
    // Without parameters, use the simple protocol like node-postgres does: it
    // allows multi-statement scripts (migrations) and gives the same results
    // as the postgres backend, which returns no rows for multi-statement text.
    const results = await this.#pglite.exec(compiledQuery.sql, { rowMode: 'object' });
    if (results.length === 1) return toQueryResult<R>(results[0]!);
    return { rows: [] };
  }

  /** A marked query as EXECUTE of a statement prepared once, or null when its parameters or text do not allow it. */
  async #executePrepared<R>(q: CompiledQuery): Promise<QueryResult<R> | null> {
    const literals = q.parameters.map(sqlLiteral);
    if (literals.some((l) => l === null)) return null;
    const name = statementName(q.sql);
    if (!this.#prepared.has(name)) {
      try {
        await this.#pglite.exec(`prepare ${name} as ${q.sql}`);
      } catch {
        // e.g. a parameter whose type the text does not determine: this text runs unprepared.
        this.#unpreparable.add(q.sql);
        return null;
      }
      this.#prepared.add(name);
    }
    const args = literals.length ? `(${literals.join(', ')})` : '';
    const [result] = await this.#pglite.exec(`execute ${name}${args}`, { rowMode: 'object' });
    return toQueryResult<R>(result!);
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return streamWithCursor<R>(
      {
        execute: (query) => this.executeQuery<unknown>(query),
        inTransaction: () => this.#pglite.isInTransaction(),
      },
      compiledQuery,
      chunkSize,
    );
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
