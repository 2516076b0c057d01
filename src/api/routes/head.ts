// How fresh the indexed chain is: the newest indexed block, its time and age on the app's clock, and whether the
// network reads as live, still syncing, stale or stopped. The dashboard's live badge shows this.
import { z } from 'zod';
import { checkpointHead, timeOfBlock } from '../../read/chain.js';
import type { Db } from '../../read/db.js';
import { route } from '../route.js';

/** Head ages (s) past which the network reads as stale, then stopped: Arbitrum One makes a block every 250 ms. */
export const DEFAULT_FRESHNESS = { staleAfterSeconds: 60, stoppedAfterSeconds: 600 };

/** Indexer lag (blocks) past which the network reads as syncing rather than by its head's age. */
const SYNCING_LAG_BLOCKS = 20;

const headSchema = z
  .object({
    block: z.number().int().nullable().meta({ description: 'newest indexed block' }),
    time: z.number().int().nullable().meta({ description: 'its timestamp (unix s)' }),
    now: z.number().int().meta({ description: "the server's clock (unix s)" }),
    ageSeconds: z.number().int().nullable().meta({ description: 'now − time' }),
    lagBlocks: z.number().int().nullable().meta({ description: 'blocks the in-process indexer is behind the node (null: indexed elsewhere)' }),
    state: z.enum(['live', 'syncing', 'stale', 'stopped', 'empty']).meta({
      description: 'live: the head is at most staleAfterSeconds old; syncing: the indexer is catching up; stale: older; stopped: older than stoppedAfterSeconds; empty: nothing indexed',
    }),
    staleAfterSeconds: z.number().int(),
    stoppedAfterSeconds: z.number().int(),
  })
  .meta({ id: 'ChainHead' });

export type ChainHead = z.input<typeof headSchema>;

/** The newest indexed block and its time: the sync head's block timestamp, else its newest event's or price's. */
async function indexedHead(db: Db): Promise<{ block: number; time: number | null } | null> {
  const head = await checkpointHead(db);
  if (!head) return null;
  const block = Number(head.block);
  return { block, time: head.blockTime ?? (await timeOfBlock(db, block)) };
}

/** The head's freshness at `nowMs`, judged by `freshness` thresholds and the in-process indexer's lag. */
export async function chainHead(db: Db, status: { phase: string; lagBlocks: number | null }, nowMs: number, freshness = DEFAULT_FRESHNESS): Promise<ChainHead> {
  const now = Math.floor(nowMs / 1000);
  const head = await indexedHead(db);
  const lagBlocks = status.phase === 'external' ? null : status.lagBlocks;
  const base = { now, lagBlocks, ...freshness };
  if (!head || head.time === null) return { ...base, block: head?.block ?? null, time: null, ageSeconds: null, state: 'empty' };
  const ageSeconds = Math.max(0, now - head.time);
  return { ...base, block: head.block, time: head.time, ageSeconds, state: headState(ageSeconds, status, freshness) };
}

/**
 * live / syncing / stale / stopped for a head `ageSeconds` old. An in-process indexer that is not following the
 * head yet (starting, backfilling, a simulator still mining its history) or lags it is syncing, whatever the age.
 */
export function headState(ageSeconds: number, status: { phase: string; lagBlocks: number | null }, freshness = DEFAULT_FRESHNESS): 'live' | 'syncing' | 'stale' | 'stopped' {
  const syncing = status.phase !== 'external' && (status.phase !== 'live' || (status.lagBlocks !== null && status.lagBlocks > SYNCING_LAG_BLOCKS));
  if (syncing) return 'syncing';
  return ageSeconds <= freshness.staleAfterSeconds ? 'live' : ageSeconds <= freshness.stoppedAfterSeconds ? 'stale' : 'stopped';
}

export const headRoutes = [
  route({
    path: '/api/v1/head',
    tag: 'operations',
    summary: 'The indexed chain head: block, time, age and whether the network is live',
    description:
      'The newest indexed block and how old it is on the server clock. `state` is live while the head is at most staleAfterSeconds old, syncing while the indexer catches up with its node, stale, then stopped once it is older than stoppedAfterSeconds (a node or indexer that stopped).',
    response: headSchema,
    maxAge: 0,
    cache: 'none',
    handler: async ({ data, clock, options }) => chainHead(data.db, options.status?.() ?? { phase: 'external', lagBlocks: null }, clock(), options.freshness),
  }),
];
