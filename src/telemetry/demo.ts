import type { Kysely } from 'kysely';
import type { Scenario } from '../sim/scenario.js';
import type { Database } from '../store/schema.js';
import { feed } from './feed.js';
import { planFromScenario } from './loadgen.js';

/**
 * Fills the telemetry tables of a simulator database with the last `hours` of load-generated reports and
 * events, so `atlas start` shows populated leaderboard, reliability, capacity and demand pages. The
 * simulated gateways sign with their own keys and hold TicketBroker deposits once the simulator has run;
 * they are allow-listed too, so a database whose chain is not indexed yet still accepts them.
 */
export async function seedDemoTelemetry(db: Kysely<Database>, scenario: Scenario, opts: { hours?: number; jobsPerHour?: number; now?: number } = {}): Promise<{ reports: number; events: number }> {
  const plan = planFromScenario(scenario);
  const now = opts.now ?? Date.now();
  const endHour = Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000;
  const hours = opts.hours ?? 48;
  const allowList = new Set(plan.gateways.map((g) => g.account.address.toLowerCase()));
  const res = await feed(plan, { kind: 'db', db, ingest: { chainId: 31337, allowList, now: () => now } }, { fromHour: endHour - (hours - 1) * 3_600_000, toHour: endHour, jobsPerHour: opts.jobsPerHour ?? 150, batchSize: 2000 });
  return { reports: res.reports, events: res.events };
}
