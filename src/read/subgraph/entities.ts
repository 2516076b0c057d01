import { sql } from 'kysely';
import type { AsOf } from '../db.js';
import { eventEntities, eventInterface } from './events.js';
import type { EntityDef } from './fields.js';
import { argAddr, argNum, currentRound, eventsAsOf, lastRoundTime, MAX_FUTURE_ROUND, paramAt, tableAsOf, ticketsAsOf, upTo, usdWei, uses, wanted, ZERO_ADDRESS } from './sql.js';
import { roundDelegatorsCount } from './delegatorsCount.js';

// The Livepeer subgraph's entities (livepeer/subgraph schema.graphql), each computed from Atlas's tables as the
// subgraph's mappings compute it, plus Atlas's own fields (described "Atlas: …").

const pad10 = (x: string) => sql.raw(`lpad(${x}::text, 10, '0')`);

/** Fee volume (ticket face values, ETH wei) of one party: all time (days = null) or over the last n days before the newest round. */
const volume = (asOf: AsOf, col: 'recipient' | 'sender', key: string, days: number | null, usd = false) => sql`coalesce((
  select sum(${usd ? usdWei(sql`tk.face_value`, sql`tk.block_time`) : sql`tk.face_value`}) from winning_ticket tk
  where tk.${sql.ref(col)} = ${sql.ref(key)} and ${upTo(asOf, 'tk.block_number')}
  ${days === null ? sql`` : sql`and tk.block_time / 86400 * 86400 >= ${lastRoundTime(asOf)} - ${days * 86400}`}), 0)`;

/** The newest of an account's events of the given names (a1 is the account), as a correlated lookup. */
const lastEventOf = (asOf: AsOf, key: string, names: string[], what: ReturnType<typeof sql>) => sql`(select ${what} from chain_event ce
  where ce.a1 = ${sql.ref(key)} and ce.name in (${sql.join(names)}) and ${upTo(asOf, 'ce.block_number')} order by ce.block_number desc, ce.log_index desc limit 1)`;

/** Sum of an event amount over an account's events (a1 or a2 is the account). */
const sumOf = (asOf: AsOf, side: 'a1' | 'a2', key: string, name: string, arg: string, extra: ReturnType<typeof sql> = sql`true`) => sql`coalesce((select sum(${argNum('ce', arg)}) from chain_event ce
  where ce.${sql.ref(side)} = ${sql.ref(key)} and ce.name = ${name} and ${upTo(asOf, 'ce.block_number')} and ${extra}), 0)`;

/** When a transcoder last changed its reward cut (or fee share) in a TranscoderUpdate; 0 if never. */
const cutChangedAt = (asOf: AsOf, key: string, arg: 'rewardCut' | 'feeShare') => sql`coalesce((select max(x.block_time) from (
  select ce.block_time, ${argNum('ce', arg)} as v, lag(${argNum('ce', arg)}, 1, 0) over (order by ce.block_number, ce.log_index) as prev
  from chain_event ce where ce.a1 = ${sql.ref(key)} and ce.name = 'TranscoderUpdate' and ${upTo(asOf, 'ce.block_number')}) x where x.v <> x.prev), 0)`;

/** The subgraph's count at a round's NewRound: set there only while stake is bonded (RoundsManager.NewRound handler). */
const countAtNewRound = (pr: string, dc: string) =>
  sql`(case when ${sql.ref(`${pr}.total_active_stake`)} > 0 and ${sql.ref(`${pr}.l2_supply`)} + coalesce(${sql.ref(`${pr}.l1_supply`)}, 0) > 0 then coalesce(${sql.ref(`${dc}.start`)}, 0) else 0 end)`;

