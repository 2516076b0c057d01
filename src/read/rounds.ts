import { sql } from 'kysely';
import { big, bigOrNull, rows, type Db, type Text } from './db.js';

/** One initialized round (protocol_round): the Minter and BondingManager figures and what happened in it. */
export interface RoundRow {
  round: bigint;
  blockNumber: bigint;
  blockTime: number;
  l1Block: bigint | null;
  mintable: bigint;
  /** Minter.inflation, parts per billion per round. */
  inflation: bigint;
  totalActiveStake: bigint;
  l2Supply: bigint;
  l1Supply: bigint | null;
  treasuryRewardCutRate: bigint;
  treasuryBalance: bigint;
  activeTranscoders: number;
  rewards: bigint;
  treasuryRewards: bigint;
  rewardCalls: number;
  fees: bigint;
  winningTickets: number;
}

type RoundDb = Record<string, Text | null> & { active_transcoders: number; reward_calls: number; winning_tickets: number };

function roundOf(r: RoundDb): RoundRow {
  return {
    round: big(r.round!),
    blockNumber: big(r.block_number!),
    blockTime: Number(r.block_time),
    l1Block: bigOrNull(r.l1_block),
    mintable: big(r.mintable!),
    inflation: big(r.inflation!),
    totalActiveStake: big(r.total_active_stake!),
    l2Supply: big(r.l2_supply!),
    l1Supply: bigOrNull(r.l1_supply),
    treasuryRewardCutRate: big(r.treasury_reward_cut_rate!),
    treasuryBalance: big(r.treasury_balance!),
    activeTranscoders: r.active_transcoders,
    rewards: big(r.rewards!),
    treasuryRewards: big(r.treasury_rewards!),
    rewardCalls: r.reward_calls,
    fees: big(r.fees!),
    winningTickets: r.winning_tickets,
  };
}

/** Every initialized round (or those in [from, to]), oldest first. */
export async function allRounds(db: Db, range: { from?: bigint; to?: bigint } = {}): Promise<RoundRow[]> {
  const r = await rows(
    db,
    sql<RoundDb>`
      select round::text, block_number::text, block_time::text, l1_block::text, mintable::text, inflation::text,
        total_active_stake::text, l2_supply::text, l1_supply::text, treasury_reward_cut_rate::text,
        treasury_balance::text, active_transcoders, rewards::text, treasury_rewards::text, reward_calls,
        fees::text, winning_tickets
      from protocol_round
      where true ${range.from === undefined ? sql`` : sql`and round >= ${range.from.toString()}`} ${range.to === undefined ? sql`` : sql`and round <= ${range.to.toString()}`}
      order by protocol_round.round`,
  );
  return r.map(roundOf);
}

/** The newest initialized round number (0 before any). */
export async function latestRound(db: Db): Promise<bigint> {
  const r = await rows(db, sql<{ r: Text | null }>`select max(round)::text as r from protocol_round`);
  return bigOrNull(r[0]?.r) ?? 0n;
}

/** The numbers of the newest `count` initialized rounds, oldest first. */
export async function recentRoundNumbers(db: Db, count: number): Promise<bigint[]> {
  const r = await rows(db, sql<{ round: Text }>`select round::text from protocol_round order by round desc limit ${count}`);
  return r.map((x) => big(x.round)).reverse();
}

/**
 * Accounts that became bonded (+1) or fully unbonded (−1) in each round, from BondingVotes
 * DelegatorBondedAmountChanged: an account counts while its last amount in a round is above zero.
 */
export async function bondedAccountDeltas(db: Db): Promise<Map<bigint, number>> {
  const r = await rows(
    db,
    sql<{ round: Text; delta: Text }>`
      with ev as (
        select a1 as acct, round, block_number, log_index, (args->>'newBondedAmount')::numeric > 0 as pos
        from chain_event where name = 'DelegatorBondedAmountChanged' and round is not null and a1 is not null),
      last as (
        select distinct on (acct, round) acct, round, pos from ev order by acct, round, block_number desc, log_index desc),
      tr as (
        select round, pos, coalesce(lag(pos) over (partition by acct order by round), false) as prev from last)
      select round::text, sum(case when pos and not prev then 1 when prev and not pos then -1 else 0 end)::text as delta
      from tr group by tr.round order by tr.round`,
  );
  return new Map(r.map((d) => [BigInt(d.round), Number(d.delta)]));
}

/** Sums over every round: fees (ETH-wei), rewards and treasury rewards (LPT-wei), winning tickets. */
export async function roundSums(db: Db): Promise<{ fees: bigint; rewards: bigint; treasuryRewards: bigint; winningTickets: number }> {
  const r = await rows(
    db,
    sql<{ fees: Text | null; rewards: Text | null; treasury: Text | null; tickets: Text | null }>`
      select sum(fees)::text as fees, sum(rewards)::text as rewards, sum(treasury_rewards)::text as treasury,
        sum(winning_tickets)::text as tickets from protocol_round`,
  );
  const t = r[0];
  return { fees: big(t?.fees ?? '0'), rewards: big(t?.rewards ?? '0'), treasuryRewards: big(t?.treasury ?? '0'), winningTickets: Number(t?.tickets ?? 0) };
}
