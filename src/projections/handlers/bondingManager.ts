import { decodeFunctionData, parseAbi, type Hex } from 'viem';
import type { DecodedEvent } from '../../chain/decode.js';
import { inferTreasuryRewardCutRate, rewardTokens, splitReward, type LedgerEvent } from '../../protocol/index.js';
import type { HandlerContext, ProjectionState } from '../state.js';

/**
 * BondingManager events are replayed as the operations that emitted them: each operation ends in an anchor
 * event (Bond, Unbond, Reward, …), possibly preceded by EarningsClaimed, TranscoderActivated/Deactivated or
 * TreasuryReward. The handler of an anchor replays the operation through the protocol mirror and returns the
 * events the mirror predicts; the projector compares them with the chain's.
 */
export interface OperationContext extends HandlerContext {
  /** The round the operation runs in (the last initialized round). */
  round: bigint;
  /** The transaction's BondingManager events from the operation's first event on; the anchor is at `anchorAt`. */
  events: DecodedEvent[];
  anchorAt: number;
  /** Set by a handler whose operation emits events after its anchor: how many of `events` it accounts for. */
  spans?: number;
}

/** Replays the operation an anchor event closes and returns the events the mirror predicts for it. */
export type OperationHandler = (s: ProjectionState, anchor: DecodedEvent, ctx: OperationContext) => LedgerEvent[];

// Owner-only BondingManager setters; when governance executes one, its calldata carries the value.
const bondingSetters = parseAbi([
  'function setTreasuryRewardCutRate(uint256 value)',
  'function setTreasuryBalanceCeiling(uint256 value)',
  'function setUnbondingPeriod(uint64 value)',
  'function setNumActiveTranscoders(uint256 value)',
]);
const setterParam: Record<string, string> = {
  setTreasuryRewardCutRate: 'nextRoundTreasuryRewardCutRate',
  setTreasuryBalanceCeiling: 'treasuryBalanceCeiling',
  setUnbondingPeriod: 'unbondingPeriod',
  setNumActiveTranscoders: 'numActiveTranscoders',
};

/** The value a timelock call executed in this transaction set `param` of the BondingManager at `address` to. */
function executedSetterValue(tx: DecodedEvent[], address: string, param: string): bigint | undefined {
  for (const e of tx) {
    if (e.contract !== 'Treasury' || e.name !== 'CallExecuted' || String(e.args.target).toLowerCase() !== address) continue;
    try {
      const call = decodeFunctionData({ abi: bondingSetters, data: e.args.data as Hex });
      if (setterParam[call.functionName] === param) return BigInt(call.args[0] as bigint | number);
    } catch {
      // not one of the setters: the value comes from an eth_call at the block instead
    }
  }
  return undefined;
}

/** reward(): the chain's minted amount is checked against the Minter math, then replayed and booked on the pool and round. */
const reward: OperationHandler = (s, anchor, { round: R, events, anchorAt }) => {
  const t = anchor.args.transcoder as string;
  const observedTreasury = (events.slice(0, anchorAt).find((e) => e.name === 'TreasuryReward')?.args.amount as bigint | undefined) ?? 0n;
  const observed = (anchor.args.amount as bigint) + observedTreasury;
  // The mirror computes what the Minter should have minted; the chain's figure is kept either way.
  const tr = s.ledger.getTranscoder(t);
  const poolStake = tr.lastActiveStakeUpdateRound < R ? s.ledger.getEarningsPool(t, tr.lastActiveStakeUpdateRound).totalStake : s.ledger.getEarningsPool(t, R).totalStake;
  const expected = rewardTokens(s.extra.lastMintable, poolStake, s.ledger.globals().currentRoundTotalActiveStake);
  s.changes.predictionsChecked++;
  if (expected !== observed) s.diverge(anchor, 'reward minted', expected.toString(), observed.toString());
  if (s.extra.treasuryRateUnknown && splitReward(observed, s.ledger.treasuryRewardCutRateInForce(), 0n).treasury !== observedTreasury) {
    const inferred = inferTreasuryRewardCutRate(observed, observedTreasury);
    if (inferred !== null) s.ledger.adoptTreasuryRewardCutRate(inferred);
  }
  const predicted = s.ledger.reward({ round: R, transcoder: t, treasuryBalance: s.extra.treasuryBalance, totalRewardTokens: observed });
  const split = splitReward(observed, s.ledger.treasuryRewardCutRateInForce(), 0n);
  const pay = s.payment(t, R);
  pay.rewards += split.transcoderRewards;
  pay.treasury_rewards += split.treasury;
  const round = s.touchRound(R);
  if (round) {
    round.rewards += split.transcoderRewards;
    round.treasury_rewards += split.treasury;
    round.reward_calls += 1;
  }
  return predicted;
};

