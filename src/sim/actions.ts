import type { Address } from 'viem';

/** What a simulator transaction stands for; tests and the expectation model read it back. */
export type Action =
  | { kind: 'setup'; what: string }
  | { kind: 'clock' }
  | { kind: 'initializeRound' }
  | { kind: 'reward'; orchestrator: Address }
  | { kind: 'ticket'; gateway: Address; orchestrator: Address; faceValue: bigint; capability: number; creationRound: number }
  | { kind: 'tickets'; orchestrator: Address; tickets: { gateway: Address; faceValue: bigint; capability: number; creationRound: number }[] }
  | { kind: 'bond'; delegator: Address; to: Address; amount: bigint }
  | { kind: 'unbond'; delegator: Address; amount: bigint }
  | { kind: 'rebond'; delegator: Address; lockId: bigint; to: Address | null }
  | { kind: 'transferBond'; delegator: Address; receiver: Address; amount: bigint }
  | { kind: 'withdrawStake'; delegator: Address; lockId: bigint }
  | { kind: 'withdrawFees'; delegator: Address; amount: bigint }
  | { kind: 'claim'; delegator: Address }
  | { kind: 'cut'; orchestrator: Address; rewardCut: bigint; feeShare: bigint }
  | { kind: 'serviceUri'; orchestrator: Address; uri: string }
  | { kind: 'gateway'; gateway: Address; what: 'fund' | 'reserve' | 'unlock' | 'withdraw' | 'cancelUnlock' }
  | { kind: 'bridge'; to: Address; amount: bigint }
  | { kind: 'governance'; what: 'propose' | 'vote' | 'queue' | 'execute'; proposal: number; voter?: Address; support?: number; effect?: ProposalEffect }
  | { kind: 'poll'; what: 'create' | 'vote'; poll: number; voter?: Address; choice?: number };

/** What an executed proposal changes. */
export type ProposalEffect = { grant: { to: Address; amount: bigint } } | { treasuryRewardCutRate: bigint };

/** Where the simulation stands when a batch is mined: the round and the block's slot within it. */
export interface RoundContext {
  round: number;
  blockInRound: number;
}
