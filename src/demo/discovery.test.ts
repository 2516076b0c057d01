import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/helpers/db.js';
import { resolveScenario } from '../sim/scenario.js';
import { waitForServiceUris } from './discovery.js';

describe('the demo discovery waiting for service URIs', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('pglite', { migrate: true });
  });
  afterAll(async () => t?.close());

  // A short history registers few orchestrators: stopping `atlas start` then must not wait for the deadline.
  it('returns what is registered when the signal aborts, before its deadline', async () => {
    const stop = new AbortController();
    const waiting = waitForServiceUris(t.db, resolveScenario({ preset: 'test' }), stop.signal, 3_600_000);
    setTimeout(() => stop.abort(), 50);
    await expect(waiting).resolves.toBe(0);
  });
});
