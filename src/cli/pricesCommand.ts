import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CsvImportError, importPriceCsv } from '../prices/csv.js';
import { loadConfig } from './config.js';
import { openDatabase } from './database.js';
import { UsageError } from './errors.js';

/** `atlas prices import <file>`: store an external price series CSV (format in src/prices/README.md). */
export async function pricesImportCommand(file: string): Promise<void> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${abs}: ${(e as Error).message}`);
  }
  const cfg = loadConfig();
  const db = await openDatabase(cfg.database);
  try {
    const r = await importPriceCsv(db.db, text);
    const per = Object.entries(r.series).map(([s, n]) => `${s} ${n}`).join(', ');
    process.stdout.write(`imported ${r.points} points from ${abs} (${per})\n`);
  } catch (e) {
    if (e instanceof CsvImportError) throw new UsageError(`${abs}: ${e.message}; nothing was imported`);
    throw e;
  } finally {
    await db.close();
  }
}
