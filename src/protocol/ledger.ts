// In-memory mirror of BondingManager storage and semantics, of the implementation version it is told (the latest,
// v9, unless set; the differences between versions are src/protocol/versions.ts), driven by explicit inputs: every
// operation takes the current round, nothing reads a clock. Operations are atomic like transactions: a failed
// `require` throws ProtocolRevertError and leaves the state untouched.
import {
  cumulativeRewardsIncrement,
  delegatorCumulativeStakeAndFees,
  addFeesToCumulativeFeeFactor,
  estimateMissedRewardFactor,
  nextCumulativeRewardFactor,
  splitFees,
  splitReward,
  transcoderRewardStakeFees,
  type CumulativeFactors,
} from './earnings.js';
import { createReward, setCurrentRewardTokens, type MinterState } from './inflation.js';
import { JournaledMap } from './journaled-map.js';
import {
  EMPTY_DELEGATOR,
  EMPTY_POOL,
  EMPTY_TRANSCODER,
  ZERO_ADDRESS,
  type Address,
  type DelegatorState,
  type DelegatorStatus,
  type EarningsPool,
  type LedgerConfig,
  type LedgerEvent,
  type LedgerGlobals,
  type TranscoderState,
  type UnbondingLock,
} from './ledger-types.js';
import {
  MAX_UINT256,
  PERC_DIVISOR,
  PRECISE_PERC_DIVISOR,
  ProtocolRevertError,
  add,
  requireThat,
  sub,
  uint256,
  validPerc,
} from './precision.js';
import { TranscoderPool, type PoolEntry } from './transcoder-pool.js';
import {
  LATEST_VERSIONS,
  bondClaimant,
  bondMovesExistingStake,
  guardsThirdPartyClaims,
  hasTreasuryCut,
  isKnownVersion,
  mintableSupply,
  rebondFromUnbondedInitializesPool,
  thirdPartyBondRefusal,
  transferBondReceiverDelegate,
  transferBondSettlesReceiver,
  treasuryCutRateInForce,
} from './versions.js';

/** BondingManager.MAX_FUTURE_ROUND: deactivationRound of a transcoder not scheduled to leave (rounds). */
export const MAX_FUTURE_ROUND = MAX_UINT256;
/** Arbitrum unbonding period (rounds). */
export const DEFAULT_UNBONDING_PERIOD = 7n;

type Events = LedgerEvent[];
type Mutable<T> = { -readonly [P in keyof T]: T[P] };

const norm = (a: Address): Address => a.toLowerCase();
const poolKey = (t: Address, round: bigint): string => `${t}|${round}`;

/** Mirror of BondingManager (+ optionally the Minter's per-round state); see src/protocol/README.md. */
export class BondingLedger {
  private readonly delegators = new JournaledMap<Address, DelegatorState>();
  private readonly transcoders = new JournaledMap<Address, TranscoderState>();
  private readonly pools = new JournaledMap<string, EarningsPool>();
  private pool: TranscoderPool;
  private g: Mutable<LedgerGlobals>;
  private readonly treasury: Address;
  private readonly l2Migrator: Address | undefined;
  private readonly hasMinter: boolean;
  private version: number = LATEST_VERSIONS.BondingManager;
  private readonly minterVersion: number;

  constructor(config: LedgerConfig) {
    if (config.bondingManagerVersion !== undefined) this.setBondingManagerVersion(config.bondingManagerVersion);
    this.minterVersion = config.minter?.version ?? LATEST_VERSIONS.Minter;
    this.pool = new TranscoderPool(uint256(config.numActiveTranscoders, 'numActiveTranscoders'));
    const cut = config.treasuryRewardCutRate ?? 0n;
    requireThat(validPerc(cut, PRECISE_PERC_DIVISOR), '_cutRate is invalid precise percentage');
    this.treasury = norm(config.treasury ?? ZERO_ADDRESS);
    this.l2Migrator = config.l2Migrator === undefined ? undefined : norm(config.l2Migrator);
    this.hasMinter = config.minter !== undefined;
    this.g = {
      lastInitializedRound: 0n,
      currentRoundTotalActiveStake: 0n,
      nextRoundTotalActiveStake: 0n,
      treasuryRewardCutRate: cut,
      nextRoundTreasuryRewardCutRate: cut,
      treasuryBalanceCeiling: config.treasuryBalanceCeiling ?? 0n,
      unbondingPeriod: config.unbondingPeriod ?? DEFAULT_UNBONDING_PERIOD,
      inflation: config.minter?.inflation ?? 0n,
      inflationChange: config.minter?.inflationChange ?? 0n,
      targetBondingRate: config.minter?.targetBondingRate ?? 0n,
      currentMintableTokens: 0n,
      currentMintedTokens: 0n,
    };
  }

  /** The BondingManagerTarget version whose rules apply from now on (the Controller registered it). */
  setBondingManagerVersion(version: number): void {
    if (!isKnownVersion('BondingManager', version)) throw new RangeError(`no rules for BondingManagerTarget v${version}`);
    this.version = version;
  }

  /** The BondingManagerTarget version the mirror applies. */
  bondingManagerVersion(): number {
    return this.version;
  }

  /** treasuryRewardCutRate as the version in force applies it (per 1e27; 0 before the treasury cut existed). */
  treasuryRewardCutRateInForce(): bigint {
    return treasuryCutRateInForce(this.version, this.g.treasuryRewardCutRate);
  }

  // ---------------------------------------------------------------- owner-set parameters

  /** setTreasuryRewardCutRate: takes effect at the next initializeRound (rate per 1e27). */
  setTreasuryRewardCutRate(cutRate: bigint): LedgerEvent[] {
    return this.tx((ev) => this.setNextTreasuryCut(cutRate, ev));
  }

