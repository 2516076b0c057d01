// Staking activity: bond, unbond, rebond, transfer, claim and withdraw events; the delegator population, flows, delegates.
import { z } from 'zod';
import { delegateVoting } from '../../../analytics/delegateActivity.js';
import { dailyChurn, gini, stakeDistribution, stakeFlows } from '../../../analytics/delegatorPopulation.js';
import { hhiPpm } from '../../../analytics/risk.js';
import { bondedAmountChanges, stakeMoves } from '../../../read/bondingEvents.js';
import { delegatorBonds } from '../../../read/delegators.js';
import { votingRecord } from '../../../read/proposals.js';
import { labelsFor } from '../../../registry/labels.js';
import { AtlasError } from '../../errors.js';
import { amountSchema, formatUnits, lpt } from '../../format.js';
import { route } from '../../route.js';
import { toCsv } from '../../csv.js';
import { eventPageJson } from '../../json.js';
import { cachedPriceBook } from '../../../prices/usd.js';
import { addressParam, cursorParam, eventSchema, intParam, limitParam, listOf, roundParam } from '../../schemas.js';
import { decodeCursor, encodeCursor } from '../../cursor.js';

import { int, labelJson, labelSchema, num } from './common.js';

const STAKING_EVENTS = ['Bond', 'Unbond', 'Rebond', 'TransferBond', 'EarningsClaimed', 'WithdrawStake', 'WithdrawFees'] as const;

/** Most rows one CSV page of staking events holds. */
const CSV_MAX_ROWS = 100_000;

const eventsQuery = z.strictObject({
  type: z
    .string()
    .regex(/^[A-Za-z]+(,[A-Za-z]+){0,6}$/, { error: `must be comma-separated event types among ${STAKING_EVENTS.join(', ')}` })
    .refine((s) => s.split(',').every((t) => (STAKING_EVENTS as readonly string[]).includes(t)), { error: `must be among ${STAKING_EVENTS.join(', ')}` })
    .optional()
    .meta({ description: `staking event types, comma-separated (default all: ${STAKING_EVENTS.join(', ')})` }),
  address: addressParam.optional().meta({ description: 'only events naming this delegator or orchestrator' }),
  fromRound: roundParam('first round (inclusive)'),
  toRound: roundParam('last round (inclusive)'),
  limit: intParam(1, CSV_MAX_ROWS, `page size (JSON: 1–1000, default 50; CSV: up to ${CSV_MAX_ROWS.toLocaleString('en-US')}, default all up to that)`).optional(),
  cursor: cursorParam,
  format: z.enum(['json', 'csv'], { error: 'must be "json" or "csv"' }).default('json').meta({ description: 'csv: one page of `limit` events (the next cursor in the X-Next-Cursor header)' }),
});

const eventCursor = (cursor: string | undefined): [bigint, number] | null => {
  if (!cursor) return null;
  const [b, l] = decodeCursor(cursor, 2);
  if (typeof b !== 'bigint' || typeof l !== 'number') throw new AtlasError('bad_request', 'query parameter "cursor": malformed');
  return [b, l];
};

