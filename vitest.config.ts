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
    // processes and the browser, and a third file uses those waits.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
  },
});
