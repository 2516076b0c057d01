// Staking intelligence endpoints: realized and forward yields, issuance and dilution forecasts with their backtest,
// orchestrator risk, the delegation recommender, delegator population and flows, staking events, delegate activity,
// and self-identified address labels.
import { z } from 'zod';
import { chainIssuanceAssumptions } from '../../analytics/chainAssumptions.js';
import { delegateVoting } from '../../analytics/delegateActivity.js';
import { dailyChurn, gini, stakeDistribution, stakeFlows } from '../../analytics/delegatorPopulation.js';
import { forecastDilution, pastDilution } from '../../analytics/dilution.js';
import { FORWARD_MODEL, forwardIssuancePaths, forwardYieldOf, trailingFeesPerRound } from '../../analytics/forwardYield.js';
import { storedIssuanceBacktest } from '../../analytics/issuanceBacktest.js';
import { issuanceFan, simulateIssuance } from '../../analytics/issuanceForecast.js';
import { candidateAssumptions, recommend, type Candidate } from '../../analytics/recommender.js';
import { cutSpikes, hhiPpm, reliability, riskProfile, RISK_WEIGHTS, type RiskComponent } from '../../analytics/risk.js';
import {
  loadAllCutChanges,
  loadAllFeesByGateway,
  loadBondedChanges,
  loadClaims,
  loadDelegators,
  loadFeesByGateway,
  loadMinterParams,
  loadPools,
  loadRounds,
  loadStakeMoves,
  loadVoting,
  type PoolRow,
  type StakingRound,
} from '../../analytics/stakingQueries.js';
import { annualize, delegatorWindowEarnings, factorsAt, perLptRate, poolReturn, trailingWindow } from '../../analytics/yields.js';
import { LABEL_MAX_BODY_BYTES, LABEL_ROLES, LABEL_TYPES, labelChainId, labelHistory, labelStatementSchema, labelsFor, listLabels, submitLabel, type AddressLabel } from '../../registry/labels.js';
import { atlasDomain } from '../../chain/typedData.js';
import type { ApiData, OrchestratorData, Snapshot } from '../data.js';
import { AtlasError } from '../errors.js';
import { amountSchema, eth, formatUnits, lpt } from '../format.js';
import { route, type RouteDef } from '../route.js';
import { toCsv } from '../csv.js';
import { eventPageJson } from '../json.js';
import { cachedPriceBook } from '../../prices/usd.js';
import { addressParam, cursorParam, decimalParam, eventSchema, intParam, limitParam, listOf, roundParam, tokenAmountParam } from '../schemas.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

const int = z.number().int();
const num = z.number();
const fanSchema = z.object({ p10: num, p50: num, p90: num }).meta({ id: 'Fan', description: 'P10 / P50 / P90 of the simulated paths' });
const labelSchema = z
  .object({ address: z.string(), name: z.string(), url: z.string().nullable(), role: z.enum(LABEL_ROLES), issuedAt: int, signature: z.string() })
  .meta({ id: 'AddressLabel', description: 'A self-identification signed by the address (EIP-712)' });
const labelJson = (l: AddressLabel | undefined) => l ?? null;

const UNBONDING_ROUNDS = 7;
const STAKING_EVENTS = ['Bond', 'Unbond', 'Rebond', 'TransferBond', 'EarningsClaimed', 'WithdrawStake', 'WithdrawFees'] as const;

const daysParam = z
  .string()
  .regex(/^\d{1,4}(,\d{1,4}){0,5}$/, { error: 'must be up to 6 comma-separated whole numbers of days, e.g. 30,90,365' })
  .transform((s) => s.split(',').map(Number))
  .refine((a) => a.every((d) => d >= 1 && d <= 3650), { error: 'each window must be from 1 to 3650 days' })
  .default([30, 90, 365])
  .meta({ description: 'trailing windows in days (default 30,90,365)' });

// ------------------------------------------------------------------ realized yields

const windowSchema = z.object({
  days: int,
  startRound: int,
  endRound: int,
  coveredDays: num.meta({ description: 'days between the start and end rounds; less than `days` when history is shorter' }),
  complete: z.boolean(),
});
const poolYieldSchema = windowSchema.extend({
  rewardPerLpt: amountSchema.meta({ description: 'LPT earned per LPT delegated at the window start (from CRF)' }),
  feesPerLpt: amountSchema.meta({ description: 'ETH earned per LPT delegated at the window start (from CFF)' }),
  rewardRate: num.meta({ description: 'reward growth over the window (fraction)' }),
  rewardRateAnnualized: num.nullable().meta({ description: 'compounded to 365 days over coveredDays' }),
  rewardsMinted: amountSchema.meta({ description: 'Reward.amount into the pool over the window' }),
  fees: amountSchema.meta({ description: 'ETH paid into the pool over the window' }),
});