const round: EntityDef = {
  name: 'Round',
  single: 'round',
  plural: 'rounds',
  description: 'The Livepeer protocol is round based and each round is represented by some number of Ethereum blocks.',
  // Stake moved and fee volume are sums over every round's events: left out when the read uses neither.
  source: (asOf, want) => {
    const moves = uses(want, 'movedStake') || uses(want, 'newStake');
    const volume = uses(want, 'volumeETH') || uses(want, 'volumeUSD');
    return sql`
    with bonds as (
      select ce.round, sum(${argNum('ce', 'bondedAmount')} - ${argNum('ce', 'additionalAmount')}) as moved, sum(${argNum('ce', 'additionalAmount')}) as added
      from ${eventsAsOf(asOf, ['Bond'])} ce
      where ${moves ? sql`true` : sql`false`} and ${argNum('ce', 'bondedAmount')} > ${argNum('ce', 'additionalAmount')} and ${argAddr('ce', 'oldDelegate')} <> ${argAddr('ce', 'newDelegate')}
      group by ce.round),
    vol as (select tk.round, sum(tk.face_value) as eth, sum(tk.face_value_usd) as usd from ${ticketsAsOf(asOf)} tk where ${volume ? sql`true` : sql`false`} group by tk.round)
    select pr.round::text as "id", pr.round as "_sort", pr.block_time::int as "startTimestamp", true as "initialized",
      coalesce(pr.round_length, ${paramAt('roundLength', sql`pr.block_number`)}) as "length",
      coalesce(pr.start_block, pr.l1_block, pr.block_number) as "startBlock",
      coalesce(pr.start_block, pr.l1_block, pr.block_number) + coalesce(pr.round_length, ${paramAt('roundLength', sql`pr.block_number`)}, 0) as "endBlock",
      pr.mintable as "mintableTokens", coalesce(vol.eth, 0) as "volumeETH", coalesce(vol.usd, 0) as "volumeUSD",
      pr.total_active_stake as "totalActiveStake", (pr.l2_supply + coalesce(pr.l1_supply, 0)) as "totalSupply",
      case when pr.l2_supply + coalesce(pr.l1_supply, 0) = 0 then 0 else round(pr.total_active_stake / (pr.l2_supply + coalesce(pr.l1_supply, 0)), 18) end as "participationRate",
      coalesce(bonds.moved, 0) as "movedStake", coalesce(bonds.added, 0) as "newStake",
      pr.inflation as "inflation", coalesce(${paramAt('numActiveTranscoders', sql`pr.block_number`)}, 0) as "numActiveTranscoders",
      pr.active_transcoders as "activeTranscoderCount", pr.block_number as "initBlock",
      ${uses(want, 'delegatorsCount') ? sql`${countAtNewRound('pr', 'dc')} + coalesce(dc.moved, 0)` : sql`null`} as "delegatorsCount",
      pr.rewards as "rewardTokens", pr.treasury_rewards as "treasuryRewardTokens", pr.reward_calls as "rewardCallCount", pr.winning_tickets as "winningTicketCount"
    from ${tableAsOf(asOf, 'protocol_round', ['round'])} pr
    left join bonds on bonds.round = pr.round left join vol on vol.round = pr.round ${uses(want, 'delegatorsCount') ? roundDelegatorsCount(asOf, 'pr.round') : sql``}`;
  },
  fields: {
    id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
    startTimestamp: { kind: 'int', nonNull: true },
    initialized: { kind: 'bool', nonNull: true },
    length: { kind: 'bigint', nonNull: true },
    startBlock: { kind: 'bigint', nonNull: true },
    endBlock: { kind: 'bigint', nonNull: true },
    pools: { kind: 'list', target: 'Pool', fk: '_round' },
    mintableTokens: { kind: 'bigdecimal', nonNull: true },
    volumeETH: { kind: 'bigdecimal', nonNull: true },
    volumeUSD: { kind: 'bigdecimal', nonNull: true },
    totalActiveStake: { kind: 'bigdecimal', nonNull: true },
    totalSupply: { kind: 'bigdecimal', nonNull: true },
    participationRate: { kind: 'bigdecimal', decimals: 0, nonNull: true },
    movedStake: { kind: 'bigdecimal', nonNull: true },
    newStake: { kind: 'bigdecimal', nonNull: true },
    inflation: { kind: 'bigint', nonNull: true },
    numActiveTranscoders: { kind: 'bigint', nonNull: true },
    activeTranscoderCount: { kind: 'bigint', nonNull: true },
    delegatorsCount: { kind: 'bigint', nonNull: true },
    initBlock: { kind: 'bigint', description: 'Atlas: the block that initialized the round (RoundsManager.initializeRound)' },
    rewardTokens: { kind: 'bigdecimal', description: 'Atlas: rewards minted in the round' },
    treasuryRewardTokens: { kind: 'bigdecimal', description: 'Atlas: treasury part of the rewards' },
    rewardCallCount: { kind: 'int', description: 'Atlas: reward calls in the round' },
    winningTicketCount: { kind: 'int', description: 'Atlas: winning tickets redeemed in the round' },
  },
  defaultSort: ['_sort'],  numericId: true,
};

