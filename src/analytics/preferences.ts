// What the staking market says about itself: the distribution of reward cuts and fee shares per round
// (the "market rate"), how delegated stake moves after an orchestrator changes its cuts, how delegators
// override their delegate's vote (and why), and the unbonding queue. Pure functions over indexed events.
import type { ActivationRow, StakeMoveRow, UnbondingEventRow } from '../read/bondingEvents.js';
import type { UnbondingLock } from '../read/delegators.js';
import type { ProposalVote } from '../read/proposals.js';
import type { CutChange } from './risk.js';

export type { ProposalVote, UnbondingLock };

/** Parts per million. */
export type Ppm = number;

export interface Distribution {
  count: number;
  min: Ppm;
  p10: Ppm;
  p25: Ppm;
  median: Ppm;
  p75: Ppm;
  p90: Ppm;
  max: Ppm;
  mean: number;
}

/** Nearest-rank percentile of sorted values (a value someone actually chose). */
const rank = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, min: s[0]!, p10: rank(s, 0.1), p25: rank(s, 0.25), median: rank(s, 0.5), p75: rank(s, 0.75), p90: rank(s, 0.9), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Activation and deactivation rounds of one orchestrator, in event order. */
export interface ActiveSpan {
  orchestrator: string;
  activationRound: bigint;
  /** null while no deactivation follows the activation. */
  deactivationRound: bigint | null;
}

/** Spans from TranscoderActivated / TranscoderDeactivated events (oldest first): each activation until the next deactivation. */
export function activeSpans(events: readonly ActivationRow[]): ActiveSpan[] {
  const open = new Map<string, ActiveSpan>();
  const out: ActiveSpan[] = [];
  for (const e of events) {
    if (e.kind === 'activated') {
      const s: ActiveSpan = { orchestrator: e.orchestrator, activationRound: e.round, deactivationRound: null };
      open.set(e.orchestrator, s);
      out.push(s);
    } else {
      const s = open.get(e.orchestrator);
      if (s) s.deactivationRound = e.round;
      open.delete(e.orchestrator);
    }
  }
  return out;
}

export interface CutsInRound {
  round: number;
  /** Orchestrators active in the round (BondingManager: activation round ≤ r < deactivation round). */
  active: number;
  rewardCut: Distribution | null;
  feeShare: Distribution | null;
}

/**
 * Per round, the reward cut and fee share each active orchestrator had in force (its latest TranscoderUpdate
 * at or before the round), as distributions: the market rate and its spread.
 */
export function cutsPerRound(rounds: readonly number[], spans: readonly ActiveSpan[], cuts: ReadonlyMap<string, readonly CutChange[]>): CutsInRound[] {
  return rounds.map((r) => {
    const R = BigInt(r);
    const rc: number[] = [];
    const fs: number[] = [];
    const active = new Set(spans.filter((s) => s.activationRound <= R && (s.deactivationRound === null || R < s.deactivationRound)).map((s) => s.orchestrator));
    for (const o of active) {
      let cur: CutChange | undefined;
      for (const c of cuts.get(o) ?? []) if (c.round !== null && c.round <= R) cur = c;
      if (!cur) continue;
      rc.push(cur.rewardCut);
      fs.push(cur.feeShare);
    }
    return { round: r, active: active.size, rewardCut: distribution(rc), feeShare: distribution(fs) };
  });
}

export interface CutChangeResponse {
  orchestrator: string;
  round: number;
  rewardCut: { before: Ppm; after: Ppm };
  feeShare: { before: Ppm; after: Ppm };
  /** Net delegated stake (LPT-wei) flowing in over the `window` rounds before the change and from it on. */
  netFlowBefore: bigint;
  netFlowAfter: bigint;
}

/** A staking move with the round it happened in. */
export type RoundMove = StakeMoveRow;

function netFlowTo(orchestrator: string, moves: readonly RoundMove[], from: bigint, to: bigint): bigint {
  let net = 0n;
  for (const m of moves) {
    if (m.round < from || m.round > to) continue;
    if (m.kind === 'Bond') {
      const moved = m.oldDelegate !== ZERO && m.oldDelegate !== m.newDelegate;
      if (m.newDelegate === orchestrator) net += moved ? m.bondedAmount : m.additionalAmount;
      if (moved && m.oldDelegate === orchestrator) net -= m.bondedAmount - m.additionalAmount;
    } else if (m.delegate === orchestrator) net += m.kind === 'Rebond' ? m.amount : -m.amount;
  }
  return net;
}
const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * Every change of an orchestrator's cuts (a TranscoderUpdate that differs from its previous one) with the
 * net stake delegators moved to it in the `window` rounds before the change and the `window` rounds from it.
 */
export function cutChangeResponses(cuts: ReadonlyMap<string, readonly CutChange[]>, moves: readonly RoundMove[], window: number): CutChangeResponse[] {
  const out: CutChangeResponse[] = [];
  const W = BigInt(window);
  for (const [o, list] of cuts)
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (b.round === null || (a.rewardCut === b.rewardCut && a.feeShare === b.feeShare)) continue;
      out.push({
        orchestrator: o,
        round: Number(b.round),
        rewardCut: { before: a.rewardCut, after: b.rewardCut },
        feeShare: { before: a.feeShare, after: b.feeShare },
        netFlowBefore: netFlowTo(o, moves, b.round - W, b.round - 1n),
        netFlowAfter: netFlowTo(o, moves, b.round, b.round + W - 1n),
      });
    }
  return out.sort((x, y) => y.round - x.round || x.orchestrator.localeCompare(y.orchestrator));
}

