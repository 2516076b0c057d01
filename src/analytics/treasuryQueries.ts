// Database reads behind the treasury, governance and calendar views (indexed tables of 0003_protocol and the
// spend labels of 0005_treasury). Amounts come back as bigint, rounds and blocks as bigint.
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { rows, type Db } from '../read/db.js';
import { allRounds } from '../read/rounds.js';
import { parseBudget, type BudgetResult } from './budget.js';
import type { ContractInfoRow, ParamChangeRow } from './calendar.js';
import type { BalanceChange } from './treasury.js';

// Columns read as `unknown` (json arguments and text casts alike) to bigint.
const big = (v: unknown): bigint => BigInt(String(v));
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(String(v)));

/** One initialized round as the treasury views need it (LPT-wei; inflation per 1e9; cut per 1e27). */
export interface TreasuryRound {
  round: bigint;
  block: bigint;
  time: number;
  cutRate: bigint;
  mintable: bigint;
  inflation: bigint;
  /** Reward.amount + TreasuryReward.amount minted in the round. */
  minted: bigint;
  treasuryRewards: bigint;
  supply: bigint;
  balance: bigint;
}

/** Every initialized round, ascending. */
export async function loadRounds(db: Db): Promise<TreasuryRound[]> {
  return (await allRounds(db)).map((r) => ({
    round: r.round,
    block: r.blockNumber,
    time: r.blockTime,
    cutRate: r.treasuryRewardCutRate,
    mintable: r.mintable,
    inflation: r.inflation,
    minted: r.rewards + r.treasuryRewards,
    treasuryRewards: r.treasuryRewards,
    supply: r.l2Supply + (r.l1Supply ?? 0n),
    balance: r.treasuryBalance,
  }));
}

/** A treasury balance change with its transaction, time and counterparty (Transfer from/to). */
export interface LedgerEntry extends BalanceChange {
  txHash: string | null;
  time: number | null;
  counterparty: string | null;
}

/** Every change of the treasury's LPT balance in chain order. */
export async function loadBalanceChanges(db: Db): Promise<LedgerEntry[]> {
  const r = await rows(
    db,
    sql<Record<string, unknown>>`
      select b.block_number::text as block, b.log_index, b.balance::text, b.delta::text, b.kind, e.tx_hash, e.block_time::text as time,
        e.args->>'from' as from_addr, e.args->>'to' as to_addr
      from treasury_balance b left join chain_event e on e.block_number = b.block_number and e.log_index = b.log_index
      order by b.block_number, b.log_index`,
  );
  return r.map((x) => {
    const delta = big(x.delta);
    const cp = delta < 0n ? x.to_addr : x.from_addr;
    return {
      block: big(x.block),
      logIndex: Number(x.log_index),
      balance: big(x.balance),
      delta,
      kind: String(x.kind),
      txHash: x.tx_hash === null || x.tx_hash === undefined ? null : String(x.tx_hash),
      time: x.time === null || x.time === undefined ? null : Number(x.time),
      counterparty: cp === null || cp === undefined ? null : String(cp).toLowerCase(),
    };
  });
}

/** Latest BondingManager treasury parameters from ParameterUpdate (values read at their block). */
export async function loadTreasuryParams(db: Db): Promise<{ ceiling: bigint | null; nextCutRate: bigint | null }> {
  const r = await rows(
    db,
    sql<{ param: string; value: string | null }>`
      select distinct on (param) param, value from param_change
      where contract = 'BondingManager' and param in ('treasuryBalanceCeiling', 'nextRoundTreasuryRewardCutRate')
      order by param, block_number desc, log_index desc`,
  );
  const v = (p: string) => {
    const x = r.find((y) => y.param === p)?.value;
    return x && /^\d+$/.test(x) ? BigInt(x) : null;
  };
  return { ceiling: v('treasuryBalanceCeiling'), nextCutRate: v('nextRoundTreasuryRewardCutRate') };
}

/** Controller SetContractInfo rows in chain order. */
export async function loadContractInfo(db: Db): Promise<ContractInfoRow[]> {
  const r = await rows(db, sql<Record<string, unknown>>`select block_number::text as block, log_index, id, name, address, git_commit_hash from contract_info order by block_number, log_index`);
  return r.map((x) => ({ block: big(x.block), logIndex: Number(x.log_index), id: String(x.id), name: x.name === null ? null : String(x.name), address: String(x.address), gitCommitHash: String(x.git_commit_hash) }));
}

