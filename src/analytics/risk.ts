// Orchestrator risk profile: each component is a measured fact turned into a 0..1 risk, and the composite is their
// documented weighted sum, so a user can see exactly why an orchestrator scores as it does.
import type { CutChangeRow } from '../read/bondingEvents.js';

/** One round of an orchestrator's history: whether it was active and whether it called reward. */
export interface RoundActivity {
  round: bigint;
  active: boolean;
  called: boolean;
}

/** Reward-call reliability over the active rounds given. */
export interface Reliability {
  activeRounds: number;
  calledRounds: number;
  missedRounds: number;
  /** Longest run of consecutive active rounds without a reward call. */
  longestMissStreak: number;
  /** Consecutive missed active rounds ending at the last round. */
  currentMissStreak: number;
  /** calledRounds / activeRounds; null with no active round. */
  callRatio: number | null;
}

/** Reward-call reliability from per-round activity (sorted by round). */
export function reliability(rounds: readonly RoundActivity[]): Reliability {
  let active = 0;
  let called = 0;
  let streak = 0;
  let longest = 0;
  for (const r of rounds) {
    if (!r.active) continue;
    active++;
    if (r.called) {
      called++;
      streak = 0;
    } else {
      streak++;
      longest = Math.max(longest, streak);
    }
  }
  return { activeRounds: active, calledRounds: called, missedRounds: active - called, longestMissStreak: longest, currentMissStreak: streak, callRatio: active ? called / active : null };
}

/** A TranscoderUpdate: new cuts (parts per 1e6) at a round and time, as the read model gives it. */
export type CutChange = CutChangeRow;

/** A cut change that took more from delegators than `spikePpm` at once. */
export interface CutSpike {
  round: bigint | null;
  time: number;
  /** Reward cut increase, parts per 1e6. */
  rewardCutUp: number;
  /** Fee cut increase (feeShare decrease), parts per 1e6. */
  feeCutUp: number;
}

/** Cut changes (sorted by time) and the spikes among them: rewardCut up or feeShare down by at least spikePpm (default 10 points). */
export function cutSpikes(changes: readonly CutChange[], spikePpm = 100_000): { changes: number; spikes: CutSpike[] } {
  const spikes: CutSpike[] = [];
  let n = 0;
  for (let i = 1; i < changes.length; i++) {
    const a = changes[i - 1]!;
    const b = changes[i]!;
    if (a.rewardCut === b.rewardCut && a.feeShare === b.feeShare) continue;
    n++;
    const up = b.rewardCut - a.rewardCut;
    const feeUp = a.feeShare - b.feeShare;
    if (up >= spikePpm || feeUp >= spikePpm) spikes.push({ round: b.round, time: b.time, rewardCutUp: Math.max(0, up), feeCutUp: Math.max(0, feeUp) });
  }
  return { changes: n, spikes };
}

/** Herfindahl–Hirschman index of shares of a total, parts per 1e6 (1e6 = one holder has everything); 0 for none. */
export function hhiPpm(values: readonly bigint[]): number {
  const total = values.reduce((a, b) => a + b, 0n);
  if (total === 0n) return 0;
  let sum = 0n;
  for (const v of values) sum += (v * 1_000_000n * v * 1_000_000n) / (total * total);
  return Number(sum / 1_000_000n);
}

/** Inputs of one risk profile. */
export interface RiskInputs {
  reliability: Reliability;
  cuts: { changes: number; spikes: CutSpike[] };
  /** Fees paid to the orchestrator by each gateway, ETH-wei. */
  feesByGateway: bigint[];
  /** The orchestrator's own bonded stake, LPT-wei. */
  selfStake: bigint;
  /** Pool total stake, LPT-wei. */
  totalStake: bigint;
  /** Stake of each delegator of the pool (self included), LPT-wei. */
  delegatorStakes: bigint[];
  /** Rounds since first seen. */
  ageRounds: number | null;
  active: boolean;
  /** Stake of the smallest active orchestrator (the cutoff), LPT-wei; null when the set is not full. */
  activeSetCutoff: bigint | null;
  /** Active-set size limit (100 on Arbitrum). */
  activeSetFull: boolean;
}

/** One scored component: the measured value, its 0..1 risk and its weight in the composite. */
export interface RiskComponent {
  key: string;
  label: string;
  value: number | null;
  /** 0 = no risk, 1 = worst. */
  risk: number;
  weight: number;
  explain: string;
}

