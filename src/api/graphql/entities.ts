import { sql, type RawBuilder } from 'kysely';

/**
 * Subgraph-compatible entities. Each entity is a SQL source (a subquery whose columns carry the GraphQL
 * field names) plus field descriptions; filters, ordering and paging are compiled onto the subquery, so
 * `transcoders(where: {totalStake_gt: "1000"}, orderBy: totalStake)` runs as one SQL statement.
 * BigDecimal token fields are stored in wei and shown in tokens (÷1e18), as the subgraph does.
 */
export type ScalarKind = 'id' | 'string' | 'bigint' | 'bigdecimal' | 'int' | 'bool' | 'bytes';

export interface ScalarField {
  kind: ScalarKind;
  /** Column of the source subquery; defaults to the field name. */
  col?: string;
  /** Decimals of a bigdecimal (default 18). */
  decimals?: number;
  nonNull?: boolean;
  /** Sort by these columns instead (e.g. timestamp → block order, which the indexes serve). */
  sortCols?: string[];
  description?: string;
}

export interface RefField {
  kind: 'ref';
  target: string;
  /** Source column holding the referenced entity's id. */
  col: string;
  nonNull?: boolean;
}

export interface ListField {
  kind: 'list';
  target: string;
  /** Column of the target whose value equals this entity's id. */
  fk: string;
}

/** Resolved in code; not filterable or sortable. */
export interface ComputedField {
  kind: 'computed';
  type: string;
  args?: string;
}

export type Field = ScalarField | RefField | ListField | ComputedField;

export interface EntityDef {
  name: string;
  single: string;
  plural: string;
  description: string;
  source: RawBuilder<unknown>;
  fields: Record<string, Field>;
  /** Default sort when orderBy is absent (The Graph sorts by id). */
  defaultSort: string[];
  /** Its id is a number (a round): the id and every reference to it compare and sort as numbers, never as text. */
  numericId?: boolean;
  implements?: string;
}

const CURRENT_ROUND = sql`(select max(round) from protocol_round)`;
const CHAIN_NOW = sql`(select block_time from chain_event order by block_number desc, log_index desc limit 1)`;
const ZERO = '0x0000000000000000000000000000000000000000';

const windowFees = (days: number) => sql`coalesce((
  select sum(ep.fees) from earnings_pool ep join protocol_round pr on pr.round = ep.round
  where ep.transcoder = t.address and pr.block_time > ${CHAIN_NOW} - ${days * 86400}), 0)`;

