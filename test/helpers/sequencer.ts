// The order test files start in. The workers finish together only when the longest files start first; vitest
// orders by the durations of the last run, and on a fresh clone (no such cache) by file size, which puts short
// files with long set-ups (a simulated network, an `atlas start`) last. Without a recorded duration, a file takes
// its duration from the last measured run of the suite on 2 cores (below, seconds), else comes after those.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each file of 8 s or more took in the last measured fresh-clone run (CI at 29afff4: 2 cores, three files at
 * once); refresh when they move.
 */
export const MEASURED_SECONDS: Readonly<Record<string, number>> = {
  'test/polls.test.ts': 90,
  'test/e2e/decisions.test.ts': 73,
  'test/syncProviders.test.ts': 68,
  'test/needs.coverage.test.ts': 66,
  'test/livingDemo.test.ts': 56,
  'test/indexerCrash.test.ts': 47,
  'src/sim/simulator.test.ts': 46,
  'test/cli.test.ts': 45,
  'test/oneWriter.test.ts': 38,
  'test/indexerReorg.test.ts': 37,
  'src/sync/engine.resume.test.ts': 37,
  'test/market.test.ts': 34,
  'test/api.test.ts': 29,
  'test/e2e/staking.test.ts': 28,
  'test/e2e/needs.test.ts': 26,
  'src/sync/engine.test.ts': 26,
  'test/indexer.test.ts': 25,
  'test/e2e/dashboard.test.ts': 22,
  'test/telemetry.rollup.test.ts': 21,
  'test/indexerPruned.test.ts': 19,
  'test/e2e/telemetry.test.ts': 19,
  'test/abuse.test.ts': 18,
  'src/api/graphql/isolate.test.ts': 18,
  'test/telemetry.sim.test.ts': 16,
  'test/staking.test.ts': 16,
  'test/subgraph.test.ts': 15,
  'test/e2e/treasury.test.ts': 15,
  'src/store/migrate.test.ts': 15,
  'test/treasury.test.ts': 14,
  'src/store/db.test.ts': 14,
  'test/delegatorCountMoves.test.ts': 12,
  'test/e2e/economics.test.ts': 11,
  'test/subgraphDelegatorsCount.test.ts': 10,
  'test/governance.test.ts': 10,
  'test/e2e/registry.test.ts': 10,
  'src/sync/logFetcher.test.ts': 10,
  'test/verifyState.test.ts': 9,
  'test/e2e/usd.test.ts': 9,
  'src/discovery/poller.test.ts': 9,
  'src/api/graphql/answerCache.test.ts': 9,
  'test/registry.test.ts': 8,
  'test/graphqlRoundOrder.test.ts': 8,
  'test/economics.test.ts': 8,
  'src/demo/adverts.test.ts': 8,
  'src/cli/needsCommand.test.ts': 8,
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
