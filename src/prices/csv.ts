import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { AtlasError } from '../base/errors.js';

/**
 * External price series in CSV (documented in src/prices/README.md):
 *
 *   series,time,value,unit
 *   ETH/USD,2025-10-01T00:00:00Z,2650.12,USD
 *   gpu-rtx4090-hourly,1759276800,0.34,USD/h
 *
 * The header is exactly `series,time,value,unit`. `time` is unix seconds or an ISO-8601 date-time with
 * a zone (Z or ±hh:mm); `value` a non-negative decimal with at most 18 fractional digits. One bad line
 * rejects the whole file (with its line number) and nothing is written; the same (series, time) twice in
 * a file is an error; a point already stored is replaced, so a corrected file can be imported again.
 */
export interface SeriesPoint {
  series: string;
  time: number;
  value: string;
  unit: string;
}

/** A price CSV that does not follow the format; nothing of it is imported. */
export class CsvImportError extends AtlasError {
  override name = 'CsvImportError';
  constructor(message: string) {
    super('bad_request', message);
  }
}

const HEADER = 'series,time,value,unit';
const seriesName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$/, 'series is 1-64 characters of letters, digits and / . _ -');
const unitName = z.string().regex(/^[A-Za-z0-9/._%-]{1,32}$/, 'unit is 1-32 characters of letters, digits and / . _ % -');
const decimal = z.string().regex(/^\d{1,22}(\.\d{1,18})?$/, 'value is a non-negative decimal with at most 18 fractional digits');
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** Years 2000–2100: anything outside is a unit mistake (milliseconds, say). */
const MIN_TIME = 946_684_800;
const MAX_TIME = 4_102_444_800;

function parseTime(text: string): number {
  let t: number;
  if (/^\d+$/.test(text)) t = Number(text);
  else if (ISO.test(text)) t = Date.parse(text) / 1000;
  else throw new Error('time is unix seconds or an ISO-8601 date-time with a zone');
  if (!Number.isInteger(t) || t < MIN_TIME || t > MAX_TIME) throw new Error('time is a whole second between 2000 and 2100');
  return t;
}

/** Parses a whole file; throws CsvImportError naming the first bad line. */
export function parsePriceCsv(text: string): SeriesPoint[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if ((lines[0] ?? '').trim() !== HEADER) throw new CsvImportError(`line 1: header must be "${HEADER}"`);
  const out: SeriesPoint[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const at = `line ${i + 1}`;
    if (cells.length !== 4) throw new CsvImportError(`${at}: expected 4 fields, found ${cells.length}`);
    const [series, timeText, value, unit] = cells as [string, string, string, string];
    const checks: [z.ZodString, string][] = [[seriesName, series], [decimal, value], [unitName, unit]];
    for (const [schema, v] of checks) {
      const r = schema.safeParse(v);
      if (!r.success) throw new CsvImportError(`${at}: ${r.error.issues[0]!.message} (got ${JSON.stringify(v)})`);
    }
    let time: number;
    try {
      time = parseTime(timeText);
    } catch (e) {
      throw new CsvImportError(`${at}: ${(e as Error).message} (got ${JSON.stringify(timeText)})`);
    }
    const key = `${series}\u0000${time}`;
    if (seen.has(key)) throw new CsvImportError(`${at}: ${series} at ${time} appears twice`);
    seen.add(key);
    out.push({ series, time, value, unit });
  }
  if (out.length === 0) throw new CsvImportError('the file holds no data lines');
  return out;
}

/** Parses and stores a file in one transaction; returns points per series. */
export async function importPriceCsv(db: Kysely<Database>, text: string): Promise<{ points: number; series: Record<string, number> }> {
  const points = parsePriceCsv(text);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < points.length; i += 2000) {
      const part = points.slice(i, i + 2000);
      const values = sql.join(part.map((p) => sql`(${p.series}, ${String(p.time)}::bigint, ${p.value}::numeric, ${p.unit})`));
      await sql`insert into price_series_point (series, time, value, unit) values ${values}
        on conflict (series, time) do update set value = excluded.value, unit = excluded.unit, imported_at = now()`.execute(trx);
    }
  });
  const series: Record<string, number> = {};
  for (const p of points) series[p.series] = (series[p.series] ?? 0) + 1;
  return { points: points.length, series };
}

/** Stored points of one series in [from, to] (unix seconds), oldest first. */
export async function readSeries(db: Kysely<Database>, series: string, from: number, to: number): Promise<SeriesPoint[]> {
  const r = await sql<{ t: string; v: string; unit: string }>`
    select time::text as t, value::text as v, unit from price_series_point
    where series = ${series} and time >= ${String(from)}::bigint and time <= ${String(to)}::bigint order by time`.execute(db);
  return r.rows.map((x) => ({ series, time: Number(x.t), value: trimDecimal(x.v), unit: x.unit }));
}

function trimDecimal(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}
