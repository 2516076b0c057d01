import type { Context } from 'hono';
import { z } from 'zod';
import { decodeCursor, encodeCursor, paginate, type SortKey } from './cursor.js';
import type { AccountData, ApiData, EventData, OrchestratorData, PoolData, ProposalData, RoundData, Snapshot, VoteData } from './data.js';
import type { AppOptions } from './app.js';
import { formatUsd, type PriceBook } from '../prices/lookup.js';
import { cachedPriceBook, cachedPriceVersion, LATEST, usdOf } from '../prices/usd.js';
import { orchestratorUsd, priceEvents, eventUnit, type OrchestratorUsd, type PricedEvent } from './usd.js';
import { AtlasError } from './errors.js';
import { eth, formatUnits, lpt, perc, ratio } from './format.js';
import {
  accountSchema,
  addressParam,
  blockParam,
  boolParam,
  cursorParam,
  eventSchema,
  feeBucketSchema,
  intParam,
  limitParam,
  listOf,
  networkSchema,
  orchestratorDetailSchema,
  orchestratorSchema,
  orderParam,
  percentParam,
  decimalParam,
  proposalDetailSchema,
  proposalSchema,
  roundParam,
  roundSchema,
  delegatorRowSchema,
  tokenAmountParam,
} from './schemas.js';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/** One REST endpoint: its zod inputs and output drive validation, the OpenAPI document and the tests. */
export interface RouteDef<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, R extends z.ZodType = z.ZodType> {
  /** OpenAPI-style path, e.g. /api/v1/orchestrators/{address}. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  response: R;
  /** Also answers text/csv with ?format=csv. */
  csv?: boolean;
  /** Cache-Control max-age (s) for successful answers. */
  maxAge: number;
  /** Status codes besides 200/400/429/500 the endpoint can answer with. */
  errors?: number[];
  /** HTTP method (default get). POST routes are never cached and read their JSON body through `body`. */
  method?: 'get' | 'post';
  /** JSON request body schema (POST only). */
  body?: z.ZodType;
  /** Raw request body (POST only): the body is passed as text to the handler, unparsed (e.g. JSON lines). */
  rawBody?: { contentTypes: string[] };
  /** Largest request body accepted in bytes (POST only, default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Response cache: 'chain' (default) keeps serialized answers until the indexed chain data changes;
   * 'none' for answers over off-chain data (telemetry, adverts, labels) that changes without new blocks.
   */
  cache?: 'chain' | 'none';
  handler: (input: { params: z.output<P>; query: z.output<Q>; body: unknown; data: ApiData; c: Context; app: AppOptions }) => Promise<z.input<R> | Response>;
}

/**
 * A route as the route table holds it, keeping its method, path and schemas as types: clients (the dashboard's
 * typed client) derive each endpoint's parameters and answer from them.
 */
export type TypedRoute<M extends 'get' | 'post', Path extends string, P extends AnyObject, Q extends AnyObject, R extends z.ZodType> = Omit<RouteDef, 'method' | 'path' | 'params' | 'query' | 'response'> & {
  method?: M;
  path: Path;
  params?: P;
  query?: Q;
  response: R;
};

/** Types a route's handler by its own schemas; the table keeps them as types only (see `TypedRoute`). */
export function route<const Path extends string, P extends AnyObject, Q extends AnyObject, R extends z.ZodType, const M extends 'get' | 'post' = 'get'>(
  def: RouteDef<P, Q, R> & { path: Path; method?: M },
): TypedRoute<M, Path, P, Q, R> {
  return def as unknown as TypedRoute<M, Path, P, Q, R>;
}

// ------------------------------------------------------------------ serializers (bigint → JSON at the edge)

const n = (x: bigint): number => Number(x);
const nOrNull = (x: bigint | null): number | null => (x === null ? null : Number(x));
const inflationOf = (ppb: bigint) => ({ ppb: ppb.toString(), percentPerRound: Number(ppb) / 1e7 });

