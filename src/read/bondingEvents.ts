import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

// BondingManager and BondingVotes events decoded from chain_event's json arguments (the drivers return json as an
// object, or as text on some paths). Amounts in LPT-wei / ETH-wei, rounds as bigint, oldest first.

type Args = Record<string, string>;
const argsOf = (v: unknown): Args => (typeof v === 'string' ? JSON.parse(v) : v) as Args;

/** BondingManager.EarningsClaimed: what the contract itself computed for a delegator over a round range. */
export interface EarningsClaim {
  delegate: string;
  startRound: bigint;
  endRound: bigint;
  rewards: bigint;
  fees: bigint;
}

/** A delegator's EarningsClaimed events, oldest first. */
export async function earningsClaims(db: Db, delegator: string): Promise<EarningsClaim[]> {
  const r = await rows(db, sql<{ args: unknown }>`select args from chain_event where name = 'EarningsClaimed' and a1 = ${delegator} order by block_number, log_index`);
  return r.map((x) => {
    const a = argsOf(x.args);
    return { delegate: a.delegate!.toLowerCase(), startRound: BigInt(a.startRound!), endRound: BigInt(a.endRound!), rewards: BigInt(a.rewards!), fees: BigInt(a.fees!) };
  });
}

/** BondingManager.TranscoderUpdate: an orchestrator's new cuts (parts per 1e6) and when. */
export interface CutChangeRow {
  round: bigint | null;
  time: number;
  rewardCut: number;
  feeShare: number;
}

/** Every orchestrator's TranscoderUpdate events, by address, oldest first. */
export async function cutChanges(db: Db): Promise<Map<string, CutChangeRow[]>> {
  const r = await rows(
    db,
    sql<{ a1: Text; round: Text | null; t: Text; args: unknown }>`
      select a1, round::text, block_time::text as t, args from chain_event where name = 'TranscoderUpdate' order by block_number, log_index`,
  );
  const m = new Map<string, CutChangeRow[]>();
  for (const x of r) {
    const a = argsOf(x.args);
    let l = m.get(x.a1);
    if (!l) m.set(x.a1, (l = []));
    l.push({ round: x.round === null ? null : BigInt(x.round), time: Number(x.t), rewardCut: Number(a.rewardCut), feeShare: Number(a.feeShare) });
  }
  return m;
}

/** BondingVotes.DelegatorBondedAmountChanged: an account's bonded amount before and after. */
export interface BondedAmountChange {
  account: string;
  time: number;
  previous: bigint;
  next: bigint;
}

/** Every bonded-amount change, oldest first. */
export async function bondedAmountChanges(db: Db): Promise<BondedAmountChange[]> {
  const r = await rows(
    db,
    sql<{ t: Text; a1: Text; args: unknown }>`
      select block_time::text as t, a1, args from chain_event where name = 'DelegatorBondedAmountChanged' order by block_number, log_index`,
  );
  return r.map((x) => {
    const a = argsOf(x.args);
    return { account: x.a1, time: Number(x.t), previous: BigInt(a.previousBondedAmount!), next: BigInt(a.newBondedAmount!) };
  });
}

/** A Bond, Unbond or Rebond event reduced to what moves stake between orchestrators (LPT-wei; delegates lower-case). */
export type StakeMove =
  | { kind: 'Bond'; newDelegate: string; oldDelegate: string; additionalAmount: bigint; bondedAmount: bigint }
  | { kind: 'Unbond'; delegate: string; amount: bigint }
  | { kind: 'Rebond'; delegate: string; amount: bigint };

/** A stake move with the round it happened in. */
export type StakeMoveRow = StakeMove & { round: bigint };

