import { afterEach, describe, expect, it, vi } from 'vitest';

// test/helpers/db.ts decides the backends at import time, so each case
// re-imports it under a different environment.
async function loadHelper(env: { CI: string; ATLAS_TEST_DATABASE_URL: string }) {
  vi.stubEnv('CI', env.CI);
  vi.stubEnv('ATLAS_TEST_DATABASE_URL', env.ATLAS_TEST_DATABASE_URL);
  vi.resetModules();
  return import('../../test/helpers/db.js');
}

describe('test database helper', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('on CI without a server URL, still lists postgres and fails loudly', async () => {
    const helper = await loadHelper({ CI: 'true', ATLAS_TEST_DATABASE_URL: '' });
    expect(helper.dbKinds).toEqual(['pglite', 'postgres']);
    await expect(helper.openTestDb('postgres')).rejects.toThrow(
      /ATLAS_TEST_DATABASE_URL is not set but CI=true: CI must run the PostgreSQL tests/,
    );
  });

  it('off CI without a server URL, runs on pglite only', async () => {
    const helper = await loadHelper({ CI: '', ATLAS_TEST_DATABASE_URL: '' });
    expect(helper.dbKinds).toEqual(['pglite']);
  });

  it('with a server URL, runs on both', async () => {
    const helper = await loadHelper({ CI: 'false', ATLAS_TEST_DATABASE_URL: 'postgres://u:p@127.0.0.1:1/postgres' });
    expect(helper.dbKinds).toEqual(['pglite', 'postgres']);
  });
});