export function roundJson(r: RoundData, book: PriceBook): z.input<typeof roundSchema> {
  const supply = r.l2Supply + (r.l1Supply ?? 0n);
  const at = (x: bigint, unit: 'LPT' | 'ETH') => usdOf(book, x, unit, r.blockTime);
  return {
    round: n(r.round),
    startBlock: n(r.blockNumber),
    startTime: r.blockTime,
    l1Block: nOrNull(r.l1Block),
    mintable: lpt(r.mintable),
    inflation: inflationOf(r.inflation),
    totalActiveStake: lpt(r.totalActiveStake),
    totalSupply: lpt(supply),
    participation: ratio(r.totalActiveStake, supply),
    activeOrchestrators: r.activeTranscoders,
    delegators: r.delegators,
    rewards: lpt(r.rewards),
    treasuryRewards: lpt(r.treasuryRewards),
    rewardCalls: r.rewardCalls,
    fees: eth(r.fees),
    winningTickets: r.winningTickets,
    treasuryBalance: lpt(r.treasuryBalance),
    treasuryRewardCutRate: r.treasuryRewardCutRate.toString(),
    usd: {
      mintable: at(r.mintable, 'LPT'),
      rewards: at(r.rewards, 'LPT'),
      treasuryRewards: at(r.treasuryRewards, 'LPT'),
      fees: at(r.fees, 'ETH'),
      totalActiveStake: at(r.totalActiveStake, 'LPT'),
      treasuryBalance: at(r.treasuryBalance, 'LPT'),
    },
  };
}

const NO_USD: OrchestratorUsd = { totalStake: null, fees30d: null, fees90d: null, feesTotal: null };

export function orchestratorJson(o: OrchestratorData, usd: OrchestratorUsd = NO_USD): z.input<typeof orchestratorSchema> {
  return {
    address: o.address,
    serviceUri: o.serviceUri,
    aiServiceUri: o.aiServiceUri,
    active: o.active,
    activationRound: n(o.activationRound),
    deactivationRound: nOrNull(o.deactivationRound),
    lastRewardRound: n(o.lastRewardRound),
    totalStake: lpt(o.totalStake),
    rewardCut: perc(o.rewardCut),
    feeShare: perc(o.feeShare),
    feeCut: perc(1_000_000n - o.feeShare),
    fees30d: eth(o.fees30d),
    fees90d: eth(o.fees90d),
    feesTotal: eth(o.feesTotal),
    rewardCalls30: o.rewardCalls30,
    rewardCalls90: o.rewardCalls90,
    firstSeenRound: nOrNull(o.firstSeenRound),
    ageRounds: o.ageRounds,
    delegators: o.delegatorCount,
    rewardCaller: o.rewardCaller,
    usd: { ...usd },
  };
}

function poolJson(p: PoolData, book: PriceBook) {
  const at = (x: bigint, unit: 'LPT' | 'ETH') => usdOf(book, x, unit, p.time);
  return {
    round: n(p.round),
    time: p.time,
    totalStake: lpt(p.totalStake),
    rewardCut: perc(p.rewardCut),
    feeShare: perc(p.feeShare),
    rewards: lpt(p.rewards),
    treasuryRewards: lpt(p.treasuryRewards),
    fees: eth(p.fees),
    rewardCalled: p.rewards > 0n,
    cumulativeRewardFactor: p.cumulativeRewardFactor.toString(),
    cumulativeFeeFactor: p.cumulativeFeeFactor.toString(),
    usd: { totalStake: at(p.totalStake, 'LPT'), rewards: at(p.rewards, 'LPT'), treasuryRewards: at(p.treasuryRewards, 'LPT'), fees: at(p.fees, 'ETH') },
  };
}

/** One page of events as served: USD at each event's time where a price is known, and the next cursor. */
export function eventPageJson(book: PriceBook, page: { data: EventData[]; next: [bigint, number] | null }, limit: number) {
  return { data: priceEvents(book, page.data).map((e) => eventJson(e)), page: { limit, nextCursor: page.next ? encodeCursor([page.next[0], page.next[1]]) : null } };
}

export function eventJson(e: PricedEvent): z.input<typeof eventSchema> {
  return {
    id: `${e.blockNumber}-${e.logIndex}`,
    blockNumber: n(e.blockNumber),
    logIndex: e.logIndex,
    txHash: e.txHash,
    time: e.time,
    round: nOrNull(e.round),
    contract: e.contract,
    name: e.name,
    addresses: [e.a1, e.a2].filter((a): a is string => a !== null),
    amount: e.amount === null ? null : e.amount.toString(),
    amountUnit: e.amount === null ? null : eventUnit(e.name),
    amountUsd: e.amountUsd ?? null,
    args: e.args,
  };
}

