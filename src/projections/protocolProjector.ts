import { decodeFunctionData, keccak256, parseAbi, toBytes, type Hex } from 'viem';
import type { DecodedEvent } from '../chain/decode.js';
import {
  BondingLedger,
  MAX_FUTURE_ROUND,
  ProposalTally,
  ProtocolRevertError,
  rewardTokens,
  inferTreasuryRewardCutRate,
  splitReward,
  tallyPoll,
  type LedgerConfig,
  type LedgerEvent,
} from '../protocol/index.js';
import type {
  ChainEventRow,
  ContractInfoRow,
  DelegateChangeRow,
  DivergenceRow,
  GatewayRow,
  OrchestratorRow,
  ParamChangeRow,
  PollTallyRow,
  PoolPaymentRow,
  ProposalRow,
  RoundRow,
  TreasuryBalanceRow,
  TreasuryCallRow,
  VoteRow,
  WinningTicketRow,
} from './rows.js';

/** What the projection knows about a block besides its logs. */
export interface BlockContext {
  number: number;
  timestamp: number;
  l1Block: number | null;
}

/** Values read from the chain for events that carry only a name (ParameterUpdate), per block. */
export type ParamLookup = (blockNumber: number, contract: string, param: string) => bigint | undefined;

/** Scalars of the projection beyond the BondingManager mirror; persisted as JSON. */
export interface ExtraState {
  treasury: string;
  treasuryBalance: bigint;
  l2Supply: bigint;
  l1Supply: bigint | null;
  lastRound: bigint;
  lastMintable: bigint;
  lastInflation: bigint;
  /**
   * Set when the node could not serve a treasury parameter (cut rate or balance ceiling) at its block: the
   * cut rate is then taken from what reward calls were observed to pay the treasury.
   */
  treasuryRateUnknown?: boolean;
  /** Legacy polls not yet past their end, with each voter's last choice (absent in state saved before polls were indexed). */
  polls?: OpenPoll[];
}

/** A legacy poll still open: its end (L1 block), thresholds (parts per 1e6) and last choice per voter. */
export interface OpenPoll {
  address: string;
  endBlock: bigint;
  quorum: bigint;
  quota: bigint;
  votes: Record<string, bigint>;
}

const ZERO = '0x0000000000000000000000000000000000000000';
const KNOWN_CONTRACT_NAMES = [
  'Controller', 'LivepeerToken', 'BondingManager', 'TicketBroker', 'RoundsManager', 'Minter', 'ServiceRegistry',
  'AIServiceRegistry', 'BondingVotes', 'Treasury', 'LivepeerGovernor', 'L2Migrator', 'L2LPTDataCache', 'PollCreator',
  'BondingManagerTarget', 'TicketBrokerTarget', 'RoundsManagerTarget', 'MinterTarget', 'BondingVotesTarget', 'LivepeerGovernorTarget',
];
const contractNameById = new Map(KNOWN_CONTRACT_NAMES.map((n) => [keccak256(toBytes(n)), n]));

// Which args of an event are its principal addresses and amount (for filtering chain_event).
const principal: Record<string, [string | null, string | null, string | null]> = {
  TranscoderUpdate: ['transcoder', null, null],
  TranscoderActivated: ['transcoder', null, null],
  TranscoderDeactivated: ['transcoder', null, null],
  TranscoderSlashed: ['transcoder', 'finder', 'penalty'],
  Reward: ['transcoder', null, 'amount'],
  TreasuryReward: ['transcoder', 'treasury', 'amount'],
  Bond: ['delegator', 'newDelegate', 'additionalAmount'],
  Unbond: ['delegator', 'delegate', 'amount'],
  Rebond: ['delegator', 'delegate', 'amount'],
  TransferBond: ['oldDelegator', 'newDelegator', 'amount'],
  WithdrawStake: ['delegator', null, 'amount'],
  WithdrawFees: ['delegator', 'recipient', 'amount'],
  EarningsClaimed: ['delegator', 'delegate', 'rewards'],
  RewardCallerSet: ['transcoder', 'rewardCaller', null],
  DepositFunded: ['sender', null, 'amount'],
  WinningTicketRedeemed: ['sender', 'recipient', 'faceValue'],
  WinningTicketTransfer: ['sender', 'recipient', 'amount'],
  Unlock: ['sender', null, null],
  UnlockCancelled: ['sender', null, null],
  Withdrawal: ['sender', null, 'deposit'],
  ReserveFunded: ['reserveHolder', null, 'amount'],
  ReserveClaimed: ['reserveHolder', 'claimant', 'amount'],
  ServiceURIUpdate: ['addr', null, null],
  Transfer: ['from', 'to', 'value'],
  Approval: ['owner', 'spender', 'value'],
  Mint: ['to', null, 'amount'],
  Burn: ['burner', null, 'amount'],
  DelegateChanged: ['delegator', 'toDelegate', null],
  DelegateVotesChanged: ['delegate', null, 'newBalance'],
  DelegatorBondedAmountChanged: ['delegate', null, 'newBondedAmount'],
  VoteCast: ['voter', null, 'weight'],
  VoteCastWithParams: ['voter', null, 'weight'],
  ProposalCreated: ['proposer', null, null],
  SetCurrentRewardTokens: [null, null, 'currentMintableTokens'],
  CallScheduled: ['target', null, 'value'],
  CallExecuted: ['target', null, 'value'],
  PollCreated: ['poll', null, null],
  Vote: ['voter', null, null],
};

