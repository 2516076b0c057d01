// Indexer health over the indexed data: how far it got, where the protocol mirror disagreed with the chain, and
// logs of protocol contracts it could not name. Each of the last two is a defect and should be zero.
import { z } from 'zod';
import { arbitrumOne, type ContractKey } from '../../chain/networks.js';
import { indexedBlock } from '../../read/chain.js';
import type { Db } from '../../read/db.js';
import { divergenceCount, stateDivergenceCount, unknownLogGroups } from '../../read/indexerHealth.js';
import { route } from '../route.js';

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
    stateDivergences: z.number().int().meta({ description: 'values of the BondingManager views (getDelegator, getTranscoder, pools) the chain read back differently from the index with --verify-state (state_divergence rows); 0 when every check agreed or none ran' }),
    unknownLogs: z.object({
      total: z.number().int().meta({ description: 'logs of protocol contracts Atlas could not name; 0 when every event is known' }),
      byEvent: z.array(unknownGroupSchema),
    }),
  })
  .meta({ id: 'IndexerStatus' });

/** Indexer health figures from the database. */
export async function indexerStatus(db: Db): Promise<z.input<typeof statusSchema>> {
  const [head, divergences, stateDivergences, unknown] = await Promise.all([indexedBlock(db), divergenceCount(db), stateDivergenceCount(db), unknownLogGroups(db)]);
  const byEvent = unknown.map((g) => ({
    contract: contractByAddress.get(g.address) ?? 'Poll',
    address: g.address,
    topic0: g.topic0,
    count: g.count,
    firstBlock: Number(g.firstBlock),
    lastBlock: Number(g.lastBlock),
  }));
  return {
    indexedBlock: head === null ? null : Number(head),
    divergences,
    stateDivergences,
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