const transcoder: EntityDef = {
  name: 'Transcoder',
  single: 'transcoder',
  plural: 'transcoders',
  description: 'An orchestrator (BondingManager transcoder).',
  source: (asOf, want) => sql`
    select t.address as "id", t.activation_round as "activationRound", t.deactivation_round as "deactivationRound",
      t.last_active_stake_update_round as "lastActiveStakeUpdateRound",
      (t.activation_round > 0 and t.activation_round <= ${currentRound(asOf)} and ${currentRound(asOf)} < t.deactivation_round) as "active",
      case when d.delegate = t.address and d.bonded_amount > 0 then 'Registered' else 'NotRegistered' end as "status",
      ${wanted(want, 'activationTimestamp', sql`coalesce(${lastEventOf(asOf, 't.address', ['TranscoderActivated', 'TranscoderDeactivated'], sql`case when ce.name = 'TranscoderActivated' then ce.block_time else 0 end`)}, 0)`)},
      nullif(t.last_reward_round, 0)::text as "_lastRewardRound", t.reward_cut as "rewardCut", ${wanted(want, 'rewardCutUpdateTimestamp', cutChangedAt(asOf, 't.address', 'rewardCut'))},
      t.fee_share as "feeShare", ${wanted(want, 'feeShareUpdateTimestamp', cutChangedAt(asOf, 't.address', 'feeShare'))}, t.total_stake as "totalStake",
      ${wanted(want, 'totalVolumeETH', volume(asOf, 'recipient', 't.address', null))}, ${wanted(want, 'totalVolumeUSD', volume(asOf, 'recipient', 't.address', null, true))},
      ${wanted(want, 'thirtyDayVolumeETH', volume(asOf, 'recipient', 't.address', 30))}, ${wanted(want, 'sixtyDayVolumeETH', volume(asOf, 'recipient', 't.address', 60))},
      ${wanted(want, 'ninetyDayVolumeETH', volume(asOf, 'recipient', 't.address', 90))},
      o.service_uri as "serviceURI", case when d.delegate = t.address and d.bonded_amount > 0 then t.address end as "_delegator",
      t.cumulative_rewards as "cumulativeRewards", t.cumulative_fees as "cumulativeFees", o.reward_caller as "rewardCaller"
    from ${tableAsOf(asOf, 'transcoder', ['address'])} t
    left join ${tableAsOf(asOf, 'orchestrator', ['address'])} o on o.address = t.address
    left join ${tableAsOf(asOf, 'delegator', ['address'])} d on d.address = t.address`,
  fields: {
    id: { kind: 'id', nonNull: true },
    activationRound: { kind: 'bigint', nonNull: true },
    deactivationRound: { kind: 'bigint', nonNull: true },
    lastActiveStakeUpdateRound: { kind: 'bigint', nonNull: true },
    active: { kind: 'bool', nonNull: true },
    status: { kind: 'string', enumType: 'TranscoderStatus', nonNull: true },
    activationTimestamp: { kind: 'int', nonNull: true },
    lastRewardRound: { kind: 'ref', target: 'Round', col: '_lastRewardRound' },
    rewardCut: { kind: 'bigint', nonNull: true },
    rewardCutUpdateTimestamp: { kind: 'int', nonNull: true },
    feeShare: { kind: 'bigint', nonNull: true },
    feeShareUpdateTimestamp: { kind: 'int', nonNull: true },
    totalStake: { kind: 'bigdecimal', nonNull: true },
    totalVolumeETH: { kind: 'bigdecimal', nonNull: true },
    thirtyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    sixtyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    ninetyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    totalVolumeUSD: { kind: 'bigdecimal', nonNull: true },
    pools: { kind: 'list', target: 'Pool', fk: '_delegate' },
    delegators: { kind: 'list', target: 'Delegator', fk: '_delegateRaw', fkWhen: '_bonded' },
    delegator: { kind: 'ref', target: 'Delegator', col: '_delegator' },
    serviceURI: { kind: 'string' },
    transcoderDays: { kind: 'list', target: 'TranscoderDay', fk: '_transcoder', nonNull: true },
    cumulativeRewards: { kind: 'bigdecimal', description: "Atlas: the orchestrator's own unclaimed reward share" },
    cumulativeFees: { kind: 'bigdecimal', description: "Atlas: the orchestrator's own unclaimed fee share" },
    rewardCaller: { kind: 'string', description: 'Atlas: the account allowed to call reward for it (BondingManager.setRewardCaller)' },
  },
  defaultSort: ['id'],
};

// A Pool is created at NewRound for every transcoder of the active set (round_pool), with its stake and cuts then;
// its fees and reward are what the round paid into the contract's earnings pool (null reward: reward not called).
const pool: EntityDef = {
  name: 'Pool',
  single: 'pool',
  plural: 'pools',
  description: "Represents a transcoder's rewards and fees to be distributed to delegators.",
  source: (asOf) => sql`select ${pad10('rp.round')} || '-' || rp.transcoder as "id", rp.round::text as "_round", rp.round as "_roundNum", rp.transcoder as "_delegate",
      coalesce(ep.fees, 0) as "fees", nullif(ep.rewards, 0) as "rewardTokens", ep.treasury_rewards as "treasuryRewardTokens",
      rp.total_stake as "totalStake", rp.reward_cut as "rewardCut", rp.fee_share as "feeShare",
      ep.cumulative_reward_factor as "cumulativeRewardFactor", ep.cumulative_fee_factor as "cumulativeFeeFactor"
    from round_pool rp left join ${tableAsOf(asOf, 'earnings_pool', ['transcoder', 'round'])} ep on ep.transcoder = rp.transcoder and ep.round = rp.round
    where ${upTo(asOf, 'rp.block_number')}`,
  fields: {
    id: { kind: 'id', nonNull: true, sortCols: ['_roundNum', '_delegate'] },
    round: { kind: 'ref', target: 'Round', col: '_round', nonNull: true },
    delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate', nonNull: true },
    fees: { kind: 'bigdecimal', nonNull: true },
    rewardTokens: { kind: 'bigdecimal' },
    totalStake: { kind: 'bigdecimal', nonNull: true },
    rewardCut: { kind: 'bigint', nonNull: true },
    feeShare: { kind: 'bigint', nonNull: true },
    treasuryRewardTokens: { kind: 'bigdecimal', description: 'Atlas: treasury part of the reward' },
    cumulativeRewardFactor: { kind: 'bigdecimal', decimals: 27, description: "Atlas: the earnings pool's cumulative reward factor (PreciseMathUtils, 27 decimals)" },
    cumulativeFeeFactor: { kind: 'bigdecimal', decimals: 27, description: "Atlas: the earnings pool's cumulative fee factor (27 decimals)" },
  },
  defaultSort: ['_roundNum', '_delegate'],
};

