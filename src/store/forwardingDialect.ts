import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/** Runs one statement somewhere else (another thread's database) and returns its rows. */
export type ForwardQuery = (sql: string, parameters: readonly unknown[]) => Promise<QueryResult<unknown>>;

/**
 * A kysely dialect that hands every statement to `forward`: reads of a thread that does not hold the database
 * (the GraphQL worker) run on the thread that does. Read-only: transactions and streams are refused.
 */
export function forwardingDialect(forward: ForwardQuery): Dialect {
  const connection: DatabaseConnection = {
    executeQuery: <R>(q: CompiledQuery) => forward(q.sql, q.parameters) as Promise<QueryResult<R>>,
    streamQuery: () => {
      throw new Error('a forwarded connection does not stream');
    },
  };
  const readOnly = async () => {
    throw new Error('a forwarded connection is read-only: no transactions');
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: readOnly,
    commitTransaction: readOnly,
    rollbackTransaction: readOnly,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