const SUPPORT = ['against', 'for', 'abstain'] as const;

function proposalJson(p: ProposalData): z.input<typeof proposalSchema> {
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    proposer: p.proposer,
    status: p.status,
    voteStart: n(p.voteStart),
    voteEnd: n(p.voteEnd),
    createdRound: nOrNull(p.createdRound),
    createdBlock: n(p.createdBlock),
    createdTime: p.createdTime,
    votes: {
      for: lpt(p.forVotes),
      against: lpt(p.againstVotes),
      abstain: lpt(p.abstainVotes),
      total: lpt(p.forVotes + p.againstVotes + p.abstainVotes),
    },
    quorum: lpt(p.quorum),
    quorumReached: p.quorumReached,
    voters: p.voters,
    targets: p.targets,
    values: p.values,
    calldatas: p.calldatas,
  };
}

function voteJson(v: VoteData) {
  return {
    voter: v.voter,
    support: SUPPORT[v.support] ?? 'abstain',
    weight: lpt(v.weight),
    reason: v.reason,
    delegate: v.delegate,
    blockNumber: n(v.blockNumber),
  };
}

function progressOf(s: Snapshot): z.input<typeof networkSchema>['currentRound'] extends infer C ? (C extends { progress: infer P } ? P : never) : never {
  const cur = s.current;
  if (!cur) return null;
  if (cur.l1Block !== null && s.headL1Block !== null && s.roundLength !== null && s.roundLength > 0n) {
    const start = (cur.l1Block / s.roundLength) * s.roundLength;
    const fraction = Math.min(1, Math.max(0, Number(s.headL1Block - start) / Number(s.roundLength)));
    return { fraction, basis: 'l1-blocks', estimatedEndTime: null };
  }
  const lengths = s.rounds
    .slice(-11)
    .map((r, i, a) => (i === 0 ? null : r.blockTime - a[i - 1]!.blockTime))
    .filter((x): x is number => x !== null && x > 0)
    .sort((a, b) => a - b);
  if (lengths.length === 0) return null;
  const median = lengths[Math.floor(lengths.length / 2)]!;
  const fraction = Math.min(1, Math.max(0, (s.chainTime - cur.blockTime) / median));
  return { fraction, basis: 'time-estimate', estimatedEndTime: cur.blockTime + median };
}

export function networkJson(s: Snapshot, book: PriceBook): z.input<typeof networkSchema> {
  const cur = s.current;
  const supply = cur ? cur.l2Supply + (cur.l1Supply ?? 0n) : 0n;
  const called = cur ? cur.rewards + cur.treasuryRewards : 0n;
  const atStart = (x: bigint, unit: 'LPT' | 'ETH') => (cur ? usdOf(book, x, unit, cur.blockTime) : null);
  const now = (x: bigint) => (cur ? usdOf(book, x, 'LPT', LATEST) : null);
  const ethUsd = book.at('ETH/USD', LATEST);
  const lptEth = book.at('LPT/ETH', LATEST);
  return {
    currentRound: cur
      ? {
          round: n(cur.round),
          startBlock: n(cur.blockNumber),
          startTime: cur.blockTime,
          progress: progressOf(s),
          mintable: lpt(cur.mintable),
          rewardsCalled: lpt(called),
          rewardsCalledShare: ratio(called, cur.mintable),
          rewardCalls: cur.rewardCalls,
          fees: eth(cur.fees),
          winningTickets: cur.winningTickets,
        }
      : null,
    participation: cur ? { ratio: ratio(cur.totalActiveStake, supply), totalActiveStake: lpt(cur.totalActiveStake), totalSupply: lpt(supply) } : null,
    inflation: cur ? inflationOf(cur.inflation) : null,
    activeOrchestrators: s.orchestrators.filter((o) => o.active).length,
    registeredOrchestrators: s.orchestrators.filter((o) => o.registered).length,
    delegators: s.delegators,
    treasury: cur ? { balance: lpt(cur.treasuryBalance), rewardCutRate: cur.treasuryRewardCutRate.toString() } : null,
    totals: {
      fees: eth(s.totals.fees),
      rewards: lpt(s.totals.rewards),
      treasuryRewards: lpt(s.totals.treasuryRewards),
      winningTickets: s.totals.winningTickets,
      rounds: s.rounds.length,
    },
    chainTime: s.chainTime,
    indexedBlock: nOrNull(s.indexedBlock),
    usd: {
      currentRoundMintable: cur ? atStart(cur.mintable, 'LPT') : null,
      currentRoundRewardsCalled: atStart(called, 'LPT'),
      currentRoundFees: cur ? atStart(cur.fees, 'ETH') : null,
      totalActiveStake: cur ? now(cur.totalActiveStake) : null,
      totalSupply: cur ? now(supply) : null,
      treasuryBalance: cur ? now(cur.treasuryBalance) : null,
      ethUsd: ethUsd ? formatUnits((ethUsd.num * 10n ** 8n) / ethUsd.den, 8) : null,
      lptUsd: ethUsd && lptEth ? usdOf(book, 10n ** 18n, 'LPT', LATEST) : null,
    },
  };
}

