// Staking forecasts: a forward fan for one orchestrator's pool and the network's issuance, with the backtest error.
import { z } from 'zod';
import { forecastDilution, pastDilution } from '../../../analytics/dilution.js';
import { FORWARD_MODEL, forwardIssuancePaths, forwardYieldOf, trailingFeesPerRound } from '../../../analytics/forwardYield.js';
import { storedIssuanceBacktest } from '../../../analytics/issuanceBacktest.js';
import { issuanceFan, simulateIssuance } from '../../../analytics/issuanceForecast.js';
import { candidateAssumptions } from '../../../analytics/recommender.js';
import { poolsByTranscoder } from '../../../read/pools.js';
import { labelsFor } from '../../../registry/labels.js';
import { AtlasError } from '../../errors.js';
import { amountSchema, lpt } from '../../format.js';
import { route } from '../../route.js';
import { addressParam, intParam, tokenAmountParam } from '../../schemas.js';

import { forwardCandidate, int, issuanceInputs, labelJson, labelSchema, num } from './common.js';

const fanSchema = z.object({ p10: num, p50: num, p90: num }).meta({ id: 'Fan', description: 'P10 / P50 / P90 of the simulated paths' });

export const forecastRoutes = [
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
    handler: async ({ params, query, data, options }) => {
      const snap = await data.snapshot();
      const o = snap.orchestratorsByAddress.get(params.address);
      if (!o) throw new AtlasError('not_found', `no orchestrator with address ${params.address}`);
      const { rounds, params: minter, chain } = await issuanceInputs(data);
      if (!chain) throw new AtlasError('conflict', 'no initialized round with bonded stake yet: nothing to forecast from');
      const pools = (await poolsByTranscoder(data.db, [o.address])).get(o.address) ?? [];
      const amountLpt = Number(query.amount / 10n ** 12n) / 1e6;
      const rc = o.rewardCalls90;
      // The recommender's candidate for the same orchestrator, amount and horizon: one model, one answer.
      const candidate = forwardCandidate(o, trailingFeesPerRound(rounds, pools), 0, null);
      const a = candidateAssumptions(candidate, amountLpt, chain.treasuryCut, false);
      const fan = forwardYieldOf(forwardIssuancePaths(chain.assumptions, query.rounds), a);
      const feesPerRound = a.feesPerRound;
      return {
        address: o.address,
        label: labelJson((await labelsFor(data.db, [o.address], options.labelAuthorities)).get(o.address)),
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
      'Past: per round inflation, participation, supply and the ownership share of 1 LPT held liquid vs staked at the network-average pool growth (rewards / total active stake), relative to the first round (parts per 1e9). Forecast: P10/P50/P90 of inflation (Minter.setInflation), participation, supply and both ownership shares. Backtest: the forecast\'s error on the Livepeer Explorer\'s daily history (vendored with Atlas), against a no-change forecast.',
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
  }),];
