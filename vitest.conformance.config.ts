import { defineConfig } from 'vitest/config';

// The conformance suite: tests that need the reference material beside the checkout (../shared or
// ATLAS_SHARED_DIR): the real Livepeer contracts, the Explorer's operations. Run by `npm run test:conformance`,
// which says loudly when it is skipped; the default suite (vitest.config.ts) leaves test/conformance out.
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    globalSetup: ['test/helpers/conformanceSetup.ts', 'test/helpers/globalSetup.ts'],
    passWithNoTests: false,
    testTimeout: 300_000,
    hookTimeout: 1_200_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
