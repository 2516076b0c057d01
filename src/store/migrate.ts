import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { AtlasError } from '../base/errors.js';

/** `src/store/migrations/`, found next to this module rather than via the working directory. */
export const defaultMigrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Advisory lock key ("atlasmig" in ASCII) serialising migrations across
 * processes sharing one PostgreSQL database. Transaction-scoped, so a crashed
 * migrator can never leave it held.
 */
export const MIGRATION_LOCK_KEY = 7022356884781623655n;

export class MigrationError extends AtlasError {
  override name = 'MigrationError';
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super('internal', message, { reason: 'migration', cause: opts.cause });
  }
}

export interface MigrationFile {
  version: number;
  /** The part of the file name between the version and `.sql`. */
  name: string;
  fileName: string;
  path: string;
}

export interface MigrateOptions {
  /** Directory of `NNNN_name.sql` files; defaults to {@link defaultMigrationsDir}. */
  dir?: string;
}

export interface MigrateResult {
  /** Migrations this call applied, in order (empty when already up to date). */
  applied: MigrationFile[];
  /** Highest applied version after the call (0 when there are none). */
  version: number;
}

export type MigrationState = 'applied' | 'pending' | 'name-mismatch' | 'missing-file';

export interface MigrationStatusEntry {
  version: number;
  /** Name from the file when there is one, else the recorded name. */
  name: string;
  state: MigrationState;
  fileName?: string;
  /** Name recorded in schema_migrations, when applied. */
  appliedName?: string;
  appliedAt?: Date;
}

interface Recorded {
  version: number;
  name: string;
  applied_at: Date;
}

const FILE_PATTERN = /^(\d{4,})_([A-Za-z0-9_-]+)\.sql$/;

