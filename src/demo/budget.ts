// The demo's treasury budget: the example budget file, moved onto the simulated months. Its periods are whole
// UTC months written for a network that started in mid 2025; the living network's history ends today, so each
// date moves by the same number of months, the last period landing on the month the history ends in.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBudget } from '../analytics/budget.js';
import { parseBudgetText, type TextValue } from '../analytics/budgetText.js';
import { AtlasError } from '../base/errors.js';

const MONTH_ID = /^(\d{4})-(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const monthIndex = (y: number, m: number): number => y * 12 + (m - 1);
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const pad = (n: number): string => String(n).padStart(2, '0');

/** A YYYY-MM-DD date `months` months later; the last day of a month stays the last day. */
export function shiftDate(date: string, months: number): string {
  const m = DATE.exec(date);
  if (!m) return date;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const i = monthIndex(y, mo) + months;
  const ny = Math.floor(i / 12);
  const nm = (i % 12) + 1;
  const day = d === daysIn(y, mo) ? daysIn(ny, nm) : Math.min(d, daysIn(ny, nm));
  return `${ny}-${pad(nm)}-${pad(day)}`;
}

const shiftMonthId = (id: string, months: number): string => {
  const m = MONTH_ID.exec(id);
  if (!m) return id;
  const i = monthIndex(Number(m[1]), Number(m[2])) + months;
  return `${Math.floor(i / 12)}-${pad((i % 12) + 1)}`;
};

type Obj = { [key: string]: TextValue };
const isObj = (v: TextValue | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The budget file `text` (JSON or Atlas' YAML subset) with every period moved so the last one ends in the
 * month of `endTime` (unix s), as JSON. Period ids of the form YYYY-MM are renamed with their month, and the
 * categories' amounts follow them. Throws when the file is no valid budget.
 */
export function budgetOnMonths(text: string, endTime: number): string {
  const parsed = parseBudget(text);
  if (!parsed.ok) throw new AtlasError('unprocessable', `the budget file is not valid: ${parsed.issues[0]!.path}: ${parsed.issues[0]!.message}`);
  const lastEnd = parsed.budget.periods.map((p) => p.end).sort().at(-1)!;
  const end = new Date(endTime * 1000);
  const [ly, lm] = lastEnd.split('-').map(Number) as [number, number];
  const months = monthIndex(end.getUTCFullYear(), end.getUTCMonth() + 1) - monthIndex(ly, lm);
  const doc = parseBudgetText(text).value as Obj;
  const periods = (doc.periods as Obj[]).map((p) => ({ ...p, id: shiftMonthId(String(p.id), months), start: shiftDate(String(p.start), months), end: shiftDate(String(p.end), months) }));
  const categories = (doc.categories as Obj[]).map((c) => ({
    ...c,
    ...(isObj(c.amounts) ? { amounts: Object.fromEntries(Object.entries(c.amounts).map(([k, v]) => [shiftMonthId(k, months), v])) } : {}),
  }));
  return `${JSON.stringify({ ...doc, periods, categories }, null, 2)}\n`;
}

/** The example budget shipped with Atlas (budgets/example.yaml), from src/demo or dist/demo alike. */
export const EXAMPLE_BUDGET = fileURLToPath(new URL('../../budgets/example.yaml', import.meta.url));

/** Writes the example budget moved onto the months ending at `endTime` (unix s) to `file`, as JSON; returns `file`. */
export function writeDemoBudget(file: string, endTime: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, budgetOnMonths(readFileSync(EXAMPLE_BUDGET, 'utf8'), endTime));
  return file;
}
