import { sql } from 'kysely';
import type { AsOf, Db } from '../db.js';
import { DEPLOYED_PARAMS } from '../params.js';
import { currentRound, lastRoundTime, MAX_FUTURE_ROUND, paramAt, tableAsOf, ticketsAsOf, upTo } from './sql.js';
import { protocolDelegatorsCount } from './delegatorsCount.js';

/** The subgraph's Protocol entity (id "0") as of a point in history; amounts in wei, rates as the contracts keep them. */
export interface ProtocolRow {
  round: string | null;
  inflation: string;
  inflationChange: string;
  numActiveTranscoders: string;
  activeTranscoderCount: string;
  paused: boolean;
  targetBondingRate: string;
  unbondingPeriod: string;
  roundLength: string;
  roundLockAmount: string;
  lastRoundLengthUpdateRound: string | null;
  lastRoundLengthUpdateStartBlock: string;
  totalActiveStake: string;
  totalSupply: string;
  totalVolumeETH: string;
  totalVolumeUSD: string;
  winningTicketCount: number;
  roundCount: number;
  delegatorsCount: string;
  /** Atlas: accounts with stake bonded now (the subgraph's delegatorsCount counts events, see delegatorsCount.ts). */
  bondedDelegatorCount: string;
  treasuryBalance: string | null;
  /** LPT/ETH: sqrtPriceX96 of the LPT/WETH pool's last swap (null without a pool price). */
  lptSqrtPriceX96: string | null;
  pendingActivation: string[];
  pendingDeactivation: string[];
  activeBroadcasters: string[];
}

type Text = string | null;