/** Lists and validates the migration files of `dir`, sorted by version. */
export async function readMigrations(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    throw new MigrationError(`cannot read migrations directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const files: MigrationFile[] = [];
  const byVersion = new Map<number, MigrationFile>();
  for (const fileName of entries) {
    if (!fileName.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(fileName);
    if (!match) {
      throw new MigrationError(
        `migration file ${fileName} in ${dir} is not named NNNN_name.sql (letters, digits, _ and - only)`,
      );
    }
    const file: MigrationFile = {
      version: Number(match[1]),
      name: match[2]!,
      fileName,
      path: join(dir, fileName),
    };
    const clash = byVersion.get(file.version);
    if (clash) {
      throw new MigrationError(
        `migrations ${clash.fileName} and ${fileName} share version ${file.version}; renumber the newer one`,
      );
    }
    byVersion.set(file.version, file);
    files.push(file);
  }
  return files.sort((a, b) => a.version - b.version);
}

async function lock(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
}

async function ensureTable(trx: Transaction<Database>): Promise<void> {
  await sql`
    create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )
  `.execute(trx);
}

async function readRecorded(db: Kysely<Database>): Promise<Recorded[]> {
  return db.selectFrom('schema_migrations').select(['version', 'name', 'applied_at']).orderBy('version').execute();
}

function mismatchMessage(file: MigrationFile, recordedName: string): string {
  return (
    `migration ${file.version} was applied as "${recordedName}" but the file is now ${file.fileName}; ` +
    `applied migrations must not be renamed or replaced — restore the file name or add a new migration`
  );
}

/** Refuses to go on when the database history and the files disagree. */
function checkHistory(files: MigrationFile[], recorded: Recorded[]): void {
  const fileByVersion = new Map(files.map((f) => [f.version, f]));
  for (const row of recorded) {
    const file = fileByVersion.get(row.version);
    if (!file) {
      throw new MigrationError(
        `the database has migration ${row.version} ("${row.name}") but there is no such file; ` +
          `this code is older than the database or the file was deleted`,
      );
    }
    if (file.name !== row.name) throw new MigrationError(mismatchMessage(file, row.name));
  }
  const latest = recorded.at(-1);
  if (!latest) return;
  const recordedVersions = new Set(recorded.map((r) => r.version));
  const skipped = files.find((f) => f.version < latest.version && !recordedVersions.has(f.version));
  if (skipped) {
    throw new MigrationError(
      `migration ${skipped.fileName} is pending but ${latest.version} ("${latest.name}") is already applied; ` +
        `new migrations must be numbered after the latest applied one`,
    );
  }
}

// Each file runs inside our transaction; its own BEGIN/COMMIT would end that
// transaction early and release the advisory lock mid-migration.
function assertNoTransactionControl(file: MigrationFile, text: string): void {
  const outsideDollarQuotes = text.replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '');
  const hit = /^\s*(begin|commit|rollback|start\s+transaction)\s*;/im.exec(outsideDollarQuotes);
  if (hit) {
    throw new MigrationError(
      `migration ${file.fileName} contains "${hit[0].trim()}"; migrations already run in a transaction, remove it`,
    );
  }
}

/**
 * Applies pending migrations in version order, each in its own transaction
 * under {@link MIGRATION_LOCK_KEY}. Safe to run repeatedly and concurrently:
 * every transaction re-checks schema_migrations after taking the lock.
 */
export async function migrate(db: Kysely<Database>, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = await readMigrations(options.dir);

  const recorded = await db.transaction().execute(async (trx) => {
    await lock(trx);
    await ensureTable(trx);
    return readRecorded(trx);
  });
  checkHistory(files, recorded);

  const done = new Set(recorded.map((r) => r.version));
  const applied: MigrationFile[] = [];
  for (const file of files) {
    if (done.has(file.version)) continue;
    const text = await readFile(file.path, 'utf8');
    assertNoTransactionControl(file, text);

    const ran = await db.transaction().execute(async (trx) => {
      await lock(trx);
      // Another process may have applied it while we waited for the lock.
      const existing = await trx
        .selectFrom('schema_migrations')
        .select('name')
        .where('version', '=', file.version)
        .executeTakeFirst();
      if (existing) {
        if (existing.name !== file.name) throw new MigrationError(mismatchMessage(file, existing.name));
        return false;
      }
      if (text.trim() !== '') {
        try {
          await sql.raw(text).execute(trx);
        } catch (err) {
          throw new MigrationError(`migration ${file.fileName} failed: ${(err as Error).message}`, { cause: err });
        }
      }
      await trx.insertInto('schema_migrations').values({ version: file.version, name: file.name }).execute();
      return true;
    });
    if (ran) applied.push(file);
  }

  const last = await db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return { applied, version: last?.version ?? 0 };
}

/** Compares the files with schema_migrations without changing anything. */
export async function migrationStatus(
  db: Kysely<Database>,
  options: MigrateOptions = {},
): Promise<MigrationStatusEntry[]> {
  const files = await readMigrations(options.dir);
  const exists = await sql<{ exists: boolean }>`select to_regclass('schema_migrations') is not null as exists`.execute(
    db,
  );
  const recorded = exists.rows[0]?.exists ? await readRecorded(db) : [];

  const recordedByVersion = new Map(recorded.map((r) => [r.version, r]));
  const entries: MigrationStatusEntry[] = [];
  for (const file of files) {
    const row = recordedByVersion.get(file.version);
    recordedByVersion.delete(file.version);
    if (!row) {
      entries.push({ version: file.version, name: file.name, fileName: file.fileName, state: 'pending' });
      continue;
    }
    entries.push({
      version: file.version,
      name: file.name,
      fileName: file.fileName,
      state: row.name === file.name ? 'applied' : 'name-mismatch',
      appliedName: row.name,
      appliedAt: row.applied_at,
    });
  }
  for (const row of recordedByVersion.values()) {
    entries.push({
      version: row.version,
      name: row.name,
      state: 'missing-file',
      appliedName: row.name,
      appliedAt: row.applied_at,
    });
  }
  return entries.sort((a, b) => a.version - b.version);
}
