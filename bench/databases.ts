import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** PostgreSQL databases of the benchmarks' own: a server to use, and fresh empty databases on it. */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A server where this bench may create and drop databases of its own. */
export function postgresAdminUrl(): string {
  const url = process.env.ATLAS_BENCH_DATABASE_URL ?? process.env.ATLAS_TEST_DATABASE_URL;
  if (url) return url;
  const out = execFileSync('bash', [path.join(repoRoot, 'scripts/ci-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /ATLAS_TEST_DATABASE_URL=(\S+)/.exec(out);
  if (!m) throw new Error('scripts/ci-postgres.sh printed no ATLAS_TEST_DATABASE_URL');
  return m[1]!;
}

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new empty database per run, so runs start equal and never see a test's or each other's tables. */
export async function freshDatabase(adminUrl: string, tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `atlas_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(adminUrl, (c) => c.query(`create database "${name}"`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => withAdmin(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