/** Row changes produced by one batch, written by the persistence layer in one transaction. */
export class ProjectionChanges {
  events: ChainEventRow[] = [];
  rounds = new Map<bigint, RoundRow>();
  orchestrators = new Map<string, OrchestratorRow>();
  gateways = new Map<string, GatewayRow>();
  poolPayments = new Map<string, PoolPaymentRow>();
  tickets: WinningTicketRow[] = [];
  params: ParamChangeRow[] = [];
  contracts: ContractInfoRow[] = [];
  delegateChanges: DelegateChangeRow[] = [];
  proposals = new Map<string, ProposalRow>();
  votes: VoteRow[] = [];
  treasuryCalls = new Map<string, TreasuryCallRow>();
  treasuryBalances: TreasuryBalanceRow[] = [];
  divergences: DivergenceRow[] = [];
  pollTallies: PollTallyRow[] = [];
  predictionsChecked = 0;
}

/** Loaded mutable rows the projection needs in memory (from the database at start or after a rollback). */
export interface ProjectorSeed {
  extra: ExtraState;
  rounds: Map<bigint, RoundRow>;
  orchestrators: Map<string, OrchestratorRow>;
  gateways: Map<string, GatewayRow>;
  poolPayments: Map<string, PoolPaymentRow>;
  proposals: Map<string, ProposalRow>;
  votes: VoteRow[];
  treasuryCalls: Map<string, TreasuryCallRow>;
  delegateHistory: DelegateChangeRow[];
}

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

/** Values of BondingManager parameters set by timelock calls executed in this transaction. */
function executedSetterValues(tx: DecodedEvent[], bondingManager: string | undefined): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const e of tx) {
    if (e.contract !== 'Treasury' || e.name !== 'CallExecuted' || String(e.args.target).toLowerCase() !== bondingManager) continue;
    try {
      const call = decodeFunctionData({ abi: bondingSetters, data: e.args.data as Hex });
      const param = setterParam[call.functionName];
      if (param) out.set(param, BigInt(call.args[0] as bigint | number));
    } catch {
      // not one of the setters: the value comes from an eth_call at the block instead
    }
  }
  return out;
}

const BM_PREFIX = new Set(['EarningsClaimed', 'TranscoderActivated', 'TranscoderDeactivated', 'TreasuryReward']);

/**
 * Turns decoded protocol events into state: the BondingManager mirror (src/protocol) replays each
 * operation and must predict the events the chain emitted; everything else is tracked directly.
 */
export class ProtocolProjector {
  ledger: BondingLedger;
  extra: ExtraState;
  private rounds: Map<bigint, RoundRow>;
  private orchestrators: Map<string, OrchestratorRow>;
  private gateways: Map<string, GatewayRow>;
  private poolPayments: Map<string, PoolPaymentRow>;
  private proposals: Map<string, ProposalRow>;
  private tallies = new Map<string, ProposalTally>();
  private treasuryCalls: Map<string, TreasuryCallRow>;
  private delegateHistory = new Map<string, { startRound: bigint; delegate: string }[]>();
  private changes = new ProjectionChanges();
  /** Ledger entities written, with the block of their last change (so rows do not depend on batching). */
  readonly dirtyAt = { delegators: new Map<string, number>(), transcoders: new Map<string, number>(), pools: new Map<string, [string, bigint]>() };
  private pendingTicketPaid = new Map<string, bigint>();
  private executedValues = new Map<string, bigint>();
  private lastTicketPaid = 0n;

  constructor(
    ledger: BondingLedger,
    seed: ProjectorSeed,
    private readonly params: ParamLookup,
  ) {
    this.ledger = ledger;
    this.extra = { ...seed.extra };
    this.rounds = seed.rounds;
    this.orchestrators = seed.orchestrators;
    this.gateways = seed.gateways;
    this.poolPayments = seed.poolPayments;
    this.proposals = seed.proposals;
    this.treasuryCalls = seed.treasuryCalls;
    for (const v of seed.votes) this.tallyOf(v.proposal_id).castVote({ voter: v.voter, delegate: v.delegate ?? v.voter, support: v.support, weight: v.weight });
    for (const d of seed.delegateHistory) this.pushDelegate(d.account, d.start_round, d.to_delegate);
  }

