// The staking market read from the chain: reward cuts and fee shares across the active set per round (the
// market rate), delegators' stake moves after cut changes, delegators overriding their delegate's vote with
// the reasons voters gave, and the unbonding queue (stake becoming withdrawable per round).
import { z } from 'zod';
import { activeSpans, cutChangeResponses, cutsPerRound, overridesByProposal, summarizeResponses, unbondingHistory, unbondingQueue, type Distribution } from '../../analytics/preferences.js';
import { activations, cutChanges, stakeMoves, unbondingEvents } from '../../read/bondingEvents.js';
import { openUnbondingLocks } from '../../read/delegators.js';
import { allVotes } from '../../read/proposals.js';
import { recentRoundNumbers } from '../../read/rounds.js';
import { amountSchema, lpt } from '../format.js';
import { route } from '../route.js';
import { intParam } from '../schemas.js';

const int = z.number().int();
const percent = (ppm: number) => ppm / 10_000;
const distSchema = z
  .object({ count: int, min: z.number(), p10: z.number(), p25: z.number(), median: z.number(), p75: z.number(), p90: z.number(), max: z.number(), mean: z.number() })
  .meta({ id: 'CutDistribution', description: 'percent (0–100) across the active orchestrators' });
const distJson = (d: Distribution | null) =>
  d && { count: d.count, min: percent(d.min), p10: percent(d.p10), p25: percent(d.p25), median: percent(d.median), p75: percent(d.p75), p90: percent(d.p90), max: percent(d.max), mean: Math.round(percent(d.mean) * 1e4) / 1e4 };
const SUPPORT = ['against', 'for', 'abstain'] as const;

