// Indexer health over the indexed data: how far it got, where the protocol mirror disagreed with the chain, and
// logs of protocol contracts it could not name. Each of the last two is a defect and should be zero.
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { arbitrumOne, type ContractKey } from '../../chain/networks.js';
import type { Database } from '../../store/schema.js';
import { route } from '../route.js';

type Db = Kysely<Database>;

// The simulator places its contracts at the same addresses, so one map names both networks' logs.
const contractByAddress = new Map(Object.entries(arbitrumOne.contracts).map(([k, v]) => [v.address.toLowerCase(), k as ContractKey]));

const unknownGroupSchema = z.object({
  contract: z.string().meta({ description: 'protocol contract at the address ("Poll" for a legacy poll)' }),
  address: z.string(),
  topic0: z.string().nullable().meta({ description: 'the event selector Atlas could not name (null: an anonymous log)' }),
  count: z.number().int(),
  firstBlock: z.number().int(),
  lastBlock: z.number().int(),
});

const statusSchema = z
  .object({
    indexedBlock: z.number().int().nullable().meta({ description: 'last block whose logs are indexed' }),
    divergences: z.number().int().meta({ description: 'chain events the protocol math did not predict (ledger_divergence rows); 0 when Atlas equals the contracts' }),
    unknownLogs: z.object({
      total: z.number().int().meta({ description: 'logs of protocol contracts Atlas could not name; 0 when every event is known' }),
      byEvent: z.array(unknownGroupSchema),
    }),
  })
  .meta({ id: 'IndexerStatus' });

/** Indexer health figures from the database. */
export async function indexerStatus(db: Db): Promise<z.input<typeof statusSchema>> {
  const [head, div, unknown] = await Promise.all([
    sql<{ b: string | null }>`select max(block)::text as b from sync_checkpoint`.execute(db),
    sql<{ n: string }>`select count(*)::text as n from ledger_divergence`.execute(db),
    sql<{ address: string; topic0: string | null; n: string; first: string; last: string }>`
      select address, topic0, count(*)::text as n, min(block_number)::text as first, max(block_number)::text as last
      from unknown_log group by address, topic0 order by count(*) desc, address, topic0`.execute(db),
  ]);
  const byEvent = unknown.rows.map((r) => ({
    contract: contractByAddress.get(r.address) ?? 'Poll',
    address: r.address,
    topic0: r.topic0,
    count: Number(r.n),
    firstBlock: Number(r.first),
    lastBlock: Number(r.last),
  }));
  return {
    indexedBlock: head.rows[0]?.b ? Number(head.rows[0].b) : null,
    divergences: Number(div.rows[0]?.n ?? 0),
    unknownLogs: { total: byEvent.reduce((a, g) => a + g.count, 0), byEvent },
  };
}

export const statusRoutes = [
  route({
    path: '/api/v1/status',
    tag: 'operations',
    summary: 'Indexer status: progress, divergences from the protocol math, unknown logs',
    description:
      'How far the indexer got, how many chain events the protocol mirror did not predict (ledger_divergence), and every log of a protocol contract whose event Atlas cannot name, grouped by contract and event selector. Both counts are defects and stay at zero on a healthy index.',
    response: statusSchema,
    maxAge: 5,
    handler: async ({ data }) => indexerStatus(data.db),
  }),
];
