import { sql, type RawBuilder } from 'kysely';
import type { AsOf } from '../db.js';
import type { EntityDef, Field, ScalarKind } from './fields.js';
import { upTo, usdWei } from './sql.js';

// The subgraph's event entities: one per contract event it maps (id `<tx hash>-<log index>`), read from chain_event.

export interface ArgField {
  kind: ScalarKind | 'ref';
  /** The event argument (a dotted path reads into a struct argument: `params.l1Addr`). */
  arg: string;
  target?: string;
  nonNull?: boolean;
  enumType?: string;
  /** SQL over the event row instead of an argument. */
  expr?: RawBuilder<unknown>;
}

export interface EventType {
  name: string;
  /** chain_event.name values. */
  events: string[];
  fields: Record<string, ArgField>;
}

const D = (arg: string, nonNull = true): ArgField => ({ kind: 'bigdecimal', arg, nonNull });
const B = (arg: string, nonNull = true): ArgField => ({ kind: 'bigint', arg, nonNull });
const I = (arg: string, nonNull = true): ArgField => ({ kind: 'int', arg, nonNull });
const S = (arg: string, nonNull = true): ArgField => ({ kind: 'string', arg, nonNull });
const X = (arg: string): ArgField => ({ kind: 'bytes', arg, nonNull: true });
const R = (target: string, arg: string, nonNull = true): ArgField => ({ kind: 'ref', target, arg, nonNull });