function poolWindowYield(pools: readonly PoolRow[], w: NonNullable<ReturnType<typeof trailingWindow>>) {
  const ret = poolReturn(factorsAt(pools, w.startRound), factorsAt(pools, w.endRound));
  let minted = 0n;
  let fees = 0n;
  for (const p of pools) if (p.round > w.startRound && p.round <= w.endRound) {
    minted += p.rewards;
    fees += p.fees;
  }
  const rate = perLptRate(ret.rewardPerLpt);
  return {
    days: w.days,
    startRound: Number(w.startRound),
    endRound: Number(w.endRound),
    coveredDays: Math.round(w.coveredDays * 1000) / 1000,
    complete: w.complete,
    rewardPerLpt: lpt(ret.rewardPerLpt),
    feesPerLpt: eth(ret.feesPerLpt),
    rewardRate: rate,
    rewardRateAnnualized: annualize(rate, w.coveredDays),
    rewardsMinted: lpt(minted),
    fees: eth(fees),
  };
}

const windowsOf = (rounds: readonly StakingRound[], days: number[]) =>
  days.map((d) => trailingWindow(rounds, d)).filter((w): w is NonNullable<typeof w> => w !== null);

// ------------------------------------------------------------------ issuance

async function issuanceInputs(data: ApiData) {
  const rounds = await loadRounds(data.db);
  const params = await loadMinterParams(data.db);
  const chain = chainIssuanceAssumptions(rounds, params);
  return { rounds, params, chain };
}

// ------------------------------------------------------------------ risk

function activeSetCutoff(snap: Snapshot): { cutoff: bigint | null; full: boolean } {
  const active = snap.orchestrators.filter((o) => o.active);
  if (active.length === 0) return { cutoff: null, full: false };
  return { cutoff: active.reduce((m, o) => (o.totalStake < m ? o.totalStake : m), active[0]!.totalStake), full: active.length >= 100 };
}

interface RiskCtx {
  snap: Snapshot;
  pools: Map<string, PoolRow[]>;
  cuts: Awaited<ReturnType<typeof loadAllCutChanges>>;
  fees: Map<string, bigint[]>;
  stakes: Map<string, { address: string; stake: bigint }[]>;
  rounds: bigint[];
  set: { cutoff: bigint | null; full: boolean };
}

async function riskCtx(data: ApiData): Promise<RiskCtx> {
  const snap = await data.snapshot();
  const [pools, cuts, fees, dels, rounds] = await Promise.all([loadPools(data.db), loadAllCutChanges(data.db), loadAllFeesByGateway(data.db), loadDelegators(data.db), loadRounds(data.db)]);
  const stakes = new Map<string, { address: string; stake: bigint }[]>();
  for (const d of dels) {
    if (d.bondedAmount === 0n) continue;
    let l = stakes.get(d.delegate);
    if (!l) stakes.set(d.delegate, (l = []));
    l.push({ address: d.address, stake: d.bondedAmount });
  }
  return { snap, pools, cuts, fees, stakes, rounds: rounds.map((r) => r.round).slice(-90), set: activeSetCutoff(snap) };
}

function riskOf(ctx: RiskCtx, o: OrchestratorData) {
  const called = new Set((ctx.pools.get(o.address) ?? []).filter((p) => p.rewards > 0n).map((p) => p.round));
  const act = o.activationRound;
  const deact = o.deactivationRound;
  const rel = reliability(ctx.rounds.map((r) => ({ round: r, active: act > 0n && act <= r && (deact === null || r < deact), called: called.has(r) })));
  const cuts = cutSpikes(ctx.cuts.get(o.address) ?? []);
  const dels = ctx.stakes.get(o.address) ?? [];
  const self = dels.find((d) => d.address === o.address)?.stake ?? 0n;
  const p = riskProfile({
    reliability: rel,
    cuts,
    feesByGateway: ctx.fees.get(o.address) ?? [],
    selfStake: self,
    totalStake: o.totalStake,
    delegatorStakes: dels.map((d) => d.stake),
    ageRounds: o.ageRounds,
    active: o.active,
    activeSetCutoff: ctx.set.cutoff,
    activeSetFull: ctx.set.full,
  });
  return { reliability: rel, cuts, ...p };
}

