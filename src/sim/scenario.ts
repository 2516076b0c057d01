import { z } from 'zod';
import type { ProtocolParams } from './deploy.js';

/** Knobs of a simulated network; validated at the boundary (CLI flags, env, tests). */
export const scenarioSchema = z.object({
  seed: z.union([z.number().int(), z.string().min(1)]).default(42),
  rounds: z.number().int().min(1).max(100_000).default(30),
  orchestrators: z.number().int().min(2).max(2_000).default(120),
  delegators: z.number().int().min(0).max(500_000).default(1500),
  gateways: z.number().int().min(1).max(500).default(12),
  ticketsPerRound: z.number().int().min(0).max(1_000_000).default(120),
  /** Round length in blocks (RoundsManager.roundLength): the round clock counts blocks, one per slot of the agents' plan. */
  blocksPerRound: z.number().int().min(6).max(256).default(8),
  /** Protocol round of the genesis round (3606 is mid-2025 on Arbitrum One); the chain starts a round earlier. */
  firstRound: z.number().int().min(2).max(10_000_000).default(3606),
  /** Share of delegators that act in a given round. */
  delegatorActivity: z.number().min(0).max(1).default(0.03),
  /** Rounds between governance proposals; 0 disables governance. */
  proposalEvery: z.number().int().min(0).max(10_000).default(6),
  /** Rounds (counted from the first simulated round, 1-based) at whose end a ground-truth snapshot is taken. */
  snapshotRounds: z.array(z.number().int().min(1)).default([]),
  /** Unix seconds of the first block. */
  startTime: z.number().int().default(1_748_736_000),
  /** Transactions per JSON-RPC request while mining (a block holds every transaction of its slot). */
  rpcBatchSize: z.number().int().min(1).max(5_000).default(500),
  /** Keep only recent states in the node (bounded memory for very long runs; no historical eth_call). */
  pruneHistory: z.boolean().default(false),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

export const presets = {
  /** The default demo: a realistic network whose 35 rounds (31 days) fill the 30-day windows. */
  demo: { rounds: 35, orchestrators: 120, delegators: 1500, gateways: 12, ticketsPerRound: 120 },
  /** Small and quick for tests, still with a full active set of 100. */
  test: { rounds: 14, orchestrators: 110, delegators: 300, gateways: 6, ticketsPerRound: 40, blocksPerRound: 6, delegatorActivity: 0.08, proposalEvery: 3 },
  /** At least as many logs as real Livepeer history on Arbitrum (≥ 1,000,000). */
  large: { rounds: 300, orchestrators: 150, delegators: 3000, gateways: 30, ticketsPerRound: 1500, delegatorActivity: 0.05, blocksPerRound: 6, rpcBatchSize: 1000, pruneHistory: true },
} satisfies Record<string, ScenarioInput>;

export type PresetName = keyof typeof presets;

export function resolveScenario(input: ScenarioInput & { preset?: PresetName }): Scenario {
  const { preset, ...rest } = input;
  return scenarioSchema.parse({ ...(preset ? presets[preset] : {}), ...rest });
}

const LPT = 10n ** 18n;

/**
 * Protocol parameters calibrated to the network in late 2025, on a round of `roundLength` blocks. The last block of
 * a round is its lock period (parameter changes refused), as the last tenth of a 5760-block round is on mainnet.
 */
export function defaultProtocolParams(roundLength = 8): ProtocolParams {
  return {
    roundLength,
    roundLockAmount: BigInt(Math.ceil(1_000_000 / roundLength)),
    unbondingPeriod: 7,
    numActiveTranscoders: 100,
    inflation: 600_000n,
    inflationChange: 500n,
    targetBondingRate: 500_000_000n,
    treasuryRewardCutRate: 10n ** 26n,
    treasuryBalanceCeiling: 750_000n * LPT,
    l1CirculatingSupply: 0n, // set by the population so global supply lands near 51.4M LPT
    ticketUnlockPeriod: 2,
    ticketValidityPeriod: 2,
    votingDelay: 1,
    votingPeriod: 3,
    proposalThreshold: 100n * LPT,
    quorum: 333_300n,
    quota: 500_000n,
    timelockDelay: 0,
    pollPeriod: 2 * roundLength,
  };
}
