import type { DecodedEvent } from '../chain/decode.js';
import { LATEST_VERSIONS } from '../base/protocolVersions.js';
import type { NetworkConfig } from '../chain/networks.js';
import { versionedContractOf } from '../chain/targets.js';
import {
  BondingLedger,
  bondingManagerEventExists,
  MAX_FUTURE_ROUND,
  ProposalTally,
  ProtocolRevertError,
  tallyPoll,
  type LedgerConfig,
  type LedgerEvent,
} from '../protocol/index.js';
import { bondingOperations, type OperationContext } from './handlers/bondingManager.js';
import { registrationName } from './handlers/controller.js';
import { eventHandlers } from './handlers/index.js';
import { BlockTouches } from './history.js';
import { delegatorRow, earningsPoolRow, transcoderRow } from './ledgerRows.js';
import type { DelegateChangeRow, GatewayRow, OrchestratorRow, PoolPaymentRow, ProposalRow, RoundRow, TreasuryCallRow, VoteRow } from './rows.js';
import { registeredTarget, UnknownTargetError, versionInForce } from './targetVersions.js';
import { ProjectionChanges, type BlockContext, type ExtraState, type OpenPoll, type ParamLookup, type ProjectionState, type TicketTxState } from './state.js';

export { ProjectionChanges, type BlockContext, type ExtraState, type OpenPoll, type ParamLookup } from './state.js';

const ZERO = '0x0000000000000000000000000000000000000000';
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
  DepositFinalized: ['_to', '_from', '_amount'],
  WithdrawalInitiated: ['_from', '_to', '_amount'],
};

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

const BM_PREFIX = new Set(['EarningsClaimed', 'TranscoderActivated', 'TranscoderDeactivated', 'TreasuryReward']);

/**
 * Turns decoded protocol events into state: the BondingManager mirror (src/protocol) replays each
 * operation and must predict the events the chain emitted; everything else is tracked directly.
 */
export class ProtocolProjector implements ProjectionState {
  ledger: BondingLedger;
  extra: ExtraState;
  private rounds: Map<bigint, RoundRow>;
  private orchestrators: Map<string, OrchestratorRow>;
  private gateways: Map<string, GatewayRow>;
  private poolPayments: Map<string, PoolPaymentRow>;
  readonly proposals: Map<string, ProposalRow>;
  private tallies = new Map<string, ProposalTally>();
  readonly treasuryCalls: Map<string, TreasuryCallRow>;
  private delegateHistory = new Map<string, { startRound: bigint; delegate: string }[]>();
  changes = new ProjectionChanges();
  /** Ledger entities written, with the block of their last change (so rows do not depend on batching). */
  readonly dirtyAt = { delegators: new Map<string, number>(), transcoders: new Map<string, number>(), pools: new Map<string, [string, bigint]>() };
  readonly tickets: TicketTxState = { reservePaid: new Map(), lastPaid: 0n };
  /** Rows the block being applied changed: a version of each is kept when the block ends. */
  private readonly touched = new BlockTouches();

  constructor(
    ledger: BondingLedger,
    seed: ProjectorSeed,
    readonly params: ParamLookup,
    /** Which rules the network's implementations run (NetworkConfig.targetVersions). */
    readonly targetVersions: NetworkConfig['targetVersions'] = LATEST_VERSIONS,
  ) {
    this.ledger = ledger;
    this.extra = { ...seed.extra };
    const bmVersion = versionInForce(targetVersions, this.extra.targets, 'BondingManager');
    if (bmVersion !== undefined) ledger.setBondingManagerVersion(bmVersion);
    this.rounds = seed.rounds;
    this.orchestrators = seed.orchestrators;
    this.gateways = seed.gateways;
    this.poolPayments = seed.poolPayments;
    this.proposals = seed.proposals;
    this.treasuryCalls = seed.treasuryCalls;
    for (const v of seed.votes) this.tallyOf(v.proposal_id).castVote({ voter: v.voter, delegate: v.delegate ?? v.voter, support: v.support, weight: v.weight });
    for (const d of seed.delegateHistory) this.pushDelegate(d.account, d.start_round, d.to_delegate);
  }

  /** A projection of nothing yet, over a BondingManager as freshly deployed. */
  static fresh(treasury: string, params: ParamLookup, targetVersions: NetworkConfig['targetVersions'] = LATEST_VERSIONS): ProtocolProjector {
    const seed: ProjectorSeed = {
      extra: ProtocolProjector.emptyExtra(treasury),
      rounds: new Map(),
      orchestrators: new Map(),
      gateways: new Map(),
      poolPayments: new Map(),
      proposals: new Map(),
      votes: [],
      treasuryCalls: new Map(),
      delegateHistory: [],
    };
    return new ProtocolProjector(new BondingLedger(ProtocolProjector.ledgerConfig(treasury)), seed, params, targetVersions);
  }

  static emptyExtra(treasury: string): ExtraState {
    return { treasury: treasury.toLowerCase(), treasuryBalance: 0n, l2Supply: 0n, l1Supply: null, lastRound: 0n, lastMintable: 0n, lastInflation: 0n };
  }