const delegator: EntityDef = {
  name: 'Delegator',
  single: 'delegator',
  plural: 'delegators',
  description: 'Bonded accounts who have delegated their stake towards a transcoder candidate.',
  // The subgraph's running sums: principal grows with Bond.additionalAmount and TransferBond.amount received;
  // unbonded with Unbond.amount, less Rebond.amount of a lock the delegator unbonded itself; withdrawnFees with
  // WithdrawFees.amount.
  source: (asOf, want) => sql`
    select d.address as "id", case when d.bonded_amount > 0 then nullif(d.delegate, ${ZERO_ADDRESS}) end as "_delegate", d.start_round as "startRound",
      nullif(d.last_claim_round, 0)::text as "_lastClaimRound", d.bonded_amount as "bondedAmount",
      ${wanted(want, 'principal', sql`${sumOf(asOf, 'a1', 'd.address', 'Bond', 'additionalAmount')} + ${sumOf(asOf, 'a2', 'd.address', 'TransferBond', 'amount')}`)},
      ${wanted(want, 'unbonded', sql`${sumOf(asOf, 'a1', 'd.address', 'Unbond', 'amount')} - ${sumOf(asOf, 'a1', 'd.address', 'Rebond', 'amount', sql`exists (select 1 from chain_event u where u.a1 = ce.a1 and u.name = 'Unbond'
        and (u.args->>'unbondingLockId') = (ce.args->>'unbondingLockId') and u.block_number <= ce.block_number)`)}`)},
      d.fees as "fees", ${wanted(want, 'withdrawnFees', sumOf(asOf, 'a1', 'd.address', 'WithdrawFees', 'amount'))},
      d.delegated_amount as "delegatedAmount", d.delegate as "_delegateRaw", d.bonded_amount > 0 as "_bonded"
    from ${tableAsOf(asOf, 'delegator', ['address'])} d`,
  fields: {
    id: { kind: 'id', nonNull: true },
    delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate' },
    startRound: { kind: 'bigint', nonNull: true },
    lastClaimRound: { kind: 'ref', target: 'Round', col: '_lastClaimRound' },
    bondedAmount: { kind: 'bigdecimal', nonNull: true },
    principal: { kind: 'bigdecimal', nonNull: true },
    unbonded: { kind: 'bigdecimal', nonNull: true },
    fees: { kind: 'bigdecimal', nonNull: true },
    withdrawnFees: { kind: 'bigdecimal', nonNull: true },
    delegatedAmount: { kind: 'bigdecimal', nonNull: true },
    unbondingLocks: { kind: 'list', target: 'UnbondingLock', fk: '_delegator' },
    pendingStake: { kind: 'computed', type: 'BigDecimal', description: 'Atlas: exact stake including unclaimed rewards (BondingManager.pendingStake)' },
    pendingFees: { kind: 'computed', type: 'BigDecimal', description: 'Atlas: exact fees including unclaimed fees (BondingManager.pendingFees)' },
  },
  defaultSort: ['id'],
};

// An open lock of BondingManager.unbondingLocks; the delegate it was unbonded from and the account that created it
// (the delegator, or the old delegator of a TransferBond) come from the event that created it.
const unbondingLock: EntityDef = {
  name: 'UnbondingLock',
  single: 'unbondingLock',
  plural: 'unbondingLocks',
  description: 'An open unbonding lock of a delegator.',
  source: (asOf) => sql`
    select ${pad10("(l->>'id')")} || '-' || d.address as "id", (l->>'id')::int as "unbondingLockId", d.address as "_delegator",
      coalesce((select ${argAddr('u', 'delegate')} from chain_event u where u.a1 = coalesce(tb.sender, d.address) and u.name = 'Unbond'
        and (u.args->>'unbondingLockId') = coalesce(tb.src_lock, l->>'id') order by u.block_number desc limit 1), nullif(d.delegate, ${ZERO_ADDRESS})) as "_delegate",
      (l->>'amount')::numeric as "amount", (l->>'withdrawRound')::numeric as "withdrawRound", coalesce(tb.sender, d.address) as "sender"
    from ${tableAsOf(asOf, 'delegator', ['address'])} d cross join lateral jsonb_array_elements(d.unbonding_locks) l
    left join lateral (select ce.a1 as sender, ce.args->>'oldUnbondingLockId' as src_lock from chain_event ce
      where ce.a2 = d.address and ce.name = 'TransferBond' and (ce.args->>'newUnbondingLockId') = (l->>'id') and ${upTo(asOf, 'ce.block_number')}
      order by ce.block_number desc limit 1) tb on true`,
  fields: {
    id: { kind: 'id', nonNull: true },
    unbondingLockId: { kind: 'int', nonNull: true },
    delegator: { kind: 'ref', target: 'Delegator', col: '_delegator', nonNull: true },
    delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate', nonNull: true },
    amount: { kind: 'bigdecimal', nonNull: true },
    withdrawRound: { kind: 'bigint', nonNull: true },
    sender: { kind: 'string', nonNull: true },
  },
  defaultSort: ['id'],
};

