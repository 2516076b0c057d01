// Legacy stake-weighted polls (PollCreator era): votes are events; their weight is the voter's stake
// when the poll ends, with the same override rule as the governor: a delegator who votes takes its
// stake out of its orchestrator's vote.

const PERC_DIVISOR = 1_000_000n;

/** Poll choices as cast in `vote(choiceID)`. Other IDs are recorded but weigh nothing. */
export const POLL_YES = 0n;
export const POLL_NO = 1n;

/** What the tally needs to know of one voter at the poll's end. */
export interface PollVoterStake {
  /** The voter's delegate (null when not bonded). */
  delegate: string | null;
  /** Bonded stake including unclaimed rewards at the current round (LPT-wei). */
  pendingStake: bigint;
  /** The orchestrator's total delegated stake (LPT-wei) when the voter is a registered orchestrator delegated to itself; else null. */
  orchestratorStake: bigint | null;
}

export interface PollTally {
  /** Stake behind choice 0 (LPT-wei). */
  yes: bigint;
  /** Stake behind choice 1 (LPT-wei). */
  no: bigint;
  /** Voters whose last vote was yes or no. */
  voters: number;
  /** Per voter: the counted weight (LPT-wei) and the choice it went to. */
  weights: Map<string, { choice: bigint; weight: bigint }>;
  quorumMet: boolean;
  passed: boolean;
}

/**
 * Tallies a poll from each voter's last choice. An orchestrator counts its delegated stake minus the
 * pending stake of its delegators who voted themselves; a delegator counts its own pending stake.
 * Quorum: (yes + no) ≥ totalStake × quorum / 1e6; passes when quorum is met and yes ≥ (yes + no) ×
 * quota / 1e6 (quorum and quota in parts per 1e6, stakes in LPT-wei).
 */
export function tallyPoll(
  lastChoice: ReadonlyMap<string, bigint>,
  stakeOf: (voter: string) => PollVoterStake,
  totalStake: bigint,
  quorum: bigint,
  quota: bigint,
): PollTally {
  const stakes = new Map<string, PollVoterStake>();
  for (const v of lastChoice.keys()) stakes.set(v, stakeOf(v));
  // Stake of voting delegators, per orchestrator they are delegated to.
  const overridden = new Map<string, bigint>();
  for (const [v, st] of stakes) {
    if (st.orchestratorStake !== null || st.delegate === null || st.delegate === v) continue;
    overridden.set(st.delegate, (overridden.get(st.delegate) ?? 0n) + st.pendingStake);
  }
  let yes = 0n;
  let no = 0n;
  let voters = 0;
  const weights = new Map<string, { choice: bigint; weight: bigint }>();
  for (const [v, choice] of lastChoice) {
    const st = stakes.get(v)!;
    let weight = st.orchestratorStake !== null ? st.orchestratorStake - (overridden.get(v) ?? 0n) : st.pendingStake;
    if (weight < 0n) weight = 0n;
    if (choice !== POLL_YES && choice !== POLL_NO) {
      weights.set(v, { choice, weight: 0n });
      continue;
    }
    voters++;
    weights.set(v, { choice, weight });
    if (choice === POLL_YES) yes += weight;
    else no += weight;
  }
  const voted = yes + no;
  const quorumMet = voted * PERC_DIVISOR >= totalStake * quorum && voted > 0n;
  const passed = quorumMet && yes * PERC_DIVISOR >= voted * quota;
  return { yes, no, voters, weights, quorumMet, passed };
}