export interface ResponseSummary {
  change: 'reward cut raised' | 'reward cut lowered' | 'fee share raised' | 'fee share lowered';
  changes: number;
  /** Mean net flow per change (LPT-wei), before and after. */
  meanNetFlowBefore: bigint;
  meanNetFlowAfter: bigint;
}

/** Network-wide: the mean stake response to each kind of cut change (a change of both counts under both). */
export function summarizeResponses(rs: readonly CutChangeResponse[]): ResponseSummary[] {
  const kinds: [ResponseSummary['change'], (r: CutChangeResponse) => boolean][] = [
    ['reward cut raised', (r) => r.rewardCut.after > r.rewardCut.before],
    ['reward cut lowered', (r) => r.rewardCut.after < r.rewardCut.before],
    ['fee share raised', (r) => r.feeShare.after > r.feeShare.before],
    ['fee share lowered', (r) => r.feeShare.after < r.feeShare.before],
  ];
  return kinds.map(([change, f]) => {
    const xs = rs.filter(f);
    const n = BigInt(Math.max(1, xs.length));
    return { change, changes: xs.length, meanNetFlowBefore: xs.reduce((s, r) => s + r.netFlowBefore, 0n) / n, meanNetFlowAfter: xs.reduce((s, r) => s + r.netFlowAfter, 0n) / n };
  });
}

export interface ProposalOverrides {
  proposalId: string;
  /** Delegator votes that differ from their delegate's vote, or where the delegate did not vote. */
  overrides: number;
  weight: bigint;
  /** Overrides by the support they cast (0 against, 1 for, 2 abstain). */
  bySupport: { support: number; votes: number; weight: bigint }[];
  /** Reasons given with overrides and with every vote, most weight first, then the votes that gave none (reason ""). */
  reasons: { reason: string; votes: number; weight: bigint; overrides: number }[];
}

/** Delegators overriding their delegate, grouped by proposal, with the reasons voters gave. */
export function overridesByProposal(votes: readonly ProposalVote[]): ProposalOverrides[] {
  const byProposal = new Map<string, ProposalVote[]>();
  for (const v of votes) {
    const list = byProposal.get(v.proposalId);
    if (list) list.push(v);
    else byProposal.set(v.proposalId, [v]);
  }
  const out: ProposalOverrides[] = [];
  for (const [proposalId, vs] of byProposal) {
    const support = new Map(vs.map((v) => [v.voter, v.support]));
    const isOverride = (v: ProposalVote) => v.delegate !== null && v.delegate !== v.voter && support.get(v.delegate) !== v.support;
    const ov = vs.filter(isOverride);
    const bySupport = [0, 1, 2].map((s) => {
      const xs = ov.filter((v) => v.support === s);
      return { support: s, votes: xs.length, weight: xs.reduce((a, v) => a + v.weight, 0n) };
    });
    const reasons = new Map<string, { reason: string; votes: number; weight: bigint; overrides: number }>();
    for (const v of vs) {
      const key = v.reason.trim();
      const r = reasons.get(key) ?? { reason: key, votes: 0, weight: 0n, overrides: 0 };
      r.votes++;
      r.weight += v.weight;
      if (isOverride(v)) r.overrides++;
      reasons.set(key, r);
    }
    out.push({ proposalId, overrides: ov.length, weight: ov.reduce((a, v) => a + v.weight, 0n), bySupport, reasons: [...reasons.values()].sort((a, b) => Number(a.reason === '') - Number(b.reason === '') || (b.weight > a.weight ? 1 : b.weight < a.weight ? -1 : 0)) });
  }
  return out;
}

/** Open unbonding locks by the round their stake becomes withdrawable; rounds up to `current` fold into "now". */
export function unbondingQueue(locks: readonly UnbondingLock[], current: bigint): { withdrawableNow: bigint; pending: bigint; rounds: { round: bigint; amount: bigint; locks: number }[] } {
  let now = 0n;
  let pending = 0n;
  const by = new Map<bigint, { round: bigint; amount: bigint; locks: number }>();
  for (const l of locks) {
    if (l.withdrawRound <= current) {
      now += l.amount;
      continue;
    }
    pending += l.amount;
    const b = by.get(l.withdrawRound) ?? { round: l.withdrawRound, amount: 0n, locks: 0 };
    b.amount += l.amount;
    b.locks++;
    by.set(l.withdrawRound, b);
  }
  return { withdrawableNow: now, pending, rounds: [...by.values()].sort((a, b) => (a.round < b.round ? -1 : 1)) };
}

/** LPT-wei whose unbonding period ends in each round (Unbond.withdrawRound) and LPT-wei withdrawn in it (WithdrawStake), oldest round first. */
export function unbondingHistory(events: readonly UnbondingEventRow[]): { round: bigint; unlocking: bigint; withdrawn: bigint }[] {
  const by = new Map<bigint, { round: bigint; unlocking: bigint; withdrawn: bigint }>();
  const at = (round: bigint) => {
    let b = by.get(round);
    if (!b) by.set(round, (b = { round, unlocking: 0n, withdrawn: 0n }));
    return b;
  };
  for (const e of events) {
    if (e.kind === 'Unbond') at(e.withdrawRound).unlocking += e.amount;
    else if (e.round !== null) at(e.round).withdrawn += e.amount;
  }
  return [...by.values()].sort((a, b) => (a.round < b.round ? -1 : 1));
}
