import { sql } from 'kysely';
import { rows, type Db } from './db.js';

/** The roles an address plays: each a separate fact, so one address can be several (an orchestrator that delegates). */
export interface AddressRoles {
  /** A BondingManager transcoder (transcoder). */
  orchestrator: boolean;
  /** Ever bonded (delegator). */
  delegator: boolean;
  /** Funded the TicketBroker (gateway) or signed telemetry (telemetry_rollup_daily). */
  gateway: boolean;
  /** Received LPT from the treasury (treasury_balance outflows). */
  treasuryRecipient: boolean;
  /** Cast a governor vote (vote). */
  voter: boolean;
}

/** Which of the indexed tables know the address (one probe across the table families). */
export async function addressRoles(db: Db, address: string): Promise<AddressRoles> {
  const [x] = await rows(
    db,
    sql<{ o: boolean; d: boolean; g: boolean; t: boolean; v: boolean }>`
      select exists(select 1 from transcoder where address = ${address}) as o,
        exists(select 1 from delegator where address = ${address}) as d,
        exists(select 1 from gateway where address = ${address})
          or exists(select 1 from telemetry_rollup_daily where gateway = ${address}) as g,
        exists(select 1 from treasury_balance b join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
          where b.delta < 0 and lower(e.args->>'to') = ${address}) as t,
        exists(select 1 from vote where voter = ${address}) as v`,
  );
  return { orchestrator: x!.o, delegator: x!.d, gateway: x!.g, treasuryRecipient: x!.t, voter: x!.v };
}