const broadcaster: EntityDef = {
  name: 'Broadcaster',
  single: 'broadcaster',
  plural: 'broadcasters',
  description: 'Broadcasters (gateways) pay transcoders to do the work of transcoding in exchange for fees.',
  source: (asOf, want) => sql`
    select g.address as "id", g.deposit as "deposit", g.reserve as "reserve",
      ${wanted(want, 'totalVolumeETH', volume(asOf, 'sender', 'g.address', null))}, ${wanted(want, 'totalVolumeUSD', volume(asOf, 'sender', 'g.address', null, true))},
      ${wanted(want, 'thirtyDayVolumeETH', volume(asOf, 'sender', 'g.address', 30))}, ${wanted(want, 'sixtyDayVolumeETH', volume(asOf, 'sender', 'g.address', 60))},
      ${wanted(want, 'ninetyDayVolumeETH', volume(asOf, 'sender', 'g.address', 90))},
      ${wanted(want, 'firstFundedDay', sql`coalesce((select min(ce.block_time) / 86400 * 86400 from chain_event ce where ce.a1 = g.address and ce.name in ('DepositFunded', 'ReserveFunded') and ${upTo(asOf, 'ce.block_number')}), 0)`)},
      ${wanted(want, 'lastFundedDay', sql`coalesce((select max(tk.block_time) / 86400 * 86400 from winning_ticket tk where tk.sender = g.address and ${upTo(asOf, 'tk.block_number')}), 0)`)},
      g.winning_tickets as "winningTicketCount", g.fees_paid as "feesPaid"
    from ${tableAsOf(asOf, 'gateway', ['address'])} g`,
  fields: {
    id: { kind: 'id', nonNull: true },
    deposit: { kind: 'bigdecimal', nonNull: true },
    reserve: { kind: 'bigdecimal', nonNull: true },
    totalVolumeETH: { kind: 'bigdecimal', nonNull: true },
    totalVolumeUSD: { kind: 'bigdecimal', nonNull: true },
    thirtyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    sixtyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    ninetyDayVolumeETH: { kind: 'bigdecimal', nonNull: true },
    firstFundedDay: { kind: 'int', nonNull: true },
    firstActiveDay: { kind: 'int', col: 'firstFundedDay', nonNull: true },
    lastFundedDay: { kind: 'int', nonNull: true },
    lastActiveDay: { kind: 'int', col: 'lastFundedDay', nonNull: true },
    broadcasterDays: { kind: 'list', target: 'BroadcasterDay', fk: '_broadcaster', nonNull: true },
    winningTicketCount: { kind: 'int', description: 'Atlas: winning tickets redeemed against this sender' },
    feesPaid: { kind: 'bigdecimal', description: 'Atlas: ETH actually paid out (face values capped by deposit and reserve)' },
  },
  defaultSort: ['id'],
};

// Days exist where the subgraph creates them: a day with a NewRound or a winning ticket. Stake, supply and rates
// are those of the last round initialized by the day's end.
const day: EntityDef = {
  name: 'Day',
  single: 'day',
  plural: 'days',
  description: 'Protocol data accumulated and condensed into day stats.',
  source: (asOf, want) => sql`
    with vol as (select tk.day as d, sum(tk.face_value) as v, sum(tk.face_value_usd) as u from ${ticketsAsOf(asOf)} tk group by tk.day),
    ds as (select distinct block_time / 86400 as d from protocol_round where ${upTo(asOf, 'block_number')} union select d from vol)
    select ds.d::text as "id", ds.d as "_sort", (ds.d * 86400)::int as "date", coalesce(vol.v, 0) as "volumeETH", coalesce(vol.u, 0) as "volumeUSD",
      coalesce(r.total_active_stake, 0) as "totalActiveStake", coalesce(r.l2_supply + coalesce(r.l1_supply, 0), 0) as "totalSupply",
      case when coalesce(r.l2_supply + coalesce(r.l1_supply, 0), 0) = 0 then 0 else round(r.total_active_stake / (r.l2_supply + coalesce(r.l1_supply, 0)), 18) end as "participationRate",
      coalesce(r.inflation, 0) as "inflation", coalesce(${paramAt('numActiveTranscoders', sql`r.block_number`)}, 0) as "numActiveTranscoders",
      coalesce(r.active_transcoders, 0) as "activeTranscoderCount", ${uses(want, 'delegatorsCount') ? sql`coalesce(${countAtNewRound('r', 'dc')}, 0)` : sql`null`} as "delegatorsCount"
    from ds left join vol on vol.d = ds.d
    left join lateral (select * from protocol_round pr where pr.block_time < (ds.d + 1) * 86400 and ${upTo(asOf, 'pr.block_number')} order by pr.round desc limit 1) r on true
    ${uses(want, 'delegatorsCount') ? roundDelegatorsCount(asOf, 'r.round') : sql``}`,
  fields: {
    id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
    date: { kind: 'int', nonNull: true },
    volumeETH: { kind: 'bigdecimal', nonNull: true },
    volumeUSD: { kind: 'bigdecimal', nonNull: true },
    totalActiveStake: { kind: 'bigdecimal', nonNull: true },
    totalSupply: { kind: 'bigdecimal', nonNull: true },
    participationRate: { kind: 'bigdecimal', decimals: 0, nonNull: true },
    inflation: { kind: 'bigint', nonNull: true },
    numActiveTranscoders: { kind: 'bigint', nonNull: true },
    activeTranscoderCount: { kind: 'bigint', nonNull: true },
    delegatorsCount: { kind: 'bigint', nonNull: true },
  },
  defaultSort: ['_sort'],
};