const componentSchema = z.object({ key: z.string(), label: z.string(), value: num.nullable(), risk: num, weight: num, explain: z.string() });
const riskRowSchema = z.object({
  address: z.string(),
  label: labelSchema.nullable(),
  active: z.boolean(),
  totalStake: amountSchema,
  score: num.meta({ description: '0–100, higher = riskier: 100 × Σ weight × component risk' }),
  components: z.array(componentSchema),
});
const componentsJson = (c: RiskComponent[]) => c.map((x) => ({ ...x, value: x.value === null || Number.isNaN(x.value) ? null : x.value }));

// ------------------------------------------------------------------ forward yield

/** An orchestrator as the forward-yield model sees it (the recommender's candidate and the forward fan's input). */
function forwardCandidate(o: OrchestratorData, feesPerRound: number[], riskScore: number, votingRate: number | null): Candidate {
  return {
    address: o.address,
    active: o.active,
    rewardCallProbability: o.rewardCalls90.ratio ?? 0,
    rewardCut: Number(o.rewardCut),
    feeShare: Number(o.feeShare),
    poolStake: Number(o.totalStake / 10n ** 12n) / 1e6,
    feesPerRound,
    riskScore,
    votingRate,
  };
}

// ------------------------------------------------------------------ events

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

// ------------------------------------------------------------------ routes

