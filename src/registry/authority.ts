import { sql, type Kysely } from 'kysely';
import { getAddress } from 'viem';
import type { Database } from '../store/schema.js';
import { AtlasError } from '../base/errors.js';
import { isAuthorizedGateway, unregisteredOrchestrators } from '../telemetry/authorize.js';

/**
 * Who may write to the registry, decided by the indexed chain. A signature proves who signed (else 401);
 * these checks decide whether that signer has the right (else 403): an advert speaks for an orchestrator
 * (registered with BondingManager), a requirement profile for a gateway (a TicketBroker deposit or reserve,
 * or the configured allow-list) or an orchestrator, and a network snapshot is imported by a gateway.
 */

/** Whether `address` (any case) ever registered with BondingManager (an indexed transcoder record). */
export async function isOrchestrator(db: Kysely<Database>, address: string): Promise<boolean> {
  const r = await sql<{ ok: number }>`select 1 as ok from transcoder where address = ${address.toLowerCase()} limit 1`.execute(db);
  return r.rows.length > 0;
}

/** Refuses (403 not_orchestrator) a proven signer that is no orchestrator on the indexed chain. */
export async function requireOrchestrator(db: Kysely<Database>, signer: string): Promise<void> {
  if (!(await isOrchestrator(db, signer))) {
    throw new AtlasError('forbidden', `${getAddress(signer)} is not a registered orchestrator on the indexed chain; only an orchestrator may publish its advert`, { reason: 'not_orchestrator' });
  }
}

/** Refuses (403 unknown_signer) a proven signer that is neither a gateway nor an orchestrator. */
export async function requireGatewayOrOrchestrator(db: Kysely<Database>, signer: string, gatewayAllowList: ReadonlySet<string>): Promise<void> {
  if ((await isAuthorizedGateway(db, signer, gatewayAllowList)) || (await isOrchestrator(db, signer))) return;
  throw new AtlasError('forbidden', `${getAddress(signer)} is neither a gateway on chain (no TicketBroker deposit or reserve, not on the gateway allow-list) nor a registered orchestrator`, {
    reason: 'unknown_signer',
  });
}

/** Refuses (403 unknown_gateway) a proven signer that is no gateway on chain nor on the allow-list. */
export async function requireGateway(db: Kysely<Database>, signer: string, gatewayAllowList: ReadonlySet<string>): Promise<void> {
  if (await isAuthorizedGateway(db, signer, gatewayAllowList)) return;
  throw new AtlasError('forbidden', `${getAddress(signer)} is not a gateway on chain (no TicketBroker deposit or reserve) nor on the gateway allow-list`, { reason: 'unknown_gateway' });
}

/** Refuses (400 unknown_orchestrator) a snapshot naming addresses that never registered as orchestrators. */
export async function requireRegistered(db: Kysely<Database>, addresses: readonly string[]): Promise<void> {
  const missing = [...(await unregisteredOrchestrators(db, addresses.map((a) => a.toLowerCase())))];
  if (missing.length === 0) return;
  const shown = missing.slice(0, 5).join(', ');
  throw new AtlasError('bad_request', `${missing.length} listed address(es) are not registered orchestrators on the indexed chain: ${shown}${missing.length > 5 ? ', …' : ''}`, {
    reason: 'unknown_orchestrator',
  });
}