const partyDay = (name: 'TranscoderDay' | 'BroadcasterDay', col: 'recipient' | 'sender', ref: 'transcoder' | 'broadcaster', target: 'Transcoder' | 'Broadcaster'): EntityDef => ({
  name,
  single: name[0]!.toLowerCase() + name.slice(1),
  plural: `${name[0]!.toLowerCase() + name.slice(1)}s`,
  description: `${target} data accumulated and condensed into day stats (id: <address>-<day number>).`,
  source: (asOf) => sql`select tk.${sql.ref(col)} || '-' || tk.day::text as "id", tk.${sql.ref(col)} as ${sql.ref(`_${ref}`)}, tk.day as "_sort", (tk.day * 86400)::int as "date",
      sum(tk.face_value) as "volumeETH", sum(tk.face_value_usd) as "volumeUSD"
    from ${ticketsAsOf(asOf)} tk group by tk.${sql.ref(col)}, tk.day`,
  fields: {
    id: { kind: 'id', nonNull: true },
    date: { kind: 'int', nonNull: true, sortCols: ['_sort'] },
    volumeETH: { kind: 'bigdecimal', nonNull: true },
    volumeUSD: { kind: 'bigdecimal', nonNull: true },
    [ref]: { kind: 'ref', target, col: `_${ref}`, nonNull: true },
  },
  // Newest first, as the subgraph keeps the arrays.
  defaultSort: ['_sort'],
});

/** Every address the protocol knows an account for: delegators (and orchestrators), when they last changed. */
const livepeerAccount: EntityDef = {
  name: 'LivepeerAccount',
  single: 'livepeerAccount',
  plural: 'livepeerAccounts',
  description: 'Abstraction for accounts/delegators bonded with the protocol.',
  source: (asOf, want) => sql`select d.address as "id", ${wanted(want, 'lastUpdatedTimestamp', sql`coalesce((select max(ce.block_time) from chain_event ce where ce.block_number = d.updated_block), 0)`)},
      d.address as "_delegator", case when d.bonded_amount > 0 then nullif(d.delegate, ${ZERO_ADDRESS}) end as "_delegate"
    from ${tableAsOf(asOf, 'delegator', ['address'])} d`,
  fields: {
    id: { kind: 'id', nonNull: true },
    lastUpdatedTimestamp: { kind: 'int', nonNull: true },
    delegator: { kind: 'ref', target: 'Delegator', col: '_delegator' },
    delegate: { kind: 'ref', target: 'Transcoder', col: '_delegate' },
  },
  defaultSort: ['id'],
};

// ------------------------------------------------------------------ legacy polls (PollCreator, Poll)

/**
 * Each voter's last choice in each poll, with the stake behind it as the subgraph counts it: a registered
 * transcoder votes its total stake, a delegator its bonded stake; a transcoder's nonVoteStake is the stake of its
 * delegators who voted themselves (subtracted from its own count).
 */
const voteRows = (asOf: AsOf) => sql`(
  with last as (select distinct on (ce.a2, ce.a1) ce.a2 as poll, ce.a1 as voter, ${argNum('ce', 'choiceID')} as choice
    from ${eventsAsOf(asOf, ['Vote'])} ce order by ce.a2, ce.a1, ce.block_number desc, ce.log_index desc),
  staked as (select last.*, (t.address is not null and d.delegate = last.voter and d.bonded_amount > 0) as registered,
      case when d.bonded_amount > 0 then nullif(d.delegate, ${ZERO_ADDRESS}) end as delegate,
      case when t.address is not null and d.delegate = last.voter and d.bonded_amount > 0 then t.total_stake else coalesce(d.bonded_amount, 0) end as stake
    from last left join ${tableAsOf(asOf, 'delegator', ['address'])} d on d.address = last.voter
    left join ${tableAsOf(asOf, 'transcoder', ['address'])} t on t.address = last.voter)
  select s.*, case when s.registered then coalesce((select sum(o.stake) from staked o where o.poll = s.poll and o.delegate = s.voter and o.voter <> s.voter), 0) else 0 end as non_vote
  from staked s)`;

