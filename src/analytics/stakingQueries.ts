// Database reads feeding the staking analytics: each returns plain inputs for the pure modules (yields, dilution,
// issuance, risk, population, delegate activity). Amounts stay bigint (wei / LPT-wei).
import { sql } from 'kysely';
import { fromNumeric } from '../store/amounts.js';
import type { Db } from '../read/db.js';
import { allRounds } from '../read/rounds.js';
import type { VoteRef, ProposalRef } from './delegateActivity.js';
import type { BondedChange, StakeMove } from './delegatorPopulation.js';
import type { SupplyRound } from './dilution.js';
import type { CutChange, RoundActivity } from './risk.js';
import type { Claim, PoolFactors } from './yields.js';

/** An indexed round with what the staking analytics use (amounts LPT-wei, inflation ppb, cut rate per 1e27). */
export interface StakingRound extends SupplyRound {
  inflation: bigint;
  mintable: bigint;
  treasuryRewards: bigint;
  treasuryRewardCutRate: bigint;
  fees: bigint;
}

/** Every indexed round, oldest first. */
export async function loadRounds(db: Db): Promise<StakingRound[]> {
  return (await allRounds(db)).map((r) => ({
    round: r.round,
    time: r.blockTime,
    supply: r.l2Supply + (r.l1Supply ?? 0n),
    totalActiveStake: r.totalActiveStake,
    rewards: r.rewards,
    treasuryRewards: r.treasuryRewards,
    inflation: r.inflation,
    mintable: r.mintable,
    treasuryRewardCutRate: r.treasuryRewardCutRate,
    fees: r.fees,
  }));
}

/** Per-round pool of an orchestrator: factors and what was paid in (LPT-wei rewards, ETH-wei fees). */
export interface PoolRow extends PoolFactors {
  totalStake: bigint;
  rewards: bigint;
  fees: bigint;
}

/** Stored earnings pools by orchestrator, each sorted by round; all orchestrators, or the ones given. */
export async function loadPools(db: Db, only?: readonly string[]): Promise<Map<string, PoolRow[]>> {
  if (only && only.length === 0) return new Map();
  const where = only ? sql`where transcoder in (${sql.join([...only])})` : sql``;
  const r = await sql<Record<string, string>>`
    select transcoder, round::text, cumulative_reward_factor::text as crf, cumulative_fee_factor::text as cff, total_stake::text, rewards::text, fees::text
    from earnings_pool ${where} order by earnings_pool.transcoder, earnings_pool.round`.execute(db);
  const m = new Map<string, PoolRow[]>();
  for (const x of r.rows) {
    let list = m.get(x.transcoder!);
    if (!list) m.set(x.transcoder!, (list = []));
    list.push({ round: BigInt(x.round!), crf: fromNumeric(x.crf!), cff: fromNumeric(x.cff!), totalStake: fromNumeric(x.total_stake!), rewards: fromNumeric(x.rewards!), fees: fromNumeric(x.fees!) });
  }
  return m;
}

/** A delegator record: bonded LPT-wei, delegate and last claim round. */
export interface DelegatorRow {
  address: string;
  delegate: string;
  bondedAmount: bigint;
  lastClaimRound: bigint;
  startRound: bigint;
}

/** Delegator records (all, one, or those of one orchestrator). */
export async function loadDelegators(db: Db, f: { address?: string; delegate?: string } = {}): Promise<DelegatorRow[]> {
  const where = f.address ? sql`where address = ${f.address}` : f.delegate ? sql`where delegate = ${f.delegate}` : sql``;
  const r = await sql<Record<string, string>>`select address, delegate, bonded_amount::text, last_claim_round::text, start_round::text from delegator ${where}`.execute(db);
  return r.rows.map((x) => ({ address: x.address!, delegate: x.delegate!, bondedAmount: fromNumeric(x.bonded_amount!), lastClaimRound: BigInt(x.last_claim_round!), startRound: BigInt(x.start_round!) }));
}