/** Bond, Unbond and Rebond events of every round (or of rounds from `from` to `to`, inclusive), oldest first. */
export async function stakeMoves(db: Db, range: { from?: bigint; to?: bigint } = {}): Promise<StakeMoveRow[]> {
  const r = await rows(
    db,
    sql<{ name: string; round: Text; args: unknown }>`
      select name, round::text, args from chain_event where name in ('Bond', 'Unbond', 'Rebond') and round is not null
        ${range.from === undefined ? sql`` : sql`and round >= ${range.from.toString()}`} ${range.to === undefined ? sql`` : sql`and round <= ${range.to.toString()}`}
      order by block_number, log_index`,
  );
  return r.map((x): StakeMoveRow => {
    const a = argsOf(x.args);
    const round = BigInt(x.round);
    if (x.name === 'Bond')
      return { kind: 'Bond', round, newDelegate: a.newDelegate!.toLowerCase(), oldDelegate: a.oldDelegate!.toLowerCase(), additionalAmount: BigInt(a.additionalAmount!), bondedAmount: BigInt(a.bondedAmount!) };
    return { kind: x.name as 'Unbond' | 'Rebond', round, delegate: a.delegate!.toLowerCase(), amount: BigInt(a.amount!) };
  });
}

/** BondingManager.TranscoderActivated / TranscoderDeactivated: the round an orchestrator enters or leaves the active set. */
export interface ActivationRow {
  orchestrator: string;
  kind: 'activated' | 'deactivated';
  round: bigint;
}

/** Every activation and deactivation, oldest first. */
export async function activations(db: Db): Promise<ActivationRow[]> {
  const r = await rows(
    db,
    sql<{ name: string; a1: Text; args: unknown }>`
      select name, a1, args from chain_event where name in ('TranscoderActivated', 'TranscoderDeactivated') order by block_number, log_index`,
  );
  return r.map((x): ActivationRow => {
    const a = argsOf(x.args);
    return x.name === 'TranscoderActivated' ? { orchestrator: x.a1, kind: 'activated', round: BigInt(a.activationRound!) } : { orchestrator: x.a1, kind: 'deactivated', round: BigInt(a.deactivationRound!) };
  });
}

/** BondingManager.Unbond (LPT-wei that unlocks at `withdrawRound`) or WithdrawStake (LPT-wei withdrawn in `round`). */
export type UnbondingEventRow = { kind: 'Unbond'; withdrawRound: bigint; amount: bigint } | { kind: 'WithdrawStake'; round: bigint | null; amount: bigint };

/** Every Unbond and WithdrawStake, oldest first. */
export async function unbondingEvents(db: Db): Promise<UnbondingEventRow[]> {
  const r = await rows(
    db,
    sql<{ name: string; round: Text | null; args: unknown }>`
      select name, round::text, args from chain_event where name in ('Unbond', 'WithdrawStake') order by block_number, log_index`,
  );
  return r.map((x): UnbondingEventRow => {
    const a = argsOf(x.args);
    return x.name === 'Unbond'
      ? { kind: 'Unbond', withdrawRound: BigInt(a.withdrawRound!), amount: BigInt(a.amount!) }
      : { kind: 'WithdrawStake', round: x.round === null ? null : BigInt(x.round), amount: BigInt(a.amount!) };
  });
}

/** BondingManager.Reward: LPT-wei minted to an orchestrator's pool (lower-case) by its reward call in a round. */
export interface RewardCallRow {
  orchestrator: string;
  round: bigint;
  time: number;
  amount: bigint;
}

/** Reward calls of rounds [fromRound, toRound] (every orchestrator's, or one's), oldest first. */
export async function rewardCalls(db: Db, f: { fromRound: bigint; toRound: bigint; orchestrator?: string }): Promise<RewardCallRow[]> {
  const r = await rows(
    db,
    sql<{ o: Text; round: Text; t: Text; amount: Text }>`
      select lower(a1) as o, round::text, block_time::text as t, amount::text from chain_event
      where name = 'Reward' and round between ${f.fromRound.toString()} and ${f.toRound.toString()} ${f.orchestrator === undefined ? sql`` : sql`and lower(a1) = ${f.orchestrator}`}
      order by block_number, log_index`,
  );
  return r.map((x) => ({ orchestrator: x.o, round: big(x.round), time: Number(x.t), amount: big(x.amount) }));
}