const poll: EntityDef = {
  name: 'Poll',
  single: 'poll',
  plural: 'polls',
  description: 'Stake weighted poll.',
  source: (asOf) => sql`select ce.a1 as "id", ce.args->>'proposal' as "proposal", ${argNum('ce', 'endBlock')} as "endBlock", ${argNum('ce', 'quorum')} as "quorum",
      ${argNum('ce', 'quota')} as "quota", ce.a1 as "_tally", ce.block_number as "_block", ce.log_index as "_log"
    from ${eventsAsOf(asOf, ['PollCreated'])} ce`,
  fields: {
    id: { kind: 'id', nonNull: true },
    proposal: { kind: 'string', nonNull: true, description: 'The IPFS multihash of the proposal, as text (the PollCreated bytes decoded)' },
    endBlock: { kind: 'bigint', nonNull: true },
    quorum: { kind: 'bigint', nonNull: true },
    quota: { kind: 'bigint', nonNull: true },
    tally: { kind: 'ref', target: 'PollTally', col: '_tally' },
    votes: { kind: 'list', target: 'Vote', fk: '_poll', nonNull: true },
    status: { kind: 'computed', type: 'String!', description: 'Atlas: active or ended' },
    passed: { kind: 'computed', type: 'Boolean', description: 'Atlas: whether the poll passed (null while active)' },
    quorumReached: { kind: 'computed', type: 'Boolean', description: 'Atlas: whether the quorum was reached (null while active)' },
    totalStake: { kind: 'computed', type: 'BigDecimal', description: 'Atlas: stake that could vote when the poll closed (LPT)' },
    voters: { kind: 'computed', type: 'Int!', description: 'Atlas: distinct voters' },
  },
  // By id when no orderBy is given, as The Graph answers.
  defaultSort: ['id'],
};

const pollTally: EntityDef = {
  name: 'PollTally',
  single: 'pollTally',
  plural: 'pollTallies',
  description: 'Stake weighted tally associated with a poll (LPT).',
  // A poll that has ended answers the result fixed at its end (poll_tally: pending stake at the end block, as
  // REST states it); an open poll counts its votes with the stake bonded now.
  source: (asOf) => sql`select live.id, coalesce(pt.yes_stake, live.yes) as "yes", coalesce(pt.no_stake, live.no) as "no"
    from (select v.poll as "id", sum(case when v.choice = 0 then v.stake - v.non_vote else 0 end) as "yes", sum(case when v.choice = 1 then v.stake - v.non_vote else 0 end) as "no"
      from ${voteRows(asOf)} v group by v.poll) live
    left join poll_tally pt on pt.poll = live.id and ${upTo(asOf, 'pt.block_number')}`,
  fields: { id: { kind: 'id', nonNull: true }, yes: { kind: 'bigdecimal', nonNull: true }, no: { kind: 'bigdecimal', nonNull: true } },
  defaultSort: ['id'],
};

const vote: EntityDef = {
  name: 'Vote',
  single: 'vote',
  plural: 'votes',
  description: "Vote data: a voter's last choice in a poll (id: <voter>-<poll>).",
  source: (asOf) => sql`select v.voter || '-' || v.poll as "id", v.voter as "voter", v.stake as "voteStake", v.non_vote as "nonVoteStake",
      case v.choice when 0 then 'Yes' when 1 then 'No' end as "choiceID", v.poll as "_poll", v.registered as "registeredTranscoder"
    from ${voteRows(asOf)} v`,
  fields: {
    id: { kind: 'id', nonNull: true },
    voter: { kind: 'string', nonNull: true },
    voteStake: { kind: 'bigdecimal', nonNull: true },
    nonVoteStake: { kind: 'bigdecimal', nonNull: true },
    choiceID: { kind: 'string', enumType: 'PollChoice' },
    poll: { kind: 'ref', target: 'Poll', col: '_poll' },
    registeredTranscoder: { kind: 'bool' },
  },
  defaultSort: ['id'],
};

// ------------------------------------------------------------------ treasury (LivepeerGovernor)