export async function protocolRow(db: Db, asOf: AsOf): Promise<ProtocolRow> {
  const r = (
    await sql<Record<string, Text | number | boolean>>`
    with cur as (select * from ${tableAsOf(asOf, 'protocol_round', ['round'])} pr order by pr.round desc limit 1),
    lengths as (select pr.round, pr.round_length, pr.start_block, lag(pr.round_length) over (order by pr.round) as prev from protocol_round pr where ${upTo(asOf, 'pr.block_number')} and pr.round_length is not null),
    len_update as (select round, start_block from lengths where prev is distinct from round_length order by round desc limit 1),
    tk as (select count(*) as n, coalesce(sum(face_value), 0) as eth, coalesce(sum(face_value_usd), 0) as usd from ${ticketsAsOf(asOf)} t)
    select cur.round::text as round, cur.inflation::text as inflation,
      coalesce(cur.inflation_change, ${paramAt('inflationChange', sql`cur.block_number`)})::text as inflation_change,
      ${paramAt('numActiveTranscoders', sql`cur.block_number`)}::text as num_active, cur.active_transcoders::text as active_count,
      coalesce((select ce.name = 'Pause' from chain_event ce where ce.name in ('Pause', 'Unpause') and ${upTo(asOf, 'ce.block_number')} order by ce.block_number desc, ce.log_index desc limit 1), false) as paused,
      coalesce(cur.target_bonding_rate, ${paramAt('targetBondingRate', sql`cur.block_number`)})::text as target_bonding_rate,
      ${paramAt('unbondingPeriod', sql`cur.block_number`)}::text as unbonding_period,
      coalesce(cur.round_length, ${paramAt('roundLength', sql`cur.block_number`)})::text as round_length,
      coalesce(cur.round_lock_amount, ${paramAt('roundLockAmount', sql`cur.block_number`)})::text as round_lock_amount,
      (select round::text from len_update) as len_round, (select start_block::text from len_update) as len_start,
      cur.total_active_stake::text as total_active_stake, (cur.l2_supply + coalesce(cur.l1_supply, 0))::text as total_supply,
      tk.eth::text as volume_eth, tk.usd::text as volume_usd, tk.n::int as tickets,
      (select count(*)::int from protocol_round pr where ${upTo(asOf, 'pr.block_number')}) as rounds,
      ${protocolDelegatorsCount(asOf)}::text as delegators,
      (select count(*)::text from ${tableAsOf(asOf, 'delegator', ['address'])} d where d.bonded_amount > 0) as bonded_delegators,
      cur.treasury_balance::text as treasury_balance,
      (select p.value::text from price_tick p where p.pair = 'LPT/ETH' and ${upTo(asOf, 'p.block_number')} order by p.block_number desc, p.log_index desc limit 1) as lpt_sqrt,
      (select coalesce(array_agg(t.address order by t.address), '{}') from ${tableAsOf(asOf, 'transcoder', ['address'])} t where t.activation_round > ${currentRound(asOf)}) as pending_activation,
      (select coalesce(array_agg(t.address order by t.address), '{}') from ${tableAsOf(asOf, 'transcoder', ['address'])} t
        where t.deactivation_round > ${currentRound(asOf)} and t.deactivation_round < ${MAX_FUTURE_ROUND}::numeric and t.activation_round <= ${currentRound(asOf)}) as pending_deactivation,
      (select coalesce(array_agg(distinct t.sender), '{}') from ${ticketsAsOf(asOf)} t where t.day * 86400 >= ${lastRoundTime(asOf)} - 90 * 86400) as active_broadcasters
    from tk left join cur on true`.execute(db)
  ).rows[0]!;
  const s = (k: string, d = '0') => (r[k] === null || r[k] === undefined ? d : String(r[k]));
  const list = (k: string) => (Array.isArray(r[k]) ? (r[k] as unknown[]).map(String) : typeof r[k] === 'string' ? String(r[k]).replace(/^\{|\}$/g, '').split(',').filter(Boolean) : []);
  return {
    round: r.round === null ? null : String(r.round),
    inflation: s('inflation'),
    inflationChange: s('inflation_change'),
    numActiveTranscoders: s('num_active'),
    activeTranscoderCount: s('active_count'),
    paused: Boolean(r.paused),
    targetBondingRate: s('target_bonding_rate'),
    unbondingPeriod: s('unbonding_period', String(DEPLOYED_PARAMS.unbondingPeriod)),
    roundLength: s('round_length'),
    roundLockAmount: s('round_lock_amount'),
    lastRoundLengthUpdateRound: r.len_round === null ? null : String(r.len_round),
    lastRoundLengthUpdateStartBlock: s('len_start'),
    totalActiveStake: s('total_active_stake'),
    totalSupply: s('total_supply'),
    totalVolumeETH: s('volume_eth'),
    totalVolumeUSD: s('volume_usd'),
    winningTicketCount: Number(r.tickets ?? 0),
    roundCount: Number(r.rounds ?? 0),
    delegatorsCount: s('delegators'),
    bondedDelegatorCount: s('bonded_delegators'),
    treasuryBalance: r.treasury_balance === null ? null : String(r.treasury_balance),
    lptSqrtPriceX96: r.lpt_sqrt === null ? null : String(r.lpt_sqrt),
    pendingActivation: list('pending_activation'),
    pendingDeactivation: list('pending_deactivation'),
    activeBroadcasters: list('active_broadcasters'),
  };
}

/** Block number, hash and time of the newest indexed block at or before a block (for `_meta` and `block: {hash}`). */
export async function blockInfo(db: Db, asOf: AsOf): Promise<{ number: string; hash: string | null; timestamp: number | null } | null> {
  const r = (
    await sql<{ n: string; h: string | null; t: string | null }>`
    select b.block_number::text as n, b.hash as h, b.block_time::text as t from indexed_block b where ${upTo(asOf, 'b.block_number')}
    order by b.block_number desc limit 1`.execute(db)
  ).rows[0];
  return r ? { number: r.n, hash: r.h, timestamp: r.t === null ? null : Number(r.t) } : null;
}

/** The indexed block with this hash (a `block: { hash }` read). */
export async function blockByHash(db: Db, hash: string): Promise<string | null> {
  const r = (await sql<{ n: string }>`select block_number::text as n from indexed_block where hash = ${hash.toLowerCase()}`.execute(db)).rows[0];
  return r ? r.n : null;
}