  /** A BondingManager as deployed: no active slots until its setNumActiveTranscoders (a ParameterUpdate) runs. */
  static ledgerConfig(treasury: string): LedgerConfig {
    return { numActiveTranscoders: 0n, treasury: treasury.toLowerCase() };
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
      for (const a of d.delegators) {
        this.dirtyAt.delegators.set(a, block.number);
        this.touched.delegators.add(a);
      }
      for (const a of d.transcoders) {
        this.dirtyAt.transcoders.set(a, block.number);
        this.touched.transcoders.add(a);
      }
      for (const [t, r] of d.pools) {
        this.dirtyAt.pools.set(`${t}|${r}`, [t, r]);
        this.touched.pools.set(`${t}|${r}`, [t, r]);
      }
      i = j;
      if (i === events.length || events[i]!.blockNumber !== block.number) this.sealBlock(block.number);
    }
  }

  /** Keeps a version of every row the block changed, as it stands after the block (reads as of a past block). */
  private sealBlock(block: number): void {
    const t = this.touched;
    if (t.empty) return;
    const h = this.changes.history;
    const version = { version_block: block };
    for (const a of t.delegators) {
      h.delegator.push({ ...delegatorRow(this.ledger, a, block), ...version });
      // A transcoder's total stake is its own delegator record's delegated amount.
      if (this.ledger.hasTranscoder(a as `0x${string}`)) t.transcoders.add(a);
    }
    for (const a of t.transcoders) h.transcoder.push({ ...transcoderRow(this.ledger, a, block), ...version });
    for (const [key, [tr, r]] of t.pools) h.earnings_pool.push({ ...earningsPoolRow(this.ledger, tr, r, this.poolPayments.get(key)), ...version });
    for (const r of t.rounds) {
      const row = this.rounds.get(r);
      if (row) h.protocol_round.push({ ...row, ...version });
    }
    for (const a of t.orchestrators) {
      const row = this.orchestrators.get(a);
      if (row) h.orchestrator.push({ ...row, ...version });
    }
    for (const a of t.gateways) {
      const row = this.gateways.get(a);
      if (row) h.gateway.push({ ...row, ...version });
    }
    t.clear();
  }

  // ---------------------------------------------------------------- per transaction

  private applyTx(tx: DecodedEvent[], block: BlockContext): void {
    // Before anything of this block: polls whose end lies behind it are weighed on the stake as it stands.
    if (block.l1Block !== null && this.extra.polls?.some((p) => BigInt(block.l1Block!) > p.endBlock)) this.closePolls(block);
    for (const e of tx) this.recordEvent(e, block);
    this.registerTargets(tx);
    const newRound = tx.find((e) => e.contract === 'RoundsManager' && e.name === 'NewRound');
    const bm = this.bondingEventsOfVersion(tx.filter((e) => e.contract === 'BondingManager'));
    let k = 0;
    if (newRound) k = this.initializeRound(tx, newRound, bm, block);
    this.applyBondingOps(bm.slice(k), tx, block);
    for (const e of tx) {
      if (e.contract === 'BondingManager' || e === newRound) continue;
      eventHandlers[`${e.contract}.${e.name}`]?.(this, e, { tx, block });
    }
  }

  /**
   * Controller registrations of a versioned implementation switch the rules for the transaction's operations on
   * (an upgrade and the calls that follow it in one governance execution take the new rules). On Arbitrum One an
   * address outside its table stops the indexer (UnknownTargetError), never a fallback.
   */
  private registerTargets(tx: DecodedEvent[]): void {
    for (const e of tx) {
      if (e.contract !== 'Controller' || e.name !== 'SetContractInfo') continue;
      const contract = versionedContractOf(registrationName(String(e.args.id)));
      if (!contract) continue;
      const target = registeredTarget(this.targetVersions, contract, String(e.args.contractAddress), e.blockNumber);
      this.extra.targets = { ...this.extra.targets, [contract]: target };
      if (contract === 'BondingManager') this.ledger.setBondingManagerVersion(target.version);
    }
  }

  /**
   * The BondingManager events the version in force declares: one its ABI lacks (TreasuryReward before v7) is a
   * divergence and is not replayed. Before any registered target on Arbitrum One there are no rules to apply.
   */
  private bondingEventsOfVersion(bm: DecodedEvent[]): DecodedEvent[] {
    if (bm.length === 0) return bm;
    const version = versionInForce(this.targetVersions, this.extra.targets, 'BondingManager');
    if (version === undefined) {
      throw new UnknownTargetError(`BondingManager event at block ${bm[0]!.blockNumber} before the Controller registered any BondingManagerTarget: no rules to replay it with`);
    }
    return bm.filter((e) => {
      if (bondingManagerEventExists(version, e.name)) return true;
      this.diverge(e, `${e.name} event`, `none: BondingManagerTarget v${version} has no ${e.name} event`, e.name);
      return false;
    });
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

  diverge(e: DecodedEvent, what: string, expected: string, actual: string): void {
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
    for (const [addr] of this.ledger.allTranscoders()) {
      if (!this.ledger.isActiveTranscoder(addr, round)) continue;
      active++;
      const tr = this.ledger.getTranscoder(addr);
      this.changes.roundPools.push({ round, transcoder: addr, total_stake: this.ledger.transcoderTotalStake(addr), reward_cut: tr.rewardCut, fee_share: tr.feeShare, block_number: block.number });
    }
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
      round_length: block.roundReadings?.roundLength ?? null,
      round_lock_amount: block.roundReadings?.roundLockAmount ?? null,
      start_block: block.roundReadings?.startBlock ?? null,
      inflation_change: block.roundReadings?.inflationChange ?? null,
      target_bonding_rate: block.roundReadings?.targetBondingRate ?? null,
    });
    this.touchRound(round);
    return got.length;
  }

  touchRound(round: bigint): RoundRow | undefined {
    const r = this.rounds.get(round);
    if (r) {
      this.changes.rounds.set(round, r);
      this.touched.rounds.add(round);
    }
    return r;
  }

  // ---------------------------------------------------------------- BondingManager operations

  private applyBondingOps(bm: DecodedEvent[], tx: DecodedEvent[], block: BlockContext): void {
    let i = 0;
    const round = this.extra.lastRound;
    while (i < bm.length) {
      let j = i;
      while (j < bm.length && (BM_PREFIX.has(bm[j]!.name) || (bm[j]!.name === 'ParameterUpdate' && bm[j]!.args.param === 'nextRoundTreasuryRewardCutRate' && bm.slice(j + 1).some((x) => x.name === 'Reward')))) j++;
      const anchor = bm[j];
      const first = bm[i]!;
      const at = anchor ?? first;
      // Events of this operation to skip if its replay fails: through the anchor unless the handler says more.
      let spans = anchor ? j - i + 1 : 1;
      let predicted: LedgerEvent[];
      try {
        if (!anchor) {
          // A claim on its own (claimEarnings) has no anchor after it.
          if (first.name !== 'EarningsClaimed') {
            this.diverge(first, `unexpected ${first.name}`, 'an operation', 'no anchor event');
            i++;
            continue;
          }
          predicted = this.ledger.claimEarnings({ round, delegator: first.args.delegator as string });
        } else {
          const handler = bondingOperations[anchor.name];
          if (!handler) {
            this.diverge(anchor, `unsupported ${anchor.name}`, 'a supported operation', anchor.name);
            i = j + 1;
            continue;
          }
          const ctx: OperationContext = { tx, block, round, events: bm.slice(i), anchorAt: j - i };
          try {
            predicted = handler(this, anchor, ctx);
          } finally {
            spans = ctx.spans ?? spans;
          }
        }
      } catch (err) {
        const msg = err instanceof ProtocolRevertError ? `reverts: ${err.message}` : String((err as Error).message);
        this.diverge(at, `${at.name} replay`, 'succeeds as on chain', msg);
        i += spans;
        continue;
      }
      const n = predicted.length;
      if (this.comparePrediction(at, at.name, predicted, bm.slice(i, i + n))) i += n;
      else i += spans;
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

  /** Payments into a pool so far (LPT-wei rewards, ETH-wei fees), if any. */
  payments(t: string, round: bigint): PoolPaymentRow | undefined {
    return this.poolPayments.get(`${t}|${round}`);
  }

  payment(t: string, round: bigint): PoolPaymentRow {
    const key = `${t}|${round}`;
    let p = this.poolPayments.get(key);
    if (!p) {
      p = { transcoder: t, round, rewards: 0n, treasury_rewards: 0n, fees: 0n };
      this.poolPayments.set(key, p);
    }
    this.changes.poolPayments.set(key, p);
    this.touched.pools.set(key, [t, round]);
    return p;
  }

  orchestrator(addr: string, block: BlockContext): OrchestratorRow {
    let o = this.orchestrators.get(addr);
    if (!o) {
      o = { address: addr, service_uri: null, ai_service_uri: null, reward_caller: null, first_block: block.number, updated_block: block.number };
      this.orchestrators.set(addr, o);
    }
    o.updated_block = block.number;
    this.changes.orchestrators.set(addr, o);
    this.touched.orchestrators.add(addr);
    return o;
  }

  gateway(addr: string, block: BlockContext): GatewayRow {
    let g = this.gateways.get(addr);
    if (!g) {
      g = { address: addr, deposit: 0n, reserve: 0n, withdraw_round: null, winning_tickets: 0, face_value_total: 0n, fees_paid: 0n, first_block: block.number, updated_block: block.number };
      this.gateways.set(addr, g);
    }
    g.updated_block = block.number;
    this.changes.gateways.set(addr, g);
    this.touched.gateways.add(addr);
    return g;
  }

  tallyOf(id: string): ProposalTally {
    let t = this.tallies.get(id);
    if (!t) {
      t = new ProposalTally();
      this.tallies.set(id, t);
    }
    return t;
  }

  pushDelegate(account: string, startRound: bigint, delegate: string): void {
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
