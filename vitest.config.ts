import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    // The default suite runs from the repository alone; tests that need ../shared are the conformance suite
    // (test/conformance, vitest.conformance.config.ts, npm run test:conformance).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/conformance/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Longest files first on a fresh clone too, so the two workers end together.
    sequence: { sequencer: LongestFirstSequencer },
    pool: 'forks',
    // One file more than the CI's two cores: files spend much of their time waiting on anvil, PostgreSQL, child
    // processes and the browser, and a third file uses those waits. The three processes live for the whole run,
    // each running file after file (isolate: false): a new process per file paid ~0.5-1.5 s of CPU again for
    // Node, vitest and the sources' imports (viem, kysely, the API's modules), ~140 times. Each file still gets
    // its own test state (vitest restores mocks between files; the tests restore what they change of process.env);
    // minForks at the maximum, so no process is retired (and its termination reported as an error) mid-run.
    poolOptions: { forks: { maxForks: 3, minForks: 3, isolate: false } },
  },
});
