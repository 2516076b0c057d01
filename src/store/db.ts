import { PGlite, types as pgliteTypes, type ParserOptions } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { PGliteDialect } from './pgliteDialect.js';
import { enableCopyIn } from './bulkCopy.js';
import { lockDataDir } from './dataDirLock.js';
import { enablePreparedStatements } from './preparedStatements.js';
import { AtlasPostgresDialect } from './postgresDialect.js';
import type { Database } from './schema.js';

export type DbKind = 'pglite' | 'postgres';

export const dbConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('pglite'),
    /** Directory of the embedded database; omitted = in-memory. */
    dataDir: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('postgres'),
    url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
    poolSize: z.number().int().min(1).max(1000).optional(),
    /** Longest a statement may run on this pool's sessions before the server cancels it (ms; default none). */
    statementTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    /**
     * A serving pool (the API's): every session is opened before the pool is returned and none is closed for being
     * idle, so a burst of requests after start-up or after a quiet spell never waits for new server sessions.
     */
    serving: z.boolean().optional(),
  }),
]);

export type DbConfig = z.output<typeof dbConfigSchema>;
export type DbConfigInput = z.input<typeof dbConfigSchema>;

export interface AtlasDb {
  readonly db: Kysely<Database>;
  readonly kind: DbKind;
  /** PGlite only: the whole data directory as a tarball (PGlite's loadDataDir restores it). */
  readonly dumpDataDir?: () => Promise<Blob | File>;
  /** Closes the pool / embedded database. Safe to call more than once. */
  close(): Promise<void>;
  /**
   * Runs a multi-statement SQL script (no parameters, no results) on its own
   * connection, outside any kysely transaction. On PGlite it waits for the
   * single connection, so do not await it from inside a transaction.
   */
  raw(sql: string): Promise<void>;
}

/** Default pool size when the config does not say. */
export const DEFAULT_POOL_SIZE = 10;

// Type OIDs whose JS representation we pin down on both backends.
const OID = {
  bytea: 17,
  int8: 20,
  date: 1082,
  dateArray: 1182,
  interval: 1186,
  intervalArray: 1187,
  numeric: 1700,
  numericArray: 1231,
  textArray: 1009,
} as const;

const asText = (value: string): string => value;

/**
 * PGlite parsers chosen to match what node-postgres returns (plus our date
 * choice below). Array types are derived by PGlite from the element parser,
 * so int8[] and date[] follow automatically.
 * - int8 → string (PGlite's default is a JS number, which loses precision past 2^53)
 * - numeric → string (already PGlite's default; pinned so it cannot drift)
 * - date → 'YYYY-MM-DD' string on both backends: a JS Date for a calendar day
 *   is midnight in *some* time zone, and the two drivers disagree on which
 * - bytea → Buffer, as node-postgres returns
 */
export const pgliteParsers: ParserOptions = {
  [OID.int8]: asText,
  [OID.numeric]: asText,
  [OID.date]: asText,
  [OID.bytea]: (value: string): Buffer => {
    const bytes = pgliteTypes.parsers[OID.bytea]!(value) as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};

/**
 * node-postgres parsers, scoped to our pool (not the global pg.types
 * registry, which would change behaviour for anything else using pg).
 * - numeric[] → string[] (pg's default parses to floats: lossy for amounts)
 * - date / date[] → strings (see pgliteParsers)
 * - interval → the server's text, as PGlite returns it
 */
function postgresTypes(): pg.CustomTypesConfig {
  // pg's typings enumerate scalar OIDs only; text[] (1009) is registered at runtime all the same.
  type TypeId = Parameters<typeof pg.types.getTypeParser>[0];
  const textArray = pg.types.getTypeParser(OID.textArray as TypeId, 'text') as (value: string) => string[];
  const overrides = new Map<number, (value: string) => unknown>([
    [OID.int8, asText],
    [OID.numeric, asText],
    [OID.numericArray, textArray],
    [OID.date, asText],
    [OID.dateArray, textArray],
    [OID.interval, asText],
    [OID.intervalArray, textArray],
  ]);
  const getTypeParser = (oid: number, format?: 'text' | 'binary'): unknown => {
    if (format !== 'binary') {
      const parser = overrides.get(oid);
      if (parser) return parser;
    }
    return pg.types.getTypeParser(oid as TypeId, format ?? 'text');
  };
  return { getTypeParser: getTypeParser as pg.CustomTypesConfig['getTypeParser'] };
}

export async function createDb(config: DbConfigInput): Promise<AtlasDb> {
  const parsed = dbConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new Error(`invalid database config:\n${z.prettifyError(parsed.error)}`);
  }
  const cfg = parsed.data;
  return cfg.kind === 'pglite' ? createPGliteDb(cfg.dataDir) : createPostgresDb(cfg);
}