function accountJson(a: AccountData, currentRound: bigint, history: { data: EventData[]; next: [bigint, number] | null }, limit: number, isOrchestrator: boolean, book: PriceBook) {
  const unbonding = a.unbondingLocks.reduce((s, l) => s + l.amount, 0n);
  const now = (x: bigint, unit: 'LPT' | 'ETH') => usdOf(book, x, unit, LATEST);
  return {
    address: a.address,
    delegate: a.delegate,
    isOrchestrator,
    bondedAmount: lpt(a.bondedAmount),
    pendingStake: lpt(a.pendingStake),
    unclaimedRewards: lpt(a.pendingStake - a.bondedAmount),
    pendingFees: eth(a.pendingFees),
    withdrawableFees: eth(a.fees),
    delegatedAmount: lpt(a.delegatedAmount),
    startRound: n(a.startRound),
    lastClaimRound: n(a.lastClaimRound),
    currentRound: n(currentRound),
    unbondingLocks: a.unbondingLocks.map((l) => ({
      id: n(l.id),
      amount: lpt(l.amount),
      withdrawRound: n(l.withdrawRound),
      withdrawable: l.withdrawRound <= currentRound,
      roundsLeft: Math.max(0, n(l.withdrawRound - currentRound)),
    })),
    unbonding: lpt(unbonding),
    usd: {
      bondedAmount: now(a.bondedAmount, 'LPT'),
      pendingStake: now(a.pendingStake, 'LPT'),
      unclaimedRewards: now(a.pendingStake - a.bondedAmount, 'LPT'),
      pendingFees: now(a.pendingFees, 'ETH'),
      withdrawableFees: now(a.fees, 'ETH'),
      delegatedAmount: now(a.delegatedAmount, 'LPT'),
      unbonding: now(unbonding, 'LPT'),
    },
    history: eventPageJson(book, history, limit),
  };
}

