// Governance endpoints: proposals with override-correct quorum/quota progress, timeline, decoded actions and
// every vote; per-delegate voting records and participation; the protocol calendar.
import { z } from 'zod';
import { buildCalendar, type CalendarEntry } from '../../analytics/calendar.js';
import { countedWeights, lipReferences, participation, pivotalVoters, roundClock, roundStart, tallyProgress, type ProposalRef } from '../../analytics/governance.js';
import { actionOutflow, decodeAction, type TreasuryAction } from '../../analytics/treasury.js';
import { blockTimes } from '../../read/chain.js';
import { contractRegistrations } from '../../read/contracts.js';
import { paramChanges, protocolParams } from '../../read/params.js';
import { simulatorNetwork } from '../../chain/networks.js';
import type { ApiData, ProposalData, Snapshot, VoteData } from '../data.js';
import { AtlasError } from '../errors.js';
import { amountSchema, lpt } from '../format.js';
import { route, type RouteDef } from '../route.js';
import { toCsv } from '../csv.js';
import { addressParam } from '../schemas.js';

const address = z.string().meta({ description: 'lower-case 0x address' });
const int = z.number().int();
const STATUSES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'] as const;
const SUPPORT = ['against', 'for', 'abstain'] as const;
const formatParam = z.enum(['json', 'csv'], { error: 'must be "json" or "csv"' }).default('json');
const idParam = z.strictObject({ id: z.string().regex(/^\d{1,78}$/, { error: 'must be a decimal proposal id' }).meta({ description: 'Governor proposal id (decimal)' }) });

// The simulator places its contracts at the Arbitrum One addresses, so one set serves both networks.
const CONTRACTS = simulatorNetwork().contracts;
export const KNOWN = { token: CONTRACTS.LivepeerToken.address.toLowerCase(), bondingManager: CONTRACTS.BondingManager.address.toLowerCase() };
export const TREASURY = CONTRACTS.Treasury.address.toLowerCase();

export const actionSchema = z
  .object({
    kind: z.enum(['lpt-transfer', 'lpt-approve', 'lpt-transfer-from', 'set-treasury-cut', 'set-treasury-ceiling', 'eth-transfer', 'call']),
    target: address,
    summary: z.string(),
    recipient: address.nullable(),
    amount: amountSchema.nullable().meta({ description: 'LPT moved (or ETH for eth-transfer)' }),
    value: z.string().nullable().meta({ description: 'new parameter value (rate per 1e27, ceiling in LPT-wei) or call selector' }),
  })
  .meta({ id: 'ProposalAction' });

/** Decoded calls of a proposal as JSON. */
export function actionsJson(p: ProposalData): z.input<typeof actionSchema>[] {
  return p.targets.map((t, i) => actionJson(t, decodeAction(t, BigInt(p.values[i] ?? '0'), p.calldatas[i] ?? '0x', KNOWN)));
}

function actionJson(target: string, a: TreasuryAction): z.input<typeof actionSchema> {
  switch (a.kind) {
    case 'lpt-transfer':
      return { kind: a.kind, target, summary: `Transfer ${lpt(a.amount).formatted} LPT to ${a.recipient}`, recipient: a.recipient, amount: lpt(a.amount), value: null };
    case 'lpt-transfer-from':
      return { kind: a.kind, target, summary: `Transfer ${lpt(a.amount).formatted} LPT from ${a.from} to ${a.recipient}`, recipient: a.recipient, amount: lpt(a.amount), value: null };
    case 'lpt-approve':
      return { kind: a.kind, target, summary: `Allow ${a.spender} to spend ${lpt(a.amount).formatted} LPT`, recipient: a.spender, amount: lpt(a.amount), value: null };
    case 'set-treasury-cut':
      return { kind: a.kind, target, summary: `Set the treasury reward cut to ${Number((a.rate * 10_000n) / 10n ** 27n) / 100}%`, recipient: null, amount: null, value: a.rate.toString() };
    case 'set-treasury-ceiling':
      return { kind: a.kind, target, summary: `Set the treasury balance ceiling to ${lpt(a.ceiling).formatted} LPT`, recipient: null, amount: null, value: a.ceiling.toString() };
    case 'eth-transfer':
      return { kind: a.kind, target, summary: `Send ${lpt(a.amount).formatted} ETH to ${a.recipient}`, recipient: a.recipient, amount: { ...lpt(a.amount), unit: 'ETH' }, value: null };
    case 'call':
      return { kind: a.kind, target, summary: `Call ${a.selector ?? '(no data)'} on ${a.target}`, recipient: null, amount: null, value: a.selector };
  }
}

