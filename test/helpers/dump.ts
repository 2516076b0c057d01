import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

// Projection tables and their orderings; bookkeeping (sync_*, projection_undo, timestamps) is left out.
const TABLES: [string, string][] = [
  ['chain_event', 'block_number, log_index'],
  ['protocol_round', 'round'],
  ['transcoder', 'address'],
  ['orchestrator', 'address'],
  ['delegator', 'address'],
  ['earnings_pool', 'transcoder, round'],
  ['gateway', 'address'],
  ['winning_ticket', 'block_number, log_index'],
  ['param_change', 'block_number, log_index'],
  ['contract_info', 'block_number, log_index'],
  ['delegate_change', 'block_number, log_index'],
  ['proposal', 'id'],
  ['vote', 'proposal_id, voter'],
  ['treasury_call', 'operation_id, call_index'],
  ['treasury_balance', 'block_number, log_index'],
  ['ledger_divergence', 'block_number, log_index, what'],
  ['state_divergence', 'block_number, account, view, field'],
  ['poll_tally', 'poll'],
  ['delegator_count_move', 'block_number, log_index'],
  // The engine's record of polls created on chain decides which logs are fetched: it must follow reorgs too.
  ['sync_child', 'source, address'],
];

/** Every projection row, as comparable JSON text, per table. */
export async function dumpProjections(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [t, order] of TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)} order by ${sql.raw(order)}`.execute(db);
    out[t] = rows.rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  }
  const meta = await sql<{ value: unknown }>`select value from atlas_meta where key = 'protocol_projection'`.execute(db);
  out.atlas_meta = meta.rows.map((r) => JSON.stringify(r.value));
  return out;
}