/** Weights of the composite score (sum 1); documented in the API and the dashboard. */
export const RISK_WEIGHTS = {
  reliability: 0.3,
  missStreak: 0.1,
  cutSpikes: 0.15,
  feeConcentration: 0.05,
  selfStake: 0.1,
  stakeConcentration: 0.1,
  age: 0.05,
  deactivation: 0.15,
} as const;

const clamp = (x: number) => Math.max(0, Math.min(1, x));

/**
 * Risk profile: components and the composite score 0..100 (higher = riskier) = 100 × Σ weight × risk.
 * Risks: 1 − call ratio; longest miss streak / 10 rounds; cut spikes / 2; gateway fee HHI; 1 − self-stake share × 10
 * (≥10% own stake = no risk); delegator stake HHI; 1 − age / 90 rounds; deactivation: inactive = 1, else 1 − margin
 * over the active-set cutoff / 50% (a full set only).
 */
export function riskProfile(i: RiskInputs): { score: number; components: RiskComponent[] } {
  const selfShare = i.totalStake > 0n ? Number((i.selfStake * 1_000_000n) / i.totalStake) / 1e6 : 0;
  const stakeHhi = hhiPpm(i.delegatorStakes) / 1e6;
  const feeHhi = hhiPpm(i.feesByGateway) / 1e6;
  let margin: number | null = null;
  let deact = i.active ? 0 : 1;
  if (i.active && i.activeSetFull && i.activeSetCutoff !== null && i.activeSetCutoff > 0n) {
    margin = Number(((i.totalStake - i.activeSetCutoff) * 1_000_000n) / i.activeSetCutoff) / 1e6;
    deact = clamp(1 - margin / 0.5);
  }
  const components: RiskComponent[] = [
    { key: 'reliability', label: 'Reward-call reliability', value: i.reliability.callRatio, risk: i.reliability.callRatio === null ? 1 : clamp(1 - i.reliability.callRatio), weight: RISK_WEIGHTS.reliability, explain: `${i.reliability.missedRounds} of ${i.reliability.activeRounds} active rounds missed` },
    { key: 'missStreak', label: 'Longest missed-call streak', value: i.reliability.longestMissStreak, risk: clamp(i.reliability.longestMissStreak / 10), weight: RISK_WEIGHTS.missStreak, explain: `longest ${i.reliability.longestMissStreak}, current ${i.reliability.currentMissStreak} rounds` },
    { key: 'cutSpikes', label: 'Cut spikes', value: i.cuts.spikes.length, risk: clamp(i.cuts.spikes.length / 2), weight: RISK_WEIGHTS.cutSpikes, explain: `${i.cuts.changes} cut changes, ${i.cuts.spikes.length} raising a cut by 10 points or more` },
    { key: 'feeConcentration', label: 'Fee concentration by gateway (HHI)', value: i.feesByGateway.length ? feeHhi : null, risk: i.feesByGateway.length ? feeHhi : 0, weight: RISK_WEIGHTS.feeConcentration, explain: `${i.feesByGateway.length} paying gateways` },
    { key: 'selfStake', label: 'Self-stake share', value: selfShare, risk: clamp(1 - selfShare * 10), weight: RISK_WEIGHTS.selfStake, explain: 'own bonded stake / pool stake; 10% or more counts as fully aligned' },
    { key: 'stakeConcentration', label: 'Delegator stake concentration (HHI)', value: stakeHhi, risk: stakeHhi, weight: RISK_WEIGHTS.stakeConcentration, explain: `${i.delegatorStakes.length} delegators` },
    { key: 'age', label: 'Age', value: i.ageRounds, risk: i.ageRounds === null ? 1 : clamp(1 - i.ageRounds / 90), weight: RISK_WEIGHTS.age, explain: 'rounds since first seen; 90 or more counts as established' },
    { key: 'deactivation', label: 'Deactivation risk', value: margin, risk: deact, weight: RISK_WEIGHTS.deactivation, explain: i.active ? (margin === null ? 'active set not full' : `stake ${(margin * 100).toFixed(1)}% above the active-set cutoff`) : 'not in the active set' },
  ];
  const score = Math.round(100 * components.reduce((a, c) => a + c.weight * c.risk, 0) * 10) / 10;
  return { score, components };
}