/** LPT a proposal moves out of the treasury (LPT-wei). */
export function proposalOutflow(p: ProposalData): bigint {
  return p.targets.reduce((acc, t, i) => acc + actionOutflow(decodeAction(t, BigInt(p.values[i] ?? '0'), p.calldatas[i] ?? '0x', KNOWN), TREASURY), 0n);
}

export const progressSchema = z
  .object({
    quorum: amountSchema,
    totalVotes: amountSchema,
    quorumReached: z.boolean(),
    quorumShortfall: amountSchema,
    quorumProgress: z.number().nullable().meta({ description: 'totalVotes / quorum' }),
    quota: z.number().int().meta({ description: 'parts per 1e6 of for+against needed in favour' }),
    quotaThreshold: amountSchema.meta({ description: 'for-votes that meet the quota at the current for+against (floor as the governor)' }),
    quotaReached: z.boolean(),
    quotaShortfall: amountSchema,
    forShare: z.number().nullable().meta({ description: 'for / (for + against)' }),
    passing: z.boolean(),
  })
  .meta({ id: 'TallyProgress' });

export const timelineSchema = z
  .object({
    event: z.enum(['created', 'voting-opens', 'voting-closes', 'queued', 'executed', 'canceled']),
    round: int.nullable(),
    block: int.nullable(),
    time: int.nullable(),
    estimated: z.boolean().meta({ description: 'time extrapolated from the median round length (round not reached yet)' }),
  })
  .meta({ id: 'ProposalTimelineEvent' });

export const govProposalSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    proposer: address,
    status: z.enum(STATUSES),
    voteStart: int,
    voteEnd: int,
    votes: z.object({ for: amountSchema, against: amountSchema, abstain: amountSchema }),
    voters: int,
    progress: progressSchema,
    outflow: amountSchema.meta({ description: 'LPT the proposal moves out of the treasury' }),
    actions: z.array(actionSchema),
    lips: z.array(int),
    timeline: z.array(timelineSchema),
  })
  .meta({ id: 'GovernanceProposal' });

export const govVoteSchema = z
  .object({
    voter: address,
    label: z.string().meta({ description: 'orchestrator service host, or "delegator of 0x…"' }),
    role: z.enum(['orchestrator', 'delegator']),
    support: z.enum(SUPPORT),
    weight: amountSchema.meta({ description: 'VoteCast weight: voting power at the snapshot round' }),
    counted: amountSchema.meta({ description: 'weight that counts in the tally after overrides' }),
    overridden: amountSchema.meta({ description: 'weight removed from this vote by delegators who voted themselves' }),
    delegate: address.nullable(),
    overrides: z.boolean().meta({ description: 'a delegator vote that overrides its orchestrator' }),
    pivotal: z.boolean().meta({ description: 'without this vote the outcome would flip' }),
    reason: z.string(),
    blockNumber: int,
  })
  .meta({ id: 'GovernanceVote' });

export interface Ctx {
  snap: Snapshot;
  quota: bigint;
  clock: ReturnType<typeof roundClock>;
}

export async function context(data: ApiData): Promise<Ctx> {
  const snap = await data.snapshot();
  const { quota } = await protocolParams(data.db);
  return { snap, quota, clock: roundClock(snap.rounds.map((r) => ({ round: r.round, time: r.blockTime }))) };
}

function progressJson(p: ProposalData, quota: bigint): z.input<typeof progressSchema> {
  const t = tallyProgress({ forVotes: p.forVotes, againstVotes: p.againstVotes, abstainVotes: p.abstainVotes }, p.quorum, quota);
  const decisive = p.forVotes + p.againstVotes;
  return {
    quorum: lpt(t.quorum),
    totalVotes: lpt(t.totalVotes),
    quorumReached: t.quorumReached,
    quorumShortfall: lpt(t.quorumShortfall),
    quorumProgress: t.quorum === 0n ? null : Number((t.totalVotes * 1_000_000n) / t.quorum) / 1e6,
    quota: Number(quota),
    quotaThreshold: lpt(t.quotaThreshold),
    quotaReached: t.quotaReached,
    quotaShortfall: lpt(t.quotaShortfall),
    forShare: decisive === 0n ? null : Number((p.forVotes * 1_000_000n) / decisive) / 1e6,
    passing: t.passing,
  };
}