  static emptyExtra(treasury: string): ExtraState {
    return { treasury: treasury.toLowerCase(), treasuryBalance: 0n, l2Supply: 0n, l1Supply: null, lastRound: 0n, lastMintable: 0n, lastInflation: 0n };
  }

  static ledgerConfig(treasury: string): LedgerConfig {
    return { numActiveTranscoders: 100n, treasury: treasury.toLowerCase() };
  }

  /** Hand over the changes accumulated since the last call. */
  takeChanges(): ProjectionChanges {
    const c = this.changes;
    this.changes = new ProjectionChanges();
    return c;
  }

  /** Hand over the ledger entities written since the last call, with the block of their last change. */
  takeDirty(): { delegators: Map<string, number>; transcoders: Map<string, number>; pools: Map<string, [string, bigint]> } {
    const d = { delegators: new Map(this.dirtyAt.delegators), transcoders: new Map(this.dirtyAt.transcoders), pools: new Map(this.dirtyAt.pools) };
    this.dirtyAt.delegators.clear();
    this.dirtyAt.transcoders.clear();
    this.dirtyAt.pools.clear();
    return d;
  }

  /** Apply one batch of decoded events (sorted by block and log index). */
  apply(events: DecodedEvent[], blocks: Map<number, BlockContext>): void {
    let i = 0;
    while (i < events.length) {
      let j = i + 1;
      while (j < events.length && events[j]!.txHash === events[i]!.txHash && events[j]!.blockNumber === events[i]!.blockNumber) j++;
      const tx = events.slice(i, j);
      const block = blocks.get(tx[0]!.blockNumber) ?? { number: tx[0]!.blockNumber, timestamp: 0, l1Block: null };
      this.applyTx(tx, block);
      const d = this.ledger.drainChanges();
      for (const a of d.delegators) this.dirtyAt.delegators.set(a, block.number);
      for (const a of d.transcoders) this.dirtyAt.transcoders.set(a, block.number);
      for (const [t, r] of d.pools) this.dirtyAt.pools.set(`${t}|${r}`, [t, r]);
      i = j;
    }
  }

  // ---------------------------------------------------------------- per transaction

  private applyTx(tx: DecodedEvent[], block: BlockContext): void {
    // Before anything of this block: polls whose end lies behind it are weighed on the stake as it stands.
    if (block.l1Block !== null && this.extra.polls?.some((p) => BigInt(block.l1Block!) > p.endBlock)) this.closePolls(block);
    for (const e of tx) this.recordEvent(e, block);
    const newRound = tx.find((e) => e.contract === 'RoundsManager' && e.name === 'NewRound');
    const bm = tx.filter((e) => e.contract === 'BondingManager');
    let k = 0;
    if (newRound) k = this.initializeRound(tx, newRound, bm, block);
    this.executedValues = executedSetterValues(tx, bm[0]?.address);
    this.applyBondingOps(bm.slice(k), block);
    for (const e of tx) {
      if (e.contract === 'BondingManager' || e.contract === 'RoundsManager') continue;
      this.applyOther(e, tx, block);
    }
  }

  private recordEvent(e: DecodedEvent, block: BlockContext): void {
    const p = principal[e.name] ?? [null, null, null];
    const str = (k: string | null) => (k && typeof e.args[k] === 'string' ? (e.args[k] as string) : null);
    const amt = p[2] && typeof e.args[p[2]] === 'bigint' ? (e.args[p[2]] as bigint) : null;
    this.changes.events.push({
      block_number: e.blockNumber,
      log_index: e.logIndex,
      tx_hash: e.txHash,
      tx_index: e.txIndex,
      block_time: block.timestamp,
      round: this.extra.lastRound === 0n ? null : this.extra.lastRound,
      contract: e.contract,
      name: e.name,
      a1: str(p[0]),
      // A poll's votes are found by the poll's address.
      a2: e.contract === 'Poll' ? e.address.toLowerCase() : str(p[1]),
      amount: amt,
      args: e.args,
    });
  }

  /** Fixes the result of every open poll whose end block (L1) lies before `block`, from the ledger as it stands. */
  private closePolls(block: BlockContext): void {
    const l1 = BigInt(block.l1Block!);
    const round = this.extra.lastRound;
    const ledger = this.ledger;
    const stakeOf = (v: string) => {
      const d = ledger.getDelegator(v as `0x${string}`);
      let pending = 0n;
      try {
        pending = d.bondedAmount > 0n ? ledger.pendingStake(v as `0x${string}`, round) : 0n;
      } catch {
        pending = d.bondedAmount;
      }
      const own = d.delegateAddress?.toLowerCase() === v && ledger.isRegisteredTranscoder(v as `0x${string}`);
      return { delegate: d.delegateAddress ? d.delegateAddress.toLowerCase() : null, pendingStake: pending, orchestratorStake: own ? ledger.transcoderTotalStake(v as `0x${string}`) : null };
    };
    const total = ledger.getTotalBonded();
    const still: OpenPoll[] = [];
    for (const p of this.extra.polls ?? []) {
      if (l1 <= p.endBlock) {
        still.push(p);
        continue;
      }
      const t = tallyPoll(new Map(Object.entries(p.votes)), stakeOf, total, p.quorum, p.quota);
      this.changes.pollTallies.push({
        poll: p.address,
        block_number: block.number,
        round: round === 0n ? null : round,
        end_block: p.endBlock,
        yes_stake: t.yes,
        no_stake: t.no,
        total_stake: total,
        quorum: p.quorum,
        quota: p.quota,
        voters: t.voters,
        passed: t.passed,
      });
    }
    this.extra.polls = still;
  }

