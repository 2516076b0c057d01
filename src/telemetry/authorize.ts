import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * True when `address` may submit telemetry: it is on the operator's allow-list, or it is a gateway on chain
 * (its indexed TicketBroker deposit or reserve is above zero).
 */
export async function isAuthorizedGateway(db: Kysely<Database>, address: string, allowList: ReadonlySet<string>): Promise<boolean> {
  const a = address.toLowerCase();
  if (allowList.has(a)) return true;
  const res = await sql<{ ok: number }>`
    select 1 as ok from gateway where lower(address) = ${a} and (deposit > 0 or reserve > 0) limit 1`.execute(db);
  return res.rows.length > 0;
}

/**
 * Of `addresses` (lower-case), those that never registered with BondingManager (no indexed transcoder record):
 * a gateway cannot report jobs or payments of an orchestrator that does not exist.
 */
export async function unregisteredOrchestrators(db: Kysely<Database>, addresses: Iterable<string>): Promise<Set<string>> {
  const wanted = new Set(addresses);
  if (wanted.size === 0) return wanted;
  const found = await sql<{ address: string }>`select address from transcoder where address in (${sql.join([...wanted])})`.execute(db);
  for (const r of found.rows) wanted.delete(r.address);
  return wanted;
}

/** Parses an allow-list (comma or whitespace separated addresses) into a lower-case set; throws on a bad entry. */
export function parseAllowList(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const item of (text ?? '').split(/[\s,]+/)) {
    if (item === '') continue;
    if (!/^0x[0-9a-fA-F]{40}$/.test(item)) throw new Error(`"${item}" is not a 0x-prefixed 20-byte address`);
    out.add(item.toLowerCase());
  }
  return out;
}
