import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../src/sim/scenario.js';
import { seedDemoTelemetry } from '../src/telemetry/demo.js';
import { dbKinds, openTestDb } from './helpers/db.js';
import { countRows } from './helpers/telemetry.js';

describe.each(dbKinds)('demo telemetry for atlas start on %s', (kind) => {
  it('stores the generated reports and events of the simulated gateways', async () => {
    const t = await openTestDb(kind, { migrate: true });
    try {
      const res = await seedDemoTelemetry(t.db, resolveScenario({ preset: 'test' }), { hours: 3, jobsPerHour: 40, now: Date.UTC(2026, 10, 20, 12, 10) });
      expect(res.reports).toBeGreaterThan(40);
      expect(await countRows(t.db, 'telemetry_report')).toBe(res.reports);
      expect(await countRows(t.db, 'telemetry_event')).toBe(res.events);
      expect(await countRows(t.db, 'telemetry_batch')).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  }, 120_000);
});
