import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One benchmark's recorded figures (snake_case names with units) against its comparison peer. */
export interface BenchResult {
  bench: string;
  figures: Record<string, number>;
  baseline: Record<string, number>;
  dataset: string;
  at: string;
}

export function writeResult(r: Omit<BenchResult, 'at'>): BenchResult {
  // A run given the CPU before other work on the machine says so: its figures are not an idle machine's.
  const nice = os.getPriority();
  const dataset = nice < 0 && !r.dataset.includes('raised priority') ? `${r.dataset} (run at raised priority, nice ${nice}, beside other work)` : r.dataset;
  const full: BenchResult = { ...r, dataset, at: new Date().toISOString() };
  const dir = path.join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${r.bench}.json`), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