export const stakingRoutes = [
  route({
    path: '/api/v1/staking/yields',
    tag: 'staking',
    summary: 'Realized yield of every orchestrator pool',
    description:
      'What one LPT delegated to each pool actually earned over trailing windows, from the stored cumulative reward and fee factors (facts §3): reward (CRF_end − CRF_start)/CRF_start, fees (CFF_end − CFF_start)/CRF_start. Windows start at the latest round that began at or before the window start.',
    query: z.strictObject({ days: daysParam }),
    response: z.object({
      rounds: z.object({ first: int.nullable(), last: int.nullable() }),
      data: z.array(z.object({ address: z.string(), label: labelSchema.nullable(), active: z.boolean(), totalStake: amountSchema, rewardCut: int, feeShare: int, windows: z.array(poolYieldSchema) })),
    }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const snap = await data.snapshot();
      const [rounds, pools] = await Promise.all([loadRounds(data.db), loadPools(data.db)]);
      const windows = windowsOf(rounds, query.days);
      const labels = await labelsFor(data.db, snap.orchestrators.map((o) => o.address));
      return {
        rounds: { first: rounds[0] ? Number(rounds[0].round) : null, last: rounds.length ? Number(rounds[rounds.length - 1]!.round) : null },
        data: snap.orchestrators
          .filter((o) => o.registered || o.active)
          .map((o) => ({
            address: o.address,
            label: labelJson(labels.get(o.address)),
            active: o.active,
            totalStake: lpt(o.totalStake),
            rewardCut: Number(o.rewardCut),
            feeShare: Number(o.feeShare),
            windows: windows.map((w) => poolWindowYield(pools.get(o.address) ?? [], w)),
          })),
      };
    },
  }),
  route({
    path: '/api/v1/staking/yields/{address}',
    tag: 'staking',
    summary: 'Realized yield of one delegator',
    description:
      'Rewards (LPT) and fees (ETH) the account earned in each trailing window: its unclaimed earnings from the stored factors plus the part of each EarningsClaimed inside the window, and the pool yield of its current orchestrator.',
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ days: daysParam }),
    response: z.object({
      address: z.string(),
      label: labelSchema.nullable(),
      delegate: z.string().nullable(),
      delegateLabel: labelSchema.nullable(),
      bondedAmount: amountSchema,
      windows: z.array(
        windowSchema.extend({
          rewards: amountSchema,
          fees: amountSchema,
          rewardRate: num.nullable().meta({ description: 'rewards earned / (stake at the end − rewards earned)' }),
          pool: poolYieldSchema.nullable(),
        }),
      ),
    }),
    errors: [404],
    maxAge: 10,
    handler: async ({ params, query, data }) => {
      const [d] = await loadDelegators(data.db, { address: params.address });
      if (!d) throw new AtlasError('not_found', `${params.address} has never bonded`);
      const claims = await loadClaims(data.db, params.address);
      const rounds = await loadRounds(data.db);
      const delegate = d.delegate === '0x0000000000000000000000000000000000000000' ? null : d.delegate;
      const pools = await loadPools(data.db, [...new Set([...(delegate ? [delegate] : []), ...claims.map((c) => c.delegate)])]);
      const poolsOf = (o: string) => pools.get(o) ?? [];
      const labels = await labelsFor(data.db, delegate ? [params.address, delegate] : [params.address]);
      const last = rounds[rounds.length - 1]?.round ?? 0n;
      // Stake at the end: the bond grown through the end round (the factors' pending stake).
      const endStake = delegate ? delegatorWindowEarnings({ ...d, delegate }, [], poolsOf, d.lastClaimRound, last).rewards + d.bondedAmount : d.bondedAmount;
      return {
        address: params.address,
        label: labelJson(labels.get(params.address)),
        delegate,
        delegateLabel: delegate ? labelJson(labels.get(delegate)) : null,
        bondedAmount: lpt(d.bondedAmount),
        windows: windowsOf(rounds, query.days).map((w) => {
          const e = delegatorWindowEarnings({ delegate, bondedAmount: d.bondedAmount, lastClaimRound: d.lastClaimRound }, claims, poolsOf, w.startRound, w.endRound);
          const base = endStake - e.rewards;
          return {
            days: w.days,
            startRound: Number(w.startRound),
            endRound: Number(w.endRound),
            coveredDays: Math.round(w.coveredDays * 1000) / 1000,
            complete: w.complete,
            rewards: lpt(e.rewards),
            fees: eth(e.fees),
            rewardRate: base > 0n ? Number((e.rewards * 1_000_000_000n) / base) / 1e9 : null,
            pool: delegate ? poolWindowYield(poolsOf(delegate), w) : null,
          };
        }),
      };
    },
  }),
  route({
    path: '/api/v1/staking/forward/{address}',
    tag: 'staking',
    summary: 'Forward yield of delegating to an orchestrator (fan chart)',
    description:
      'Seeded simulation over issuance paths: inflation follows the Minter rule on a random-walk participation fitted on the last 90 rounds; reward calls happen with the orchestrator\'s trailing call ratio; rewards net of treasury cut and reward cut; fees drawn from the pool\'s trailing 30-day per-round fees × feeShare × the share of the pool after bonding. Every assumption is returned.',
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({
      amount: tokenAmountParam('LPT to delegate (default 1000)').default(1000n * 10n ** 18n),
      rounds: intParam(1, 730, 'horizon in rounds (1–730, default 90)').default(90),
    }),
    response: z.object({
      address: z.string(),
      label: labelSchema.nullable(),
      assumptions: z.object({
        amount: amountSchema,
        horizonRounds: int,
        inflationPpb: int,
        inflationChangePpb: int,
        targetBondingRatePpb: int,
        participation: num,
        participationSigmaPerRound: num,
        mintedShare: num,
        rewardCallProbability: num,
        rewardCallsObserved: z.object({ called: int, eligible: int }),
        rewardCutPpm: int,
        feeSharePpm: int,
        treasuryCut: num,
        poolStake: amountSchema,
        poolShareAfterBond: num,
        feesTrailingDays: int,
        feesPerRoundMeanEth: num,
        paths: int,
      }),
      fan: z.array(z.object({ round: int, rewardYield: fanSchema, rewardsLpt: fanSchema, feesEth: fanSchema })),
    }),
    errors: [404, 409],
    maxAge: 30,
    handler: async ({ params, query, data }) => {
      const snap = await data.snapshot();
      const o = snap.orchestratorsByAddress.get(params.address);
      if (!o) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const { rounds, params: minter, chain } = await issuanceInputs(data);
      if (!chain) throw new AtlasError('conflict', 'no initialized round with bonded stake yet: nothing to forecast from');
      const pools = (await loadPools(data.db, [o.address])).get(o.address) ?? [];
      const amountLpt = Number(query.amount / 10n ** 12n) / 1e6;
      const rc = o.rewardCalls90;
      // The recommender's candidate for the same orchestrator, amount and horizon: one model, one answer.
      const candidate = forwardCandidate(o, trailingFeesPerRound(rounds, pools), 0, null);
      const a = candidateAssumptions(candidate, amountLpt, chain.treasuryCut, false);
      const fan = forwardYieldOf(forwardIssuancePaths(chain.assumptions, query.rounds), a);
      const feesPerRound = a.feesPerRound;
      return {
        address: o.address,
        label: labelJson((await labelsFor(data.db, [o.address])).get(o.address)),
        assumptions: {
          amount: lpt(query.amount),
          horizonRounds: query.rounds,
          inflationPpb: chain.assumptions.inflation,
          inflationChangePpb: Number(minter.inflationChange),
          targetBondingRatePpb: Number(minter.targetBondingRate),
          participation: chain.assumptions.participation,
          participationSigmaPerRound: chain.assumptions.participationModel.sigma,
          mintedShare: chain.assumptions.mintedShare,
          rewardCallProbability: rc.ratio ?? 0,
          rewardCallsObserved: { called: rc.called, eligible: rc.eligible },
          rewardCutPpm: Number(o.rewardCut),
          feeSharePpm: Number(o.feeShare),
          treasuryCut: chain.treasuryCut,
          poolStake: lpt(o.totalStake),
          poolShareAfterBond: amountLpt / (a.poolStake + amountLpt || 1),
          feesTrailingDays: FORWARD_MODEL.feesTrailingDays,
          feesPerRoundMeanEth: feesPerRound.length ? feesPerRound.reduce((x, y) => x + y, 0) / feesPerRound.length : 0,
          paths: FORWARD_MODEL.paths,
        },
        fan: fan.map((s) => ({ round: s.round, rewardYield: s.rewardYield, rewardsLpt: { p10: s.rewardYield.p10 * amountLpt, p50: s.rewardYield.p50 * amountLpt, p90: s.rewardYield.p90 * amountLpt }, feesEth: s.feesEth })),
      };
    },
  }),
  route({
    path: '/api/v1/staking/issuance',
    tag: 'staking',
    summary: 'Issuance and dilution: past rounds, forecast fan and the forecast\'s backtest error',
    description:
      'Past: per round inflation, participation, supply and the ownership share of 1 LPT held liquid vs staked at the network-average pool growth (rewards / total active stake), relative to the first round (parts per 1e9). Forecast: P10/P50/P90 of inflation (Minter rule, facts §3), participation, supply and both ownership shares. Backtest: the forecast\'s error on the Livepeer Explorer\'s daily history (vendored with Atlas), against a no-change forecast.',
    query: z.strictObject({ rounds: intParam(1, 730, 'forecast horizon in rounds (default 180)').default(180) }),
    response: z.object({
      assumptions: z
        .object({
          inflationPpb: int,
          inflationChangePpb: int,
          targetBondingRatePpb: int,
          participation: num,
          participationModel: z.object({ drift: num, kappa: num, mean: num, sigma: num }),
          supplyLpt: num,
          mintedShare: num,
          treasuryCut: num,
          paths: int,
        })
        .nullable(),
      past: z.array(
        z.object({
          round: int,
          time: int,
          inflationPpb: int,
          participation: num.nullable(),
          supply: amountSchema,
          liquidSharePpb: int,
          stakedSharePpb: int,
          stakedGrowthPpb: int,
        }),
      ),
      forecast: z.array(z.object({ round: int, inflationPpb: fanSchema, participation: fanSchema, supplyLpt: fanSchema, liquidShare: fanSchema, stakedShare: fanSchema })),
      backtest: z.unknown(),
    }),
    maxAge: 30,
    handler: async ({ query, data }) => {
      const { rounds, params, chain } = await issuanceInputs(data);
      // From the first round with bonded stake: before it the network is not yet staking (a fresh deployment).
      const live = rounds.filter((r) => r.supply > 0n && r.totalActiveStake > 0n);
      const past = pastDilution(live).map((p, i) => {
        const r = live[i]!;
        return {
          round: Number(p.round),
          time: p.time,
          inflationPpb: Number(r.inflation),
          participation: r.supply > 0n ? Number((r.totalActiveStake * 1_000_000_000n) / r.supply) / 1e9 : null,
          supply: lpt(r.supply),
          liquidSharePpb: Number(p.liquidShare),
          stakedSharePpb: Number(p.stakedShare),
          stakedGrowthPpb: Number(p.stakedGrowth),
        };
      });
      if (!chain) return { assumptions: null, past, forecast: [], backtest: storedIssuanceBacktest() };
      const paths = 400;
      const sim = simulateIssuance(chain.assumptions, query.rounds, paths, 5);
      const fan = issuanceFan(sim);
      const dil = forecastDilution(sim, chain.assumptions, chain.treasuryCut, chain.assumptions.mintedShare);
      const last = Number(live[live.length - 1]!.round);
      return {
        assumptions: {
          inflationPpb: chain.assumptions.inflation,
          inflationChangePpb: Number(params.inflationChange),
          targetBondingRatePpb: Number(params.targetBondingRate),
          participation: chain.assumptions.participation,
          participationModel: chain.assumptions.participationModel,
          supplyLpt: chain.assumptions.supply,
          mintedShare: chain.assumptions.mintedShare,
          treasuryCut: chain.treasuryCut,
          paths,
        },
        past,
        forecast: fan.map((s, k) => ({ round: last + s.step, inflationPpb: s.inflation, participation: s.participation, supplyLpt: s.supply, liquidShare: dil[k]!.liquidShare, stakedShare: dil[k]!.stakedShare })),
        backtest: storedIssuanceBacktest(),
      };
    },
  }),
  route({
    path: '/api/v1/staking/risk',
    tag: 'staking',
    summary: 'Risk profile of every orchestrator',
    description: `Composite score 0–100 (higher = riskier) = 100 × Σ weight × component risk, weights ${JSON.stringify(RISK_WEIGHTS)}; each component's value, risk and explanation are returned. Reliability over the last 90 rounds.`,
    query: z.strictObject({ active: z.enum(['true', 'false', 'all'], { error: 'must be "true", "false" or "all"' }).default('true'), sort: z.enum(['score', 'stake'], { error: 'must be "score" or "stake"' }).default('score') }),
    response: z.object({ weights: z.record(z.string(), num), data: z.array(riskRowSchema) }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const ctx = await riskCtx(data);
      const list = ctx.snap.orchestrators.filter((o) => (query.active === 'all' ? o.registered || o.active : o.active === (query.active === 'true')));
      const labels = await labelsFor(data.db, list.map((o) => o.address));
      const rows = list.map((o) => {
        const r = riskOf(ctx, o);
        return { address: o.address, label: labelJson(labels.get(o.address)), active: o.active, totalStake: lpt(o.totalStake), score: r.score, components: componentsJson(r.components), stake: o.totalStake };
      });
      rows.sort((a, b) => (query.sort === 'score' ? a.score - b.score : b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : 0) || (a.address < b.address ? -1 : 1));
      return { weights: { ...RISK_WEIGHTS }, data: rows.map(({ stake: _s, ...r }) => r) };
    },
  }),
  route({
    path: '/api/v1/staking/risk/{address}',
    tag: 'staking',
    summary: 'Risk profile of one orchestrator with its dated cut spikes and gateway fee split',
    params: z.strictObject({ address: addressParam }),
    response: riskRowSchema.extend({
      reliability: z.object({ activeRounds: int, calledRounds: int, missedRounds: int, longestMissStreak: int, currentMissStreak: int, callRatio: num.nullable() }),
      cutChanges: int,
      spikes: z.array(z.object({ round: int.nullable(), time: int, rewardCutUpPpm: int, feeCutUpPpm: int })),
      gateways: z.array(z.object({ gateway: z.string(), paid: amountSchema })),
      selfStake: amountSchema,
      delegatorStakeHhiPpm: int,
    }),
    errors: [404],
    maxAge: 10,
    handler: async ({ params, data }) => {
      const ctx = await riskCtx(data);
      const o = ctx.snap.orchestratorsByAddress.get(params.address);
      if (!o) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const r = riskOf(ctx, o);
      const gws = await loadFeesByGateway(data.db, o.address);
      const dels = ctx.stakes.get(o.address) ?? [];
      return {
        address: o.address,
        label: labelJson((await labelsFor(data.db, [o.address])).get(o.address)),
        active: o.active,
        totalStake: lpt(o.totalStake),
        score: r.score,
        components: componentsJson(r.components),
        reliability: r.reliability,
        cutChanges: r.cuts.changes,
        spikes: r.cuts.spikes.map((s) => ({ round: s.round === null ? null : Number(s.round), time: s.time, rewardCutUpPpm: s.rewardCutUp, feeCutUpPpm: s.feeCutUp })),
        gateways: gws.map((g) => ({ gateway: g.gateway, paid: eth(g.paid) })),
        selfStake: lpt(dels.find((d) => d.address === o.address)?.stake ?? 0n),
        delegatorStakeHhiPpm: hhiPpm(dels.map((d) => d.stake)),
      };
    },
  }),
  route({
    path: '/api/v1/staking/recommend',
    tag: 'staking',
    summary: 'Delegation recommender',
    description:
      'Ranks active orchestrators by the median (P50) LPT rewards of the forward-yield model over the horizon for the amount (the same simulated paths and draws as /staking/forward, so its P50 equals the forward fan\'s for the same orchestrator, amount and horizon), then fees; filtered by maximum risk score and minimum governance voting rate. Moving a bond directly to another orchestrator keeps earning; the unbond-and-withdraw path loses the unbonding period, shown as switchViaUnbond.',
    query: z.strictObject({
      amount: tokenAmountParam('LPT to delegate'),
      rounds: intParam(1, 730, 'horizon in rounds (default 90)').default(90),
      maxRisk: decimalParam(0, 100, 'must be a number from 0 to 100').default(100),
      minVotingRate: decimalParam(0, 1, 'must be a fraction from 0 to 1').default(0),
      current: addressParam.optional().meta({ description: 'orchestrator the amount is bonded to now (for switching costs)' }),
      limit: limitParam(20, 100),
    }),
    response: z.object({
      assumptions: z.object({ inflationPpb: int, participation: num, treasuryCut: num, unbondingRounds: int }),
      data: z.array(
        z.object({
          rank: int,
          address: z.string(),
          label: labelSchema.nullable(),
          expectedRewards: amountSchema,
          expectedRewardsLpt: num,
          expectedFeesEth: num,
          rewardYield: num,
          riskScore: num,
          votingRate: num.nullable(),
          rewardCutPpm: int,
          feeSharePpm: int,
          rewardCallProbability: num,
          switchViaUnbondRounds: int,
          switchViaUnbondCostLpt: num,
        }),
      ),
    }),
    errors: [409],
    maxAge: 10,
    handler: async ({ query, data }) => {
      const { rounds, chain } = await issuanceInputs(data);
      if (!chain) throw new AtlasError('conflict', 'no initialized round with bonded stake yet: nothing to rank on');
      const ctx = await riskCtx(data);
      const voting = await loadVoting(data.db);
      const candidates: Candidate[] = ctx.snap.orchestrators
        .filter((o) => o.active)
        .map((o) => forwardCandidate(o, trailingFeesPerRound(rounds, ctx.pools.get(o.address) ?? []), riskOf(ctx, o).score, delegateVoting(o.address, voting.proposals, voting.votes).votingRate));
      const amount = Number(query.amount / 10n ** 12n) / 1e6;
      const ranked = recommend(candidates, {
        amount,
        horizonRounds: query.rounds,
        maxRisk: query.maxRisk,
        minVotingRate: query.minVotingRate,
        paths: forwardIssuancePaths(chain.assumptions, query.rounds),
        treasuryCut: chain.treasuryCut,
        currentDelegate: query.current ?? null,
        unbondingRounds: UNBONDING_ROUNDS,
      }).slice(0, query.limit);
      const labels = await labelsFor(data.db, ranked.map((r) => r.address));
      const byAddr = new Map(candidates.map((c) => [c.address, c]));
      return {
        assumptions: { inflationPpb: chain.assumptions.inflation, participation: chain.assumptions.participation, treasuryCut: chain.treasuryCut, unbondingRounds: UNBONDING_ROUNDS },
        data: ranked.map((r) => {
          const c = byAddr.get(r.address)!;
          return {
            ...r,
            label: labelJson(labels.get(r.address)),
            expectedRewards: lpt(BigInt(Math.floor(r.expectedRewardsLpt * 1e6)) * 10n ** 12n),
            rewardCutPpm: c.rewardCut,
            feeSharePpm: c.feeShare,
            rewardCallProbability: c.rewardCallProbability,
          };
        }),
      };
    },
  }),
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
    handler: async ({ query, data }) => {
      const dels = (await loadDelegators(data.db)).filter((d) => d.bondedAmount > 0n);
      const stakes = dels.map((d) => d.bondedAmount);
      const total = stakes.reduce((a, b) => a + b, 0n);
      const top = [...dels].sort((a, b) => (b.bondedAmount > a.bondedAmount ? 1 : b.bondedAmount < a.bondedAmount ? -1 : a.address < b.address ? -1 : 1)).slice(0, query.top);
      const labels = await labelsFor(data.db, top.map((d) => d.address));
      return {
        delegators: dels.length,
        totalBonded: lpt(total),
        gini: gini(stakes),
        hhiPpm: hhiPpm(stakes),
        buckets: stakeDistribution(stakes).map((b) => ({ ...b, stake: lpt(b.stake) })),
        daily: dailyChurn(await loadBondedChanges(data.db)),
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
    handler: async ({ query, data }) => {
      const snap = await data.snapshot();
      const cur = snap.current ? Number(snap.current.round) : 0;
      const to = query.toRound ?? cur;
      const from = query.fromRound ?? Math.max(0, to - 30);
      if (from > to) throw new AtlasError('bad_request', 'query parameter "fromRound" must not be after "toRound"');
      const flows = stakeFlows(await loadStakeMoves(data.db, BigInt(from), BigInt(to)));
      const labels = await labelsFor(data.db, flows.map((f) => f.orchestrator));
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
    handler: async ({ params, query, data }) => {
      const snap = await data.snapshot();
      if (!snap.orchestratorsByAddress.has(params.address)) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const voting = await loadVoting(data.db);
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
      const dels = await loadDelegators(data.db, { delegate: params.address });
      return {
        address: params.address,
        label: labelJson((await labelsFor(data.db, [params.address])).get(params.address)),
        voting: summary,
        votes,
        delegators: dels.filter((d) => d.bondedAmount > 0n).length,
        events: eventPageJson(await cachedPriceBook(data.db), r, query.limit),
      };
    },
  }),
  // ---------------------------------------------------------------- labels
  route({
    path: '/api/v1/labels/eip712',
    tag: 'labels',
    summary: 'What to sign for a self-identification or a revocation',
    description: 'The EIP-712 domain and types; sign SelfIdentification(account, name, url, role, issuedAt) or LabelRevocation(account, issuedAt) with the account\'s key and POST it to /api/v1/labels.',
    response: z.object({ domain: z.object({ name: z.string(), version: z.string(), chainId: int }), types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))), roles: z.array(z.string()), maxBodyBytes: int }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ data }) => {
      const d = atlasDomain(await labelChainId(data.db));
      return { domain: { name: String(d.name), version: String(d.version), chainId: Number(d.chainId) }, types: LABEL_TYPES as unknown as Record<string, { name: string; type: string }[]>, roles: [...LABEL_ROLES], maxBodyBytes: LABEL_MAX_BODY_BYTES };
    },
  }),
  route({
    path: '/api/v1/labels',
    tag: 'labels',
    summary: 'Look up self-identified labels',
    description: 'With `addresses`, the labels in force for those addresses (the dashboard\'s lookup); otherwise every label, newest first.',
    query: z.strictObject({
      addresses: z
        .string()
        .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40}){0,199}$/, { error: 'must be up to 200 comma-separated 0x addresses' })
        .transform((s) => s.toLowerCase().split(','))
        .optional(),
      role: z.enum(LABEL_ROLES, { error: `must be one of ${LABEL_ROLES.join(', ')}` }).optional(),
      limit: limitParam(100, 1000),
    }),
    response: z.object({ data: z.array(labelSchema) }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ query, data }) => {
      if (query.addresses) return { data: [...(await labelsFor(data.db, query.addresses)).values()].filter((l) => !query.role || l.role === query.role) };
      return { data: await listLabels(data.db, { role: query.role, limit: query.limit }) };
    },
  }),
  route({
    path: '/api/v1/labels',
    method: 'post',
    tag: 'labels',
    summary: 'Post a signed self-identification or revocation',
    description:
      'Body: {kind: "identify", account, name (≤64), url (http(s), ≤200 or empty), role, issuedAt (unix s), signature} or {kind: "revoke", account, issuedAt, signature}. The signature must be the account\'s (EIP-712, see /api/v1/labels/eip712); issuedAt must be later than the stored statement\'s (409 otherwise: replay) and at most 10 minutes ahead; bodies over 2 KiB are refused (413).',
    body: labelStatementSchema,
    maxBodyBytes: LABEL_MAX_BODY_BYTES,
    response: z.object({ label: labelSchema.nullable(), revoked: z.boolean() }),
    errors: [401, 409, 413, 415],
    maxAge: 0,
    handler: async ({ body, data }) => {
      const s = labelStatementSchema.parse(body);
      const label = await submitLabel(data.db, s, { chainId: await labelChainId(data.db), now: Math.floor(Date.now() / 1000) });
      return { label, revoked: s.kind === 'revoke' };
    },
  }),
  route({
    path: '/api/v1/labels/{address}',
    tag: 'labels',
    summary: 'The label of one address with every signed statement it posted',
    params: z.strictObject({ address: addressParam }),
    response: z.object({
      label: labelSchema.nullable(),
      statements: z.array(z.object({ kind: z.string(), name: z.string().nullable(), url: z.string().nullable(), role: z.string().nullable(), issuedAt: int, signature: z.string(), chainId: int })),
    }),
    cache: 'none',
    maxAge: 0,
    handler: async ({ params, data }) => ({ label: labelJson((await labelsFor(data.db, [params.address])).get(params.address)), statements: await labelHistory(data.db, params.address) }),
  }),
];