async function createPGliteDb(dataDir: string | undefined): Promise<AtlasDb> {
  if (dataDir === undefined) return atlasDbFromPGlite(await PGlite.create({ parsers: pgliteParsers }));
  // One process per data directory: held until close().
  const lock = await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, parsers: pgliteParsers });
  } catch (e) {
    await lock.release();
    throw e;
  }
  const db = atlasDbFromPGlite(pglite);
  return {
    ...db,
    close: once(async () => {
      try {
        await db.close();
      } finally {
        await lock.release();
      }
    }),
  };
}

/** A dump of an embedded cluster taken after a checkpoint, so a database started from it has no WAL to replay. */
export async function checkpointedDump(pglite: PGlite): Promise<Blob> {
  await pglite.exec('checkpoint');
  return pglite.dumpDataDir('none');
}

/**
 * Wraps an already created PGlite instance (e.g. one restored from a data
 * dump for fast test setup). Create it with `parsers: pgliteParsers` so its
 * results match the postgres backend. The returned close() closes it.
 */
export function atlasDbFromPGlite(pglite: PGlite): AtlasDb {
  const dialect = new PGliteDialect({ pglite });
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    kind: 'pglite',
    close: once(() => db.destroy()),
    dumpDataDir: () => dialect.runExclusive(checkpointedDump),
    raw: async (script) => {
      await dialect.runExclusive((p) => p.exec(script));
    },
  };
}

async function createPostgresDb({ url, poolSize, statementTimeoutMs, serving }: Extract<DbConfig, { kind: 'postgres' }>): Promise<AtlasDb> {
  const max = poolSize ?? DEFAULT_POOL_SIZE;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // A new session costs the server a backend start, authentication and cold catalog and plan caches: tens of ms
    // that a serving pool would otherwise pay again in the first burst after every quiet spell (pg's default closes
    // a session idle for 10 s). 0 keeps them.
    ...(serving ? { idleTimeoutMillis: 0 } : {}),
    types: postgresTypes(),
    // PGlite always runs in UTC; pin the server session too so date_trunc,
    // ::date and timestamp text agree across backends. A URL `options=` wins.
    options: `-c TimeZone=UTC${statementTimeoutMs === undefined ? '' : ` -c statement_timeout=${statementTimeoutMs}`}`,
  });
  // An idle client dying (server restart, terminated backend) is emitted on
  // the pool; unhandled, that event would crash the process. pg already drops
  // the broken client and queries in flight still reject on their own.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    enableCopyIn(client);
    enablePreparedStatements(client);
  });
  if (serving) await openEverySession(pool, max);
  const db = new Kysely<Database>({ dialect: new AtlasPostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    close: once(() => db.destroy()),
    raw: async (script) => {
      // No parameters → node-postgres uses the simple protocol, which accepts several statements.
      await pool.query(script);
    },
  };
}

/** Opens `n` sessions of the pool at once and returns them to it idle; on any failure the pool is ended and the first error thrown. */
async function openEverySession(pool: pg.Pool, n: number): Promise<void> {
  const opened = await Promise.allSettled(Array.from({ length: n }, () => pool.connect()));
  for (const o of opened) if (o.status === 'fulfilled') o.value.release();
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await pool.end().catch(() => undefined);
    throw failed.reason;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