const entities: EntityDef[] = [
  {
    name: 'Round',
    single: 'round',
    plural: 'rounds',
    description: 'An initialized protocol round.',
    source: sql`select round::text as "id", round as "_sort", block_time::int as "startTimestamp", true as "initialized",
      block_number as "startBlock", mintable as "mintableTokens", fees as "volumeETH", total_active_stake as "totalActiveStake",
      (l2_supply + coalesce(l1_supply, 0)) as "totalSupply",
      case when l2_supply + coalesce(l1_supply, 0) = 0 then 0 else round(total_active_stake / (l2_supply + coalesce(l1_supply, 0)), 18) end as "participationRate",
      inflation as "inflation", active_transcoders as "activeTranscoderCount", rewards as "rewardTokens", treasury_rewards as "treasuryRewardTokens",
      reward_calls as "rewardCallCount", winning_tickets as "winningTicketCount"
      from protocol_round`,
    fields: {
      id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
      startTimestamp: { kind: 'int', nonNull: true },
      initialized: { kind: 'bool', nonNull: true },
      startBlock: { kind: 'bigint', nonNull: true },
      mintableTokens: { kind: 'bigdecimal', nonNull: true },
      volumeETH: { kind: 'bigdecimal', nonNull: true },
      totalActiveStake: { kind: 'bigdecimal', nonNull: true },
      totalSupply: { kind: 'bigdecimal', nonNull: true },
      participationRate: { kind: 'bigdecimal', decimals: 0, nonNull: true },
      inflation: { kind: 'bigint', nonNull: true },
      activeTranscoderCount: { kind: 'bigint', nonNull: true },
      delegatorsCount: { kind: 'computed', type: 'BigInt' },
      rewardTokens: { kind: 'bigdecimal', description: 'Atlas: rewards minted in the round' },
      treasuryRewardTokens: { kind: 'bigdecimal', description: 'Atlas: treasury part of the rewards' },
      rewardCallCount: { kind: 'int', description: 'Atlas: reward calls in the round' },
      winningTicketCount: { kind: 'int', description: 'Atlas: winning tickets redeemed in the round' },
      pools: { kind: 'list', target: 'Pool', fk: '_round' },
    },
    defaultSort: ['_sort'],
    numericId: true,
  },
  {
    name: 'Transcoder',
    single: 'transcoder',
    plural: 'transcoders',
    description: 'An orchestrator (BondingManager transcoder).',
    source: sql`select t.address as "id", t.activation_round as "activationRound", t.deactivation_round as "deactivationRound",
      t.last_active_stake_update_round as "lastActiveStakeUpdateRound",
      (t.activation_round > 0 and t.activation_round <= ${CURRENT_ROUND} and ${CURRENT_ROUND} < t.deactivation_round) as "active",
      case when t.activation_round > 0 or t.total_stake > 0 then 'Registered' else 'NotRegistered' end as "status",
      t.last_reward_round::text as "_lastRewardRound", t.reward_cut as "rewardCut", t.fee_share as "feeShare",
      t.total_stake as "totalStake",
      coalesce((select sum(ep.fees) from earnings_pool ep where ep.transcoder = t.address), 0) as "totalVolumeETH",
      ${windowFees(30)} as "thirtyDayVolumeETH", ${windowFees(60)} as "sixtyDayVolumeETH", ${windowFees(90)} as "ninetyDayVolumeETH",
      o.service_uri as "serviceURI", t.address as "_delegator", t.cumulative_rewards as "cumulativeRewards", t.cumulative_fees as "cumulativeFees"
      from transcoder t left join orchestrator o on o.address = t.address`,
    fields: {
      id: { kind: 'id', nonNull: true },
      activationRound: { kind: 'bigint' },
      deactivationRound: { kind: 'bigint' },
      lastActiveStakeUpdateRound: { kind: 'bigint' },
      active: { kind: 'bool' },
      status: { kind: 'string' },
      lastRewardRound: { kind: 'ref', target: 'Round', col: '_lastRewardRound' },
      rewardCut: { kind: 'bigint' },
      feeShare: { kind: 'bigint' },
      totalStake: { kind: 'bigdecimal' },
      totalVolumeETH: { kind: 'bigdecimal' },
      thirtyDayVolumeETH: { kind: 'bigdecimal' },
      sixtyDayVolumeETH: { kind: 'bigdecimal' },
      ninetyDayVolumeETH: { kind: 'bigdecimal' },
      serviceURI: { kind: 'string' },
      cumulativeRewards: { kind: 'bigdecimal', description: "Atlas: the orchestrator's own unclaimed reward share" },
      cumulativeFees: { kind: 'bigdecimal', description: "Atlas: the orchestrator's own unclaimed fee share" },
      pools: { kind: 'list', target: 'Pool', fk: '_delegate' },
      delegators: { kind: 'list', target: 'Delegator', fk: '_delegate' },
      delegator: { kind: 'ref', target: 'Delegator', col: '_delegator' },
    },
    defaultSort: ['id'],
  },
  {
    name: 'Pool',
    single: 'pool',
    plural: 'pools',
    description: "A transcoder's earnings pool for one round.",
    source: sql`select transcoder || '-' || round::text as "id", round::text as "_round", round as "_roundNum", transcoder as "_delegate",
      fees as "fees", rewards as "rewardTokens", treasury_rewards as "treasuryRewardTokens", total_stake as "totalStake", reward_cut as "rewardCut", fee_share as "feeShare",
      cumulative_reward_factor as "cumulativeRewardFactor", cumulative_fee_factor as "cumulativeFeeFactor"
      from earnings_pool`,
    fields: {
      id: { kind: 'id', nonNull: true, sortCols: ['_delegate', '_roundNum'] },
      // Null for a pool of a round not initialized yet (stake changes create next round's pool early).
      round: { kind: 'ref', target: 'Round', col: '_round' },
      delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate', nonNull: true },
      fees: { kind: 'bigdecimal', nonNull: true },
      rewardTokens: { kind: 'bigdecimal' },
      treasuryRewardTokens: { kind: 'bigdecimal', description: 'Atlas: treasury part of the reward' },
      totalStake: { kind: 'bigdecimal', nonNull: true },
      rewardCut: { kind: 'bigint', nonNull: true },
      feeShare: { kind: 'bigint', nonNull: true },
      cumulativeRewardFactor: { kind: 'bigdecimal', decimals: 27 },
      cumulativeFeeFactor: { kind: 'bigdecimal', decimals: 27 },
    },
    defaultSort: ['_delegate', '_roundNum'],
  },
  {
    name: 'Delegator',
    single: 'delegator',
    plural: 'delegators',
    description: 'A bonded account.',
    source: sql`select address as "id", nullif(delegate, ${ZERO}) as "_delegate", start_round as "startRound",
      last_claim_round::text as "_lastClaimRound", bonded_amount as "bondedAmount", fees as "fees", delegated_amount as "delegatedAmount",
      unbonding_locks as "_locks"
      from delegator`,
    fields: {
      id: { kind: 'id', nonNull: true },
      delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate' },
      startRound: { kind: 'bigint', nonNull: true },
      lastClaimRound: { kind: 'ref', target: 'Round', col: '_lastClaimRound' },
      bondedAmount: { kind: 'bigdecimal', nonNull: true },
      fees: { kind: 'bigdecimal', nonNull: true },
      delegatedAmount: { kind: 'bigdecimal', nonNull: true },
      unbondingLocks: { kind: 'list', target: 'UnbondingLock', fk: '_delegator' },
      pendingStake: { kind: 'computed', type: 'BigDecimal' },
      pendingFees: { kind: 'computed', type: 'BigDecimal' },
    },
    defaultSort: ['id'],
  },
  {
    name: 'UnbondingLock',
    single: 'unbondingLock',
    plural: 'unbondingLocks',
    description: 'An open unbonding lock of a delegator.',
    source: sql`select d.address || '-' || (l->>'id') as "id", (l->>'id')::int as "unbondingLockId", d.address as "_delegator",
      nullif(d.delegate, ${ZERO}) as "_delegate", (l->>'amount')::numeric as "amount", (l->>'withdrawRound')::numeric as "withdrawRound"
      from delegator d cross join lateral jsonb_array_elements(d.unbonding_locks) l`,
    fields: {
      id: { kind: 'id', nonNull: true },
      unbondingLockId: { kind: 'int', nonNull: true },
      delegator: { kind: 'ref', target: 'Delegator', col: '_delegator', nonNull: true },
      delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate' },
      amount: { kind: 'bigdecimal', nonNull: true },
      withdrawRound: { kind: 'bigint', nonNull: true },
    },
    defaultSort: ['id'],
  },
  {
    name: 'Broadcaster',
    single: 'broadcaster',
    plural: 'broadcasters',
    description: 'A ticket sender (gateway).',
    source: sql`select address as "id", deposit as "deposit", reserve as "reserve", fees_paid as "totalVolumeETH",
      winning_tickets as "winningTicketCount" from gateway`,
    fields: {
      id: { kind: 'id', nonNull: true },
      deposit: { kind: 'bigdecimal', nonNull: true },
      reserve: { kind: 'bigdecimal', nonNull: true },
      totalVolumeETH: { kind: 'bigdecimal', nonNull: true },
      winningTicketCount: { kind: 'int', description: 'Atlas: winning tickets redeemed against this sender' },
    },
    defaultSort: ['id'],
  },
  {
    name: 'Day',
    single: 'day',
    plural: 'days',
    description: 'Protocol figures per UTC day: fees paid that day, stake and supply of the last round initialized by its end.',
    source: sql`with vol as (select block_time / 86400 as d, sum(paid) as v from winning_ticket group by 1),
      ds as (select distinct block_time / 86400 as d from protocol_round union select d from vol)
      select ds.d::text as "id", ds.d as "_sort", (ds.d * 86400)::int as "date", coalesce(vol.v, 0) as "volumeETH",
        r.total_active_stake as "totalActiveStake", (r.l2_supply + coalesce(r.l1_supply, 0)) as "totalSupply",
        case when r.l2_supply + coalesce(r.l1_supply, 0) = 0 then 0 else round(r.total_active_stake / (r.l2_supply + coalesce(r.l1_supply, 0)), 18) end as "participationRate",
        r.inflation as "inflation", r.active_transcoders as "activeTranscoderCount", r.round::text as "_round"
      from ds left join vol on vol.d = ds.d
      left join lateral (select * from protocol_round pr where pr.block_time < (ds.d + 1) * 86400 order by pr.round desc limit 1) r on true`,
    fields: {
      id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
      date: { kind: 'int', nonNull: true },
      volumeETH: { kind: 'bigdecimal', nonNull: true },
      totalActiveStake: { kind: 'bigdecimal' },
      totalSupply: { kind: 'bigdecimal' },
      participationRate: { kind: 'bigdecimal', decimals: 0 },
      inflation: { kind: 'bigint' },
      activeTranscoderCount: { kind: 'bigint' },
      delegatorsCount: { kind: 'computed', type: 'BigInt' },
    },
    defaultSort: ['_sort'],
  },
  {
    name: 'TreasuryProposal',
    single: 'treasuryProposal',
    plural: 'treasuryProposals',
    description: 'A LivepeerGovernor proposal.',
    source: sql`select id as "id", proposer as "_proposer", targets as "_targets", "values" as "_values", calldatas as "_calldatas",
      vote_start as "voteStart", vote_end as "voteEnd", description as "description", for_votes as "forVotes", against_votes as "againstVotes",
      abstain_votes as "abstainVotes", (for_votes + against_votes + abstain_votes) as "totalVotes", created_block as "_created", id::numeric as "_sort"
      from proposal`,
    fields: {
      id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
      proposer: { kind: 'ref', target: 'LivepeerAccount', col: '_proposer', nonNull: true },
      targets: { kind: 'computed', type: '[String!]!' },
      values: { kind: 'computed', type: '[BigInt!]!' },
      calldatas: { kind: 'computed', type: '[Bytes!]!' },
      voteStart: { kind: 'bigint', nonNull: true },
      voteEnd: { kind: 'bigint', nonNull: true },
      description: { kind: 'string', nonNull: true },
      votes: { kind: 'list', target: 'TreasuryVote', fk: '_proposal' },
      forVotes: { kind: 'bigdecimal', nonNull: true },
      againstVotes: { kind: 'bigdecimal', nonNull: true },
      abstainVotes: { kind: 'bigdecimal', nonNull: true },
      totalVotes: { kind: 'bigdecimal', nonNull: true },
      state: { kind: 'computed', type: 'String' },
    },
    defaultSort: ['_sort'],
  },
  {
    name: 'TreasuryVote',
    single: 'treasuryVote',
    plural: 'treasuryVotes',
    description: 'A vote on a treasury proposal.',
    source: sql`select proposal_id || '-' || voter as "id", proposal_id as "_proposal", voter as "_voter",
      case support when 0 then 'Against' when 1 then 'For' else 'Abstain' end as "support", weight as "weight", reason as "reason"
      from vote`,
    fields: {
      id: { kind: 'id', nonNull: true },
      proposal: { kind: 'ref', target: 'TreasuryProposal', col: '_proposal', nonNull: true },
      voter: { kind: 'ref', target: 'LivepeerAccount', col: '_voter', nonNull: true },
      support: { kind: 'string', nonNull: true },
      weight: { kind: 'bigdecimal', nonNull: true },
      reason: { kind: 'string' },
    },
    defaultSort: ['id'],
  },
  {
    name: 'Transaction',
    single: 'transaction',
    plural: 'transactions',
    description: 'A transaction that emitted Livepeer events.',
    source: sql`select tx_hash as "id", min(block_number) as "blockNumber", min(block_time)::int as "timestamp" from chain_event group by tx_hash`,
    fields: {
      id: { kind: 'id', nonNull: true },
      blockNumber: { kind: 'bigint', nonNull: true },
      timestamp: { kind: 'int', nonNull: true },
    },
    defaultSort: ['id'],
  },
];