/** EarningsClaimed events of a delegator (the contract's own earnings computation), oldest first. */
export async function loadClaims(db: Db, delegator: string): Promise<Claim[]> {
  const r = await sql<{ args: Record<string, string> }>`select args from chain_event where name = 'EarningsClaimed' and a1 = ${delegator} order by block_number, log_index`.execute(db);
  return r.rows
    .map((x) => (typeof x.args === 'string' ? JSON.parse(x.args) : x.args) as Record<string, string>)
    .map((a) => ({ delegate: a.delegate!.toLowerCase(), startRound: BigInt(a.startRound!), endRound: BigInt(a.endRound!), rewards: BigInt(a.rewards!), fees: BigInt(a.fees!) }));
}

/** Governor parameters of the Minter as last announced (parts per 1e9), with the protocol defaults. */
export async function loadMinterParams(db: Db): Promise<{ inflationChange: bigint; targetBondingRate: bigint }> {
  const r = await sql<{ param: string; value: string | null }>`
    select distinct on (param) param, value from param_change where param in ('inflationChange', 'targetBondingRate') order by param, block_number desc, log_index desc`.execute(db);
  const get = (p: string, d: bigint) => {
    const v = r.rows.find((x) => x.param === p)?.value;
    return v && /^\d+$/.test(v) ? BigInt(v) : d;
  };
  // Arbitrum values since LIP-83's era: 500 ppb per round toward a 50% target (Minter.inflationChange; the network's history moves in steps of 500).
  return { inflationChange: get('inflationChange', 500n), targetBondingRate: get('targetBondingRate', 500_000_000n) };
}

/** Per-round activity of an orchestrator: active by its activation window, called when its pool got rewards. */
export async function loadActivity(db: Db, address: string, rounds: readonly bigint[]): Promise<RoundActivity[]> {
  const t = await sql<{ a: string; d: string }>`select activation_round::text as a, deactivation_round::text as d from transcoder where address = ${address}`.execute(db);
  const called = await sql<{ round: string }>`select round::text from earnings_pool where transcoder = ${address} and rewards > 0`.execute(db);
  const set = new Set(called.rows.map((x) => x.round));
  const act = t.rows[0] ? BigInt(t.rows[0].a) : null;
  const deact = t.rows[0] ? BigInt(t.rows[0].d) : null;
  return rounds.map((r) => ({ round: r, active: act !== null && act > 0n && act <= r && (deact === null || r < deact), called: set.has(r.toString()) }));
}

/** TranscoderUpdate events of an orchestrator, oldest first (cuts parts per 1e6). */
export async function loadCutChanges(db: Db, address: string): Promise<CutChange[]> {
  const r = await sql<{ round: string | null; t: string; args: Record<string, string> }>`
    select round::text, block_time::text as t, args from chain_event where name = 'TranscoderUpdate' and a1 = ${address} order by block_number, log_index`.execute(db);
  return r.rows.map((x) => {
    const a = (typeof x.args === 'string' ? JSON.parse(x.args) : x.args) as Record<string, string>;
    return { round: x.round === null ? null : BigInt(x.round), time: Number(x.t), rewardCut: Number(a.rewardCut), feeShare: Number(a.feeShare) };
  });
}

/** ETH-wei paid to an orchestrator by each gateway (winning tickets), largest first. */
export async function loadFeesByGateway(db: Db, address: string): Promise<{ gateway: string; paid: bigint }[]> {
  const r = await sql<{ sender: string; paid: string }>`select sender, sum(paid)::text as paid from winning_ticket where recipient = ${address} group by sender order by sum(paid) desc`.execute(db);
  return r.rows.map((x) => ({ gateway: x.sender, paid: fromNumeric(x.paid) }));
}

