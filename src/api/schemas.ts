import { z } from 'zod';
import { orchestratorYieldSchema } from './orchestratorYields.js';
import { MAX_CURSOR_LENGTH } from './cursor.js';
import { amountSchema, parseUnits, percSchema } from './format.js';

// ------------------------------------------------------------------ input pieces (query strings arrive as text)

export const addressParam = z
  .string({ error: 'required' })
  .regex(/^0x[0-9a-fA-F]{40}$/, { error: 'must be a 0x-prefixed 20-byte hex address (42 characters)' })
  .transform((s) => s.toLowerCase())
  .meta({ description: 'Ethereum address, 0x + 40 hex digits (any case)', example: '0xa2af49ed82f0c75e645d31b563ed3865049976a9' });

// Query values are text: only plain decimal digits are numbers here. Number() alone would also take "0x10",
// "1e2", " 7" and "" (as 0).
const DECIMAL = /^-?\d{1,20}(\.\d{1,20})?$/;
const INTEGER = /^-?\d{1,20}$/;

/** A whole number from query text, in [min, max]. */
export function intParam(min: number, max: number, description: string) {
  const msg = `must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: msg })
    .regex(INTEGER, { error: msg })
    .transform(Number)
    .pipe(z.number().int({ error: msg }).min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }))
    .meta({ description });
}

/** A plain decimal number from query text (e.g. 0.95, 12.5), in [min, max]; `error` says what is expected. */
export function decimalParam(min: number, max: number, error: string, description?: string) {
  const schema = z
    .string({ error })
    .regex(DECIMAL, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
  return description === undefined ? schema : schema.meta({ description });
}

export const limitParam = (def = 50, max = 500) => intParam(1, max, `page size (1–${max}, default ${def})`).default(def);

export const cursorParam = z
  .string()
  .max(MAX_CURSOR_LENGTH, { error: `must be at most ${MAX_CURSOR_LENGTH} characters` })
  .optional()
  .meta({ description: 'opaque cursor: page.nextCursor of the previous page' });

export const orderParam = z.enum(['asc', 'desc'], { error: 'must be "asc" or "desc"' });

export const boolParam = z
  .enum(['true', 'false'], { error: 'must be "true" or "false"' })
  .transform((v) => v === 'true');

const ROUND_MAX = 1_000_000_000;
const BLOCK_MAX = 1_000_000_000_000;
export const roundParam = (description: string) => intParam(0, ROUND_MAX, description).optional();
export const blockParam = (description: string) => intParam(0, BLOCK_MAX, description).optional();

/** Decimal token amount in LPT/ETH (e.g. "1000.5"), converted to wei. */
export const tokenAmountParam = (description: string) =>
  z
    .string()
    .regex(/^\d{1,40}(\.\d{1,18})?$/, { error: 'must be a decimal token amount such as 1000 or 0.5 (at most 18 decimals)' })
    .transform((s) => parseUnits(s))
    .meta({ description });

export const percentParam = (description: string) => decimalParam(0, 100, 'must be a percentage from 0 to 100', description);

// ------------------------------------------------------------------ output pieces

export const pageSchema = z
  .object({
    limit: z.number().int(),
    nextCursor: z.string().nullable().meta({ description: 'pass as ?cursor= for the next page; null on the last page' }),
  })
  .meta({ id: 'Page' });

export const listOf = <T extends z.ZodType>(item: T, id: string) => z.object({ data: z.array(item), page: pageSchema }).meta({ id });

const address = z.string().meta({ description: 'lower-case 0x address' });
const int = z.number().int();

/** USD at the time of a flow (its block) — decimal string with cents, truncated; null when no price was known then. */
export const usdAtTime = z.string().nullable().meta({ description: 'US dollars at the time it happened (cents, truncated); null when no price was known then' });
/** USD of a stock (balance, stake) at the latest indexed price. */
export const usdNow = z.string().nullable().meta({ description: 'US dollars at the latest known price (cents, truncated); null when no price is known' });

export const rewardCallsSchema = z
  .object({
    called: int.meta({ description: 'rounds in the window in which Reward was called' }),
    eligible: int.meta({ description: 'rounds in the window the orchestrator was active (the current round counts only once called)' }),
    ratio: z.number().nullable().meta({ description: 'called / eligible; null when not eligible in any round of the window' }),
  })
  .meta({ id: 'RewardCalls' });

export const roundSchema = z
  .object({
    round: int,
    startBlock: int,
    startTime: int.meta({ description: 'unix seconds of the initializeRound block' }),
    l1Block: int.nullable(),
    mintable: amountSchema,
    inflation: z.object({ ppb: z.string(), percentPerRound: z.number() }),
    totalActiveStake: amountSchema,
    totalSupply: amountSchema.meta({ description: 'L2 supply + L1 circulating supply' }),
    participation: z.number().nullable().meta({ description: 'totalActiveStake / totalSupply' }),
    activeOrchestrators: int,
    delegators: int.meta({ description: 'accounts with bonded stake > 0 at the end of the round' }),
    rewards: amountSchema.meta({ description: 'Reward.amount summed over the round (delegator + orchestrator part)' }),
    treasuryRewards: amountSchema,
    rewardCalls: int,
    fees: amountSchema.meta({ description: 'ETH paid by winning tickets in the round' }),
    winningTickets: int,
    treasuryBalance: amountSchema,
    treasuryRewardCutRate: z.string().meta({ description: 'per 1e27' }),
    usd: z
      .object({ mintable: usdAtTime, rewards: usdAtTime, treasuryRewards: usdAtTime, fees: usdAtTime, totalActiveStake: usdAtTime, treasuryBalance: usdAtTime })
      .meta({ description: "the round's amounts in USD at the round's start block" }),
  })
  .meta({ id: 'Round' });

export const networkSchema = z
  .object({
    currentRound: z
      .object({
        round: int,
        startBlock: int,
        startTime: int,
        progress: z
          .object({
            fraction: z.number().meta({ description: '0–1 share of the round elapsed' }),
            basis: z.enum(['l1-blocks', 'time-estimate']).meta({
              description: 'l1-blocks: from the L1 block clock and roundLength; time-estimate: elapsed chain time over the median length of recent rounds',
            }),
            estimatedEndTime: int.nullable(),
          })
          .nullable(),
        mintable: amountSchema,
        rewardsCalled: amountSchema.meta({ description: 'rewards + treasury rewards minted so far this round' }),
        rewardsCalledShare: z.number().nullable().meta({ description: 'rewardsCalled / mintable' }),
        rewardCalls: int,
        fees: amountSchema,
        winningTickets: int,
      })
      .nullable(),
    usd: z
      .object({
        currentRoundMintable: usdAtTime.meta({ description: 'at the current round start' }),
        currentRoundRewardsCalled: usdAtTime.meta({ description: 'at the current round start' }),
        currentRoundFees: usdAtTime.meta({ description: 'at the current round start' }),
        totalActiveStake: usdNow,
        totalSupply: usdNow,
        treasuryBalance: usdNow,
        ethUsd: z.string().nullable().meta({ description: 'latest ETH/USD price, exact decimal (at most 8 fractional digits, the feed precision)' }),
        lptUsd: usdNow.meta({ description: 'latest price of one LPT in USD' }),
      })
      .meta({ description: 'USD figures: flows of the current round at its start, stocks at the latest price' }),
    participation: z.object({ ratio: z.number().nullable(), totalActiveStake: amountSchema, totalSupply: amountSchema }).nullable(),
    inflation: z.object({ ppb: z.string(), percentPerRound: z.number() }).nullable(),
    activeOrchestrators: int,
    registeredOrchestrators: int,
    delegators: int,
    treasury: z.object({ balance: amountSchema, rewardCutRate: z.string() }).nullable(),
    totals: z.object({ fees: amountSchema, rewards: amountSchema, treasuryRewards: amountSchema, winningTickets: int, rounds: int }),
    chainTime: int.meta({ description: 'time of the newest indexed event (unix s); windows are measured from it' }),
    indexedBlock: int.nullable(),
  })
  .meta({ id: 'Network' });

export const feeBucketSchema = z
  .object({
    start: int.meta({ description: 'bucket start, unix s (UTC midnight; weeks start Monday)' }),
    date: z.string(),
    fees: amountSchema,
    feesUsd: z.string().nullable().meta({ description: 'the fees in USD (2 decimals, rounded down), each block valued at the ETH/USD price in effect then; null when a block precedes every known price' }),
    winningTickets: int,
  })
  .meta({ id: 'FeeBucket' });

export const orchestratorSchema = z
  .object({
    address,
    serviceUri: z.string().nullable(),
    aiServiceUri: z.string().nullable(),
    active: z.boolean(),
    activationRound: int,
    deactivationRound: int.nullable().meta({ description: 'null when no deactivation is scheduled' }),
    lastRewardRound: int,
    totalStake: amountSchema,
    rewardCut: percSchema.meta({ description: 'share of rewards the orchestrator keeps' }),
    feeShare: percSchema.meta({ description: 'share of fees paid to delegators' }),
    feeCut: percSchema.meta({ description: '1 − feeShare: share of fees the orchestrator keeps' }),
    fees30d: amountSchema.meta({ description: 'earnings_pool fees of rounds initialized in the last 30 days of chain time' }),
    fees90d: amountSchema,
    feesTotal: amountSchema,
    rewardCalls30: rewardCallsSchema.meta({ description: 'over the last 30 initialized rounds' }),
    rewardCalls90: rewardCallsSchema.meta({ description: 'over the last 90 initialized rounds' }),
    firstSeenRound: int.nullable(),
    ageRounds: int.nullable(),
    delegators: int.meta({ description: 'accounts bonded to it with stake > 0 (including itself)' }),
    rewardCaller: z.string().nullable(),
    usd: z.object({ totalStake: usdNow, fees30d: usdAtTime, fees90d: usdAtTime, feesTotal: usdAtTime }).meta({
      description: 'stake at the latest price; fees as the sum of each round\'s pool fees at that round\'s start (null when any round precedes every price)',
    }),
    yield: orchestratorYieldSchema.nullable().meta({ description: 'realized trailing-30-day reward and fee yield, annualized; null before any round is indexed' }),
  })
  .meta({ id: 'Orchestrator' });

export const poolSchema = z
  .object({
    round: int,
    time: int.nullable(),
    totalStake: amountSchema,
    rewardCut: percSchema,
    feeShare: percSchema,
    rewards: amountSchema,
    treasuryRewards: amountSchema,
    fees: amountSchema,
    rewardCalled: z.boolean(),
    cumulativeRewardFactor: z.string().meta({ description: 'per 1e27' }),
    cumulativeFeeFactor: z.string().meta({ description: 'per 1e27' }),
    usd: z.object({ totalStake: usdAtTime, rewards: usdAtTime, treasuryRewards: usdAtTime, fees: usdAtTime }).meta({ description: "at the round's start" }),
  })
  .meta({ id: 'Pool' });

export const eventSchema = z
  .object({
    id: z.string().meta({ description: '<block>-<logIndex>' }),
    blockNumber: int,
    logIndex: int,
    txHash: z.string(),
    time: int,
    round: int.nullable(),
    contract: z.string(),
    name: z.string(),
    addresses: z.array(address).meta({ description: 'principal addresses of the event (delegator/delegate, sender/recipient…)' }),
    amount: z.string().nullable().meta({ description: 'principal amount in base units (LPT-wei or ETH-wei depending on the event)' }),
    amountUnit: z.enum(['LPT', 'ETH']).nullable().meta({ description: 'unit of `amount` when it is a value transfer, else null' }),
    amountUsd: usdAtTime.meta({ description: '`amount` in USD at the event\'s block; null when not a value transfer, unpriced, or not valued by this endpoint' }),
    args: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Event' });

export const cutChangeSchema = z
  .object({ round: int.nullable(), blockNumber: int, time: int, txHash: z.string(), rewardCut: percSchema, feeShare: percSchema })
  .meta({ id: 'CutChange' });

export const delegatorRowSchema = z
  .object({ address, bondedAmount: amountSchema, fees: amountSchema, startRound: int, lastClaimRound: int })
  .meta({ id: 'DelegatorRow' });

export const orchestratorDetailSchema = z
  .object({
    orchestrator: orchestratorSchema,
    history: z.array(poolSchema).meta({ description: 'earnings pool per round, oldest first' }),
    cutChanges: z.array(cutChangeSchema).meta({ description: 'TranscoderUpdate events, newest first' }),
    delegators: z.object({ total: int, top: z.array(delegatorRowSchema) }),
  })
  .meta({ id: 'OrchestratorDetail' });

export const unbondingLockSchema = z
  .object({ id: int, amount: amountSchema, withdrawRound: int, withdrawable: z.boolean(), roundsLeft: int })
  .meta({ id: 'UnbondingLock' });

export const accountSchema = z
  .object({
    address,
    delegate: address.nullable(),
    isOrchestrator: z.boolean(),
    bondedAmount: amountSchema.meta({ description: 'bonded stake as of the last claim' }),
    pendingStake: amountSchema.meta({ description: 'bonded + unclaimed rewards through the current round' }),
    unclaimedRewards: amountSchema,
    pendingFees: amountSchema.meta({ description: 'withdrawable + unclaimed fees through the current round' }),
    withdrawableFees: amountSchema,
    delegatedAmount: amountSchema,
    startRound: int,
    lastClaimRound: int,
    currentRound: int,
    unbondingLocks: z.array(unbondingLockSchema),
    unbonding: amountSchema.meta({ description: 'sum of open unbonding locks' }),
    usd: z
      .object({ bondedAmount: usdNow, pendingStake: usdNow, unclaimedRewards: usdNow, pendingFees: usdNow, withdrawableFees: usdNow, delegatedAmount: usdNow, unbonding: usdNow })
      .meta({ description: 'balances at the latest price; history events carry amountUsd at their block' }),
    history: listOf(eventSchema, 'EventList'),
  })
  .meta({ id: 'Account' });

export const voteSchema = z
  .object({
    voter: address,
    support: z.enum(['against', 'for', 'abstain']),
    weight: amountSchema,
    reason: z.string(),
    delegate: address.nullable(),
    blockNumber: int,
  })
  .meta({ id: 'Vote' });

export const proposalSchema = z
  .object({
    id: z.string().meta({ description: 'Governor proposal id (decimal)' }),
    title: z.string(),
    description: z.string(),
    proposer: address,
    status: z.enum(['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed']),
    voteStart: int,
    voteEnd: int,
    createdRound: int.nullable(),
    createdBlock: int,
    createdTime: int.nullable(),
    votes: z.object({ for: amountSchema, against: amountSchema, abstain: amountSchema, total: amountSchema }),
    quorum: amountSchema,
    quorumReached: z.boolean(),
    voters: int,
    targets: z.array(z.string()),
    values: z.array(z.string()),
    calldatas: z.array(z.string()),
  })
  .meta({ id: 'Proposal' });

export const proposalDetailSchema = z
  .object({ proposal: proposalSchema, votes: z.array(voteSchema) })
  .meta({ id: 'ProposalDetail' });

/** Path parameter of routes keyed by an account address. */
export const addressPath = z.strictObject({ address: addressParam });