  /**
   * Adopts a treasury cut rate (per 1e27) for the current and the next round without a transaction: the
   * indexer's stand-in, inferred from observed rewards, for a parameter its node could not serve.
   */
  adoptTreasuryRewardCutRate(cutRate: bigint): void {
    requireThat(validPerc(cutRate, PRECISE_PERC_DIVISOR), '_cutRate is invalid precise percentage');
    this.g.treasuryRewardCutRate = cutRate;
    this.g.nextRoundTreasuryRewardCutRate = cutRate;
  }

  /** setTreasuryBalanceCeiling (LPT-wei); 0 disables the automatic halt. */
  setTreasuryBalanceCeiling(ceiling: bigint): LedgerEvent[] {
    return this.tx((ev) => {
      this.g.treasuryBalanceCeiling = uint256(ceiling, 'ceiling');
      ev.push(bm('ParameterUpdate', { param: 'treasuryBalanceCeiling' }));
    });
  }

  /** setNumActiveTranscoders: the pool's max size may only grow. */
  setNumActiveTranscoders(n: bigint): LedgerEvent[] {
    return this.tx((ev) => {
      this.pool.setMaxSize(n);
      ev.push(bm('ParameterUpdate', { param: 'numActiveTranscoders' }));
    });
  }

  /** setUnbondingPeriod (rounds). */
  setUnbondingPeriod(rounds: bigint): LedgerEvent[] {
    return this.tx((ev) => {
      this.g.unbondingPeriod = uint256(rounds, 'unbondingPeriod');
      ev.push(bm('ParameterUpdate', { param: 'unbondingPeriod' }));
    });
  }

  // ---------------------------------------------------------------- round initialization