export const activityRoutes = [
  route({
    path: '/api/v1/staking/events',
    tag: 'staking',
    summary: 'Staking events network-wide (bond, unbond, rebond, transfer, claim, withdraw)',
    description: 'Newest first, keyset-paginated; `format=csv` exports every matching event.',
    query: eventsQuery,
    response: listOf(eventSchema, 'StakingEventList'),
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      if (query.fromRound !== undefined && query.toRound !== undefined && query.fromRound > query.toRound) throw new AtlasError('bad_request', 'query parameter "fromRound" must not be after "toRound"');
      const filter = {
        names: query.type ? query.type.split(',') : [...STAKING_EVENTS],
        address: query.address,
        fromRound: query.fromRound === undefined ? undefined : BigInt(query.fromRound),
        toRound: query.toRound === undefined ? undefined : BigInt(query.toRound),
        order: 'desc' as const,
      };
      if (query.format === 'csv') {
        const r = await data.events({ ...filter, limit: query.limit ?? CSV_MAX_ROWS, after: eventCursor(query.cursor) });
        const body = toCsv(
          ['block', 'log_index', 'tx_hash', 'time', 'round', 'type', 'address_1', 'address_2', 'amount_wei', 'amount', 'args'],
          r.data.map((e) => [e.blockNumber.toString(), e.logIndex, e.txHash, new Date(e.time * 1000).toISOString(), e.round?.toString() ?? '', e.name, e.a1, e.a2, e.amount?.toString() ?? '', e.amount === null ? '' : formatUnits(e.amount), JSON.stringify(e.args)]),
        );
        const next: Record<string, string> = r.next ? { 'x-next-cursor': encodeCursor([r.next[0], r.next[1]]) } : {};
        return new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="staking-events.csv"', ...next } });
      }
      const limit = query.limit ?? 50;
      if (limit > 1000) throw new AtlasError('bad_request', 'query parameter "limit": must be at most 1000 for JSON (CSV pages may hold up to 100,000)');
      const r = await data.events({ ...filter, limit, after: eventCursor(query.cursor) });
      return eventPageJson(await cachedPriceBook(data.db), r, limit);
    },
  }),
  route({
    path: '/api/v1/staking/delegators',
    tag: 'staking',
    summary: 'Delegator population: count, joins and exits per day, stake distribution, Gini/HHI, top delegators',
    query: z.strictObject({ top: limitParam(20, 100) }),
    response: z.object({
      delegators: int,
      totalBonded: amountSchema,
      gini: num,
      hhiPpm: int,
      buckets: z.array(z.object({ fromLpt: num, toLpt: num.nullable(), delegators: int, stake: amountSchema })),
      daily: z.array(z.object({ day: z.string(), joined: int, left: int, delegators: int })),
      top: z.array(z.object({ address: z.string(), label: labelSchema.nullable(), delegate: z.string(), bondedAmount: amountSchema, share: num })),
    }),
    maxAge: 10,
    handler: async ({ query, data, options }) => {
      const dels = (await delegatorBonds(data.db)).filter((d) => d.bondedAmount > 0n);
      const stakes = dels.map((d) => d.bondedAmount);
      const total = stakes.reduce((a, b) => a + b, 0n);
      const top = [...dels].sort((a, b) => (b.bondedAmount > a.bondedAmount ? 1 : b.bondedAmount < a.bondedAmount ? -1 : a.address < b.address ? -1 : 1)).slice(0, query.top);
      const labels = await labelsFor(data.db, top.map((d) => d.address), options.labelAuthorities);
      return {
        delegators: dels.length,
        totalBonded: lpt(total),
        gini: gini(stakes),
        hhiPpm: hhiPpm(stakes),
        buckets: stakeDistribution(stakes).map((b) => ({ ...b, stake: lpt(b.stake) })),
        daily: dailyChurn(await bondedAmountChanges(data.db)),
        top: top.map((d) => ({ address: d.address, label: labelJson(labels.get(d.address)), delegate: d.delegate, bondedAmount: lpt(d.bondedAmount), share: total > 0n ? Number((d.bondedAmount * 1_000_000_000n) / total) / 1e9 : 0 })),
      };
    },
  }),
  route({
    path: '/api/v1/staking/flows',
    tag: 'staking',
    summary: 'Stake flowing into and out of each orchestrator (Bond, Unbond, Rebond)',
    query: z.strictObject({ fromRound: roundParam('first round (default: 30 rounds back)'), toRound: roundParam('last round (default: the current round)') }),
    response: z.object({ fromRound: int, toRound: int, data: z.array(z.object({ orchestrator: z.string(), label: labelSchema.nullable(), inflow: amountSchema, outflow: amountSchema, net: amountSchema })) }),
    maxAge: 10,
    handler: async ({ query, data, options }) => {
      const snap = await data.snapshot();
      const cur = snap.current ? Number(snap.current.round) : 0;
      const to = query.toRound ?? cur;
      const from = query.fromRound ?? Math.max(0, to - 30);
      if (from > to) throw new AtlasError('bad_request', 'query parameter "fromRound" must not be after "toRound"');
      const flows = stakeFlows(await stakeMoves(data.db, { from: BigInt(from), to: BigInt(to) }));
      const labels = await labelsFor(data.db, flows.map((f) => f.orchestrator), options.labelAuthorities);
      return { fromRound: from, toRound: to, data: flows.map((f) => ({ orchestrator: f.orchestrator, label: labelJson(labels.get(f.orchestrator)), inflow: lpt(f.inflow), outflow: lpt(f.outflow), net: lpt(f.net) })) };
    },
  }),
  route({
    path: '/api/v1/staking/delegates/{address}',
    tag: 'staking',
    summary: 'Delegate activity: votes, delegator overrides and staking events of its delegators',
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ limit: limitParam(50, 500), cursor: cursorParam }),
    response: z.object({
      address: z.string(),
      label: labelSchema.nullable(),
      voting: z.object({ proposals: int, voted: int, votingRate: num.nullable(), delegatorVotes: int, overrides: int }),
      votes: z.array(z.object({ proposalId: z.string(), title: z.string(), support: z.enum(['against', 'for', 'abstain', 'none']), weight: amountSchema.nullable(), reason: z.string(), delegatorVotes: int, delegatorOverrides: int })),
      delegators: int,
      events: listOf(eventSchema, 'DelegateEventList'),
    }),
    errors: [404],
    maxAge: 10,
    handler: async ({ params, query, data, options }) => {
      const snap = await data.snapshot();
      if (!snap.orchestratorsByAddress.has(params.address)) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const voting = await votingRecord(data.db);
      const summary = delegateVoting(params.address, voting.proposals, voting.votes);
      const SUPPORT = ['against', 'for', 'abstain'] as const;
      const votes = voting.proposals.map((p) => {
        const own = voting.votes.find((v) => v.proposalId === p.id && v.voter === params.address);
        const mine = voting.votes.filter((v) => v.proposalId === p.id && v.voter !== params.address && v.delegate === params.address);
        return {
          proposalId: p.id,
          title: p.description.split('\n')[0]!.replace(/^#+\s*/, '').slice(0, 120),
          support: own ? (SUPPORT[own.support] ?? 'abstain') : ('none' as const),
          weight: own ? lpt(own.weight) : null,
          reason: own?.reason ?? '',
          delegatorVotes: mine.length,
          delegatorOverrides: own ? mine.filter((v) => v.support !== own.support).length : 0,
        };
      });
      const r = await data.events({ names: [...STAKING_EVENTS], address: params.address, order: 'desc', limit: query.limit, after: eventCursor(query.cursor) });
      const dels = await delegatorBonds(data.db, { delegate: params.address });
      return {
        address: params.address,
        label: labelJson((await labelsFor(data.db, [params.address], options.labelAuthorities)).get(params.address)),
        voting: summary,
        votes,
        delegators: dels.filter((d) => d.bondedAmount > 0n).length,
        events: eventPageJson(await cachedPriceBook(data.db), r, query.limit),
      };
    },
  }),
];