  private diverge(e: DecodedEvent, what: string, expected: string, actual: string): void {
    this.changes.divergences.push({ block_number: e.blockNumber, log_index: e.logIndex, tx_hash: e.txHash, what, expected, actual });
  }

  // ---------------------------------------------------------------- rounds

  private initializeRound(tx: DecodedEvent[], nr: DecodedEvent, bm: DecodedEvent[], block: BlockContext): number {
    const round = nr.args.round as bigint;
    const minter = tx.find((e) => e.name === 'SetCurrentRewardTokens');
    const mintable = (minter?.args.currentMintableTokens as bigint | undefined) ?? 0n;
    const inflation = (minter?.args.currentInflation as bigint | undefined) ?? this.extra.lastInflation;
    let predicted: LedgerEvent[] = [];
    try {
      predicted = this.ledger.initializeRound({ round, currentMintableTokens: mintable });
    } catch (err) {
      this.diverge(nr, 'initializeRound', 'applies', (err as Error).message);
    }
    const want = predicted.filter((p) => p.contract === 'BondingManager');
    const got = bm.slice(0, want.length);
    this.comparePrediction(nr, 'initializeRound', want, got);
    this.extra.lastRound = round;
    this.extra.lastMintable = mintable;
    this.extra.lastInflation = inflation;
    const g = this.ledger.globals();
    let active = 0;
    for (const [addr] of this.ledger.allTranscoders()) if (this.ledger.isActiveTranscoder(addr, round)) active++;
    this.rounds.set(round, {
      round,
      block_number: block.number,
      block_time: block.timestamp,
      l1_block: block.l1Block,
      block_hash: String(nr.args.blockHash),
      mintable,
      inflation,
      total_active_stake: g.currentRoundTotalActiveStake,
      l2_supply: this.extra.l2Supply,
      l1_supply: this.extra.l1Supply,
      treasury_reward_cut_rate: g.treasuryRewardCutRate,
      treasury_balance: this.extra.treasuryBalance,
      active_transcoders: active,
      rewards: 0n,
      treasury_rewards: 0n,
      reward_calls: 0,
      fees: 0n,
      winning_tickets: 0,
    });
    this.touchRound(round);
    return got.length;
  }

  private touchRound(round: bigint): RoundRow | undefined {
    const r = this.rounds.get(round);
    if (r) this.changes.rounds.set(round, r);
    return r;
  }

  // ---------------------------------------------------------------- BondingManager operations