function timeline(p: ProposalData, clock: Ctx['clock'], blockTimes: Map<bigint, number>): z.input<typeof timelineSchema>[] {
  const at = (event: z.input<typeof timelineSchema>['event'], round: bigint) => ({ event, round: Number(round), block: null, ...(({ time, estimated }) => ({ time, estimated }))(roundStart(clock, round)) });
  const out: z.input<typeof timelineSchema>[] = [
    { event: 'created', round: p.createdRound === null ? null : Number(p.createdRound), block: Number(p.createdBlock), time: p.createdTime, estimated: false },
    at('voting-opens', p.voteStart + 1n), // state() is Active once currentRound > voteStart
    at('voting-closes', p.voteEnd + 1n), // and no longer Active once currentRound > voteEnd
  ];
  const byBlock = (event: z.input<typeof timelineSchema>['event'], b: bigint | null) => {
    if (b !== null) out.push({ event, round: null, block: Number(b), time: blockTimes.get(b) ?? null, estimated: false });
  };
  byBlock('queued', p.queuedBlock);
  byBlock('executed', p.executedBlock);
  byBlock('canceled', p.canceledBlock);
  return out;
}

export function govProposalJson(p: ProposalData, ctx: Ctx, blockTimes: Map<bigint, number>): z.input<typeof govProposalSchema> {
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    proposer: p.proposer,
    status: p.status,
    voteStart: Number(p.voteStart),
    voteEnd: Number(p.voteEnd),
    votes: { for: lpt(p.forVotes), against: lpt(p.againstVotes), abstain: lpt(p.abstainVotes) },
    voters: p.voters,
    progress: progressJson(p, ctx.quota),
    outflow: lpt(proposalOutflow(p)),
    actions: actionsJson(p),
    lips: lipReferences(p.description),
    timeline: timeline(p, ctx.clock, blockTimes),
  };
}

const proposalBlocks = (ps: ProposalData[]) => ps.flatMap((p) => [p.queuedBlock, p.executedBlock, p.canceledBlock].filter((b): b is bigint => b !== null));

function voterLabel(snap: Snapshot, voter: string, delegate: string | null): { label: string; role: 'orchestrator' | 'delegator' } {
  const o = snap.orchestratorsByAddress.get(voter);
  if (o || delegate === voter) {
    let host = '';
    try {
      host = o?.serviceUri ? new URL(o.serviceUri).host : '';
    } catch {
      host = '';
    }
    return { label: host ? `orchestrator ${host}` : 'orchestrator', role: 'orchestrator' };
  }
  return { label: delegate ? `delegator of ${delegate}` : 'delegator', role: 'delegator' };
}

/** Votes of a proposal in chain order with counted weights, overrides and pivotal flags. */
export function votesJson(p: ProposalData, votes: VoteData[], ctx: Ctx): z.input<typeof govVoteSchema>[] {
  const ordered = [...votes].sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : a.logIndex - b.logIndex));
  const inputs = ordered.map((v) => ({ voter: v.voter.toLowerCase(), delegate: v.delegate?.toLowerCase() ?? null, support: v.support, weight: v.weight }));
  const counted = countedWeights(inputs);
  const pivotal = pivotalVoters(inputs, p.quorum, ctx.quota);
  return ordered.map((v) => {
    const voter = v.voter.toLowerCase();
    const c = counted.get(voter) ?? v.weight;
    const lab = voterLabel(ctx.snap, voter, v.delegate?.toLowerCase() ?? null);
    return {
      voter,
      ...lab,
      support: SUPPORT[v.support] ?? 'abstain',
      weight: lpt(v.weight),
      counted: lpt(c),
      overridden: lpt(v.weight - c),
      delegate: v.delegate?.toLowerCase() ?? null,
      overrides: v.delegate !== null && v.delegate.toLowerCase() !== voter,
      pivotal: pivotal.has(voter),
      reason: v.reason,
      blockNumber: Number(v.blockNumber),
    };
  });
}

