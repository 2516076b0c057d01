import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** Chain events the protocol mirror did not predict (ledger_divergence rows); 0 when Atlas equals the contracts. */
export async function divergenceCount(db: Db): Promise<number> {
  const r = await rows(db, sql<{ n: Text }>`select count(*)::text as n from ledger_divergence`);
  return Number(r[0]?.n ?? 0);
}

/** Logs of protocol contracts Atlas could not name (unknown_log), grouped by address and event selector. */
export interface UnknownLogGroup {
  address: string;
  /** Null for an anonymous log. */
  topic0: string | null;
  count: number;
  firstBlock: bigint;
  lastBlock: bigint;
}

/** Unknown-log groups, most frequent first. */
export async function unknownLogGroups(db: Db): Promise<UnknownLogGroup[]> {
  const r = await rows(
    db,
    sql<{ address: string; topic0: string | null; n: Text; first: Text; last: Text }>`
      select address, topic0, count(*)::text as n, min(block_number)::text as first, max(block_number)::text as last
      from unknown_log group by address, topic0 order by count(*) desc, address, topic0`,
  );
  return r.map((g) => ({ address: g.address, topic0: g.topic0, count: Number(g.n), firstBlock: big(g.first), lastBlock: big(g.last) }));
}