export const eventTypes: EventType[] = [
  { name: 'BondEvent', events: ['Bond'], fields: { bondedAmount: D('bondedAmount'), additionalAmount: D('additionalAmount'), newDelegate: R('Transcoder', 'newDelegate'), oldDelegate: R('Transcoder', 'oldDelegate', false), delegator: R('Delegator', 'delegator') } },
  { name: 'UnbondEvent', events: ['Unbond'], fields: { amount: D('amount'), withdrawRound: B('withdrawRound'), unbondingLockId: I('unbondingLockId', false), delegate: R('Transcoder', 'delegate'), delegator: R('Delegator', 'delegator') } },
  { name: 'RebondEvent', events: ['Rebond'], fields: { delegator: R('Delegator', 'delegator'), delegate: R('Transcoder', 'delegate'), amount: D('amount'), unbondingLockId: I('unbondingLockId') } },
  { name: 'TransferBondEvent', events: ['TransferBond'], fields: { amount: D('amount'), newDelegator: R('Delegator', 'newDelegator'), oldDelegator: R('Delegator', 'oldDelegator'), newUnbondingLockId: I('newUnbondingLockId'), oldUnbondingLockId: I('oldUnbondingLockId') } },
  { name: 'RewardEvent', events: ['Reward'], fields: { rewardTokens: D('amount'), delegate: R('Transcoder', 'transcoder') } },
  { name: 'RewardCallerSetEvent', events: ['RewardCallerSet'], fields: { delegate: R('Transcoder', 'transcoder'), rewardCaller: S('rewardCaller') } },
  { name: 'TranscoderActivatedEvent', events: ['TranscoderActivated'], fields: { delegate: R('Transcoder', 'transcoder'), activationRound: B('activationRound') } },
  { name: 'TranscoderDeactivatedEvent', events: ['TranscoderDeactivated'], fields: { delegate: R('Transcoder', 'transcoder'), deactivationRound: B('deactivationRound') } },
  { name: 'EarningsClaimedEvent', events: ['EarningsClaimed'], fields: { delegator: R('Delegator', 'delegator'), delegate: R('Transcoder', 'delegate'), startRound: B('startRound'), endRound: R('Round', 'endRound'), rewardTokens: D('rewards'), fees: D('fees') } },
  { name: 'TranscoderUpdateEvent', events: ['TranscoderUpdate'], fields: { delegate: R('Transcoder', 'transcoder'), rewardCut: B('rewardCut'), feeShare: B('feeShare') } },
  { name: 'TranscoderSlashedEvent', events: ['TranscoderSlashed'], fields: { delegate: R('Transcoder', 'transcoder'), finder: X('finder'), penalty: D('penalty'), finderReward: B('finderReward') } },
  // Events of the protocol before its move to Arbitrum: no deployed contract emits them any more.
  { name: 'TranscoderResignedEvent', events: ['TranscoderResigned'], fields: { delegate: R('Transcoder', 'transcoder') } },
  { name: 'TranscoderEvictedEvent', events: ['TranscoderEvicted'], fields: { delegate: R('Transcoder', 'transcoder') } },
  { name: 'WithdrawStakeEvent', events: ['WithdrawStake'], fields: { delegator: R('Delegator', 'delegator'), unbondingLockId: I('unbondingLockId', false), amount: D('amount') } },
  { name: 'WithdrawFeesEvent', events: ['WithdrawFees'], fields: { delegator: R('Delegator', 'delegator'), amount: D('amount'), recipient: S('recipient') } },
  { name: 'NewRoundEvent', events: ['NewRound'], fields: { blockHash: S('blockHash') } },
  {
    name: 'WinningTicketRedeemedEvent',
    events: ['WinningTicketRedeemed'],
    fields: {
      sender: R('Broadcaster', 'sender'),
      recipient: R('Transcoder', 'recipient'),
      faceValue: D('faceValue'),
      faceValueUSD: { kind: 'bigdecimal', arg: 'faceValue', nonNull: true, expr: usdWei(sql`(ce.args->>'faceValue')::numeric`, sql`ce.block_time`) },
      winProb: B('winProb'),
      senderNonce: B('senderNonce'),
      recipientRand: B('recipientRand'),
      auxData: X('auxData'),
    },
  },
  { name: 'DepositFundedEvent', events: ['DepositFunded'], fields: { sender: R('Broadcaster', 'sender'), amount: D('amount') } },
  { name: 'ReserveFundedEvent', events: ['ReserveFunded'], fields: { reserveHolder: R('Broadcaster', 'reserveHolder'), amount: D('amount') } },
  { name: 'ReserveClaimedEvent', events: ['ReserveClaimed'], fields: { reserveHolder: R('Broadcaster', 'reserveHolder'), claimant: R('Transcoder', 'claimant'), amount: D('amount') } },
  { name: 'WithdrawalEvent', events: ['Withdrawal'], fields: { sender: R('Broadcaster', 'sender'), deposit: D('deposit'), reserve: D('reserve') } },
  { name: 'SetCurrentRewardTokensEvent', events: ['SetCurrentRewardTokens'], fields: { currentMintableTokens: D('currentMintableTokens'), currentInflation: B('currentInflation') } },
  { name: 'PauseEvent', events: ['Pause'], fields: {} },
  { name: 'UnpauseEvent', events: ['Unpause'], fields: {} },
  { name: 'ParameterUpdateEvent', events: ['ParameterUpdate'], fields: { param: S('param') } },
  {
    name: 'TreasuryVoteEvent',
    events: ['VoteCast', 'VoteCastWithParams'],
    fields: {
      voter: R('LivepeerAccount', 'voter'),
      proposal: R('TreasuryProposal', 'proposalId'),
      support: { kind: 'string', arg: 'support', nonNull: true, enumType: 'TreasuryVoteSupport', expr: sql`case ce.args->>'support' when '0' then 'Against' when '1' then 'For' else 'Abstain' end` },
      weight: D('weight'),
      reason: S('reason', false),
    },
  },
  { name: 'VoteEvent', events: ['Vote'], fields: { voter: S('voter'), choiceID: B('choiceID'), poll: { kind: 'ref', target: 'Poll', arg: 'poll', nonNull: true, expr: sql`ce.a2` } } },
  { name: 'PollCreatedEvent', events: ['PollCreated'], fields: { poll: R('Poll', 'poll'), proposal: X('proposal'), endBlock: B('endBlock'), quorum: B('quorum'), quota: B('quota') } },
  { name: 'ServiceURIUpdateEvent', events: ['ServiceURIUpdate'], fields: { addr: S('addr'), serviceURI: S('serviceURI') } },
  { name: 'MintEvent', events: ['Mint'], fields: { to: S('to'), amount: D('amount') } },
  { name: 'BurnEvent', events: ['Burn'], fields: { value: D('amount') } },
  {
    name: 'MigrateDelegatorFinalizedEvent',
    events: ['MigrateDelegatorFinalized'],
    fields: { l1Addr: S('params.l1Addr'), l2Addr: S('params.l2Addr'), stake: D('params.stake'), delegatedStake: D('params.delegatedStake'), fees: D('params.fees'), delegate: S('params.delegate') },
  },
  { name: 'StakeClaimedEvent', events: ['StakeClaimed'], fields: { delegator: S('delegator'), delegate: S('delegate'), stake: D('stake'), fees: D('fees') } },
];

const lcFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

function argExpr(a: ArgField): RawBuilder<unknown> {
  if (a.expr) return a.expr;
  const parts = a.arg.split('.');
  const path = parts.length === 1 ? sql`ce.args->>${a.arg}` : sql`ce.args->${parts[0]!}->>${parts[1]!}`;
  if (a.kind === 'bigdecimal' || a.kind === 'bigint' || a.kind === 'int') return sql`(${path})::numeric`;
  if (a.kind === 'ref' || a.kind === 'bytes') return sql`lower(${path})`;
  return path;
}

/** Columns every event has: id, timestamp, the transaction, the round (NewRound names its own). */
const commonColumns = sql`ce.tx_hash || '-' || ce.log_index::text as "id", ce.block_time::int as "timestamp", ce.tx_hash as "_transaction",
  (case when ce.name = 'NewRound' then (ce.args->>'round')::bigint else ce.round end)::text as "_round",
  ce.block_number as "_block", ce.log_index as "_log", ce.name as "_name"`;

function eventSource(names: readonly string[], fields: Record<string, ArgField>) {
  return (asOf: AsOf) => {
    const cols = Object.entries(fields).map(([f, a]) => sql`${argExpr(a)} as ${sql.ref(a.kind === 'ref' ? `_${f}` : f)}`);
    const extra = cols.length ? sql`, ${sql.join(cols)}` : sql``;
    return sql`select ${commonColumns} ${extra} from chain_event ce where ce.name in (${sql.join([...names])}) and ${upTo(asOf, 'ce.block_number')}`;
  };
}

const eventCommon: Record<string, Field> = {
  id: { kind: 'id', nonNull: true, sortCols: ['_block', '_log'] },
  transaction: { kind: 'ref', target: 'Transaction', col: '_transaction', nonNull: true },
  timestamp: { kind: 'int', nonNull: true, sortCols: ['_block', '_log'] },
  round: { kind: 'ref', target: 'Round', col: '_round', nonNull: true },
};

export const eventEntities = eventTypes.map((t) => {
  const fields: Record<string, Field> = { ...eventCommon };
  for (const [f, a] of Object.entries(t.fields)) {
    fields[f] = a.kind === 'ref' ? { kind: 'ref', target: a.target!, col: `_${f}`, nonNull: a.nonNull } : { kind: a.kind, nonNull: a.nonNull, enumType: a.enumType };
  }
  const def: EntityDef = {
    name: t.name,
    single: lcFirst(t.name),
    plural: `${lcFirst(t.name)}s`,
    description: `${t.name} entities are created for every emitted ${t.events.join(' / ')} event.`,
    source: eventSource(t.events, t.fields),
    fields,
    defaultSort: ['_block', '_log'],
    implements: 'Event',
  };
  return { def, events: t.events };
});

/** chain_event name → its entity type. */
export const eventTypeByName = new Map(eventTypes.flatMap((t) => t.events.map((e) => [e, t.name] as const)));

/** The Event interface over every mapped event type; a row names its type in `_name`. */
export const eventInterface: EntityDef = {
  name: 'Event',
  single: 'event',
  plural: 'events',
  description: 'Any protocol event.',
  source: (asOf) => sql`select ${commonColumns}, ce.args as "_args" from chain_event ce where ce.name in (${sql.join([...eventTypeByName.keys()])}) and ${upTo(asOf, 'ce.block_number')}`,
  fields: eventCommon,
  defaultSort: ['_block', '_log'],
};
