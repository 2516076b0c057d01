import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ProposalVote, RoundMove, UnbondingLock } from './preferences.js';

type Db = Kysely<Database>;
const argsOf = (a: unknown) => (typeof a === 'string' ? JSON.parse(a) : a) as Record<string, string>;

/** TranscoderActivated / TranscoderDeactivated events, oldest first. */
export async function loadActivations(db: Db): Promise<{ orchestrator: string; kind: 'activated' | 'deactivated'; round: bigint }[]> {
  const r = await sql<{ name: string; a1: string; args: unknown }>`
    select name, a1, args from chain_event where name in ('TranscoderActivated', 'TranscoderDeactivated') order by block_number, log_index`.execute(db);
  return r.rows.map((x) => {
    const a = argsOf(x.args);
    return x.name === 'TranscoderActivated' ? { orchestrator: x.a1, kind: 'activated' as const, round: BigInt(a.activationRound!) } : { orchestrator: x.a1, kind: 'deactivated' as const, round: BigInt(a.deactivationRound!) };
  });
}

/** Bond, Unbond and Rebond with their rounds, oldest first. */
export async function loadRoundMoves(db: Db): Promise<RoundMove[]> {
  const r = await sql<{ name: string; round: string | null; args: unknown }>`
    select name, round::text, args from chain_event where name in ('Bond', 'Unbond', 'Rebond') and round is not null order by block_number, log_index`.execute(db);
  return r.rows.map((x) => {
    const a = argsOf(x.args);
    const round = BigInt(x.round!);
    if (x.name === 'Bond') return { kind: 'Bond' as const, round, newDelegate: a.newDelegate!.toLowerCase(), oldDelegate: a.oldDelegate!.toLowerCase(), additionalAmount: BigInt(a.additionalAmount!), bondedAmount: BigInt(a.bondedAmount!) };
    return { kind: x.name as 'Unbond' | 'Rebond', round, delegate: a.delegate!.toLowerCase(), amount: BigInt(a.amount!) };
  });
}

/** Every governor vote with its reason and the voter's delegate at the snapshot. */
export async function loadVotes(db: Db): Promise<ProposalVote[]> {
  const r = await sql<{ proposal_id: string; voter: string; support: number; weight: string; reason: string; delegate: string | null }>`
    select proposal_id, voter, support, weight::text, reason, delegate from vote order by block_number, log_index`.execute(db);
  return r.rows.map((x) => ({ proposalId: x.proposal_id, voter: x.voter, support: Number(x.support), weight: BigInt(x.weight), reason: x.reason, delegate: x.delegate }));
}

/** Every open unbonding lock (the delegator table's current state). */
export async function loadOpenLocks(db: Db): Promise<UnbondingLock[]> {
  const r = await sql<{ locks: unknown }>`select unbonding_locks as locks from delegator where jsonb_array_length(unbonding_locks) > 0`.execute(db);
  const out: UnbondingLock[] = [];
  for (const x of r.rows) for (const l of (typeof x.locks === 'string' ? JSON.parse(x.locks) : x.locks) as { amount: string; withdrawRound: string }[]) out.push({ amount: BigInt(l.amount), withdrawRound: BigInt(l.withdrawRound) });
  return out;
}

/** LPT unbonded (by the round it unlocks) and withdrawn, per round. */
export async function loadUnbondingHistory(db: Db): Promise<{ round: bigint; unlocking: bigint; withdrawn: bigint }[]> {
  const r = await sql<{ name: string; round: string | null; args: unknown }>`
    select name, round::text, args from chain_event where name in ('Unbond', 'WithdrawStake') order by block_number, log_index`.execute(db);
  const by = new Map<bigint, { round: bigint; unlocking: bigint; withdrawn: bigint }>();
  const at = (round: bigint) => {
    let b = by.get(round);
    if (!b) by.set(round, (b = { round, unlocking: 0n, withdrawn: 0n }));
    return b;
  };
  for (const x of r.rows) {
    const a = argsOf(x.args);
    if (x.name === 'Unbond') at(BigInt(a.withdrawRound!)).unlocking += BigInt(a.amount!);
    else if (x.round !== null) at(BigInt(x.round)).withdrawn += BigInt(a.amount!);
  }
  return [...by.values()].sort((a, b) => (a.round < b.round ? -1 : 1));
}