export const preferenceRoutes = [
  route({
    path: '/api/v1/trends/cuts',
    tag: 'staking',
    summary: 'Market rate of reward cut and fee share per round: median and distribution over the active set',
    description:
      'For every indexed round, the reward cut (share of rewards the orchestrator keeps) and fee share (share of fees delegators get) each active orchestrator had in force — its latest TranscoderUpdate at or before the round — as min, p10, p25, median, p75, p90, max and mean, in percent.',
    query: z.strictObject({ rounds: intParam(1, 100_000, 'most recent rounds (default 90)').default(90) }),
    response: z.object({ data: z.array(z.object({ round: int, active: int, rewardCut: distSchema.nullable(), feeShare: distSchema.nullable() })) }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const rounds = (await recentRoundNumbers(data.db, query.rounds)).map(Number);
      const spans = activeSpans(await activations(data.db));
      const cuts = await cutChanges(data.db);
      return { data: cutsPerRound(rounds, spans, cuts).map((c) => ({ round: c.round, active: c.active, rewardCut: distJson(c.rewardCut), feeShare: distJson(c.feeShare) })) };
    },
  }),
  route({
    path: '/api/v1/staking/cut-changes',
    tag: 'staking',
    summary: 'How delegators respond to cut changes: stake flows before and after each change',
    description:
      'Every change of an orchestrator’s reward cut or fee share (TranscoderUpdate differing from its previous one), with the net stake delegators bonded to it (Bond, Unbond, Rebond; moves between orchestrators count on both sides) over `window` rounds before and after; and network-wide, the mean response to each kind of change.',
    query: z.strictObject({ window: intParam(1, 365, 'rounds before and after each change (default 5)').default(5), limit: intParam(1, 1000, 'changes listed, newest first (default 100)').default(100) }),
    response: z.object({
      window: int,
      summary: z.array(z.object({ change: z.string(), changes: int, meanNetFlowBefore: amountSchema, meanNetFlowAfter: amountSchema })),
      data: z.array(
        z.object({
          orchestrator: z.string(),
          round: int,
          rewardCut: z.object({ before: z.number(), after: z.number() }).meta({ description: 'percent' }),
          feeShare: z.object({ before: z.number(), after: z.number() }).meta({ description: 'percent' }),
          netFlowBefore: amountSchema,
          netFlowAfter: amountSchema,
        }),
      ),
    }),
    maxAge: 10,
    handler: async ({ query, data }) => {
      const responses = cutChangeResponses(await cutChanges(data.db), await stakeMoves(data.db), query.window);
      return {
        window: query.window,
        summary: summarizeResponses(responses).map((s) => ({ change: s.change, changes: s.changes, meanNetFlowBefore: lpt(s.meanNetFlowBefore), meanNetFlowAfter: lpt(s.meanNetFlowAfter) })),
        data: responses.slice(0, query.limit).map((r) => ({
          orchestrator: r.orchestrator,
          round: r.round,
          rewardCut: { before: percent(r.rewardCut.before), after: percent(r.rewardCut.after) },
          feeShare: { before: percent(r.feeShare.before), after: percent(r.feeShare.after) },
          netFlowBefore: lpt(r.netFlowBefore),
          netFlowAfter: lpt(r.netFlowAfter),
        })),
      };
    },
  }),
  route({
    path: '/api/v1/governance/overrides',
    tag: 'governance',
    summary: 'Delegators overriding their delegate’s vote, by proposal, with the reasons voters gave',
    description:
      'A delegator overrides when it votes itself and its vote differs from its delegate’s (or its delegate did not vote). Per proposal: the overrides by support and their weight, and every reason given with the votes (and overrides) that carried it.',
    response: z.object({
      data: z.array(
        z.object({
          proposalId: z.string(),
          title: z.string().nullable(),
          overrides: int,
          weight: amountSchema,
          bySupport: z.array(z.object({ support: z.enum(SUPPORT), votes: int, weight: amountSchema })),
          reasons: z.array(z.object({ reason: z.string().meta({ description: 'given reasons by weight, then "" for the votes that gave none' }), votes: int, overrides: int, weight: amountSchema })),
        }),
      ),
    }),
    maxAge: 10,
    handler: async ({ data }) => {
      const snap = await data.snapshot();
      const groups = overridesByProposal(await allVotes(data.db));
      return {
        data: groups
          .map((g) => ({
            proposalId: g.proposalId,
            title: snap.proposalsById.get(g.proposalId)?.title ?? null,
            overrides: g.overrides,
            weight: lpt(g.weight),
            bySupport: g.bySupport.map((s) => ({ support: SUPPORT[s.support]!, votes: s.votes, weight: lpt(s.weight) })),
            reasons: g.reasons.map((r) => ({ reason: r.reason, votes: r.votes, overrides: r.overrides, weight: lpt(r.weight) })),
          }))
          .sort((a, b) => b.overrides - a.overrides || a.proposalId.localeCompare(b.proposalId)),
      };
    },
  }),
  route({
    path: '/api/v1/staking/unbonding',
    tag: 'staking',
    summary: 'The unbonding queue: stake becoming withdrawable per round, and what was unbonded and withdrawn',
    description:
      'Open unbonding locks (BondingManager) by the round they can be withdrawn — the overhang of stake on its way out — and per round the LPT whose unbonding period ends then (Unbond.withdrawRound) and the LPT withdrawn (WithdrawStake).',
    response: z.object({
      currentRound: int.nullable(),
      withdrawableNow: amountSchema.meta({ description: 'unbonded and past its withdraw round, not yet withdrawn' }),
      pending: amountSchema.meta({ description: 'still unbonding' }),
      queue: z.array(z.object({ round: int, amount: amountSchema, locks: int })),
      history: z.array(z.object({ round: int, unlocking: amountSchema, withdrawn: amountSchema })),
    }),
    maxAge: 10,
    handler: async ({ data }) => {
      const snap = await data.snapshot();
      const current = snap.current ? snap.current.round : 0n;
      const q = unbondingQueue(await openUnbondingLocks(data.db), current);
      return {
        currentRound: snap.current ? Number(current) : null,
        withdrawableNow: lpt(q.withdrawableNow),
        pending: lpt(q.pending),
        queue: q.rounds.map((r) => ({ round: Number(r.round), amount: lpt(r.amount), locks: r.locks })),
        history: unbondingHistory(await unbondingEvents(data.db)).map((h) => ({ round: Number(h.round), unlocking: lpt(h.unlocking), withdrawn: lpt(h.withdrawn) })),
      };
    },
  }),
];
