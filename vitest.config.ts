import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The default suite runs from the repository alone; tests that need ../shared are the conformance suite
    // (test/conformance, vitest.conformance.config.ts, npm run test:conformance).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/conformance/**', '**/node_modules/**'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
