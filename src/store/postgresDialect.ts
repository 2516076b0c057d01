import {
  PostgresDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { streamWithCursor } from './cursorStream.js';

/**
 * kysely's PostgresDialect, with `.stream()` served by server-side cursors
 * (DECLARE/FETCH) instead of the optional `pg-cursor` package, so streaming
 * works the same way as on PGlite.
 */
export class AtlasPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new CursorStreamingDriver(super.createDriver());
  }
}

class StreamingConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  // pg does not expose the session's transaction status, so the driver
  // records it when it begins/ends transactions.
  inTransaction = false;

  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(compiledQuery);
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return streamWithCursor<R>(
      {
        execute: (query) => this.inner.executeQuery<unknown>(query),
        inTransaction: () => this.inTransaction,
      },
      compiledQuery,
      chunkSize,
    );
  }
}

function unwrap(connection: DatabaseConnection): StreamingConnection {
  if (!(connection instanceof StreamingConnection)) {
    throw new Error('connection was not acquired from this driver');
  }
  return connection;
}

class CursorStreamingDriver implements Driver {
  readonly #inner: Driver;

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new StreamingConnection(await this.#inner.acquireConnection());
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection).inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = unwrap(connection);
    await this.#inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.#inner.commitTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = unwrap(connection);
    try {
      await this.#inner.rollbackTransaction(c.inner);
    } finally {
      c.inTransaction = false;
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#requireSavepoints('savepoint').call(this.#inner, unwrap(connection).inner, name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#requireSavepoints('rollbackToSavepoint').call(
      this.#inner,
      unwrap(connection).inner,
      name,
      compileQuery,
    );
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#requireSavepoints('releaseSavepoint').call(
      this.#inner,
      unwrap(connection).inner,
      name,
      compileQuery,
    );
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  #requireSavepoints(
    method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
  ): NonNullable<Driver['savepoint']> {
    const fn = this.#inner[method];
    if (!fn) throw new Error(`the postgres driver does not support ${method}`);
    return fn;
  }
}