  /**
   * RoundsManager.initializeRound's effects: BondingManager.setCurrentRoundTotalActiveStake (TAS snapshot and
   * the delayed treasury cut switch), then the Minter step. Pass globalSupply (LPT-wei) to run Minter.setCurrentRewardTokens
   * (needs config.minter; a v1 Minter mints from l2Supply, LPT-wei), or currentMintableTokens (LPT-wei) to take the
   * value observed on chain; with neither, the previous round's mintable is kept and only the minted counter resets.
   */
  initializeRound(p: { round: bigint; globalSupply?: bigint; l2Supply?: bigint; currentMintableTokens?: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      requireThat(p.round > this.g.lastInitializedRound, 'round already initialized');
      this.g.lastInitializedRound = p.round;
      this.g.currentRoundTotalActiveStake = this.g.nextRoundTotalActiveStake;
      if (hasTreasuryCut(this.version) && this.g.nextRoundTreasuryRewardCutRate !== this.g.treasuryRewardCutRate) {
        this.g.treasuryRewardCutRate = this.g.nextRoundTreasuryRewardCutRate;
        ev.push(bm('ParameterUpdate', { param: 'treasuryRewardCutRate' }));
      }
      if (p.currentMintableTokens !== undefined) {
        this.g.currentMintableTokens = uint256(p.currentMintableTokens, 'currentMintableTokens');
        this.g.currentMintedTokens = 0n;
      } else if (p.globalSupply !== undefined) {
        requireThat(this.hasMinter, 'ledger has no minter parameters');
        const mintFrom = mintableSupply(this.minterVersion, { l2Supply: p.l2Supply ?? p.globalSupply, globalSupply: p.globalSupply });
        const m = setCurrentRewardTokens(this.minterState(), this.g.currentRoundTotalActiveStake, p.globalSupply, mintFrom);
        this.applyMinter(m);
        ev.push({
          contract: 'Minter',
          name: 'SetCurrentRewardTokens',
          args: { currentMintableTokens: m.currentMintableTokens, currentInflation: m.inflation },
        });
      } else {
        this.g.currentMintedTokens = 0n;
      }
    });
  }

  // ---------------------------------------------------------------- orchestrator operations

  /** BondingManager.transcoder(rewardCut, feeShare) by `transcoder` (cuts per 1e6); may join/evict in the pool. */
  transcoder(p: {
    round: bigint;
    transcoder: Address;
    rewardCut: bigint;
    feeShare: bigint;
    roundLocked?: boolean;
  }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const addr = norm(p.transcoder);
      requireThat(!p.roundLocked, "can't update transcoder params, current round is locked");
      requireThat(validPerc(p.rewardCut, PERC_DIVISOR), 'invalid rewardCut percentage');
      requireThat(validPerc(p.feeShare, PERC_DIVISOR), 'invalid feeShare percentage');
      requireThat(this.isRegisteredTranscoder(addr), 'transcoder must be registered');
      const t = this.tr(addr);
      requireThat(
        !this.isActiveTranscoder(addr, round) || t.lastRewardRound === round,
        "caller can't be active or must have already called reward for the current round",
      );
      this.setT(addr, { rewardCut: p.rewardCut, feeShare: p.feeShare });
      if (!this.pool.contains(addr)) {
        this.tryToJoinActiveSet(addr, this.del(addr).delegatedAmount, round + 1n, ev);
      }
      ev.push(bm('TranscoderUpdate', { transcoder: addr, rewardCut: p.rewardCut, feeShare: p.feeShare }));
    });
  }

  /**
   * rewardForTranscoderWithHint for `transcoder`. Minted LPT (LPT-wei) is computed from the Minter state unless
   * totalRewardTokens is given (e.g. Reward + TreasuryReward amounts observed on chain). treasuryBalance (LPT-wei)
   * feeds the ceiling check.
   */
  reward(p: { round: bigint; transcoder: Address; treasuryBalance?: bigint; totalRewardTokens?: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const addr = norm(p.transcoder);
      requireThat(this.isActiveTranscoder(addr, round), 'transcoder must be active');
      requireThat(this.tr(addr).lastRewardRound !== round, 'caller has already called reward for the current round');

      const t = this.tr(addr);
      this.setPool(addr, round, { transcoderRewardCut: t.rewardCut, transcoderFeeShare: t.feeShare });
      // A pool that saw no stake change since lastActiveStakeUpdateRound has no totalStake for this round yet.
      if (t.lastActiveStakeUpdateRound < round) {
        this.setPool(addr, round, { totalStake: this.poolAt(addr, t.lastActiveStakeUpdateRound).totalStake });
      }

      if (hasTreasuryCut(this.version) && this.g.treasuryBalanceCeiling > 0n) {
        const balance = p.treasuryBalance ?? 0n;
        if (balance >= this.g.treasuryBalanceCeiling && this.g.nextRoundTreasuryRewardCutRate > 0n) {
          this.setNextTreasuryCut(0n, ev);
        }
      }

      const poolStake = this.poolAt(addr, round).totalStake;
      let totalRewardTokens: bigint;
      if (p.totalRewardTokens !== undefined) {
        // Observed amounts are trusted as minted; the Minter cap is the chain's business then.
        totalRewardTokens = uint256(p.totalRewardTokens, 'totalRewardTokens');
        this.g.currentMintedTokens = add(this.g.currentMintedTokens, totalRewardTokens);
      } else {
        const r = createReward(this.minterState(), poolStake, this.g.currentRoundTotalActiveStake);
        this.applyMinter(r.state);
        totalRewardTokens = r.minted;
      }

      const split = splitReward(totalRewardTokens, this.treasuryRewardCutRateInForce(), 0n);
      if (split.treasury > 0n) {
        ev.push(bm('TreasuryReward', { transcoder: addr, treasury: this.treasury, amount: split.treasury }));
      }
      this.updateTranscoderWithRewards(addr, split.transcoderRewards, round, ev);
      this.setT(addr, { lastRewardRound: round });
      ev.push(bm('Reward', { transcoder: addr, amount: split.transcoderRewards }));
    });
  }

  /**
   * updateTranscoderWithFees (called by TicketBroker on a winning ticket): fees in ETH-wei, the amount actually
   * transferred. The retroactive CRF estimate, when the previous round has no reward factor, starts from the
   * Minter's round rewards: currentMintableTokens + currentMintedTokens (LPT-wei) of the ledger's Minter state.
   */
  updateTranscoderWithFees(p: { round: bigint; transcoder: Address; fees: bigint }): LedgerEvent[] {
    return this.tx(() => {
      const round = p.round;
      const addr = norm(p.transcoder);
      const fees = uint256(p.fees, 'fees');
      // Registered, not necessarily active: an orchestrator evicted from the set is still paid for its tickets.
      requireThat(this.isRegisteredTranscoder(addr), 'transcoder must be registered');
      const t = this.tr(addr);
      const lastRewardRound = t.lastRewardRound;
      let activeCumulativeRewards = t.activeCumulativeRewards;
      const prev: Mutable<CumulativeFactors> = this.latestCumulativeFactorsPool(addr, sub(round, 1n));

      if (round > lastRewardRound) {
        this.setPool(addr, round, { transcoderRewardCut: t.rewardCut, transcoderFeeShare: t.feeShare });
        if (t.lastActiveStakeUpdateRound < round) {
          this.setPool(addr, round, { totalStake: this.poolAt(addr, t.lastActiveStakeUpdateRound).totalStake });
        }
        // reward() later this round will freeze cumulativeRewards into activeCumulativeRewards; use it already.
        activeCumulativeRewards = t.cumulativeRewards;
      }

      const pool = this.poolAt(addr, round);
      const totalStake = pool.totalStake;
      if (prev.cumulativeRewardFactor === 0n && lastRewardRound === round) {
        prev.cumulativeRewardFactor = estimateMissedRewardFactor({
          roundRewardTokens: add(this.g.currentMintableTokens, this.g.currentMintedTokens),
          poolTotalStake: totalStake,
          currentRoundTotalActiveStake: this.g.currentRoundTotalActiveStake,
          treasuryRewardCutRate: this.treasuryRewardCutRateInForce(),
          rewardCut: pool.transcoderRewardCut,
          currentCumulativeRewardFactor: pool.cumulativeRewardFactor,
        });
      }
      requireThat(activeCumulativeRewards <= totalStake, 'assert: activeCumulativeRewards <= totalStake');

      const { delegatorsFees, transcoderCommissionFees } = splitFees(fees, pool.transcoderFeeShare);
      const rewardStakeFees = transcoderRewardStakeFees(delegatorsFees, activeCumulativeRewards, totalStake);
      this.setT(addr, {
        cumulativeFees: add(add(this.tr(addr).cumulativeFees, rewardStakeFees), transcoderCommissionFees),
      });
      this.setPool(addr, round, {
        cumulativeFeeFactor: addFeesToCumulativeFeeFactor(
          pool.cumulativeFeeFactor,
          prev.cumulativeFeeFactor,
          prev.cumulativeRewardFactor,
          delegatorsFees,
          totalStake,
        ),
      });
      this.setT(addr, { lastFeeRound: round });
    });
  }

  // ---------------------------------------------------------------- delegator operations

  /** bondForWithHint(amount LPT-wei, owner=delegator, to); caller defaults to the delegator (self-bond path). */
  bond(p: { round: bigint; delegator: Address; amount: bigint; to: Address; caller?: Address }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const owner = norm(p.delegator);
      const to = norm(p.to);
      const caller = norm(p.caller ?? p.delegator);
      const amount = uint256(p.amount, 'amount');
      this.authorizeClaimEarnings(caller, owner, round);
      this.autoClaimEarnings(bondClaimant(this.version, caller, owner), round, ev);

      const del = this.del(owner);
      const currentDelegate = del.delegateAddress;
      const currentBondedAmount = del.bondedAmount;
      let delegationAmount = amount;

      this.ensurePendingDeactivationTranscoderCalledReward(to, round);

      const ownerUnbonded = this.delegatorStatus(owner, round) === 'Unbonded';
      const movesExistingStake = bondMovesExistingStake(this.version, { currentDelegate, currentBondedAmount, to });
      if (caller !== owner && caller !== this.l2Migrator) {
        const refusal = thirdPartyBondRefusal(this.version, { ownerUnbonded, owner, to, currentDelegate, movesExistingStake });
        requireThat(refusal === null, refusal ?? '');
      }

      if (ownerUnbonded) {
        this.setD(owner, { startRound: round + 1n });
      } else if (movesExistingStake) {
        requireThat(!this.isRegisteredTranscoder(owner), "registered transcoders can't delegate towards other addresses");
        this.setD(owner, { startRound: round + 1n });
        delegationAmount = add(delegationAmount, currentBondedAmount);
        this.decreaseTotalStake(currentDelegate, currentBondedAmount, round);
      }

      this.ensureInitializedCumulativeFactorsPool(to, round);
      requireThat(delegationAmount > 0n, 'delegation amount must be greater than 0');
      this.setD(owner, { delegateAddress: to, bondedAmount: add(currentBondedAmount, amount) });
      this.increaseTotalStake(to, delegationAmount, round, ev);

      ev.push(
        bm('Bond', {
          newDelegate: to,
          oldDelegate: currentDelegate,
          delegator: owner,
          additionalAmount: amount,
          bondedAmount: this.del(owner).bondedAmount,
        }),
      );
    });
  }

  /** unbondWithHint(amount LPT-wei) by `delegator`; creates unbonding lock nextUnbondingLockId. */
  unbond(p: { round: bigint; delegator: Address; amount: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      this.unbondInternal(norm(p.delegator), uint256(p.amount, 'amount'), round, ev);
    });
  }

  /** rebondWithHint(unbondingLockId) by a Bonded or Pending `delegator`, to its current delegate. */
  rebond(p: { round: bigint; delegator: Address; unbondingLockId: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const d = norm(p.delegator);
      this.autoClaimEarnings(d, round, ev);
      requireThat(this.delegatorStatus(d, round) !== 'Unbonded', 'caller must be bonded');
      this.processRebond(d, p.unbondingLockId, round, ev);
    });
  }

  /** rebondFromUnbondedWithHint(to, unbondingLockId) by an Unbonded `delegator`. */
  rebondFromUnbonded(p: { round: bigint; delegator: Address; to: Address; unbondingLockId: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const d = norm(p.delegator);
      const to = norm(p.to);
      this.autoClaimEarnings(d, round, ev);
      requireThat(this.delegatorStatus(d, round) === 'Unbonded', 'caller must be unbonded');
      if (rebondFromUnbondedInitializesPool(this.version)) this.ensureInitializedCumulativeFactorsPool(to, round);
      this.setD(d, { startRound: round + 1n, delegateAddress: to });
      this.processRebond(d, p.unbondingLockId, round, ev);
    });
  }

  /** transferBond(receiver, amount LPT-wei) by `delegator`: unbond, move the lock, rebond it for the receiver. */
  transferBond(p: { round: bigint; delegator: Address; receiver: Address; amount: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const sender = norm(p.delegator);
      const receiver = norm(p.receiver);
      const amount = uint256(p.amount, 'amount');
      // The contract authorizes against the receiver: a third party may not trigger its claim before reward().
      this.authorizeClaimEarnings(sender, receiver, round);
      this.autoClaimEarnings(sender, round, ev);
      const oldDelDelegate = this.del(sender).delegateAddress;

      this.unbondInternal(sender, amount, round, ev);

      const oldDel = this.del(sender);
      const oldLockId = sub(oldDel.nextUnbondingLockId, 1n);
      const withdrawRound = oldDel.unbondingLocks.get(oldLockId)?.withdrawRound ?? 0n;
      this.setD(sender, { unbondingLocks: withoutLock(oldDel.unbondingLocks, oldLockId) });

      const newDel = this.del(receiver);
      const newLockId = newDel.nextUnbondingLockId;
      this.setD(receiver, {
        unbondingLocks: withLock(newDel.unbondingLocks, newLockId, { amount, withdrawRound }),
        nextUnbondingLockId: newLockId + 1n,
      });
      ev.push(
        bm('TransferBond', {
          oldDelegator: sender,
          newDelegator: receiver,
          oldUnbondingLockId: oldLockId,
          newUnbondingLockId: newLockId,
          amount,
        }),
      );

      const settles = transferBondSettlesReceiver(this.version);
      const lastClaimRound = this.del(receiver).lastClaimRound;
      if (settles && lastClaimRound < round) this.updateDelegatorWithEarnings(receiver, round, lastClaimRound, ev);

      const rd = this.del(receiver);
      const next = transferBondReceiverDelegate(this.version, {
        senderDelegateBefore: oldDelDelegate,
        senderDelegateAfter: this.del(sender).delegateAddress,
        receiver,
        receiverDelegate: rd.delegateAddress,
        receiverBondedAmount: rd.bondedAmount,
      });
      if ('revert' in next) throw new ProtocolRevertError(next.revert);
      this.setD(receiver, { delegateAddress: next.delegate });
      if (settles && this.delegatorStatus(receiver, round) === 'Unbonded') this.setD(receiver, { startRound: round + 1n });
      this.processRebond(receiver, newLockId, round, ev);
    });
  }

  /** withdrawStake(unbondingLockId) by `delegator` once withdrawRound <= round. */
  withdrawStake(p: { round: bigint; delegator: Address; unbondingLockId: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const d = norm(p.delegator);
      const del = this.del(d);
      const lock = del.unbondingLocks.get(p.unbondingLockId);
      requireThat(lock !== undefined && lock.withdrawRound > 0n, 'invalid unbonding lock ID');
      requireThat(lock.withdrawRound <= round, 'withdraw round must be before or equal to the current round');
      this.setD(d, { unbondingLocks: withoutLock(del.unbondingLocks, p.unbondingLockId) });
      ev.push(
        bm('WithdrawStake', {
          delegator: d,
          unbondingLockId: p.unbondingLockId,
          amount: lock.amount,
          withdrawRound: lock.withdrawRound,
        }),
      );
    });
  }

  /** withdrawFees(recipient, amount ETH-wei) by `delegator`, after auto-claiming. */
  withdrawFees(p: { round: bigint; delegator: Address; recipient: Address; amount: bigint }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      const d = norm(p.delegator);
      const recipient = norm(p.recipient);
      this.autoClaimEarnings(d, round, ev);
      requireThat(recipient !== ZERO_ADDRESS, 'invalid recipient');
      const amount = uint256(p.amount, 'amount');
      const fees = this.del(d).fees;
      requireThat(fees >= amount, 'insufficient fees to withdraw');
      this.setD(d, { fees: sub(fees, amount) });
      ev.push(bm('WithdrawFees', { delegator: d, recipient, amount }));
    });
  }

  /** claimEarnings by `delegator` through the current round (the contract ignores its _endRound argument). */
  claimEarnings(p: { round: bigint; delegator: Address }): LedgerEvent[] {
    return this.tx((ev) => {
      const round = this.requireInitialized(p.round);
      this.autoClaimEarnings(norm(p.delegator), round, ev);
    });
  }

  // ---------------------------------------------------------------- views

  /** getTranscoder (rounds, per-1e6 cuts, LPT-wei, ETH-wei). */
  getTranscoder(addr: Address): TranscoderState {
    return this.tr(norm(addr));
  }

  /** getDelegator incl. unbonding locks (LPT-wei, ETH-wei, rounds). */
  getDelegator(addr: Address): DelegatorState {
    return this.del(norm(addr));
  }

  /** getTranscoderEarningsPoolForRound (raw storage, no fallback). */
  getEarningsPool(addr: Address, round: bigint): EarningsPool {
    return this.poolAt(norm(addr), round);
  }

  /** pendingStake through `round` (LPT-wei), incl. an orchestrator's own cumulativeRewards. */
  pendingStake(addr: Address, round: bigint): bigint {
    return this.pendingStakeAndFees(norm(addr), round).stake;
  }

  /** pendingFees through `round` (ETH-wei), incl. an orchestrator's own cumulativeFees. */
  pendingFees(addr: Address, round: bigint): bigint {
    return this.pendingStakeAndFees(norm(addr), round).fees;
  }

  /** delegatorStatus at `round`. */
  delegatorStatus(addr: Address, round: bigint): DelegatorStatus {
    const d = this.del(norm(addr));
    if (d.bondedAmount === 0n) return 'Unbonded';
    if (d.startRound > round) return 'Pending';
    return 'Bonded';
  }

  /** isActiveTranscoder at `round`: activationRound <= round < deactivationRound. */
  isActiveTranscoder(addr: Address, round: bigint): boolean {
    const t = this.tr(norm(addr));
    return t.activationRound <= round && round < t.deactivationRound;
  }

  /** isRegisteredTranscoder: self-delegated with a non-zero bond. */
  isRegisteredTranscoder(addr: Address): boolean {
    const a = norm(addr);
    const d = this.del(a);
    return d.delegateAddress === a && d.bondedAmount > 0n;
  }

  /** transcoderTotalStake = delegatedAmount (LPT-wei). */
  transcoderTotalStake(addr: Address): bigint {
    return this.del(norm(addr)).delegatedAmount;
  }

  /** Next round's active set, largest stake first (LPT-wei). */
  getTranscoderPool(): readonly PoolEntry[] {
    return this.pool.list();
  }

  /** Pool max size (numActiveTranscoders). */
  getTranscoderPoolMaxSize(): bigint {
    return this.pool.maxSize;
  }

  /** getTotalBonded = currentRoundTotalActiveStake (LPT-wei). */
  getTotalBonded(): bigint {
    return this.g.currentRoundTotalActiveStake;
  }

  /** Contract-level scalars (copy). */
  globals(): LedgerGlobals {
    return { ...this.g };
  }

  /** Persisted form of the contract-level state: globals plus the pool (next round's active set) in order. */
  exportGlobals(): { globals: LedgerGlobals; pool: PoolEntry[]; poolMaxSize: bigint } {
    return { globals: { ...this.g }, pool: [...this.pool.list()], poolMaxSize: this.pool.maxSize };
  }

  /** Restore a ledger from persisted state (the inverse of exportGlobals + the entity records). */
  static restore(
    config: LedgerConfig,
    state: {
      globals: LedgerGlobals;
      pool: readonly PoolEntry[];
      poolMaxSize: bigint;
      transcoders: Iterable<[Address, TranscoderState]>;
      delegators: Iterable<[Address, DelegatorState]>;
      pools: Iterable<[Address, bigint, EarningsPool]>;
    },
  ): BondingLedger {
    const l = new BondingLedger({ ...config, numActiveTranscoders: state.poolMaxSize });
    l.g = { ...state.globals };
    for (const e of state.pool) l.pool.insert(norm(e.address), e.stake);
    l.transcoders.load([...state.transcoders].map(([a, t]) => [norm(a), t] as [Address, TranscoderState]));
    l.delegators.load([...state.delegators].map(([a, d]) => [norm(a), d] as [Address, DelegatorState]));
    l.pools.load([...state.pools].map(([a, r, p]) => [poolKey(norm(a), r), p] as [string, EarningsPool]));
    return l;
  }

  /** Entities written since the last call (addresses lower-case; pools as [transcoder, round]). */
  drainChanges(): { delegators: Address[]; transcoders: Address[]; pools: [Address, bigint][] } {
    return {
      delegators: this.delegators.drainDirty(),
      transcoders: this.transcoders.drainDirty(),
      pools: this.pools.drainDirty().map((k) => {
        const i = k.lastIndexOf('|');
        return [k.slice(0, i), BigInt(k.slice(i + 1))] as [Address, bigint];
      }),
    };
  }

  /** Every delegator record ever touched (address, state). */
  allDelegators(): [Address, DelegatorState][] {
    return [...this.delegators.entries()];
  }

  /** Whether a transcoder record exists for the address (one was ever written). */
  hasTranscoder(addr: Address): boolean {
    return this.transcoders.get(norm(addr)) !== undefined;
  }

  /** Every transcoder record ever touched (address, state). */
  allTranscoders(): [Address, TranscoderState][] {
    return [...this.transcoders.entries()];
  }

  // ---------------------------------------------------------------- internals: transactions & storage

  private tx(fn: (ev: Events) => void): LedgerEvent[] {
    const ev: Events = [];
    const g = { ...this.g };
    const pool = this.pool.clone();
    this.delegators.begin();
    this.transcoders.begin();
    this.pools.begin();
    try {
      fn(ev);
    } catch (e) {
      this.delegators.rollback();
      this.transcoders.rollback();
      this.pools.rollback();
      this.g = g;
      this.pool = pool;
      throw e;
    }
    this.delegators.commit();
    this.transcoders.commit();
    this.pools.commit();
    return ev;
  }

  private del(a: Address): DelegatorState {
    return this.delegators.get(a) ?? EMPTY_DELEGATOR;
  }

  private tr(a: Address): TranscoderState {
    return this.transcoders.get(a) ?? EMPTY_TRANSCODER;
  }

  private poolAt(a: Address, round: bigint): EarningsPool {
    return this.pools.get(poolKey(a, round)) ?? EMPTY_POOL;
  }

  private setD(a: Address, patch: Partial<DelegatorState>): void {
    this.delegators.set(a, { ...this.del(a), ...patch });
  }

  private setT(a: Address, patch: Partial<TranscoderState>): void {
    this.transcoders.set(a, { ...this.tr(a), ...patch });
  }

  private setPool(a: Address, round: bigint, patch: Partial<EarningsPool>): void {
    this.pools.set(poolKey(a, round), { ...this.poolAt(a, round), ...patch });
  }

  private minterState(): MinterState {
    const { inflation, inflationChange, targetBondingRate, currentMintableTokens, currentMintedTokens } = this.g;
    return { inflation, inflationChange, targetBondingRate, currentMintableTokens, currentMintedTokens };
  }

  private applyMinter(m: MinterState): void {
    this.g.inflation = m.inflation;
    this.g.currentMintableTokens = m.currentMintableTokens;
    this.g.currentMintedTokens = m.currentMintedTokens;
  }

  private requireInitialized(round: bigint): bigint {
    requireThat(this.g.lastInitializedRound === round, 'current round is not initialized');
    return round;
  }

  private setNextTreasuryCut(cutRate: bigint, ev: Events): void {
    requireThat(validPerc(cutRate, PRECISE_PERC_DIVISOR), '_cutRate is invalid precise percentage');
    this.g.nextRoundTreasuryRewardCutRate = cutRate;
    ev.push(bm('ParameterUpdate', { param: 'nextRoundTreasuryRewardCutRate' }));
  }

  // ---------------------------------------------------------------- internals: cumulative factor pools

  private cumulativeFactorsPool(t: Address, round: bigint): CumulativeFactors {
    const p = this.poolAt(t, round);
    return { cumulativeRewardFactor: p.cumulativeRewardFactor, cumulativeFeeFactor: p.cumulativeFeeFactor };
  }

  /** Factors at `round`, falling back to lastRewardRound/lastFeeRound pools when unset and earlier. */
  private latestCumulativeFactorsPool(t: Address, round: bigint): CumulativeFactors {
    const pool = { ...this.cumulativeFactorsPool(t, round) };
    const tr = this.tr(t);
    if (pool.cumulativeRewardFactor === 0n && tr.lastRewardRound < round) {
      pool.cumulativeRewardFactor = this.poolAt(t, tr.lastRewardRound).cumulativeRewardFactor;
    }
    if (pool.cumulativeFeeFactor === 0n && tr.lastFeeRound < round) {
      pool.cumulativeFeeFactor = this.poolAt(t, tr.lastFeeRound).cumulativeFeeFactor;
    }
    return pool;
  }

  /** Persists the fallback factors into `round`'s pool so a later claim can start from them. */
  private ensureInitializedCumulativeFactorsPool(t: Address, round: bigint): void {
    const pool = this.poolAt(t, round);
    const tr = this.tr(t);
    if (pool.cumulativeRewardFactor === 0n && tr.lastRewardRound < round) {
      const crf = this.poolAt(t, tr.lastRewardRound).cumulativeRewardFactor;
      if (crf !== 0n) this.setPool(t, round, { cumulativeRewardFactor: crf });
    }
    if (pool.cumulativeFeeFactor === 0n && tr.lastFeeRound < round) {
      const cff = this.poolAt(t, tr.lastFeeRound).cumulativeFeeFactor;
      if (cff !== 0n) this.setPool(t, round, { cumulativeFeeFactor: cff });
    }
  }

  private pendingStakeAndFees(d: Address, endRound: bigint): { stake: bigint; fees: bigint } {
    const del = this.del(d);
    const delegate = del.delegateAddress;
    let stake = del.bondedAmount;
    let fees = del.fees;
    if (del.lastClaimRound + 1n <= endRound) {
      ({ stake, fees } = delegatorCumulativeStakeAndFees(
        this.cumulativeFactorsPool(delegate, del.lastClaimRound),
        this.latestCumulativeFactorsPool(delegate, endRound),
        stake,
        fees,
      ));
    }
    if (d === delegate) {
      const t = this.tr(delegate);
      stake = add(stake, t.cumulativeRewards);
      fees = add(fees, t.cumulativeFees);
    }
    return { stake, fees };
  }

  // ---------------------------------------------------------------- internals: claiming

  private authorizeClaimEarnings(caller: Address, owner: Address, round: bigint): void {
    if (!guardsThirdPartyClaims(this.version)) return;
    if (caller === owner || caller === this.l2Migrator || this.delegatorStatus(owner, round) === 'Unbonded') return;
    const del = this.del(owner);
    if (!this.isActiveTranscoder(del.delegateAddress, round)) return;
    requireThat(
      this.tr(del.delegateAddress).lastRewardRound === round || del.lastClaimRound === round,
      'ILLEGAL_CLAIM_EARNINGS',
    );
  }

  private autoClaimEarnings(d: Address, round: bigint, ev: Events): void {
    const lastClaimRound = this.del(d).lastClaimRound;
    if (lastClaimRound < round) this.updateDelegatorWithEarnings(d, round, lastClaimRound, ev);
  }

  private updateDelegatorWithEarnings(d: Address, endRound: bigint, lastClaimRound: bigint, ev: Events): void {
    const del = this.del(d);
    let bonded = del.bondedAmount;
    let fees = del.fees;
    if (del.delegateAddress !== ZERO_ADDRESS) {
      ({ stake: bonded, fees } = this.pendingStakeAndFees(d, endRound));
      this.ensureInitializedCumulativeFactorsPool(del.delegateAddress, endRound);
      if (del.delegateAddress === d) {
        // Now folded into bondedAmount/fees; activeCumulativeRewards stays until the next reward() resets it.
        this.setT(d, { cumulativeFees: 0n, cumulativeRewards: 0n });
      }
    }
    ev.push(
      bm('EarningsClaimed', {
        delegate: del.delegateAddress,
        delegator: d,
        rewards: sub(bonded, del.bondedAmount),
        fees: sub(fees, del.fees),
        startRound: lastClaimRound + 1n,
        endRound,
      }),
    );
    this.setD(d, { lastClaimRound: endRound, bondedAmount: bonded, fees });
  }

  // ---------------------------------------------------------------- internals: stake movements

  private unbondInternal(d: Address, amount: bigint, round: bigint, ev: Events): void {
    this.autoClaimEarnings(d, round, ev);
    requireThat(this.delegatorStatus(d, round) === 'Bonded', 'caller must be bonded');
    const del = this.del(d);
    requireThat(amount > 0n, 'unbond amount must be greater than 0');
    requireThat(amount <= del.bondedAmount, 'amount is greater than bonded amount');

    const currentDelegate = del.delegateAddress;
    const withdrawRound = add(round, this.g.unbondingPeriod);
    const lockId = del.nextUnbondingLockId;
    const bondedAmount = sub(del.bondedAmount, amount);
    this.setD(d, {
      unbondingLocks: withLock(del.unbondingLocks, lockId, { amount, withdrawRound }),
      nextUnbondingLockId: lockId + 1n,
      bondedAmount,
    });
    if (bondedAmount === 0n) {
      this.setD(d, { delegateAddress: ZERO_ADDRESS, startRound: 0n });
      if (this.pool.contains(d)) this.resignTranscoder(d, round, ev);
    }
    this.decreaseTotalStake(currentDelegate, amount, round);
    ev.push(bm('Unbond', { delegate: currentDelegate, delegator: d, unbondingLockId: lockId, amount, withdrawRound }));
  }

  private processRebond(d: Address, lockId: bigint, round: bigint, ev: Events): void {
    const del = this.del(d);
    const lock = del.unbondingLocks.get(lockId);
    requireThat(lock !== undefined && lock.withdrawRound > 0n, 'invalid unbonding lock ID');
    this.setD(d, {
      bondedAmount: add(del.bondedAmount, lock.amount),
      unbondingLocks: withoutLock(del.unbondingLocks, lockId),
    });
    const delegate = del.delegateAddress;
    this.ensurePendingDeactivationTranscoderCalledReward(delegate, round);
    this.increaseTotalStake(delegate, lock.amount, round, ev);
    ev.push(bm('Rebond', { delegate, delegator: d, unbondingLockId: lockId, amount: lock.amount }));
  }

  private ensurePendingDeactivationTranscoderCalledReward(t: Address, round: bigint): void {
    const tr = this.tr(t);
    if (this.isActiveTranscoder(t, round) && tr.deactivationRound !== MAX_FUTURE_ROUND) {
      requireThat(tr.lastRewardRound === round, 'transcoder has not yet called reward for the current round');
    }
  }

  private updateTranscoderWithRewards(t: Address, rewards: bigint, round: bigint, ev: Events): void {
    const tr = this.tr(t);
    const pool = this.poolAt(t, round);
    const prev = this.cumulativeFactorsPool(t, tr.lastRewardRound);
    const activeCumulativeRewards = tr.cumulativeRewards;
    requireThat(activeCumulativeRewards <= pool.totalStake, 'assert: activeCumulativeRewards <= totalStake');

    const split = splitReward(rewards, 0n, pool.transcoderRewardCut);
    this.setT(t, {
      activeCumulativeRewards,
      cumulativeRewards: add(tr.cumulativeRewards, cumulativeRewardsIncrement(split, activeCumulativeRewards, pool.totalStake)),
    });
    this.setPool(t, round, {
      cumulativeRewardFactor: nextCumulativeRewardFactor(prev.cumulativeRewardFactor, split.delegatorsRewards, pool.totalStake),
    });
    this.increaseTotalStake(t, rewards, round, ev);
  }

  private increaseTotalStake(delegate: Address, amount: bigint, round: bigint, ev: Events): void {
    const currStake = this.del(delegate).delegatedAmount;
    const newStake = add(currStake, amount);
    const nextRound = round + 1n;
    // Only a member of the next round's pool records its stake per round (BondingManager.increaseTotalStake): one
    // active now but evicted or resigned for the next round keeps its pools; a joiner's pool is set by the join.
    if (this.pool.contains(delegate)) {
      this.pool.updateKey(delegate, newStake);
      this.g.nextRoundTotalActiveStake = add(this.g.nextRoundTotalActiveStake, amount);
      this.updateActiveStakePools(delegate, currStake, newStake, round);
    } else if (this.isRegisteredTranscoder(delegate)) {
      this.tryToJoinActiveSet(delegate, newStake, nextRound, ev);
    }
    this.setD(delegate, { delegatedAmount: newStake });
  }

  private decreaseTotalStake(delegate: Address, amount: bigint, round: bigint): void {
    const currStake = this.del(delegate).delegatedAmount;
    const newStake = sub(currStake, amount);
    // As in BondingManager.decreaseTotalStake: only a member of the next round's pool.
    if (this.pool.contains(delegate)) {
      this.pool.updateKey(delegate, newStake);
      this.g.nextRoundTotalActiveStake = sub(this.g.nextRoundTotalActiveStake, amount);
      this.updateActiveStakePools(delegate, currStake, newStake, round);
    }
    this.setD(delegate, { delegatedAmount: newStake });
  }

  /** Pins this round's pool stake to the pre-change value (if not yet pinned) and sets next round's. */
  private updateActiveStakePools(t: Address, currStake: bigint, newStake: bigint, round: bigint): void {
    if (this.tr(t).lastActiveStakeUpdateRound < round) this.setPool(t, round, { totalStake: currStake });
    this.setPool(t, round + 1n, { totalStake: newStake });
    this.setT(t, { lastActiveStakeUpdateRound: round + 1n });
  }

  private tryToJoinActiveSet(t: Address, totalStake: bigint, activationRound: bigint, ev: Events): void {
    let pendingNextRoundTotalActiveStake = this.g.nextRoundTotalActiveStake;
    if (this.pool.isFull()) {
      const last = this.pool.getLast() ?? ZERO_ADDRESS;
      const lastStake = this.del(last).delegatedAmount;
      // Strictly more stake is needed to displace the smallest member.
      if (totalStake <= lastStake) return;
      this.pool.remove(last);
      this.setT(last, { deactivationRound: activationRound });
      pendingNextRoundTotalActiveStake = sub(pendingNextRoundTotalActiveStake, lastStake);
      ev.push(bm('TranscoderDeactivated', { transcoder: last, deactivationRound: activationRound }));
    }
    this.pool.insert(t, totalStake);
    pendingNextRoundTotalActiveStake = add(pendingNextRoundTotalActiveStake, totalStake);
    this.setT(t, {
      lastActiveStakeUpdateRound: activationRound,
      activationRound,
      deactivationRound: MAX_FUTURE_ROUND,
    });
    this.setPool(t, activationRound, { totalStake });
    this.g.nextRoundTotalActiveStake = pendingNextRoundTotalActiveStake;
    ev.push(bm('TranscoderActivated', { transcoder: t, activationRound }));
  }

  private resignTranscoder(t: Address, round: bigint, ev: Events): void {
    this.pool.remove(t);
    this.g.nextRoundTotalActiveStake = sub(this.g.nextRoundTotalActiveStake, this.del(t).delegatedAmount);
    const deactivationRound = round + 1n;
    this.setT(t, { deactivationRound });
    ev.push(bm('TranscoderDeactivated', { transcoder: t, deactivationRound }));
  }
}

type BmEvent = Extract<LedgerEvent, { contract: 'BondingManager' }>;

function bm<N extends BmEvent['name']>(name: N, args: Extract<BmEvent, { name: N }>['args']): LedgerEvent {
  return { contract: 'BondingManager', name, args } as Extract<BmEvent, { name: N }>;
}

function withLock(
  locks: ReadonlyMap<bigint, UnbondingLock>,
  id: bigint,
  lock: UnbondingLock,
): ReadonlyMap<bigint, UnbondingLock> {
  const m = new Map(locks);
  m.set(id, lock);
  return m;
}

function withoutLock(locks: ReadonlyMap<bigint, UnbondingLock>, id: bigint): ReadonlyMap<bigint, UnbondingLock> {
  const m = new Map(locks);
  m.delete(id);
  return m;
}