/** Proposals (voting end round) and every vote with the voter's delegate at the snapshot. */
export async function loadVoting(db: Db): Promise<{ proposals: (ProposalRef & { description: string })[]; votes: (VoteRef & { reason: string })[] }> {
  const p = await sql<{ id: string; vote_end: string; description: string }>`select id, vote_end::text, description from proposal order by created_block`.execute(db);
  const v = await sql<{ proposal_id: string; voter: string; support: number; weight: string; delegate: string | null; reason: string }>`
    select proposal_id, voter, support, weight::text, delegate, reason from vote`.execute(db);
  return {
    proposals: p.rows.map((x) => ({ id: x.id, voteEnd: BigInt(x.vote_end), description: x.description })),
    votes: v.rows.map((x) => ({ proposalId: x.proposal_id, voter: x.voter, support: Number(x.support), weight: fromNumeric(x.weight), delegate: x.delegate, reason: x.reason })),
  };
}

/** Bonded-amount changes (BondingVotes DelegatorBondedAmountChanged), oldest first. */
export async function loadBondedChanges(db: Db): Promise<BondedChange[]> {
  const r = await sql<{ t: string; a1: string; args: Record<string, string> }>`
    select block_time::text as t, a1, args from chain_event where name = 'DelegatorBondedAmountChanged' order by block_number, log_index`.execute(db);
  return r.rows.map((x) => {
    const a = (typeof x.args === 'string' ? JSON.parse(x.args) : x.args) as Record<string, string>;
    return { account: x.a1, time: Number(x.t), previous: BigInt(a.previousBondedAmount!), next: BigInt(a.newBondedAmount!) };
  });
}

/** Bond, Unbond and Rebond events between two rounds (inclusive), as stake moves. */
export async function loadStakeMoves(db: Db, fromRound: bigint, toRound: bigint): Promise<StakeMove[]> {
  const r = await sql<{ name: string; args: Record<string, string> }>`
    select name, args from chain_event where name in ('Bond', 'Unbond', 'Rebond') and round >= ${fromRound.toString()} and round <= ${toRound.toString()}
    order by block_number, log_index`.execute(db);
  return r.rows.map((x) => {
    const a = (typeof x.args === 'string' ? JSON.parse(x.args) : x.args) as Record<string, string>;
    if (x.name === 'Bond')
      return { kind: 'Bond', newDelegate: a.newDelegate!.toLowerCase(), oldDelegate: a.oldDelegate!.toLowerCase(), additionalAmount: BigInt(a.additionalAmount!), bondedAmount: BigInt(a.bondedAmount!) };
    return { kind: x.name as 'Unbond' | 'Rebond', delegate: a.delegate!.toLowerCase(), amount: BigInt(a.amount!) };
  });
}

/** TranscoderUpdate events of every orchestrator, by address, oldest first. */
export async function loadAllCutChanges(db: Db): Promise<Map<string, CutChange[]>> {
  const r = await sql<{ a1: string; round: string | null; t: string; args: Record<string, string> }>`
    select a1, round::text, block_time::text as t, args from chain_event where name = 'TranscoderUpdate' order by block_number, log_index`.execute(db);
  const m = new Map<string, CutChange[]>();
  for (const x of r.rows) {
    const a = (typeof x.args === 'string' ? JSON.parse(x.args) : x.args) as Record<string, string>;
    let l = m.get(x.a1);
    if (!l) m.set(x.a1, (l = []));
    l.push({ round: x.round === null ? null : BigInt(x.round), time: Number(x.t), rewardCut: Number(a.rewardCut), feeShare: Number(a.feeShare) });
  }
  return m;
}

/** ETH-wei paid by each gateway to each orchestrator, by orchestrator. */
export async function loadAllFeesByGateway(db: Db): Promise<Map<string, bigint[]>> {
  const r = await sql<{ recipient: string; paid: string }>`select recipient, sum(paid)::text as paid from winning_ticket group by recipient, sender`.execute(db);
  const m = new Map<string, bigint[]>();
  for (const x of r.rows) {
    let l = m.get(x.recipient);
    if (!l) m.set(x.recipient, (l = []));
    l.push(fromNumeric(x.paid));
  }
  return m;
}