const treasuryProposal: EntityDef = {
  name: 'TreasuryProposal',
  single: 'treasuryProposal',
  plural: 'treasuryProposals',
  description: 'Stake weighted treasury proposal (LivepeerGovernor).',
  // The tallies as LivepeerGovernor counts them (a delegator's own vote overrides its delegate's for its stake):
  // the projection's running totals, which hold the latest state only.
  source: (asOf) => sql`
    select p.id as "id", p.proposer as "_proposer", p.targets as "_targets", p."values" as "_values", p.calldatas as "_calldatas",
      p.vote_start as "voteStart", p.vote_end as "voteEnd", p.description as "description",
      p.for_votes as "forVotes", p.against_votes as "againstVotes", p.abstain_votes as "abstainVotes",
      p.for_votes + p.against_votes + p.abstain_votes as "totalVotes", p.id::numeric as "_sort"
    from proposal p where ${upTo(asOf, 'p.created_block')}`,
  fields: {
    id: { kind: 'id', nonNull: true, sortCols: ['_sort'] },
    proposer: { kind: 'ref', target: 'LivepeerAccount', col: '_proposer', nonNull: true },
    targets: { kind: 'computed', type: '[String!]!' },
    values: { kind: 'computed', type: '[BigInt!]!' },
    calldatas: { kind: 'computed', type: '[Bytes!]!' },
    voteStart: { kind: 'bigint', nonNull: true },
    voteEnd: { kind: 'bigint', nonNull: true },
    description: { kind: 'string', nonNull: true },
    votes: { kind: 'list', target: 'TreasuryVote', fk: '_proposal', nonNull: true },
    forVotes: { kind: 'bigdecimal', nonNull: true },
    againstVotes: { kind: 'bigdecimal', nonNull: true },
    abstainVotes: { kind: 'bigdecimal', nonNull: true },
    totalVotes: { kind: 'bigdecimal', nonNull: true },
    state: { kind: 'computed', type: 'String', description: 'Atlas: the governor state (Pending, Active, Defeated, Succeeded, Queued, Executed, Canceled)' },
  },
  defaultSort: ['_sort'],
};

const treasuryVote: EntityDef = {
  name: 'TreasuryVote',
  single: 'treasuryVote',
  plural: 'treasuryVotes',
  description: 'Stake weighted vote on a treasury proposal (id: <proposal>-<voter>).',
  source: (asOf) => sql`select v.proposal_id || '-' || v.voter as "id", v.proposal_id as "_proposal", v.voter as "_voter",
      case v.support when 0 then 'Against' when 1 then 'For' else 'Abstain' end as "support", v.weight as "weight", v.reason as "reason"
    from vote v where ${upTo(asOf, 'v.block_number')}`,
  fields: {
    id: { kind: 'id', nonNull: true },
    proposal: { kind: 'ref', target: 'TreasuryProposal', col: '_proposal', nonNull: true },
    voter: { kind: 'ref', target: 'LivepeerAccount', col: '_voter', nonNull: true },
    support: { kind: 'string', enumType: 'TreasuryVoteSupport', nonNull: true },
    weight: { kind: 'bigdecimal', nonNull: true },
    reason: { kind: 'string' },
  },
  defaultSort: ['id'],
};

/** Transactions that emitted a protocol event the subgraph maps: sender, recipient, gas limit (gasUsed) and price. */
const transaction = (mapped: readonly string[]): EntityDef => ({
  name: 'Transaction',
  single: 'transaction',
  plural: 'transactions',
  description: 'Transaction entities are created for each Ethereum transaction that contains an interaction within Livepeer contracts.',
  source: (asOf) => sql`select tx.hash as "id", tx.block_number as "blockNumber", tx.block_time::int as "timestamp", tx.gas as "gasUsed", tx.gas_price as "gasPrice",
      tx.from_address as "from", coalesce(tx.to_address, '') as "to", tx.tx_index as "_index"
    from chain_tx tx where ${upTo(asOf, 'tx.block_number')}
      and exists (select 1 from chain_event ce where ce.block_number = tx.block_number and ce.tx_hash = tx.hash and ce.name in (${sql.join([...mapped])}))`,
  fields: {
    id: { kind: 'id', nonNull: true },
    blockNumber: { kind: 'bigint', nonNull: true, sortCols: ['blockNumber', '_index'] },
    timestamp: { kind: 'int', nonNull: true, sortCols: ['blockNumber', '_index'] },
    gasUsed: { kind: 'bigint', nonNull: true, description: 'The gas limit of the transaction (as the subgraph records it)' },
    gasPrice: { kind: 'bigint', nonNull: true },
    from: { kind: 'string', nonNull: true },
    to: { kind: 'string', nonNull: true },
    events: { kind: 'list', target: 'Event', fk: '_transaction' },
  },
  defaultSort: ['id'],
});

const mappedEventNames = eventEntities.flatMap((e) => e.events);

export const entityList: EntityDef[] = [
  round,
  transcoder,
  pool,
  delegator,
  livepeerAccount,
  broadcaster,
  unbondingLock,
  poll,
  pollTally,
  vote,
  day,
  partyDay('TranscoderDay', 'recipient', 'transcoder', 'Transcoder'),
  partyDay('BroadcasterDay', 'sender', 'broadcaster', 'Broadcaster'),
  treasuryProposal,
  treasuryVote,
  transaction(mappedEventNames),
  ...eventEntities.map((e) => e.def),
];

export { eventInterface };
export const entityByName = new Map<string, EntityDef>([...entityList, eventInterface].map((e) => [e.name, e]));