  private applyBondingOps(bm: DecodedEvent[], block: BlockContext): void {
    let i = 0;
    const R = this.extra.lastRound;
    while (i < bm.length) {
      let j = i;
      while (j < bm.length && (BM_PREFIX.has(bm[j]!.name) || (bm[j]!.name === 'ParameterUpdate' && bm[j]!.args.param === 'nextRoundTreasuryRewardCutRate' && bm.slice(j + 1).some((x) => x.name === 'Reward')))) j++;
      const anchor = bm[j];
      const first = bm[i]!;
      let predicted: LedgerEvent[] | null = null;
      let end = j + 1; // exclusive index of the last chain event this op accounts for, if prediction fails
      try {
        if (!anchor) {
          if (first.name !== 'EarningsClaimed') {
            this.diverge(first, `unexpected ${first.name}`, 'an operation', 'no anchor event');
            i++;
            continue;
          }
          predicted = this.ledger.claimEarnings({ round: R, delegator: first.args.delegator as string });
          end = i + 1;
        } else {
          const a = anchor.args;
          switch (anchor.name) {
            case 'Bond':
              predicted = this.ledger.bond({ round: R, delegator: a.delegator as string, amount: a.additionalAmount as bigint, to: a.newDelegate as string });
              break;
            case 'Unbond': {
              const next = bm[j + 1];
              if (next?.name === 'TransferBond' && next.args.oldDelegator === a.delegator) {
                const rebond = bm.findIndex((x, idx) => idx > j + 1 && x.name === 'Rebond');
                end = rebond >= 0 ? rebond + 1 : j + 2;
                predicted = this.ledger.transferBond({ round: R, delegator: a.delegator as string, receiver: next.args.newDelegator as string, amount: next.args.amount as bigint });
              } else {
                predicted = this.ledger.unbond({ round: R, delegator: a.delegator as string, amount: a.amount as bigint });
              }
              break;
            }
            case 'Rebond': {
              const d = a.delegator as string;
              predicted =
                this.ledger.delegatorStatus(d, R) === 'Unbonded'
                  ? this.ledger.rebondFromUnbonded({ round: R, delegator: d, to: a.delegate as string, unbondingLockId: a.unbondingLockId as bigint })
                  : this.ledger.rebond({ round: R, delegator: d, unbondingLockId: a.unbondingLockId as bigint });
              break;
            }
            case 'WithdrawStake':
              predicted = this.ledger.withdrawStake({ round: R, delegator: a.delegator as string, unbondingLockId: a.unbondingLockId as bigint });
              break;
            case 'WithdrawFees':
              predicted = this.ledger.withdrawFees({ round: R, delegator: a.delegator as string, recipient: a.recipient as string, amount: a.amount as bigint });
              break;
            case 'Reward':
              predicted = this.reward(anchor, bm.slice(i, j), R);
              break;
            case 'TranscoderUpdate':
              predicted = this.ledger.transcoder({ round: R, transcoder: a.transcoder as string, rewardCut: a.rewardCut as bigint, feeShare: a.feeShare as bigint });
              this.orchestrator(a.transcoder as string, block);
              break;
            case 'RewardCallerSet': {
              const o = this.orchestrator(a.transcoder as string, block);
              o.reward_caller = a.rewardCaller as string;
              predicted = [{ contract: 'BondingManager', name: 'RewardCallerSet', args: {} } as unknown as LedgerEvent];
              break;
            }
            case 'ParameterUpdate':
              predicted = this.parameter(anchor);
              break;
            case 'TransferBond':
            case 'TranscoderSlashed':
            default:
              this.diverge(anchor, `unsupported ${anchor.name}`, 'a supported operation', anchor.name);
              i = j + 1;
              continue;
          }
        }
      } catch (err) {
        const msg = err instanceof ProtocolRevertError ? `reverts: ${err.message}` : String((err as Error).message);
        this.diverge(anchor ?? first, `${(anchor ?? first).name} replay`, 'succeeds as on chain', msg);
        i = Math.max(end, i + 1);
        continue;
      }
      const n = predicted.length;
      const got = bm.slice(i, i + n);
      if (!this.comparePrediction(anchor ?? first, (anchor ?? first).name, predicted, got)) {
        i = Math.max(end, i + 1);
      } else {
        i += n;
      }
    }
  }

  private comparePrediction(at: DecodedEvent, what: string, predicted: LedgerEvent[], got: DecodedEvent[]): boolean {
    this.changes.predictionsChecked += predicted.length;
    const same =
      predicted.length === got.length &&
      predicted.every((p, k) => {
        const g = got[k]!;
        if (p.name !== g.name) return false;
        const pa = p.args as Record<string, unknown>;
        return Object.keys(pa).every((key) => norm(pa[key]) === norm(g.args[key]));
      });
    if (!same) this.diverge(at, `${what} events`, show(predicted), show(got.map((g) => ({ name: g.name, args: g.args }))));
    return same;
  }

  private reward(anchor: DecodedEvent, prefix: DecodedEvent[], R: bigint): LedgerEvent[] {
    const t = anchor.args.transcoder as string;
    const observedTreasury = (prefix.find((e) => e.name === 'TreasuryReward')?.args.amount as bigint | undefined) ?? 0n;
    const observed = (anchor.args.amount as bigint) + observedTreasury;
    // The mirror computes what the Minter should have minted; the chain's figure is kept either way.
    const tr = this.ledger.getTranscoder(t);
    const poolStake =
      tr.lastActiveStakeUpdateRound < R ? this.ledger.getEarningsPool(t, tr.lastActiveStakeUpdateRound).totalStake : this.ledger.getEarningsPool(t, R).totalStake;
    const expected = rewardTokens(this.extra.lastMintable, poolStake, this.ledger.globals().currentRoundTotalActiveStake);
    this.changes.predictionsChecked++;
    if (expected !== observed) this.diverge(anchor, 'reward minted', expected.toString(), observed.toString());
    if (this.extra.treasuryRateUnknown && splitReward(observed, this.ledger.globals().treasuryRewardCutRate, 0n).treasury !== observedTreasury) {
      const inferred = inferTreasuryRewardCutRate(observed, observedTreasury);
      if (inferred !== null) this.ledger.adoptTreasuryRewardCutRate(inferred);
    }
    const ev = this.ledger.reward({ round: R, transcoder: t, treasuryBalance: this.extra.treasuryBalance, totalRewardTokens: observed });
    const split = splitReward(observed, this.ledger.globals().treasuryRewardCutRate, 0n);
    const pay = this.payment(t, R);
    pay.rewards += split.transcoderRewards;
    pay.treasury_rewards += split.treasury;
    const round = this.touchRound(R);
    if (round) {
      round.rewards += split.transcoderRewards;
      round.treasury_rewards += split.treasury;
      round.reward_calls += 1;
    }
    return ev;
  }

