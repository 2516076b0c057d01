// The orchestrator directory (search, filters, sort, CSV), one orchestrator's detail and its delegators.
import { z } from 'zod';
import { decodeCursor, encodeCursor, paginate, type SortKey } from '../cursor.js';
import type { ApiData, OrchestratorData, Snapshot } from '../data.js';
import { route } from '../route.js';
import { cachedPriceBook, cachedPriceVersion } from '../../prices/usd.js';
import { orchestratorUsd } from '../usd.js';
import { AtlasError } from '../errors.js';
import { eth, formatUnits, lpt, perc } from '../format.js';
import { addressPath, boolParam, cursorParam, decimalParam, delegatorRowSchema, intParam, limitParam, listOf, orchestratorDetailSchema, orchestratorSchema, orderParam, percentParam, tokenAmountParam } from '../schemas.js';
import { n, nOrNull, orchestratorJson, poolJson } from '../json.js';
import { toCsv } from '../csv.js';
import { orchestratorYields } from '../orchestratorYields.js';
import type { AnnualizedPoolYield } from '../../analytics/yields.js';

const ORCH_SORTS = ['stake', 'rewardCut', 'feeShare', 'feeCut', 'fees30d', 'fees90d', 'feesTotal', 'rewardCallRatio30', 'rewardCallRatio90', 'age', 'delegators', 'address', 'activationRound', 'rewardYield', 'feeYield'] as const;
/** Sorts by the trailing yield, which is not part of the snapshot's orchestrator rows. */
const YIELD_SORTS = { rewardYield: (y: AnnualizedPoolYield) => y.rewardAnnualized, feeYield: (y: AnnualizedPoolYield) => y.feesPerLptPerYear } as const;
type OrchSort = (typeof ORCH_SORTS)[number];

const orchKey: Record<Exclude<OrchSort, keyof typeof YIELD_SORTS>, (o: OrchestratorData) => SortKey> = {
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

export const orchestratorRoutes = [
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
      const book = await cachedPriceBook(data.db);
      const yields = await orchestratorYields(data, snap, book);
      const sort = query.sort;
      const key =
        sort === 'rewardYield' || sort === 'feeYield'
          ? (o: OrchestratorData) => {
              const y = yields.get(o.address);
              return y ? YIELD_SORTS[sort](y) : null;
            }
          : orchKey[sort];
      if (query.format === 'csv') {
        const all = paginate(list, { limit: Number.MAX_SAFE_INTEGER, key, id: (o) => o.address, order: query.order }).data;
        const header = [
          'address', 'service_uri', 'active', 'total_stake_lpt', 'total_stake_wei', 'reward_cut_percent', 'fee_share_percent', 'fee_cut_percent',
          'fees_30d_eth', 'fees_90d_eth', 'reward_call_ratio_30', 'reward_call_ratio_90', 'age_rounds', 'delegators', 'activation_round', 'last_reward_round',
          'reward_yield_annualized', 'fee_eth_per_lpt_per_year', 'fee_yield_annualized',
        ];
        const body = toCsv(
          header,
          all.map((o) => [
            o.address, o.serviceUri, o.active, formatUnits(o.totalStake), o.totalStake.toString(), Number(o.rewardCut) / 10_000, Number(o.feeShare) / 10_000,
            (1_000_000 - Number(o.feeShare)) / 10_000, formatUnits(o.fees30d), formatUnits(o.fees90d), o.rewardCalls30.ratio, o.rewardCalls90.ratio,
            o.ageRounds, o.delegatorCount, o.activationRound.toString(), o.lastRewardRound.toString(),
            yields.get(o.address)?.rewardAnnualized ?? null, yields.get(o.address)?.feesPerLptPerYear ?? null, yields.get(o.address)?.feeAnnualized ?? null,
          ]),
        );
        return new Response(body, {
          headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="orchestrators.csv"' },
        });
      }
      const page = paginate(list, { limit: query.limit, cursor: query.cursor, key, id: (o) => o.address, order: query.order });
      const usd = await orchestratorUsd(data, snap, book, cachedPriceVersion(data.db));
      return { data: page.data.map((o) => orchestratorJson(o, usd.get(o.address), yields.get(o.address))), page: { limit: query.limit, nextCursor: page.nextCursor } };
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
      const [history, cuts, dels, usd, yields] = await Promise.all([
        data.orchestratorHistory(o.address, from),
        data.cutChanges(o.address),
        data.delegatorsOf(o.address, { limit: 100, after: null, sort: 'bondedAmount', order: 'desc' }),
        orchestratorUsd(data, snap, book, cachedPriceVersion(data.db)),
        orchestratorYields(data, snap, book),
      ]);
      return {
        orchestrator: orchestratorJson(o, usd.get(o.address), yields.get(o.address)),
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
  }),];