/** ParameterUpdate rows with the value read at their block, in chain order. */
export async function loadParamChanges(db: Db): Promise<ParamChangeRow[]> {
  const r = await rows(db, sql<Record<string, unknown>>`select block_number::text as block, log_index, contract, param, value from param_change order by block_number, log_index`);
  return r.map((x) => ({ block: big(x.block), logIndex: Number(x.log_index), contract: String(x.contract), param: String(x.param), value: x.value === null ? null : String(x.value) }));
}

/** Unix time of each requested block that has an indexed event. */
export async function loadBlockTimes(db: Db, blocks: bigint[]): Promise<Map<bigint, number>> {
  const uniq = [...new Set(blocks.map(String))];
  if (uniq.length === 0) return new Map();
  const r = await rows(
    db,
    sql<{ b: string; t: string }>`select block_number::text as b, min(block_time)::text as t from chain_event
      where block_number in (${sql.join(uniq.map((b) => sql`${b}::bigint`))}) group by block_number`,
  );
  return new Map(r.map((x) => [BigInt(x.b), Number(x.t)]));
}

/** Treasury timelock calls of one operation or all, in schedule order. */
export async function loadTreasuryCalls(db: Db): Promise<{ operationId: string; index: number; target: string; value: bigint; data: string; scheduledBlock: bigint; executedBlock: bigint | null; cancelledBlock: bigint | null }[]> {
  const r = await rows(
    db,
    sql<Record<string, unknown>>`select operation_id, call_index, target, value::text, data, scheduled_block::text, executed_block::text, cancelled_block::text
      from treasury_call order by treasury_call.scheduled_block, operation_id, call_index`,
  );
  return r.map((x) => ({
    operationId: String(x.operation_id),
    index: Number(x.call_index),
    target: String(x.target),
    value: big(x.value),
    data: String(x.data),
    scheduledBlock: big(x.scheduled_block),
    executedBlock: bigOrNull(x.executed_block),
    cancelledBlock: bigOrNull(x.cancelled_block),
  }));
}

/** Accepted signed spend labels. */
export interface SpendLabel {
  proposalId: string;
  signer: string;
  category: string;
  issuedAt: number;
  signature: string;
}

/** Stored spend labels, newest first per proposal. */
export async function loadLabels(db: Db): Promise<SpendLabel[]> {
  const r = await rows(db, sql<Record<string, unknown>>`select proposal_id, signer, category, issued_at::text, signature from spend_label order by proposal_id, issued_at desc, signer`);
  return r.map((x) => ({ proposalId: String(x.proposal_id), signer: String(x.signer), category: String(x.category), issuedAt: Number(x.issued_at), signature: String(x.signature) }));
}

/** Stores (or replaces, when newer) a labeler's label for a proposal; returns false when an equal or newer one exists. */
export async function saveLabel(db: Db, l: SpendLabel): Promise<boolean> {
  const r = await rows(
    db,
    sql<{ proposal_id: string }>`
      insert into spend_label (proposal_id, signer, category, issued_at, signature)
      values (${l.proposalId}, ${l.signer}, ${l.category}, ${l.issuedAt}, ${l.signature})
      on conflict (proposal_id, signer) do update set category = excluded.category, issued_at = excluded.issued_at,
        signature = excluded.signature, received_at = now()
      where spend_label.issued_at < excluded.issued_at
      returning proposal_id`,
  );
  return r.length > 0;
}

/** The treasury budget file, read and parsed now (it may have been edited since start-up); null without one. */
export async function loadBudgetFile(file: string | null | undefined): Promise<{ file: string; result: BudgetResult } | null> {
  if (!file) return null;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { file, result: { ok: false, issues: [{ line: 1, path: '', message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] } };
  }
  return { file, result: parseBudget(text) };
}

/** Governor quota (per 1e6) from its latest ParameterUpdate, else the deployed 500000. */
export async function loadQuota(db: Db): Promise<bigint> {
  const r = await rows(db, sql<{ value: string | null }>`select value from param_change where param = 'quota' order by block_number desc, log_index desc limit 1`);
  const v = r[0]?.value;
  return v && /^\d+$/.test(v) ? BigInt(v) : 500_000n;
}
