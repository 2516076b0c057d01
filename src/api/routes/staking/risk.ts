// Orchestrator risk scores and the delegation recommender built on them.
import { protocolParams } from '../../../read/params.js';
import { z } from 'zod';
import { delegateVoting } from '../../../analytics/delegateActivity.js';
import { forwardIssuancePaths, trailingFeesPerRound } from '../../../analytics/forwardYield.js';
import { recommend, type Candidate } from '../../../analytics/recommender.js';
import { cutSpikes, hhiPpm, reliability, riskProfile, RISK_WEIGHTS, type RiskComponent } from '../../../analytics/risk.js';
import { stakingRound } from '../../../analytics/roundViews.js';
import { cutChanges } from '../../../read/bondingEvents.js';
import { delegatorBonds } from '../../../read/delegators.js';
import { poolsByTranscoder, type PoolFactorRow } from '../../../read/pools.js';
import { votingRecord } from '../../../read/proposals.js';
import { allRounds } from '../../../read/rounds.js';
import { allFeesByGateway, feesByGateway } from '../../../read/tickets.js';
import { labelsFor } from '../../../registry/labels.js';
import type { ApiData, OrchestratorData, Snapshot } from '../../data.js';
import { AtlasError } from '../../errors.js';
import { amountSchema, eth, lpt } from '../../format.js';
import { route } from '../../route.js';
import { addressParam, decimalParam, intParam, limitParam, tokenAmountParam } from '../../schemas.js';

import { forwardCandidate, int, issuanceInputs, labelJson, labelSchema, num } from './common.js';

function activeSetCutoff(snap: Snapshot): { cutoff: bigint | null; full: boolean } {
  const active = snap.orchestrators.filter((o) => o.active);
  if (active.length === 0) return { cutoff: null, full: false };
  return { cutoff: active.reduce((m, o) => (o.totalStake < m ? o.totalStake : m), active[0]!.totalStake), full: active.length >= 100 };
}

interface RiskCtx {
  snap: Snapshot;
  pools: Map<string, PoolFactorRow[]>;
  cuts: Awaited<ReturnType<typeof cutChanges>>;
  fees: Map<string, bigint[]>;
  stakes: Map<string, { address: string; stake: bigint }[]>;
  rounds: bigint[];
  set: { cutoff: bigint | null; full: boolean };
}

async function riskCtx(data: ApiData): Promise<RiskCtx> {
  const snap = await data.snapshot();
  const [pools, cuts, fees, dels, rounds] = await Promise.all([poolsByTranscoder(data.db), cutChanges(data.db), allFeesByGateway(data.db), delegatorBonds(data.db), allRounds(data.db).then((r) => r.map(stakingRound))]);
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

export const riskRoutes = [
  route({
    path: '/api/v1/staking/risk',
    tag: 'staking',
    summary: 'Risk profile of every orchestrator',
    description: `Composite score 0–100 (higher = riskier) = 100 × Σ weight × component risk, weights ${JSON.stringify(RISK_WEIGHTS)}; each component's value, risk and explanation are returned. Reliability over the last 90 rounds.`,
    query: z.strictObject({ active: z.enum(['true', 'false', 'all'], { error: 'must be "true", "false" or "all"' }).default('true'), sort: z.enum(['score', 'stake'], { error: 'must be "score" or "stake"' }).default('score') }),
    response: z.object({ weights: z.record(z.string(), num), data: z.array(riskRowSchema) }),
    maxAge: 10,
    handler: async ({ query, data, options }) => {
      const ctx = await riskCtx(data);
      const list = ctx.snap.orchestrators.filter((o) => (query.active === 'all' ? o.registered || o.active : o.active === (query.active === 'true')));
      const labels = await labelsFor(data.db, list.map((o) => o.address), options.labelAuthorities);
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
    handler: async ({ params, data, options }) => {
      const ctx = await riskCtx(data);
      const o = ctx.snap.orchestratorsByAddress.get(params.address);
      if (!o) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const r = riskOf(ctx, o);
      const gws = await feesByGateway(data.db, o.address);
      const dels = ctx.stakes.get(o.address) ?? [];
      return {
        address: o.address,
        label: labelJson((await labelsFor(data.db, [o.address], options.labelAuthorities)).get(o.address)),
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
    handler: async ({ query, data, options }) => {
      const { rounds, chain } = await issuanceInputs(data);
      if (!chain) throw new AtlasError('conflict', 'no initialized round with bonded stake yet: nothing to rank on');
      const ctx = await riskCtx(data);
      const [voting, params] = await Promise.all([votingRecord(data.db), protocolParams(data.db)]);
      // BondingManager.unbondingPeriod as the chain last announced it (7 rounds as deployed).
      const unbondingRounds = Number(params.unbondingPeriod);
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
        unbondingRounds,
      }).slice(0, query.limit);
      const labels = await labelsFor(data.db, ranked.map((r) => r.address), options.labelAuthorities);
      const byAddr = new Map(candidates.map((c) => [c.address, c]));
      return {
        assumptions: { inflationPpb: chain.assumptions.inflation, participation: chain.assumptions.participation, treasuryCut: chain.treasuryCut, unbondingRounds },
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
  }),];