// ------------------------------------------------------------------ events

export interface ArgField {
  kind: ScalarKind | 'ref';
  arg: string;
  target?: string;
  nonNull?: boolean;
}

export interface EventType {
  name: string;
  /** chain_event.name values. */
  events: string[];
  fields: Record<string, ArgField>;
}

const D = (arg: string): ArgField => ({ kind: 'bigdecimal', arg });
const B = (arg: string): ArgField => ({ kind: 'bigint', arg });
const I = (arg: string): ArgField => ({ kind: 'int', arg });
const S = (arg: string): ArgField => ({ kind: 'string', arg });
const R = (target: string, arg: string): ArgField => ({ kind: 'ref', target, arg });

export const eventTypes: EventType[] = [
  { name: 'BondEvent', events: ['Bond'], fields: { bondedAmount: D('bondedAmount'), additionalAmount: D('additionalAmount'), newDelegate: R('Transcoder', 'newDelegate'), oldDelegate: R('Transcoder', 'oldDelegate'), delegator: R('Delegator', 'delegator') } },
  { name: 'UnbondEvent', events: ['Unbond'], fields: { amount: D('amount'), withdrawRound: B('withdrawRound'), unbondingLockId: I('unbondingLockId'), delegate: R('Transcoder', 'delegate'), delegator: R('Delegator', 'delegator') } },
  { name: 'RebondEvent', events: ['Rebond'], fields: { amount: D('amount'), unbondingLockId: I('unbondingLockId'), delegate: R('Transcoder', 'delegate'), delegator: R('Delegator', 'delegator') } },
  { name: 'TransferBondEvent', events: ['TransferBond'], fields: { amount: D('amount'), newDelegator: R('Delegator', 'newDelegator'), oldDelegator: R('Delegator', 'oldDelegator'), newUnbondingLockId: I('newUnbondingLockId'), oldUnbondingLockId: I('oldUnbondingLockId') } },
  { name: 'RewardEvent', events: ['Reward'], fields: { rewardTokens: D('amount'), delegate: R('Transcoder', 'transcoder') } },
  { name: 'TranscoderActivatedEvent', events: ['TranscoderActivated'], fields: { delegate: R('Transcoder', 'transcoder'), activationRound: B('activationRound') } },
  { name: 'TranscoderDeactivatedEvent', events: ['TranscoderDeactivated'], fields: { delegate: R('Transcoder', 'transcoder'), deactivationRound: B('deactivationRound') } },
  { name: 'EarningsClaimedEvent', events: ['EarningsClaimed'], fields: { delegator: R('Delegator', 'delegator'), delegate: R('Transcoder', 'delegate'), startRound: B('startRound'), endRound: R('Round', 'endRound'), rewardTokens: D('rewards'), fees: D('fees') } },
  { name: 'TranscoderUpdateEvent', events: ['TranscoderUpdate'], fields: { delegate: R('Transcoder', 'transcoder'), rewardCut: B('rewardCut'), feeShare: B('feeShare') } },
  { name: 'TranscoderSlashedEvent', events: ['TranscoderSlashed'], fields: { delegate: R('Transcoder', 'transcoder'), finder: { kind: 'bytes', arg: 'finder' }, penalty: D('penalty'), finderReward: B('finderReward') } },
  { name: 'WithdrawStakeEvent', events: ['WithdrawStake'], fields: { delegator: R('Delegator', 'delegator'), unbondingLockId: I('unbondingLockId'), amount: D('amount') } },
  { name: 'WithdrawFeesEvent', events: ['WithdrawFees'], fields: { delegator: R('Delegator', 'delegator'), amount: D('amount'), recipient: S('recipient') } },
  { name: 'NewRoundEvent', events: ['NewRound'], fields: { blockHash: S('blockHash') } },
  {
    name: 'WinningTicketRedeemedEvent',
    events: ['WinningTicketRedeemed'],
    fields: { sender: R('Broadcaster', 'sender'), recipient: R('Transcoder', 'recipient'), faceValue: D('faceValue'), winProb: B('winProb'), senderNonce: B('senderNonce'), recipientRand: B('recipientRand'), auxData: { kind: 'bytes', arg: 'auxData' } },
  },
  { name: 'WinningTicketTransferEvent', events: ['WinningTicketTransfer'], fields: { sender: R('Broadcaster', 'sender'), recipient: R('Transcoder', 'recipient'), amount: D('amount') } },
  { name: 'DepositFundedEvent', events: ['DepositFunded'], fields: { sender: R('Broadcaster', 'sender'), amount: D('amount') } },
  { name: 'ReserveFundedEvent', events: ['ReserveFunded'], fields: { reserveHolder: R('Broadcaster', 'reserveHolder'), amount: D('amount') } },
  { name: 'ReserveClaimedEvent', events: ['ReserveClaimed'], fields: { reserveHolder: R('Broadcaster', 'reserveHolder'), claimant: R('Transcoder', 'claimant'), amount: D('amount') } },
  { name: 'WithdrawalEvent', events: ['Withdrawal'], fields: { sender: R('Broadcaster', 'sender'), deposit: D('deposit'), reserve: D('reserve') } },
  { name: 'SetCurrentRewardTokensEvent', events: ['SetCurrentRewardTokens'], fields: { currentMintableTokens: D('currentMintableTokens'), currentInflation: B('currentInflation') } },
  { name: 'ParameterUpdateEvent', events: ['ParameterUpdate'], fields: { param: S('param') } },
  { name: 'ServiceURIUpdateEvent', events: ['ServiceURIUpdate'], fields: { addr: S('addr'), serviceURI: S('serviceURI') } },
  {
    name: 'TreasuryVoteEvent',
    events: ['VoteCast', 'VoteCastWithParams'],
    fields: { voter: R('LivepeerAccount', 'voter'), proposal: R('TreasuryProposal', 'proposalId'), support: S('support'), weight: D('weight'), reason: S('reason') },
  },
];

