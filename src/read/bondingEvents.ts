import { sql } from 'kysely';
import { rows, type Db, type Text } from './db.js';

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

/** A Bond, Unbond or Rebond event as a move of stake (delegates lower-case). */
export type StakeMoveRow =
  | { kind: 'Bond'; newDelegate: string; oldDelegate: string; additionalAmount: bigint; bondedAmount: bigint }
  | { kind: 'Unbond'; delegate: string; amount: bigint }
  | { kind: 'Rebond'; delegate: string; amount: bigint };

/** Bond, Unbond and Rebond events of the rounds from `fromRound` to `toRound` (inclusive), oldest first. */
export async function stakeMoves(db: Db, fromRound: bigint, toRound: bigint): Promise<StakeMoveRow[]> {
  const r = await rows(
    db,
    sql<{ name: string; args: unknown }>`
      select name, args from chain_event where name in ('Bond', 'Unbond', 'Rebond') and round >= ${fromRound.toString()} and round <= ${toRound.toString()}
      order by block_number, log_index`,
  );
  return r.map((x): StakeMoveRow => {
    const a = argsOf(x.args);
    if (x.name === 'Bond')
      return { kind: 'Bond', newDelegate: a.newDelegate!.toLowerCase(), oldDelegate: a.oldDelegate!.toLowerCase(), additionalAmount: BigInt(a.additionalAmount!), bondedAmount: BigInt(a.bondedAmount!) };
    return { kind: x.name as 'Unbond' | 'Rebond', delegate: a.delegate!.toLowerCase(), amount: BigInt(a.amount!) };
  });
}