const voteCsv = (rows: z.input<typeof govVoteSchema>[]) =>
  toCsv(
    ['voter', 'label', 'support', 'weight_lpt', 'counted_lpt', 'delegate', 'overrides', 'pivotal', 'reason', 'block'],
    rows.map((v) => [v.voter, v.label, v.support, v.weight.formatted, v.counted.formatted, v.delegate ?? '', v.overrides, v.pivotal, v.reason, v.blockNumber]),
  );

const csvResponse = (body: string, name: string) =>
  new Response(body, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` } });

export const recordSchema = z
  .object({
    address,
    label: z.string(),
    active: z.boolean(),
    activationRound: int.nullable(),
    eligible: int.meta({ description: 'proposals whose voting opened while the account was active (or that it voted on)' }),
    voted: int,
    participation: z.number().nullable(),
    pivotal: int.meta({ description: 'votes that decided an outcome' }),
    votes: z.array(
      z.object({
        proposalId: z.string(),
        title: z.string(),
        status: z.enum(STATUSES),
        support: z.enum(SUPPORT).nullable().meta({ description: 'null: eligible but did not vote' }),
        weight: amountSchema.nullable(),
        counted: amountSchema.nullable(),
        reason: z.string().nullable(),
        pivotal: z.boolean(),
        outcomeAligned: z.boolean().nullable().meta({ description: 'voted for a proposal that passed or against one that failed' }),
      }),
    ),
  })
  .meta({ id: 'DelegateVotingRecord' });

const PASSED = new Set(['succeeded', 'queued', 'executed']);
const DECIDED = new Set(['succeeded', 'queued', 'executed', 'defeated']);

export async function delegateRecords(data: ApiData, ctx: Ctx, only?: string): Promise<z.input<typeof recordSchema>[]> {
  const proposals = [...ctx.snap.proposals].sort((a, b) => (a.createdBlock < b.createdBlock ? -1 : 1));
  const refs: ProposalRef[] = proposals.map((p) => ({ id: p.id, voteStart: p.voteStart, votingOpened: p.status !== 'pending' && !(p.status === 'canceled' && p.voteStart >= (ctx.snap.current?.round ?? 0n)) }));
  const perProposal = new Map<string, z.input<typeof govVoteSchema>[]>();
  for (const p of proposals) perProposal.set(p.id, votesJson(p, await data.votes(p.id), ctx));
  const accounts = only ? [only] : ctx.snap.orchestrators.map((o) => o.address);
  return accounts.map((addr) => {
    const o = ctx.snap.orchestratorsByAddress.get(addr);
    const mine = new Map<string, z.input<typeof govVoteSchema>>();
    for (const [id, vs] of perProposal) {
      const v = vs.find((x) => x.voter === addr);
      if (v) mine.set(id, v);
    }
    const activeFrom = o ? o.activationRound : null;
    const part = participation(activeFrom, refs, new Set(mine.keys()));
    const eligibleIds = new Set(refs.filter((r) => r.votingOpened && (mine.has(r.id) || (activeFrom !== null && activeFrom <= r.voteStart))).map((r) => r.id));
    const rows = proposals
      .filter((p) => eligibleIds.has(p.id))
      .map((p) => {
        const v = mine.get(p.id);
        return {
          proposalId: p.id,
          title: p.title,
          status: p.status,
          support: v?.support ?? null,
          weight: v?.weight ?? null,
          counted: v?.counted ?? null,
          reason: v?.reason ?? null,
          pivotal: v?.pivotal ?? false,
          outcomeAligned: v && DECIDED.has(p.status) && v.support !== 'abstain' ? (v.support === 'for') === PASSED.has(p.status) : null,
        };
      });
    return {
      address: addr,
      label: voterLabel(ctx.snap, addr, o ? addr : null).label,
      active: o?.active ?? false,
      activationRound: o ? Number(o.activationRound) : null,
      eligible: part.eligible,
      voted: part.voted,
      participation: part.rate,
      pivotal: rows.filter((r) => r.pivotal).length,
      votes: rows,
    };
  });
}

export const calendarSchema = z
  .object({
    kind: z.enum(['contract-upgrade', 'contract-registered', 'parameter-change', 'proposal-created', 'proposal-executed', 'proposal-canceled']),
    block: int,
    time: int.nullable(),
    round: int.nullable(),
    title: z.string(),
    contract: z.string().nullable(),
    address: address.nullable(),
    param: z.string().nullable(),
    value: z.string().nullable(),
    previousValue: z.string().nullable(),
    proposalId: z.string().nullable(),
    lips: z.array(int),
  })
  .meta({ id: 'CalendarEntry' });

export async function calendar(data: ApiData): Promise<CalendarEntry[]> {
  const snap = await data.snapshot();
  const [contracts, params] = await Promise.all([contractRegistrations(data.db), paramChanges(data.db)]);
  const blocks = [...contracts.map((c) => c.block), ...params.map((p) => p.block), ...snap.proposals.flatMap((p) => [p.createdBlock, ...proposalBlocks([p])])];
  const times = await blockTimes(data.db, blocks);
  const rounds = [...snap.rounds].sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : 1));
  const roundAt = (block: bigint) => {
    let r: bigint | null = null;
    for (const x of rounds) if (x.blockNumber <= block) r = x.round;
    return r;
  };
  const entries = buildCalendar(
    contracts,
    params,
    snap.proposals.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      createdBlock: p.createdBlock,
      executedBlock: p.executedBlock,
      canceledBlock: p.canceledBlock,
      sets: actionsJson(p).flatMap((a) => (a.kind === 'set-treasury-cut' ? ['nextRoundTreasuryRewardCutRate'] : a.kind === 'set-treasury-ceiling' ? ['treasuryBalanceCeiling'] : [])),
    })),
    (b) => ({ time: times.get(b) ?? null, round: roundAt(b) }),
  );
  // The BondingManager zeroes the cut at the ceiling without a ParameterUpdate: the rate in force in the
  // round of a change is the true previous value.
  const cutOf = new Map(snap.rounds.map((r) => [r.round, r.treasuryRewardCutRate.toString()]));
  return entries.map((e) => (e.param === 'nextRoundTreasuryRewardCutRate' && e.round !== null && cutOf.has(e.round) ? { ...e, previousValue: cutOf.get(e.round)! } : e));
}

export const governanceRoutes = [
  route({
    path: '/api/v1/governance/proposals',
    tag: 'governance',
    summary: 'Proposals with quorum and quota progress, decoded actions and timeline',
    description: 'Progress is computed as LivepeerGovernor does: override-correct tallies, quorum over the stake at the snapshot round, quota with the floor of the contract. `format=csv` exports the list.',
    query: z.strictObject({ status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(), format: formatParam }),
    response: z.object({ data: z.array(govProposalSchema) }).meta({ id: 'GovernanceProposalList' }),
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      const ctx = await context(data);
      const list = ctx.snap.proposals.filter((p) => !query.status || p.status === query.status);
      const times = await blockTimes(data.db, proposalBlocks(list));
      const out = list.map((p) => govProposalJson(p, ctx, times));
      if (query.format === 'csv') {
        return csvResponse(
          toCsv(
            ['id', 'title', 'status', 'vote_start', 'vote_end', 'for_lpt', 'against_lpt', 'abstain_lpt', 'quorum_lpt', 'quorum_reached', 'quota_threshold_lpt', 'quota_reached', 'outflow_lpt', 'voters', 'lips'],
            out.map((p) => [p.id, p.title, p.status, p.voteStart, p.voteEnd, p.votes.for.formatted, p.votes.against.formatted, p.votes.abstain.formatted, p.progress.quorum.formatted, p.progress.quorumReached, p.progress.quotaThreshold.formatted, p.progress.quotaReached, p.outflow.formatted, p.voters, p.lips.join(' ')]),
          ),
          'proposals.csv',
        );
      }
      return { data: out };
    },
  }),
  route({
    path: '/api/v1/governance/proposals/{id}',
    tag: 'governance',
    summary: 'One proposal: progress, timeline, decoded actions and every vote with weight, counted weight, reason, label and pivotal flag',
    params: idParam,
    response: z.object({ proposal: govProposalSchema, votes: z.array(govVoteSchema) }).meta({ id: 'GovernanceProposalDetail' }),
    maxAge: 5,
    errors: [404],
    handler: async ({ params, data }) => {
      const ctx = await context(data);
      const p = ctx.snap.proposalsById.get(params.id);
      if (!p) throw new AtlasError('not_found', `no proposal with id ${params.id}`);
      const times = await blockTimes(data.db, proposalBlocks([p]));
      return { proposal: govProposalJson(p, ctx, times), votes: votesJson(p, await data.votes(p.id), ctx) };
    },
  }),
  route({
    path: '/api/v1/governance/proposals/{id}/votes',
    tag: 'governance',
    summary: 'Votes of a proposal (CSV export with format=csv)',
    params: idParam,
    query: z.strictObject({ format: formatParam }),
    response: z.object({ data: z.array(govVoteSchema) }).meta({ id: 'GovernanceVoteList' }),
    csv: true,
    maxAge: 5,
    errors: [404],
    handler: async ({ params, query, data }) => {
      const ctx = await context(data);
      const p = ctx.snap.proposalsById.get(params.id);
      if (!p) throw new AtlasError('not_found', `no proposal with id ${params.id}`);
      const rows = votesJson(p, await data.votes(p.id), ctx);
      return query.format === 'csv' ? csvResponse(voteCsv(rows), `votes-${p.id.slice(0, 12)}.csv`) : { data: rows };
    },
  }),
  route({
    path: '/api/v1/governance/delegates',
    tag: 'governance',
    summary: 'Every orchestrator with its governance participation rate',
    query: z.strictObject({ format: formatParam }),
    response: z.object({ data: z.array(recordSchema.omit({ votes: true })) }).meta({ id: 'DelegateParticipationList' }),
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      const ctx = await context(data);
      const recs = (await delegateRecords(data, ctx)).map(({ votes: _v, ...r }) => r);
      recs.sort((a, b) => (b.participation ?? -1) - (a.participation ?? -1) || b.voted - a.voted || a.address.localeCompare(b.address));
      if (query.format === 'csv') {
        return csvResponse(toCsv(['address', 'label', 'active', 'eligible', 'voted', 'participation', 'pivotal'], recs.map((r) => [r.address, r.label, r.active, r.eligible, r.voted, r.participation ?? '', r.pivotal])), 'delegates.csv');
      }
      return { data: recs };
    },
  }),
  route({
    path: '/api/v1/governance/delegates/{address}',
    tag: 'governance',
    summary: "A delegate's voting record: every proposal it could vote on, how it voted and with what weight",
    params: z.strictObject({ address: addressParam }),
    query: z.strictObject({ format: formatParam }),
    response: recordSchema,
    csv: true,
    maxAge: 5,
    handler: async ({ params, query, data }) => {
      const ctx = await context(data);
      const [rec] = await delegateRecords(data, ctx, params.address);
      if (query.format === 'csv') {
        return csvResponse(
          toCsv(['proposal_id', 'title', 'status', 'support', 'weight_lpt', 'counted_lpt', 'pivotal', 'reason'], rec!.votes.map((v) => [v.proposalId, v.title, v.status, v.support ?? 'did not vote', v.weight?.formatted ?? '', v.counted?.formatted ?? '', v.pivotal, v.reason ?? ''])),
          `votes-${params.address}.csv`,
        );
      }
      return rec!;
    },
  }),
  route({
    path: '/api/v1/calendar',
    tag: 'governance',
    summary: 'Protocol calendar: contract upgrades, parameter changes (value read at that block, previous value) and proposal milestones with LIP references',
    query: z.strictObject({ kind: z.enum(['contract-upgrade', 'contract-registered', 'parameter-change', 'proposal-created', 'proposal-executed', 'proposal-canceled']).optional(), format: formatParam }),
    response: z.object({ data: z.array(calendarSchema) }).meta({ id: 'Calendar' }),
    csv: true,
    maxAge: 5,
    handler: async ({ query, data }) => {
      const entries = (await calendar(data)).filter((e) => !query.kind || e.kind === query.kind);
      const out = entries.map((e) => ({ ...e, block: Number(e.block), round: e.round === null ? null : Number(e.round), logIndex: undefined }));
      if (query.format === 'csv') {
        return csvResponse(toCsv(['block', 'time', 'round', 'kind', 'title', 'contract', 'param', 'value', 'previous_value', 'proposal_id', 'lips'], out.map((e) => [e.block, e.time ?? '', e.round ?? '', e.kind, e.title, e.contract ?? '', e.param ?? '', e.value ?? '', e.previousValue ?? '', e.proposalId ?? '', e.lips.join(' ')])), 'calendar.csv');
      }
      return { data: out.map(({ logIndex: _l, ...e }) => e) };
    },
  }),
];