export const eventTypeByName = new Map(eventTypes.flatMap((t) => t.events.map((e) => [e, t.name] as const)));

const lcFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

function eventSource(names: string[], fields: Record<string, ArgField>): RawBuilder<unknown> {
  const cols = Object.entries(fields).map(([f, a]) => {
    const path = sql`args->>${a.arg}`;
    const support = sql`case ${path} when '0' then 'Against' when '1' then 'For' else 'Abstain' end`;
    const expr =
      f === 'support' && a.arg === 'support'
        ? support
        : a.kind === 'bigdecimal' || a.kind === 'bigint'
          ? sql`(${path})::numeric`
          : a.kind === 'int'
            ? sql`(${path})::numeric`
            : a.kind === 'ref' || a.kind === 'id'
              ? sql`lower(${path})`
              : path;
    return sql`${expr} as ${sql.id(a.kind === 'ref' ? `_${f}` : f)}`;
  });
  const extra = cols.length ? sql`, ${sql.join(cols)}` : sql``;
  return sql`select tx_hash || '-' || log_index::text as "id", block_time::int as "timestamp", tx_hash as "_transaction",
    (case when name = 'NewRound' then (args->>'round')::bigint else round end)::text as "_round",
    block_number as "_block", log_index as "_log", name as "_name", args as "_args" ${extra}
    from chain_event where name in (${sql.join(names)})`;
}

