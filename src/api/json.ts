// Serializers of the core answers: indexed rows (bigint) to JSON at the edge, USD where a price is known.
import { z } from 'zod';
import { encodeCursor } from './cursor.js';
import type { AccountData, EventData, OrchestratorData, PoolData, ProposalData, RoundData, Snapshot, VoteData } from './data.js';
import { type PriceBook } from '../prices/lookup.js';
import { LATEST, usdOf } from '../prices/usd.js';
import { priceEvents, eventUnit, type OrchestratorUsd, type PricedEvent } from './usd.js';
import { eth, formatUnits, lpt, perc, ratio } from './format.js';
import { eventSchema, networkSchema, orchestratorSchema, proposalSchema, roundSchema } from './schemas.js';
import { yieldJson } from './orchestratorYields.js';
import type { AnnualizedPoolYield } from '../analytics/yields.js';


export const n = (x: bigint): number => Number(x);
export const nOrNull = (x: bigint | null): number | null => (x === null ? null : Number(x));
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

export function orchestratorJson(o: OrchestratorData, usd: OrchestratorUsd = NO_USD, y?: AnnualizedPoolYield): z.input<typeof orchestratorSchema> {
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
    yield: y ? yieldJson(y) : null,
  };
}

export function poolJson(p: PoolData, book: PriceBook) {
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

export function proposalJson(p: ProposalData): z.input<typeof proposalSchema> {
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

export function voteJson(v: VoteData) {
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

export function accountJson(a: AccountData, currentRound: bigint, history: { data: EventData[]; next: [bigint, number] | null }, limit: number, isOrchestrator: boolean, book: PriceBook) {
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