/** ParameterUpdate: the value from the executed timelock call, else read at the block; owner setters replay on the mirror. */
const parameter: OperationHandler = (s, e, { tx }) => {
  const param = String(e.args.param);
  const value = executedSetterValue(tx, e.address.toLowerCase(), param) ?? s.params(e.blockNumber, 'BondingManager', param);
  s.changes.params.push({ block_number: e.blockNumber, log_index: e.logIndex, contract: 'BondingManager', param, value: value?.toString() ?? null });
  const plain: LedgerEvent[] = [{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param } }];
  if (value === undefined) {
    s.diverge(e, `parameter ${param}`, 'a value read at this block', 'unavailable');
    if (param === 'nextRoundTreasuryRewardCutRate' || param === 'treasuryBalanceCeiling') s.extra.treasuryRateUnknown = true;
    return plain;
  }
  switch (param) {
    case 'nextRoundTreasuryRewardCutRate':
      return s.ledger.setTreasuryRewardCutRate(value);
    case 'treasuryBalanceCeiling':
      return s.ledger.setTreasuryBalanceCeiling(value);
    case 'unbondingPeriod':
      return s.ledger.setUnbondingPeriod(value);
    case 'numActiveTranscoders':
      return s.ledger.setNumActiveTranscoders(value);
    default:
      return plain;
  }
};

/** Operation replays by anchor event. */
export const bondingOperations: Readonly<Record<string, OperationHandler>> = {
  // Before v4 bondFor claimed the caller's earnings, not the owner's: the claim the chain emitted names the caller.
  Bond: (s, a, { round, events, anchorAt }) => {
    const delegator = a.args.delegator as string;
    const claim = s.ledger.bondingManagerVersion() < 4 ? events.slice(0, anchorAt).find((e) => e.name === 'EarningsClaimed') : undefined;
    const caller = (claim?.args.delegator as string | undefined) ?? delegator;
    return s.ledger.bond({ round, delegator, amount: a.args.additionalAmount as bigint, to: a.args.newDelegate as string, caller });
  },
  // transferBond emits Unbond, TransferBond, (EarningsClaimed of the receiver,) Rebond.
  Unbond: (s, a, ctx) => {
    const { round, events, anchorAt } = ctx;
    const next = events[anchorAt + 1];
    if (next?.name !== 'TransferBond' || next.args.oldDelegator !== a.args.delegator) {
      return s.ledger.unbond({ round, delegator: a.args.delegator as string, amount: a.args.amount as bigint });
    }
    const rebond = events.findIndex((x, idx) => idx > anchorAt + 1 && x.name === 'Rebond');
    ctx.spans = rebond >= 0 ? rebond + 1 : anchorAt + 2;
    return s.ledger.transferBond({ round, delegator: a.args.delegator as string, receiver: next.args.newDelegator as string, amount: next.args.amount as bigint });
  },
  Rebond: (s, a, { round }) => {
    const d = a.args.delegator as string;
    const lock = a.args.unbondingLockId as bigint;
    return s.ledger.delegatorStatus(d, round) === 'Unbonded'
      ? s.ledger.rebondFromUnbonded({ round, delegator: d, to: a.args.delegate as string, unbondingLockId: lock })
      : s.ledger.rebond({ round, delegator: d, unbondingLockId: lock });
  },
  WithdrawStake: (s, a, { round }) => s.ledger.withdrawStake({ round, delegator: a.args.delegator as string, unbondingLockId: a.args.unbondingLockId as bigint }),
  WithdrawFees: (s, a, { round }) => s.ledger.withdrawFees({ round, delegator: a.args.delegator as string, recipient: a.args.recipient as string, amount: a.args.amount as bigint }),
  Reward: reward,
  TranscoderUpdate: (s, a, { round, block }) => {
    const predicted = s.ledger.transcoder({ round, transcoder: a.args.transcoder as string, rewardCut: a.args.rewardCut as bigint, feeShare: a.args.feeShare as bigint });
    s.orchestrator(a.args.transcoder as string, block);
    return predicted;
  },
  RewardCallerSet: (s, a, { block }) => {
    s.orchestrator(a.args.transcoder as string, block).reward_caller = a.args.rewardCaller as string;
    return [{ contract: 'BondingManager', name: 'RewardCallerSet', args: {} } as unknown as LedgerEvent];
  },
  ParameterUpdate: parameter,
};