  private parameter(e: DecodedEvent): LedgerEvent[] {
    const param = String(e.args.param);
    const value = this.executedValues.get(param) ?? this.params(e.blockNumber, 'BondingManager', param);
    this.changes.params.push({ block_number: e.blockNumber, log_index: e.logIndex, contract: 'BondingManager', param, value: value?.toString() ?? null });
    if (value === undefined) {
      this.diverge(e, `parameter ${param}`, 'a value read at this block', 'unavailable');
      if (param === 'nextRoundTreasuryRewardCutRate' || param === 'treasuryBalanceCeiling') this.extra.treasuryRateUnknown = true;
      return [{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param } }];
    }
    switch (param) {
      case 'nextRoundTreasuryRewardCutRate':
        return this.ledger.setTreasuryRewardCutRate(value);
      case 'treasuryBalanceCeiling':
        return this.ledger.setTreasuryBalanceCeiling(value);
      case 'unbondingPeriod':
        return this.ledger.setUnbondingPeriod(value);
      case 'numActiveTranscoders':
        return this.ledger.setNumActiveTranscoders(value);
      default:
        return [{ contract: 'BondingManager', name: 'ParameterUpdate', args: { param } }];
    }
  }

  // ---------------------------------------------------------------- everything else

  private applyOther(e: DecodedEvent, tx: DecodedEvent[], block: BlockContext): void {
    const a = e.args;
    switch (`${e.contract}.${e.name}`) {
      case 'LivepeerToken.Transfer': {
        const from = a.from as string;
        const to = a.to as string;
        const v = a.value as bigint;
        if (from === ZERO) this.extra.l2Supply += v;
        if (to === ZERO) this.extra.l2Supply -= v;
        const tre = this.extra.treasury;
        if (to === tre || from === tre) {
          const delta = to === tre ? v : -v;
          this.extra.treasuryBalance += delta;
          const kind = from === tre ? 'outflow' : tx.some((x) => x.name === 'TreasuryReward') ? 'treasury-reward' : 'inflow';
          this.changes.treasuryBalances.push({ block_number: e.blockNumber, log_index: e.logIndex, balance: this.extra.treasuryBalance, delta, kind });
        }
        return;
      }
      case 'PollCreator.PollCreated':
        (this.extra.polls ??= []).push({
          address: String(a.poll).toLowerCase(),
          endBlock: a.endBlock as bigint,
          quorum: a.quorum as bigint,
          quota: a.quota as bigint,
          votes: {},
        });
        return;
      case 'Poll.Vote': {
        const poll = this.extra.polls?.find((p) => p.address === e.address.toLowerCase());
        // Votes after the end (or to a poll created before indexing began) do not count.
        if (poll) poll.votes[String(a.voter).toLowerCase()] = BigInt(a.choiceID as bigint);
        return;
      }
      case 'L2LPTDataCache.CacheTotalSupplyFinalized':
        this.extra.l1Supply = a.totalSupply as bigint;
        return;
      case 'TicketBroker.DepositFunded': {
        const g = this.gateway(a.sender as string, block);
        g.deposit += a.amount as bigint;
        return;
      }
      case 'TicketBroker.ReserveFunded': {
        const g = this.gateway(a.reserveHolder as string, block);
        g.reserve += a.amount as bigint;
        return;
      }
      case 'TicketBroker.ReserveClaimed': {
        const g = this.gateway(a.reserveHolder as string, block);
        g.reserve -= a.amount as bigint;
        this.pendingTicketPaid.set(`${e.txHash}`, (this.pendingTicketPaid.get(e.txHash) ?? 0n) + (a.amount as bigint));
        return;
      }
      case 'TicketBroker.Unlock': {
        this.gateway(a.sender as string, block).withdraw_round = a.endRound as bigint;
        return;
      }
      case 'TicketBroker.UnlockCancelled': {
        this.gateway(a.sender as string, block).withdraw_round = null;
        return;
      }
      case 'TicketBroker.Withdrawal': {
        const g = this.gateway(a.sender as string, block);
        g.deposit = 0n;
        g.reserve = 0n;
        g.withdraw_round = null;
        return;
      }
      case 'TicketBroker.WinningTicketTransfer': {
        const amount = a.amount as bigint;
        const recipient = a.recipient as string;
        const g = this.gateway(a.sender as string, block);
        const fromReserve = this.pendingTicketPaid.get(e.txHash) ?? 0n;
        this.pendingTicketPaid.delete(e.txHash);
        g.deposit -= amount - fromReserve;
        g.fees_paid += amount;
        const R = this.feeRound(block);
        try {
          this.ledger.updateTranscoderWithFees({ round: R, transcoder: recipient, fees: amount });
        } catch (err) {
          this.diverge(e, 'fees replay', 'succeeds as on chain', (err as Error).message);
        }
        this.payment(recipient, R).fees += amount;
        const round = this.touchRound(R);
        if (round) round.fees += amount;
        this.lastTicketPaid = amount;
        return;
      }
      case 'TicketBroker.WinningTicketRedeemed': {
        const aux = String(a.auxData);
        const creationRound = aux.length >= 66 ? BigInt(`0x${aux.slice(2, 66)}`) : null;
        // A ticket's WinningTicketTransfer (if anything was paid) comes right before its WinningTicketRedeemed.
        const paid = this.lastTicketPaid;
        this.lastTicketPaid = 0n;
        const g = this.gateway(a.sender as string, block);
        g.winning_tickets += 1;
        g.face_value_total += a.faceValue as bigint;
        const R = this.feeRound(block);
        const round = this.touchRound(R);
        if (round) round.winning_tickets += 1;
        this.changes.tickets.push({
          block_number: e.blockNumber,
          log_index: e.logIndex,
          tx_hash: e.txHash,
          block_time: block.timestamp,
          round: R,
          sender: a.sender as string,
          recipient: a.recipient as string,
          face_value: a.faceValue as bigint,
          win_prob: a.winProb as bigint,
          sender_nonce: a.senderNonce as bigint,
          creation_round: creationRound,
          paid,
        });
        return;
      }
      case 'ServiceRegistry.ServiceURIUpdate':
      case 'AIServiceRegistry.ServiceURIUpdate': {
        const o = this.orchestrator(a.addr as string, block);
        if (e.contract === 'ServiceRegistry') o.service_uri = String(a.serviceURI);
        else o.ai_service_uri = String(a.serviceURI);
        return;
      }
      case 'Controller.SetContractInfo':
        this.changes.contracts.push({
          block_number: e.blockNumber,
          log_index: e.logIndex,
          id: String(a.id),
          name: contractNameById.get(String(a.id) as `0x${string}`) ?? null,
          address: String(a.contractAddress).toLowerCase(),
          git_commit_hash: String(a.gitCommitHash),
        });
        return;
      case 'Minter.ParameterUpdate':
      case 'RoundsManager.ParameterUpdate':
      case 'TicketBroker.ParameterUpdate': {
        const v = this.params(e.blockNumber, e.contract, String(a.param));
        this.changes.params.push({ block_number: e.blockNumber, log_index: e.logIndex, contract: e.contract, param: String(a.param), value: v?.toString() ?? null });
        return;
      }
      case 'BondingVotes.DelegateChanged': {
        const start = this.extra.lastRound + 1n;
        const row = { block_number: e.blockNumber, log_index: e.logIndex, account: a.delegator as string, from_delegate: a.fromDelegate as string, to_delegate: a.toDelegate as string, start_round: start };
        this.changes.delegateChanges.push(row);
        this.pushDelegate(row.account, start, row.to_delegate);
        return;
      }
      case 'LivepeerGovernor.ProposalCreated': {
        const id = (a.proposalId as bigint).toString();
        const p: ProposalRow = {
          id,
          proposer: a.proposer as string,
          targets: (a.targets as string[]).map((x) => x.toLowerCase()),
          values: (a.values as bigint[]).map(String),
          calldatas: (a.calldatas as string[]).map(String),
          description: String(a.description),
          vote_start: a.voteStart as bigint,
          vote_end: a.voteEnd as bigint,
          created_block: e.blockNumber,
          created_round: this.extra.lastRound || null,
          queued_block: null,
          eta: null,
          executed_block: null,
          canceled_block: null,
          for_votes: 0n,
          against_votes: 0n,
          abstain_votes: 0n,
          voters: 0,
        };
        this.proposals.set(id, p);
        this.changes.proposals.set(id, p);
        return;
      }
      case 'LivepeerGovernor.VoteCast':
      case 'LivepeerGovernor.VoteCastWithParams': {
        const id = (a.proposalId as bigint).toString();
        const p = this.proposals.get(id);
        const voter = a.voter as string;
        const delegate = p ? this.delegateAt(voter, p.vote_start) : voter;
        const row: VoteRow = { proposal_id: id, voter, support: Number(a.support), weight: a.weight as bigint, reason: String(a.reason ?? ''), delegate, block_number: e.blockNumber, log_index: e.logIndex };
        this.changes.votes.push(row);
        try {
          this.tallyOf(id).castVote({ voter, delegate: delegate ?? ZERO, support: row.support, weight: row.weight });
        } catch (err) {
          this.diverge(e, 'vote tally', 'counts', (err as Error).message);
        }
        if (p) {
          const t = this.tallyOf(id).totals();
          p.for_votes = t.forVotes;
          p.against_votes = t.againstVotes;
          p.abstain_votes = t.abstainVotes;
          p.voters += 1;
          this.changes.proposals.set(id, p);
        }
        return;
      }
      case 'LivepeerGovernor.ProposalQueued':
      case 'LivepeerGovernor.ProposalExecuted':
      case 'LivepeerGovernor.ProposalCanceled': {
        const id = (a.proposalId as bigint).toString();
        const p = this.proposals.get(id);
        if (!p) return;
        if (e.name === 'ProposalQueued') {
          p.queued_block = e.blockNumber;
          p.eta = a.eta as bigint;
        } else if (e.name === 'ProposalExecuted') p.executed_block = e.blockNumber;
        else p.canceled_block = e.blockNumber;
        this.changes.proposals.set(id, p);
        return;
      }
      case 'Treasury.CallScheduled': {
        const key = `${a.id}:${a.index}`;
        const row: TreasuryCallRow = {
          operation_id: String(a.id),
          call_index: Number(a.index),
          target: String(a.target).toLowerCase(),
          value: a.value as bigint,
          data: String(a.data),
          delay: a.delay as bigint,
          scheduled_block: e.blockNumber,
          executed_block: null,
          cancelled_block: null,
        };
        this.treasuryCalls.set(key, row);
        this.changes.treasuryCalls.set(key, row);
        return;
      }
      case 'Treasury.CallExecuted': {
        const key = `${a.id}:${a.index}`;
        const row = this.treasuryCalls.get(key);
        if (row) {
          row.executed_block = e.blockNumber;
          this.changes.treasuryCalls.set(key, row);
        }
        return;
      }
      case 'Treasury.Cancelled': {
        for (const [key, row] of this.treasuryCalls) {
          if (row.operation_id === String(a.id)) {
            row.cancelled_block = e.blockNumber;
            this.changes.treasuryCalls.set(key, row);
          }
        }
        return;
      }
      default:
        return;
    }
  }

  /** Fees land in the pool of the round the clock is in; without an L1 clock, the last initialized round. */
  private feeRound(block: BlockContext): bigint {
    void block;
    return this.extra.lastRound;
  }

  /** Payments into a pool so far (LPT-wei rewards, ETH-wei fees), if any. */
  payments(t: string, round: bigint): PoolPaymentRow | undefined {
    return this.poolPayments.get(`${t}|${round}`);
  }

  private payment(t: string, round: bigint): PoolPaymentRow {
    const key = `${t}|${round}`;
    let p = this.poolPayments.get(key);
    if (!p) {
      p = { transcoder: t, round, rewards: 0n, treasury_rewards: 0n, fees: 0n };
      this.poolPayments.set(key, p);
    }
    this.changes.poolPayments.set(key, p);
    return p;
  }

  private orchestrator(addr: string, block: BlockContext): OrchestratorRow {
    let o = this.orchestrators.get(addr);
    if (!o) {
      o = { address: addr, service_uri: null, ai_service_uri: null, reward_caller: null, first_block: block.number, updated_block: block.number };
      this.orchestrators.set(addr, o);
    }
    o.updated_block = block.number;
    this.changes.orchestrators.set(addr, o);
    return o;
  }

  private gateway(addr: string, block: BlockContext): GatewayRow {
    let g = this.gateways.get(addr);
    if (!g) {
      g = { address: addr, deposit: 0n, reserve: 0n, withdraw_round: null, winning_tickets: 0, face_value_total: 0n, fees_paid: 0n, first_block: block.number, updated_block: block.number };
      this.gateways.set(addr, g);
    }
    g.updated_block = block.number;
    this.changes.gateways.set(addr, g);
    return g;
  }

  private tallyOf(id: string): ProposalTally {
    let t = this.tallies.get(id);
    if (!t) {
      t = new ProposalTally();
      this.tallies.set(id, t);
    }
    return t;
  }

  private pushDelegate(account: string, startRound: bigint, delegate: string): void {
    let list = this.delegateHistory.get(account);
    if (!list) {
      list = [];
      this.delegateHistory.set(account, list);
    }
    const last = list[list.length - 1];
    if (last && last.startRound === startRound) last.delegate = delegate;
    else list.push({ startRound, delegate });
  }

  /** BondingVotes.delegatedAt: the delegate an account had at `round` (null if none). */
  delegateAt(account: string, round: bigint): string | null {
    const list = this.delegateHistory.get(account.toLowerCase());
    if (!list) return null;
    let found: string | null = null;
    for (const c of list) {
      if (c.startRound <= round) found = c.delegate;
      else break;
    }
    return found === ZERO ? null : found;
  }

  /** Whether an orchestrator is scheduled to leave the active set (deactivation round set). */
  static leaving(deactivationRound: bigint): boolean {
    return deactivationRound !== MAX_FUTURE_ROUND && deactivationRound !== 0n;
  }
}

function norm(v: unknown): string {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

function show(evs: { name: string; args: unknown }[]): string {
  return evs
    .map((e) => `${e.name}(${Object.entries(e.args as Record<string, unknown>).map(([k, v]) => `${k}=${norm(v)}`).join(',')})`)
    .join(' ');
}
