import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.js';
import { AtlasError } from '../base/errors.js';

/**
 * External price series in CSV (documented in src/prices/README.md):
 *
 *   series,time,value,unit[,source]
 *   ETH/USD,2025-10-01T00:00:00Z,2650.12,USD
 *   gpu-rtx4090-hourly,1759276800,0.34,USD/h
 *
 * The header is exactly `series,time,value,unit`, or the same with `,source` (where each point comes from,
 * up to 200 characters without commas). `time` is unix seconds or an ISO-8601 date-time with
 * a zone (Z or ±hh:mm); `value` a non-negative decimal with at most 18 fractional digits. One bad line
 * rejects the whole file (with its line number) and nothing is written; the same (series, time) twice in
 * a file is an error; a point already stored is replaced, so a corrected file can be imported again.
 */
export interface SeriesPoint {
  series: string;
  time: number;
  value: string;
  unit: string;
  /** Where the point comes from (a site, a report, with its date); null when the file does not say. */
  source: string | null;
}

/** A price CSV that does not follow the format; nothing of it is imported. */
export class CsvImportError extends AtlasError {
  override name = 'CsvImportError';
  constructor(message: string) {
    super('bad_request', message);
  }
}

const HEADER = 'series,time,value,unit';
const HEADER_WITH_SOURCE = `${HEADER},source`;
const sourceText = z.string().min(1, 'source must not be empty').max(200, 'source is at most 200 characters');
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
  const header = (lines[0] ?? '').trim();
  if (header !== HEADER && header !== HEADER_WITH_SOURCE) throw new CsvImportError(`line 1: header must be "${HEADER}" or "${HEADER_WITH_SOURCE}"`);
  const fields = header === HEADER ? 4 : 5;
  const out: SeriesPoint[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const at = `line ${i + 1}`;
    if (cells.length !== fields) throw new CsvImportError(`${at}: expected ${fields} fields, found ${cells.length}`);
    const [series, timeText, value, unit, source] = cells as [string, string, string, string, string | undefined];
    const checks: [z.ZodString, string][] = [[seriesName, series], [decimal, value], [unitName, unit], ...(source === undefined ? [] : ([[sourceText, source]] as [z.ZodString, string][]))];
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
    out.push({ series, time, value, unit, source: source ?? null });
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
      const values = sql.join(part.map((p) => sql`(${p.series}, ${String(p.time)}::bigint, ${p.value}::numeric, ${p.unit}, ${p.source})`));
      await sql`insert into price_series_point (series, time, value, unit, source) values ${values}
        on conflict (series, time) do update set value = excluded.value, unit = excluded.unit, source = excluded.source, imported_at = now()`.execute(trx);
    }
  });
  const series: Record<string, number> = {};
  for (const p of points) series[p.series] = (series[p.series] ?? 0) + 1;
  return { points: points.length, series };
}

/** Stored points of one series in [from, to] (unix seconds), oldest first. */
export async function readSeries(db: Kysely<Database>, series: string, from: number, to: number): Promise<SeriesPoint[]> {
  const r = await sql<{ t: string; v: string; unit: string; source: string | null }>`
    select time::text as t, value::text as v, unit, source from price_series_point
    where series = ${series} and time >= ${String(from)}::bigint and time <= ${String(to)}::bigint order by time`.execute(db);
  return r.rows.map((x) => ({ series, time: Number(x.t), value: trimDecimal(x.v), unit: x.unit, source: x.source }));
}

/** Every stored series whose name starts with `prefix`, each with its points oldest first. */
export async function readSeriesByPrefix(db: Kysely<Database>, prefix: string): Promise<Map<string, SeriesPoint[]>> {
  const r = await sql<{ series: string; t: string; v: string; unit: string; source: string | null }>`
    select series, time::text as t, value::text as v, unit, source from price_series_point
    where starts_with(series, ${prefix}) order by series, time`.execute(db);
  const out = new Map<string, SeriesPoint[]>();
  for (const x of r.rows) {
    const list = out.get(x.series) ?? [];
    list.push({ series: x.series, time: Number(x.t), value: trimDecimal(x.v), unit: x.unit, source: x.source });
    out.set(x.series, list);
  }
  return out;
}

function trimDecimal(v: string): string {
  return v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
}
