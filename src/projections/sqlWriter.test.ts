import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, openTestDb, type TestDb } from '../../test/helpers/db.js';
import { encodeCopyText } from '../store/bulkCopy.js';
import { copyPayload, copyRows, jsonText, toSql, type SqlValue } from './sqlWriter.js';

const withReplacer = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

describe('jsonText', () => {
  it('writes what JSON.stringify with a bigint-to-string replacer writes', () => {
    const cases: unknown[] = [
      { sender: '0xabc', faceValue: 2n ** 255n, winProb: 0n, n: -7n, ok: true, no: false, f: 1.5, nan: Number.NaN, inf: Infinity },
      { reason: 'quote " backslash \\ tab \t newline \n unicode ✓ \u0001 \u2028', empty: '' },
      { targets: ['0x1', '0x2'], values: [0n, 10n ** 30n], nested: [[1n], { a: [null, undefined, 'x'] }], skipped: undefined, nil: null },
      [],
      {},
      { date: new Date(Date.UTC(2026, 0, 2)), inner: { when: new Date(0), big: 5n } },
      'plain',
      12n,
    ];
    for (const c of cases) expect(jsonText(c)).toBe(withReplacer(c));
  });
});

const cols = ['id', 'label', 'amount', 'args'];
const rows: Record<string, SqlValue>[] = [
  { id: 1, label: 'plain', amount: 2n ** 255n, args: { faceValue: 10n ** 18n, auxData: '0xab', note: 'tab\there and \\ back' } },
  { id: 2, label: 'multi\nline\r\n', amount: null, args: { list: [1n, 'two\tthree'] } },
  { id: 3, label: null, amount: 0n, args: {} },
];

describe('copyPayload', () => {
  it('equals the generic COPY encoding of the rows as toSql writes them, for any slice', () => {
    const generic = (from: number, to: number) => encodeCopyText(cols, rows.slice(from, to).map((r) => Object.fromEntries(cols.map((c) => [c, toSql(r[c])]))));
    expect(copyPayload(cols, rows)).toBe(generic(0, 3));
    expect(copyPayload(cols, rows, 1, 3)).toBe(generic(1, 3));
    expect(copyPayload(cols, rows, 2, 2)).toBe('');
  });
});

for (const kind of dbKinds) {
  describe(`copyRows on ${kind}`, () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await openTestDb(kind);
      await sql`create table copy_rows_probe (id int primary key, label text, amount numeric(78,0), args json)`.execute(db.db);
    });
    afterAll(async () => db?.close());

    it('stores every value exactly (amounts to the unit, args as JSON with bigints as decimal strings)', async () => {
      await copyRows(db.db, 'copy_rows_probe', cols, rows);
      const back = await sql<{ id: number; label: string | null; amount: string | null; args: string }>`select id, label, amount::text as amount, args::text as args from copy_rows_probe order by id`.execute(db.db);
      expect(back.rows).toEqual(rows.map((r) => ({ id: r.id, label: r.label, amount: r.amount === null ? null : String(r.amount), args: withReplacer(r.args) })));
      expect(JSON.parse(back.rows[0]!.args)).toEqual({ faceValue: '1000000000000000000', auxData: '0xab', note: 'tab\there and \\ back' });
    });
  });
}
