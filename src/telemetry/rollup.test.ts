import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { BUCKETS } from './histogram.js';
import { histogramSum } from './rollup.js';

describe.each(dbKinds)('histogram sum in SQL on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(kind);
  });
  afterAll(async () => t?.close());

  const sumOf = async (a: number[], b: number[]): Promise<number[]> => {
    const res = await sql<{ h: string }>`select (${sql.raw(histogramSum('x.a', 'x.b'))})::text as h from (select ${`{${a.join(',')}}`}::bigint[] as a, ${`{${b.join(',')}}`}::bigint[] as b) x`.execute(t.db);
    return res.rows[0]!.h.replace(/[{}]/g, '').split(',').map(Number);
  };

  it('adds two histograms bucket by bucket', async () => {
    const a = Array.from({ length: BUCKETS }, (_, i) => i * 3);
    const b = Array.from({ length: BUCKETS }, (_, i) => (i % 5) * 1_000_000_007);
    expect(await sumOf(a, b)).toEqual(a.map((x, i) => x + b[i]!));
  });

  it('counts buckets missing from a shorter array as zero', async () => {
    const full = Array.from({ length: BUCKETS }, () => 1);
    expect(await sumOf([5, 6], full)).toEqual(full.map((x, i) => x + (i === 0 ? 5 : i === 1 ? 6 : 0)));
  });
});
