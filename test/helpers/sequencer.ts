// The order test files start in. The workers finish together only when the longest files start first; vitest
// orders by the durations of the last run, and on a fresh clone (no such cache) by file size, which puts short
// files with long set-ups (a simulated network, an `atlas start`) last. Without a recorded duration, a file takes
// its duration from the last measured run of the suite on 2 cores (below, seconds), else comes after those.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each of the longest files takes in a fresh-clone run on 2 cores (the last measured run, with the files
 * since made faster at their new share); refresh when they move.
 */
export const MEASURED_SECONDS: Readonly<Record<string, number>> = {
  'test/syncProviders.test.ts': 60,
  'test/polls.test.ts': 50,
  'test/e2e/decisions.test.ts': 53,
  'test/needs.coverage.test.ts': 50,
  'test/livingDemo.test.ts': 45,
  'test/indexerCrash.test.ts': 32,
  'test/cli.test.ts': 27,
  'test/api.test.ts': 26,
  'test/indexerReorg.test.ts': 14,
  'test/e2e/needs.test.ts': 24,
  'test/oneWriter.test.ts': 24,
  'test/e2e/dashboard.test.ts': 22,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byCache = await super.sort(files);
    const root = this.ctx.config.root;
    const cached = (f: TestSpecification) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(root, f.moduleId)}`)?.duration;
    if (files.every((f) => cached(f) !== undefined)) return byCache;
    const measured = (f: TestSpecification) => MEASURED_SECONDS[path.relative(root, f.moduleId).split(path.sep).join('/')] ?? 0;
    // Stable: files without a measured duration keep the base order (by size) after the measured ones.
    return byCache.map((f, i) => ({ f, i, s: measured(f) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.f);
  }
}
