import type { DecodedEvent } from '../chain/decode.js';
import type { RoundReadings } from '../chain/roundReadings.js';
import type { BondingLedger, ProposalTally } from '../protocol/index.js';
import { emptyHistory, type HistoryRows } from './history.js';
import type { RegisteredTargets } from './targetVersions.js';
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
  RoundPoolRow,
  RoundRow,
  TreasuryBalanceRow,
  TreasuryCallRow,
  UnknownLogRow,
  VoteRow,
  WinningTicketRow,
} from './rows.js';

/** What the projection knows about a block besides its logs. */
export interface BlockContext {
  number: number;
  timestamp: number;
  l1Block: number | null;
  /** At a NewRound's block: the round settings read from RoundsManager and Minter. */
  roundReadings?: RoundReadings;
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
  /** The implementations the Controller registered so far, whose rules apply (absent before the first). */
  targets?: RegisteredTargets;
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
  /** Logs of protocol contracts the decoder could not name. */
  unknownLogs: UnknownLogRow[] = [];
  pollTallies: PollTallyRow[] = [];
  /** The active set of each round initialized in the batch. */
  roundPools: RoundPoolRow[] = [];
  /** A version of every mutable row after each block that changed it (reads as of a past block). */
  history: HistoryRows = emptyHistory();
  predictionsChecked = 0;
}

/** Within one transaction: what its ticket redemptions paid so far (a transfer's reserve part, the last payment). */
export interface TicketTxState {
  reservePaid: Map<string, bigint>;
  lastPaid: bigint;
}

/**
 * The projection's state as event handlers see it: the BondingManager mirror, the scalars, the loaded rows and
 * the row changes of the current batch. Rows fetched through these accessors are marked changed.
 */
export interface ProjectionState {
  readonly ledger: BondingLedger;
  readonly extra: ExtraState;
  readonly changes: ProjectionChanges;
  readonly proposals: Map<string, ProposalRow>;
  readonly treasuryCalls: Map<string, TreasuryCallRow>;
  readonly tickets: TicketTxState;
  readonly params: ParamLookup;
  gateway(addr: string, block: BlockContext): GatewayRow;
  orchestrator(addr: string, block: BlockContext): OrchestratorRow;
  /** Payments into a pool (LPT-wei rewards, ETH-wei fees), created if absent. */
  payment(transcoder: string, round: bigint): PoolPaymentRow;
  /** The round's row, marked changed (undefined if the round was never initialized). */
  touchRound(round: bigint): RoundRow | undefined;
  tallyOf(proposalId: string): ProposalTally;
  pushDelegate(account: string, startRound: bigint, delegate: string): void;
  /** BondingVotes.delegatedAt: the delegate an account had at `round` (null if none). */
  delegateAt(account: string, round: bigint): string | null;
  /** Record a place where the chain and the protocol mirror disagree. */
  diverge(e: DecodedEvent, what: string, expected: string, actual: string): void;
}

/** Where an event is applied: the other events of its transaction and its block. */
export interface HandlerContext {
  tx: DecodedEvent[];
  block: BlockContext;
}

/** Applies one decoded event of one contract (as Ponder registers one function per event). */
export type EventHandler = (state: ProjectionState, e: DecodedEvent, ctx: HandlerContext) => void;

/** Handlers by `Contract.Event`. */
export type HandlerTable = Readonly<Record<string, EventHandler>>;
