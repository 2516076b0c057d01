import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { fromNumeric, fromNumericOrNull, NUMERIC_78_MAX, toNumeric } from './amounts.js';

const UINT256_MAX = 2n ** 256n - 1n;
// 1234.567890123456789012 LPT in wei: more digits than a double can hold.
const WEI_AMOUNT = 1_234_567_890_123_456_789_012n;

describe('toNumeric / fromNumeric', () => {
  it('round-trips bigints through decimal text', () => {
    for (const x of [0n, 1n, -1n, WEI_AMOUNT, UINT256_MAX, -UINT256_MAX, NUMERIC_78_MAX]) {
      expect(fromNumeric(toNumeric(x))).toBe(x);
    }
  });

  it('refuses amounts that do not fit numeric(78,0)', () => {
    expect(() => toNumeric(NUMERIC_78_MAX + 1n)).toThrow(/does not fit in numeric\(78,0\)/);
  });

  it('accepts integer-valued text, safe integers and bigints', () => {
    expect(fromNumeric('42')).toBe(42n);
    expect(fromNumeric('-7')).toBe(-7n);
    expect(fromNumeric('5.000')).toBe(5n);
    expect(fromNumeric(' 12 ')).toBe(12n);
    expect(fromNumeric(9_007_199_254_740_991)).toBe(9_007_199_254_740_991n);
    expect(fromNumeric(3n)).toBe(3n);
  });

  it('throws a clear error on non-integer input', () => {
    expect(() => fromNumeric('1.5')).toThrow(/expected an integer amount, got "1.5"/);
    expect(() => fromNumeric('NaN')).toThrow(/expected an integer amount/);
    expect(() => fromNumeric('')).toThrow(/expected an integer amount/);
    expect(() => fromNumeric('1e18')).toThrow(/expected an integer amount/);
    expect(() => fromNumeric(1.5)).toThrow(/expected an integer amount, got 1.5/);
    expect(() => fromNumeric(Number.NaN)).toThrow(/expected an integer amount/);
    expect(() => fromNumeric(2 ** 60)).toThrow(/MAX_SAFE_INTEGER/);
    expect(() => fromNumeric(null)).toThrow(/got null/);
  });

  it('fromNumericOrNull passes SQL NULL through', () => {
    expect(fromNumericOrNull(null)).toBeNull();
    expect(fromNumericOrNull('10')).toBe(10n);
  });
});

describe.each(dbKinds)('numeric(78,0) amounts on %s', (kind) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await openTestDb(kind);
    await t.raw(`
      create table amounts_test (id int primary key, amount numeric(78,0) not null);
    `);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('round-trips 2^256-1 and a wei amount exactly', async () => {
    await sql`insert into amounts_test (id, amount) values (1, ${toNumeric(UINT256_MAX)}), (2, ${toNumeric(WEI_AMOUNT)}), (3, ${toNumeric(-WEI_AMOUNT)})`.execute(
      t.db,
    );
    const { rows } = await sql<{ id: number; amount: string }>`select id, amount from amounts_test order by id`.execute(
      t.db,
    );
    expect(rows.map((r) => typeof r.amount)).toEqual(['string', 'string', 'string']);
    expect(rows.map((r) => fromNumeric(r.amount))).toEqual([UINT256_MAX, WEI_AMOUNT, -WEI_AMOUNT]);
  });

  it('binds bigint parameters directly and sums without loss', async () => {
    await sql`insert into amounts_test (id, amount) values (10, ${UINT256_MAX}), (11, ${1n})`.execute(t.db);
    const { rows } = await sql<{ total: string }>`select sum(amount) as total from amounts_test where id in (10, 11)`.execute(
      t.db,
    );
    expect(fromNumeric(rows[0]!.total)).toBe(UINT256_MAX + 1n);
  });

  it('rejects a value wider than the column', async () => {
    await expect(
      sql`insert into amounts_test (id, amount) values (20, ${NUMERIC_78_MAX + 1n})`.execute(t.db),
    ).rejects.toThrow(/numeric field overflow/);
  });
});