// ------------------------------------------------------------------ CSV

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A cell starting with = + - @ tab or CR is a formula to a spreadsheet: quote-prefix it (OWASP CSV injection
  // rule). A plain signed decimal cannot be one and stays a number.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

// ------------------------------------------------------------------ routes

const eventCursorKey = (cursor: string | undefined): [bigint, number] | null => {
  if (!cursor) return null;
  const [b, l] = decodeCursor(cursor, 2);
  if (typeof b !== 'bigint' || typeof l !== 'number' || !Number.isInteger(l)) throw new AtlasError('bad_request', 'query parameter "cursor": malformed');
  return [b, l];
};

const ORCH_SORTS = ['stake', 'rewardCut', 'feeShare', 'feeCut', 'fees30d', 'fees90d', 'feesTotal', 'rewardCallRatio30', 'rewardCallRatio90', 'age', 'delegators', 'address', 'activationRound'] as const;
type OrchSort = (typeof ORCH_SORTS)[number];

const orchKey: Record<OrchSort, (o: OrchestratorData) => SortKey> = {
  stake: (o) => o.totalStake,
  rewardCut: (o) => o.rewardCut,
  feeShare: (o) => o.feeShare,
  feeCut: (o) => 1_000_000n - o.feeShare,
  fees30d: (o) => o.fees30d,
  fees90d: (o) => o.fees90d,
  feesTotal: (o) => o.feesTotal,
  rewardCallRatio30: (o) => o.rewardCalls30.ratio,
  rewardCallRatio90: (o) => o.rewardCalls90.ratio,
  age: (o) => o.ageRounds,
  delegators: (o) => o.delegatorCount,
  address: (o) => o.address,
  activationRound: (o) => o.activationRound,
};

const orchestratorQuery = z.strictObject({
  q: z.string().max(100, { error: 'must be at most 100 characters' }).optional().meta({ description: 'case-insensitive substring of the address or service URI' }),
  active: boolParam.optional().meta({ description: 'only active (true) or inactive (false) orchestrators' }),
  minStake: tokenAmountParam('minimum total stake in LPT').optional(),
  maxRewardCut: percentParam('maximum reward cut in percent').optional(),
  maxFeeCut: percentParam('maximum fee cut (1 − fee share) in percent').optional(),
  minRewardCallRatio: decimalParam(0, 1, 'must be a number from 0 to 1', 'minimum reward-call ratio over the last 90 rounds (0–1)').optional(),
  sort: z.enum(ORCH_SORTS, { error: `must be one of ${ORCH_SORTS.join(', ')}` }).default('stake'),
  order: orderParam.default('desc'),
  limit: limitParam(50, 500),
  cursor: cursorParam,
  format: z.enum(['json', 'csv'], { error: 'must be "json" or "csv"' }).default('json').meta({ description: 'csv exports every matching row (limit and cursor are ignored)' }),
});

function filterOrchestrators(list: OrchestratorData[], q: z.output<typeof orchestratorQuery>): OrchestratorData[] {
  const needle = q.q?.trim().toLowerCase();
  return list.filter(
    (o) =>
      (!needle || o.address.includes(needle) || (o.serviceUri ?? '').toLowerCase().includes(needle) || (o.aiServiceUri ?? '').toLowerCase().includes(needle)) &&
      (q.active === undefined || o.active === q.active) &&
      (q.minStake === undefined || o.totalStake >= q.minStake) &&
      (q.maxRewardCut === undefined || Number(o.rewardCut) / 10_000 <= q.maxRewardCut) &&
      (q.maxFeeCut === undefined || (1_000_000 - Number(o.feeShare)) / 10_000 <= q.maxFeeCut) &&
      (q.minRewardCallRatio === undefined || (o.rewardCalls90.ratio ?? -1) >= q.minRewardCallRatio),
  );
}

async function orchestratorOr404(data: ApiData, address: string): Promise<{ snap: Snapshot; o: OrchestratorData }> {
  const snap = await data.snapshot();
  const o = snap.orchestratorsByAddress.get(address);
  if (!o) throw new AtlasError('not_found', `no orchestrator with address ${address} (it never registered as a transcoder)`);
  return { snap, o };
}

const addressPath = z.strictObject({ address: addressParam });

export const coreRoutes = [
  route({
    path: '/api/v1/network',
    tag: 'network',
    summary: 'Network overview',
    description: 'Current round and its progress, rewards called vs mintable, participation, inflation, orchestrator and delegator counts, totals.',
    response: networkSchema,
    maxAge: 5,
    handler: async ({ data }) => networkJson(await data.snapshot(), await cachedPriceBook(data.db)),
  }),
  route({
    path: '/api/v1/network/fees',
    tag: 'network',
    summary: 'Fees per day or week',
    description: 'ETH paid to orchestrators by winning tickets (WinningTicketTransfer amounts), bucketed by UTC day or Monday-based week of block time, with the USD value at the time of payment where an ETH/USD price is known.',
    query: z.strictObject({
      interval: z.enum(['day', 'week'], { error: 'must be "day" or "week"' }).default('day'),
      from: intParam(0, 4_102_444_800, 'start (unix seconds, inclusive)').optional(),
      to: intParam(0, 4_102_444_800, 'end (unix seconds, exclusive)').optional(),
    }),
    response: z.object({ interval: z.enum(['day', 'week']), data: z.array(feeBucketSchema) }).meta({ id: 'FeeSeries' }),
    maxAge: 30,
    handler: async ({ query, data }) => {
      if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw new AtlasError('bad_request', 'query parameter "from" must be before "to"');
      const buckets = await data.feeBuckets(query.interval, query.from, query.to);
      return {
        interval: query.interval,
        data: buckets.map((b) => ({
          start: b.start,
          date: new Date(b.start * 1000).toISOString().slice(0, 10),
          fees: eth(b.fees),
          feesUsd: b.usdE8 === null ? null : formatUsd(b.usdE8),
          winningTickets: b.tickets,
        })),
      };
    },
  }),
  route({
    path: '/api/v1/rounds',
    tag: 'network',
    summary: 'Rounds',
    description: 'Initialized rounds with their Minter/BondingManager figures and what happened in them.',
    query: z.strictObject({
      from: roundParam('first round (inclusive)'),
      to: roundParam('last round (inclusive)'),
      minFees: tokenAmountParam('only rounds with at least this many ETH of fees').optional(),
      sort: z.enum(['round', 'fees', 'rewards', 'participation', 'winningTickets'], { error: 'must be one of round, fees, rewards, participation, winningTickets' }).default('round'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 1000),
      cursor: cursorParam,
    }),
    response: listOf(roundSchema, 'RoundList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw new AtlasError('bad_request', 'query parameter "from" must not be after "to"');
      const snap = await data.snapshot();
      const list = snap.rounds.filter(
        (r) => (query.from === undefined || r.round >= BigInt(query.from)) && (query.to === undefined || r.round <= BigInt(query.to)) && (query.minFees === undefined || r.fees >= query.minFees),
      );
      const key = (r: RoundData): SortKey => {
        switch (query.sort) {
          case 'fees':
            return r.fees;
          case 'rewards':
            return r.rewards;
          case 'winningTickets':
            return r.winningTickets;
          case 'participation':
            return ratio(r.totalActiveStake, r.l2Supply + (r.l1Supply ?? 0n));
          default:
            return r.round;
        }
      };
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key, id: (r) => r.round.toString().padStart(20, '0'), order: query.order });
      const book = await cachedPriceBook(data.db);
      return { data: page.data.map((r) => roundJson(r, book)), page: { limit: query.limit, nextCursor: page.nextCursor } };
    },
  }),
  route({
    path: '/api/v1/orchestrators',
    tag: 'orchestrators',
    summary: 'Orchestrator directory',
    description:
      'Every registered orchestrator with stake, cuts, trailing fees and reward-call ratios. Search, filter, sort and page; `format=csv` exports all matching rows.',
    query: orchestratorQuery,
    response: listOf(orchestratorSchema, 'OrchestratorList'),
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      const snap = await data.snapshot();
      const list = filterOrchestrators(snap.orchestrators, query);
      if (query.format === 'csv') {
        const all = paginate(list, { limit: Number.MAX_SAFE_INTEGER, key: orchKey[query.sort], id: (o) => o.address, order: query.order }).data;
        const header = [
          'address', 'service_uri', 'active', 'total_stake_lpt', 'total_stake_wei', 'reward_cut_percent', 'fee_share_percent', 'fee_cut_percent',
          'fees_30d_eth', 'fees_90d_eth', 'reward_call_ratio_30', 'reward_call_ratio_90', 'age_rounds', 'delegators', 'activation_round', 'last_reward_round',
        ];
        const body = toCsv(
          header,
          all.map((o) => [
            o.address, o.serviceUri, o.active, formatUnits(o.totalStake), o.totalStake.toString(), Number(o.rewardCut) / 10_000, Number(o.feeShare) / 10_000,
            (1_000_000 - Number(o.feeShare)) / 10_000, formatUnits(o.fees30d), formatUnits(o.fees90d), o.rewardCalls30.ratio, o.rewardCalls90.ratio,
            o.ageRounds, o.delegatorCount, o.activationRound.toString(), o.lastRewardRound.toString(),
          ]),
        );
        return new Response(body, {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="orchestrators.csv"' },
        });
      }
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key: orchKey[query.sort], id: (o) => o.address, order: query.order });
      const book = await cachedPriceBook(data.db);
      const usd = await orchestratorUsd(data, snap, book, cachedPriceVersion(data.db));
      return { data: page.data.map((o) => orchestratorJson(o, usd.get(o.address))), page: { limit: query.limit, nextCursor: page.nextCursor } };
    },
  }),
  route({
    path: '/api/v1/orchestrators/{address}',
    tag: 'orchestrators',
    summary: 'Orchestrator detail',
    description: 'Directory figures plus per-round pool history (stake, rewards, fees, reward calls), cut-change history and top delegators.',
    params: addressPath,
    query: z.strictObject({ historyRounds: intParam(1, 10_000, 'rounds of pool history to return (default 180)').default(180) }),
    response: orchestratorDetailSchema,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, query, data }) => {
      const { snap, o } = await orchestratorOr404(data, params.address);
      const current = snap.current?.round ?? 0n;
      const from = current - BigInt(query.historyRounds) + 1n;
      const book = await cachedPriceBook(data.db);
      const [history, cuts, dels, usd] = await Promise.all([
        data.orchestratorHistory(o.address, from),
        data.cutChanges(o.address),
        data.delegatorsOf(o.address, { limit: 100, after: null, sort: 'bondedAmount', order: 'desc' }),
        orchestratorUsd(data, snap, book, cachedPriceVersion(data.db)),
      ]);
      return {
        orchestrator: orchestratorJson(o, usd.get(o.address)),
        history: history.filter((p) => p.round <= current).map((p) => poolJson(p, book)),
        cutChanges: cuts.map((e) => ({
          round: nOrNull(e.round),
          blockNumber: n(e.blockNumber),
          time: e.time,
          txHash: e.txHash,
          rewardCut: perc(String(e.args.rewardCut ?? '0')),
          feeShare: perc(String(e.args.feeShare ?? '0')),
        })),
        delegators: {
          total: dels.total,
          top: dels.data.map((d) => ({ address: d.address, bondedAmount: lpt(d.bondedAmount), fees: eth(d.fees), startRound: n(d.startRound), lastClaimRound: n(d.lastClaimRound) })),
        },
      };
    },
  }),
  route({
    path: '/api/v1/orchestrators/{address}/delegators',
    tag: 'orchestrators',
    summary: "An orchestrator's delegators",
    params: addressPath,
    query: z.strictObject({
      sort: z.enum(['bondedAmount', 'address'], { error: 'must be "bondedAmount" or "address"' }).default('bondedAmount'),
      order: orderParam.default('desc'),
      limit: limitParam(100, 1000),
      cursor: cursorParam,
    }),
    response: z.object({ data: z.array(delegatorRowSchema), total: z.number().int(), page: z.object({ limit: z.number().int(), nextCursor: z.string().nullable() }) }).meta({ id: 'DelegatorList' }),
    maxAge: 5,
    errors: [404],
    handler: async ({ params, query, data }) => {
      const { o } = await orchestratorOr404(data, params.address);
      let after: { key: bigint | string; address: string } | null = null;
      if (query.cursor) {
        const [k, a] = decodeCursor(query.cursor, 2);
        if (typeof a !== 'string' || !/^0x[0-9a-f]{40}$/.test(a) || (typeof k !== 'bigint' && typeof k !== 'string')) throw new AtlasError('bad_request', 'query parameter "cursor": malformed');
        after = { key: k, address: a };
      }
      const r = await data.delegatorsOf(o.address, { limit: query.limit + 1, after, sort: query.sort, order: query.order });
      const page = r.data.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        data: page.map((d) => ({ address: d.address, bondedAmount: lpt(d.bondedAmount), fees: eth(d.fees), startRound: n(d.startRound), lastClaimRound: n(d.lastClaimRound) })),
        total: r.total,
        page: { limit: query.limit, nextCursor: r.data.length > query.limit && last ? encodeCursor([query.sort === 'address' ? last.address : last.bondedAmount, last.address]) : null },
      };
    },
  }),
  route({
    path: '/api/v1/delegators/{address}',
    tag: 'accounts',
    summary: 'Account (delegator) page',
    description:
      'Bonded stake, pending stake and fees (computed from the stored earnings-pool factors exactly as BondingManager.pendingStake/pendingFees), unbonding locks and the history of events naming the address.',
    params: addressPath,
    query: z.strictObject({
      limit: limitParam(50, 500).meta({ description: 'history page size' }),
      cursor: cursorParam.meta({ description: 'history cursor (history.page.nextCursor)' }),
    }),
    response: accountSchema,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, query, data }) => {
      const [snap, acct] = await Promise.all([data.snapshot(), data.account(params.address)]);
      if (!acct) throw new AtlasError('not_found', `no delegator with address ${params.address} (it has never bonded)`);
      const history = await data.events({ address: params.address, order: 'desc', limit: query.limit, after: eventCursorKey(query.cursor) });
      return accountJson(acct, snap.current?.round ?? 0n, history, query.limit, snap.orchestratorsByAddress.has(params.address), await cachedPriceBook(data.db));
    },
  }),
  route({
    path: '/api/v1/events',
    tag: 'events',
    summary: 'Protocol events',
    description: 'Decoded chain events, newest first by default, keyset-paginated by (block, log index).',
    query: z.strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9]{0,63}(,[A-Za-z][A-Za-z0-9]{0,63}){0,19}$/, { error: 'must be one event name or up to 20 comma-separated names, e.g. Reward,Bond' })
        .optional()
        .meta({ description: 'event name(s), comma-separated' }),
      address: addressParam.optional().meta({ description: 'only events naming this address' }),
      contract: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be a contract name such as BondingManager' }).optional(),
      fromRound: roundParam('first round (inclusive)'),
      toRound: roundParam('last round (inclusive)'),
      fromBlock: blockParam('first block (inclusive)'),
      toBlock: blockParam('last block (inclusive)'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 1000),
      cursor: cursorParam,
    }),
    response: listOf(eventSchema, 'EventList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      if (query.fromRound !== undefined && query.toRound !== undefined && query.fromRound > query.toRound) throw new AtlasError('bad_request', 'query parameter "fromRound" must not be after "toRound"');
      if (query.fromBlock !== undefined && query.toBlock !== undefined && query.fromBlock > query.toBlock) throw new AtlasError('bad_request', 'query parameter "fromBlock" must not be after "toBlock"');
      const r = await data.events({
        names: query.name?.split(','),
        address: query.address,
        contract: query.contract,
        fromRound: query.fromRound === undefined ? undefined : BigInt(query.fromRound),
        toRound: query.toRound === undefined ? undefined : BigInt(query.toRound),
        fromBlock: query.fromBlock === undefined ? undefined : BigInt(query.fromBlock),
        toBlock: query.toBlock === undefined ? undefined : BigInt(query.toBlock),
        order: query.order,
        limit: query.limit,
        after: eventCursorKey(query.cursor),
      });
      return eventPageJson(await cachedPriceBook(data.db), r, query.limit);
    },
  }),
  route({
    path: '/api/v1/proposals',
    tag: 'governance',
    summary: 'Treasury proposals',
    query: z.strictObject({
      status: z
        .enum(['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'], { error: 'must be one of pending, active, canceled, defeated, succeeded, queued, expired, executed' })
        .optional(),
      proposer: addressParam.optional(),
      sort: z.enum(['created', 'votes', 'voters'], { error: 'must be one of created, votes, voters' }).default('created'),
      order: orderParam.default('desc'),
      limit: limitParam(50, 500),
      cursor: cursorParam,
    }),
    response: listOf(proposalSchema, 'ProposalList'),
    maxAge: 5,
    handler: async ({ query, data }) => {
      const snap = await data.snapshot();
      const list = snap.proposals.filter((p) => (!query.status || p.status === query.status) && (!query.proposer || p.proposer === query.proposer));
      const key = (p: ProposalData): SortKey => (query.sort === 'votes' ? p.forVotes + p.againstVotes + p.abstainVotes : query.sort === 'voters' ? p.voters : p.createdBlock);
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key, id: (p) => p.id, order: query.order });
      return { data: page.data.map(proposalJson), page: { limit: query.limit, nextCursor: page.nextCursor } };
    },
  }),
  route({
    path: '/api/v1/proposals/{id}',
    tag: 'governance',
    summary: 'Treasury proposal with votes',
    params: z.strictObject({ id: z.string().regex(/^\d{1,78}$/, { error: 'must be a decimal proposal id' }).meta({ description: 'Governor proposal id (decimal)' }) }),
    response: proposalDetailSchema,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, data }) => {
      const snap = await data.snapshot();
      const p = snap.proposalsById.get(params.id);
      if (!p) throw new AtlasError('not_found', `no proposal with id ${params.id}`);
      return { proposal: proposalJson(p), votes: (await data.votes(p.id)).map(voteJson) };
    },
  }),
];
