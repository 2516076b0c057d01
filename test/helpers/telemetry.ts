import { sql, type Kysely } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { keccak256, stringToBytes, type LocalAccount } from 'viem';
import type { Database } from '../../src/store/schema.js';
import type { JobReportInput } from '../../src/telemetry/reportSchema.js';

/** A deterministic test key by name. */
export function testAccount(name: string): LocalAccount {
  return privateKeyToAccount(keccak256(stringToBytes(`atlas-test-key/${name}`)));
}

/** Records `address` as an on-chain gateway (TicketBroker deposit/reserve in wei). */
export async function putGateway(db: Kysely<Database>, address: string, deposit: bigint, reserve: bigint): Promise<void> {
  await sql`insert into gateway (address, deposit, reserve, withdraw_round, winning_tickets, face_value_total, fees_paid, first_block, updated_block)
    values (${address.toLowerCase()}, ${deposit.toString()}, ${reserve.toString()}, null, 0, 0, 0, 1, 1)`.execute(db);
}

/** A valid job report with overridable fields. */
export function report(over: Partial<JobReportInput> & { jobId: string }): JobReportInput {
  return {
    capability: 'text-to-image',
    model: 'sdxl',
    orchestrator: '0x1111111111111111111111111111111111111111',
    region: 'FRA',
    startedAt: Date.now() - 5000,
    finishedAt: Date.now() - 4000,
    latency: { roundTripMs: 1000 },
    success: true,
    errorCode: null,
    pricePaid: '1000',
    units: '1',
    ...over,
  };
}

/** Row count of a table. */
export async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]!.n);
}
