// Staking yields: what one LPT delegated to each pool earned over trailing windows, and what an account earned.
import { z } from 'zod';
import { stakingRound, type StakingRound } from '../../../analytics/roundViews.js';
import { earningsClaims } from '../../../read/bondingEvents.js';
import { delegatorBonds } from '../../../read/delegators.js';
import { poolsByTranscoder, type PoolFactorRow } from '../../../read/pools.js';
import { allRounds } from '../../../read/rounds.js';
import { annualize, delegatorWindowEarnings, factorsAt, perLptRate, poolReturn, trailingWindow } from '../../../analytics/yields.js';
import { labelsFor } from '../../../registry/labels.js';
import { AtlasError } from '../../errors.js';
import { amountSchema, eth, lpt } from '../../format.js';
import { route } from '../../route.js';
import { addressParam } from '../../schemas.js';

import { int, labelJson, labelSchema, num } from './common.js';

const daysParam = z
  .string()
  .regex(/^\d{1,4}(,\d{1,4}){0,5}$/, { error: 'must be up to 6 comma-separated whole numbers of days, e.g. 30,90,365' })
  .transform((s) => s.split(',').map(Number))
  .refine((a) => a.every((d) => d >= 1 && d <= 3650), { error: 'each window must be from 1 to 3650 days' })
  .default([30, 90, 365])
  .meta({ description: 'trailing windows in days (default 30,90,365)' });

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
  supplyGrowth: num.nullable().meta({ description: 'growth of the LPT supply (L2 + L1) over the window: the dilution of every holder' }),
  realRewardRate: num.nullable().meta({ description: 'dilution-adjusted reward yield: growth of the delegated stake’s share of all LPT, (1 + rewardRate) / (1 + supplyGrowth) − 1' }),
  realRewardRateAnnualized: num.nullable(),
});

type Window = NonNullable<ReturnType<typeof trailingWindow>>;

/** The fields every window answer starts with: its days, rounds and coverage. */
const windowJson = (w: Window) => ({
  days: w.days,
  startRound: Number(w.startRound),
  endRound: Number(w.endRound),
  coveredDays: Math.round(w.coveredDays * 1000) / 1000,
  complete: w.complete,
});

/** LPT supply (L2 + L1) at the start of a round: the last indexed round at or before it. */
function supplyAt(rounds: readonly StakingRound[], round: bigint): bigint | null {
  let out: bigint | null = null;
  for (const r of rounds) if (r.round <= round) out = r.supply;
  return out;
}

/** The reward yield net of dilution: what a delegator's share of all LPT grew by. */
function dilutionAdjusted(rate: number, supplyStart: bigint | null, supplyEnd: bigint | null, coveredDays: number) {
  if (supplyStart === null || supplyEnd === null || supplyStart === 0n) return { supplyGrowth: null, realRewardRate: null, realRewardRateAnnualized: null };
  const growth = Number(((supplyEnd - supplyStart) * 1_000_000_000n) / supplyStart) / 1e9;
  const real = (1 + rate) / (1 + growth) - 1;
  return { supplyGrowth: growth, realRewardRate: real, realRewardRateAnnualized: annualize(real, coveredDays) };
}

function poolWindowYield(pools: readonly PoolFactorRow[], w: Window, rounds: readonly StakingRound[]) {
  const ret = poolReturn(factorsAt(pools, w.startRound), factorsAt(pools, w.endRound));
  let minted = 0n;
  let fees = 0n;
  for (const p of pools) if (p.round > w.startRound && p.round <= w.endRound) {
    minted += p.rewards;
    fees += p.fees;
  }
  const rate = perLptRate(ret.rewardPerLpt);
  return {
    ...windowJson(w),
    rewardPerLpt: lpt(ret.rewardPerLpt),
    feesPerLpt: eth(ret.feesPerLpt),
    rewardRate: rate,
    rewardRateAnnualized: annualize(rate, w.coveredDays),
    rewardsMinted: lpt(minted),
    fees: eth(fees),
    ...dilutionAdjusted(rate, supplyAt(rounds, w.startRound), supplyAt(rounds, w.endRound), w.coveredDays),
  };
}

const windowsOf = (rounds: readonly StakingRound[], days: number[]) =>
  days.map((d) => trailingWindow(rounds, d)).filter((w): w is NonNullable<typeof w> => w !== null);

export const yieldRoutes = [
  route({
    path: '/api/v1/staking/yields',
    tag: 'staking',
    summary: 'Realized yield of every orchestrator pool',
    description:
      'What one LPT delegated to each pool actually earned over trailing windows, from the stored cumulative reward and fee factors (EarningsPoolLIP36): reward (CRF_end − CRF_start)/CRF_start, fees (CFF_end − CFF_start)/CRF_start. Windows start at the latest round that began at or before the window start.',
    query: z.strictObject({ days: daysParam }),
    response: z.object({
      rounds: z.object({ first: int.nullable(), last: int.nullable() }),
      data: z.array(z.object({ address: z.string(), label: labelSchema.nullable(), active: z.boolean(), totalStake: amountSchema, rewardCut: int, feeShare: int, windows: z.array(poolYieldSchema) })),
    }),
    maxAge: 10,
    handler: async ({ query, data, options }) => {
      const snap = await data.snapshot();
      const [rounds, pools] = await Promise.all([allRounds(data.db).then((r) => r.map(stakingRound)), poolsByTranscoder(data.db)]);
      const windows = windowsOf(rounds, query.days);
      const labels = await labelsFor(data.db, snap.orchestrators.map((o) => o.address), options.labelAuthorities);
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
            windows: windows.map((w) => poolWindowYield(pools.get(o.address) ?? [], w, rounds)),
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
    handler: async ({ params, query, data, options }) => {
      const [d] = await delegatorBonds(data.db, { address: params.address });
      if (!d) throw new AtlasError('not_found', `${params.address} has never bonded`);
      const claims = await earningsClaims(data.db, params.address);
      const rounds = (await allRounds(data.db)).map(stakingRound);
      const delegate = d.delegate === '0x0000000000000000000000000000000000000000' ? null : d.delegate;
      const pools = await poolsByTranscoder(data.db, [...new Set([...(delegate ? [delegate] : []), ...claims.map((c) => c.delegate)])]);
      const poolsOf = (o: string) => pools.get(o) ?? [];
      const labels = await labelsFor(data.db, delegate ? [params.address, delegate] : [params.address], options.labelAuthorities);
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
            ...windowJson(w),
            rewards: lpt(e.rewards),
            fees: eth(e.fees),
            rewardRate: base > 0n ? Number((e.rewards * 1_000_000_000n) / base) / 1e9 : null,
            pool: delegate ? poolWindowYield(poolsOf(delegate), w, rounds) : null,
          };
        }),
      };
    },
  }),];