const eventCommon: Record<string, Field> = {
  id: { kind: 'id', nonNull: true, sortCols: ['_block', '_log'] },
  timestamp: { kind: 'int', nonNull: true, sortCols: ['_block', '_log'] },
  transaction: { kind: 'ref', target: 'Transaction', col: '_transaction', nonNull: true },
  round: { kind: 'ref', target: 'Round', col: '_round' },
};

for (const t of eventTypes) {
  const fields: Record<string, Field> = { ...eventCommon };
  for (const [f, a] of Object.entries(t.fields)) {
    fields[f] = a.kind === 'ref' ? { kind: 'ref', target: a.target!, col: `_${f}` } : { kind: a.kind };
  }
  entities.push({
    name: t.name,
    single: lcFirst(t.name),
    plural: `${lcFirst(t.name)}s`,
    description: `${t.events.join(' / ')} events.`,
    source: eventSource(t.events, t.fields),
    fields,
    defaultSort: ['_block', '_log'],
    implements: 'Event',
  });
}

/** The Event interface over every mapped event type. */
export const eventInterface: EntityDef = {
  name: 'Event',
  single: 'event',
  plural: 'events',
  description: 'Any protocol event.',
  source: sql`select tx_hash || '-' || log_index::text as "id", block_time::int as "timestamp", tx_hash as "_transaction",
    (case when name = 'NewRound' then (args->>'round')::bigint else round end)::text as "_round",
    block_number as "_block", log_index as "_log", name as "_name", args as "_args"
    from chain_event where name in (${sql.join([...eventTypeByName.keys()])})`,
  fields: eventCommon,
  defaultSort: ['_block', '_log'],
};

/** LivepeerAccount: any address; its delegator and delegate are looked up. */
export const entityList: EntityDef[] = entities;
export const entityByName = new Map<string, EntityDef>([...entities, eventInterface].map((e) => [e.name, e]));
