import { sql, type Kysely } from 'kysely';
import type { NetworkConfig } from '../chain/networks.js';
import { BondingLedger, type DelegatorState, type EarningsPool, type LedgerGlobals, type PoolEntry, type TranscoderState, type UnbondingLock } from '../protocol/index.js';
import { fromNumeric } from '../store/amounts.js';
import type { Database } from '../store/schema.js';
import { ProtocolProjector, type ExtraState, type ParamLookup, type ProjectionChanges, type ProjectorSeed } from './protocolProjector.js';
import { appendDelegatorCountMoves } from './delegatorsCount.js';
import { HISTORY_COLUMNS, HISTORY_TABLES, historyTable, type HistoryRows } from './history.js';
import { delegatorRow, earningsPoolRow, transcoderRow } from './ledgerRows.js';
import type { ChainTxRow, DelegateChangeRow, GatewayRow, IndexedBlockRow, OrchestratorRow, PoolPaymentRow, ProposalRow, RoundRow, TreasuryCallRow, VoteRow } from './rows.js';
import { copyRows, deleteByKeys, selectByKeys, upsertRows, type SqlValue } from './sqlWriter.js';

type Db = Kysely<Database>;
const META_KEY = 'protocol_projection';

// Mutable tables (restored from projection_undo on a reorg) and their keys.
const MUTABLE: Record<string, string[]> = {
  transcoder: ['address'],
  delegator: ['address'],
  earnings_pool: ['transcoder', 'round'],
  protocol_round: ['round'],
  orchestrator: ['address'],
  gateway: ['address'],
  proposal: ['id'],
  treasury_call: ['operation_id', 'call_index'],
  atlas_meta: ['key'],
};
// Append-only tables: a reorg deletes their rows from the fork block on.
const APPEND_ONLY = ['chain_event', 'winning_ticket', 'param_change', 'contract_info', 'delegate_change', 'vote', 'treasury_balance', 'ledger_divergence', 'state_divergence', 'unknown_log', 'poll_tally', 'round_pool', 'chain_tx', 'indexed_block', 'delegator_count_move'];
// Column order of the COPY payloads (COPY reads text, so no types are needed here).
const CHAIN_EVENT_COLUMNS = ['block_number', 'log_index', 'tx_hash', 'tx_index', 'block_time', 'round', 'contract', 'name', 'a1', 'a2', 'amount', 'args'];
const CHAIN_TX_COLUMNS = ['hash', 'block_number', 'tx_index', 'block_time', 'from_address', 'to_address', 'gas', 'gas_price'];
const WINNING_TICKET_COLUMNS = ['block_number', 'log_index', 'tx_hash', 'block_time', 'round', 'sender', 'recipient', 'face_value', 'win_prob', 'sender_nonce', 'creation_round', 'paid'];
const JSON_COLS: Record<string, string[]> = {
  chain_event: ['args'],
  delegator: ['unbonding_locks'],
  proposal: ['targets', 'values', 'calldatas'],
  atlas_meta: ['value'],
};

const big = (v: unknown): bigint => fromNumeric(v as string);
const num = (v: unknown): number => Number(v);
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : fromNumeric(v as string));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function jsonBig(value: unknown): string {
  return JSON.stringify(value, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}
function parseBig<T>(text: unknown): T {
  const raw = typeof text === 'string' ? text : JSON.stringify(text);
  return JSON.parse(raw, (_k, x: unknown) => (typeof x === 'string' && /^-?\d+n$/.test(x) ? BigInt(x.slice(0, -1)) : x)) as T;
}

interface PersistedMeta {
  globals: LedgerGlobals;
  pool: PoolEntry[];
  poolMaxSize: bigint;
  extra: ExtraState;
}


/** Rebuild the projection's in-memory state from the database (start-up, and after a rollback). */
export async function loadProjector(db: Db, treasury: string, params: ParamLookup, targetVersions?: NetworkConfig['targetVersions']): Promise<ProtocolProjector> {
  const metaRow = await sql<{ value: unknown }>`select value from atlas_meta where key = ${META_KEY}`.execute(db);
  if (metaRow.rows.length === 0) return ProtocolProjector.fresh(treasury, params, targetVersions);
  const config = ProtocolProjector.ledgerConfig(treasury);
  const meta = parseBig<PersistedMeta>(metaRow.rows[0]!.value);

  const transcoders = (await sql<Record<string, unknown>>`select * from transcoder`.execute(db)).rows.map(
    (r) =>
      [
        String(r.address),
        {
          lastRewardRound: big(r.last_reward_round),
          rewardCut: big(r.reward_cut),
          feeShare: big(r.fee_share),
          lastActiveStakeUpdateRound: big(r.last_active_stake_update_round),
          activationRound: big(r.activation_round),
          deactivationRound: big(r.deactivation_round),
          activeCumulativeRewards: big(r.active_cumulative_rewards),
          cumulativeRewards: big(r.cumulative_rewards),
          cumulativeFees: big(r.cumulative_fees),
          lastFeeRound: big(r.last_fee_round),
        } satisfies TranscoderState,
      ] as [string, TranscoderState],
  );
  const delegators = (await sql<Record<string, unknown>>`select * from delegator`.execute(db)).rows.map((r) => {
    const locks = new Map<bigint, UnbondingLock>();
    const raw = (typeof r.unbonding_locks === 'string' ? JSON.parse(r.unbonding_locks) : r.unbonding_locks) as { id: string; amount: string; withdrawRound: string }[];
    for (const l of raw) locks.set(BigInt(l.id), { amount: BigInt(l.amount), withdrawRound: BigInt(l.withdrawRound) });
    return [
      String(r.address),
      {
        bondedAmount: big(r.bonded_amount),
        fees: big(r.fees),
        delegateAddress: String(r.delegate),
        delegatedAmount: big(r.delegated_amount),
        startRound: big(r.start_round),
        lastClaimRound: big(r.last_claim_round),
        nextUnbondingLockId: big(r.next_unbonding_lock_id),
        unbondingLocks: locks,
      } satisfies DelegatorState,
    ] as [string, DelegatorState];
  });
  const poolRows = (await sql<Record<string, unknown>>`select * from earnings_pool`.execute(db)).rows;
  const pools: [string, bigint, EarningsPool][] = [];
  const poolPayments = new Map<string, PoolPaymentRow>();
  for (const r of poolRows) {
    const t = String(r.transcoder);
    const round = big(r.round);
    const p: EarningsPool = {
      totalStake: big(r.total_stake),
      transcoderRewardCut: big(r.reward_cut),
      transcoderFeeShare: big(r.fee_share),
      cumulativeRewardFactor: big(r.cumulative_reward_factor),
      cumulativeFeeFactor: big(r.cumulative_fee_factor),
    };
    if (p.totalStake || p.transcoderRewardCut || p.transcoderFeeShare || p.cumulativeRewardFactor || p.cumulativeFeeFactor) pools.push([t, round, p]);
    poolPayments.set(`${t}|${round}`, { transcoder: t, round, rewards: big(r.rewards), treasury_rewards: big(r.treasury_rewards), fees: big(r.fees) });
  }
  const ledger = BondingLedger.restore(config, { globals: meta.globals, pool: meta.pool, poolMaxSize: meta.poolMaxSize, transcoders, delegators, pools });

  const rounds = new Map<bigint, RoundRow>();
  for (const r of (await sql<Record<string, unknown>>`select * from protocol_round order by round desc limit 64`.execute(db)).rows) {
    rounds.set(big(r.round), {
      round: big(r.round),
      block_number: num(r.block_number),
      block_time: num(r.block_time),
      l1_block: numOrNull(r.l1_block),
      block_hash: String(r.block_hash),
      mintable: big(r.mintable),
      inflation: big(r.inflation),
      total_active_stake: big(r.total_active_stake),
      l2_supply: big(r.l2_supply),
      l1_supply: bigOrNull(r.l1_supply),
      treasury_reward_cut_rate: big(r.treasury_reward_cut_rate),
      treasury_balance: big(r.treasury_balance),
      active_transcoders: num(r.active_transcoders),
      rewards: big(r.rewards),
      treasury_rewards: big(r.treasury_rewards),
      reward_calls: num(r.reward_calls),
      fees: big(r.fees),
      winning_tickets: num(r.winning_tickets),
      round_length: bigOrNull(r.round_length),
      round_lock_amount: bigOrNull(r.round_lock_amount),
      start_block: bigOrNull(r.start_block),
      inflation_change: bigOrNull(r.inflation_change),
      target_bonding_rate: bigOrNull(r.target_bonding_rate),
    });
  }
  const orchestrators = new Map<string, OrchestratorRow>();
  for (const r of (await sql<Record<string, unknown>>`select * from orchestrator`.execute(db)).rows) {
    orchestrators.set(String(r.address), {
      address: String(r.address),
      service_uri: (r.service_uri as string | null) ?? null,
      ai_service_uri: (r.ai_service_uri as string | null) ?? null,
      reward_caller: (r.reward_caller as string | null) ?? null,
      first_block: num(r.first_block),
      updated_block: num(r.updated_block),
    });
  }
  const gateways = new Map<string, GatewayRow>();
  for (const r of (await sql<Record<string, unknown>>`select * from gateway`.execute(db)).rows) {
    gateways.set(String(r.address), {
      address: String(r.address),
      deposit: big(r.deposit),
      reserve: big(r.reserve),
      withdraw_round: bigOrNull(r.withdraw_round),
      winning_tickets: num(r.winning_tickets),
      face_value_total: big(r.face_value_total),
      fees_paid: big(r.fees_paid),
      first_block: num(r.first_block),
      updated_block: num(r.updated_block),
    });
  }
  const proposals = new Map<string, ProposalRow>();
  for (const r of (await sql<Record<string, unknown>>`select * from proposal`.execute(db)).rows) {
    const j = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[]));
    proposals.set(String(r.id), {
      id: String(r.id),
      proposer: String(r.proposer),
      targets: j(r.targets),
      values: j(r.values),
      calldatas: j(r.calldatas),
      description: String(r.description),
      vote_start: big(r.vote_start),
      vote_end: big(r.vote_end),
      created_block: num(r.created_block),
      created_round: bigOrNull(r.created_round),
      queued_block: numOrNull(r.queued_block),
      eta: bigOrNull(r.eta),
      executed_block: numOrNull(r.executed_block),
      canceled_block: numOrNull(r.canceled_block),
      for_votes: big(r.for_votes),
      against_votes: big(r.against_votes),
      abstain_votes: big(r.abstain_votes),
      voters: num(r.voters),
    });
  }
  const votes: VoteRow[] = (await sql<Record<string, unknown>>`select * from vote order by block_number, log_index`.execute(db)).rows.map((r) => ({
    proposal_id: String(r.proposal_id),
    voter: String(r.voter),
    support: num(r.support),
    weight: big(r.weight),
    reason: String(r.reason),
    delegate: (r.delegate as string | null) ?? null,
    block_number: num(r.block_number),
    log_index: num(r.log_index),
  }));
  const treasuryCalls = new Map<string, TreasuryCallRow>();
  for (const r of (await sql<Record<string, unknown>>`select * from treasury_call`.execute(db)).rows) {
    treasuryCalls.set(`${r.operation_id}:${r.call_index}`, {
      operation_id: String(r.operation_id),
      call_index: num(r.call_index),
      target: String(r.target),
      value: big(r.value),
      data: String(r.data),
      delay: big(r.delay),
      scheduled_block: num(r.scheduled_block),
      executed_block: numOrNull(r.executed_block),
      cancelled_block: numOrNull(r.cancelled_block),
    });
  }
  const delegateHistory: DelegateChangeRow[] = (await sql<Record<string, unknown>>`select * from delegate_change order by block_number, log_index`.execute(db)).rows.map((r) => ({
    block_number: num(r.block_number),
    log_index: num(r.log_index),
    account: String(r.account),
    from_delegate: String(r.from_delegate),
    to_delegate: String(r.to_delegate),
    start_round: big(r.start_round),
  }));
  const seed: ProjectorSeed = { extra: meta.extra, rounds, orchestrators, gateways, poolPayments, proposals, votes, treasuryCalls, delegateHistory };
  return new ProtocolProjector(ledger, seed, params, targetVersions);
}

/**
 * Write one batch of changes. With `undoBlock` (unfinalized blocks), the prior image of every
 * mutable row is saved first so a reorg can restore it exactly.
 */
/** The rows one batch writes, captured from the in-memory state right after the batch was applied. */
export interface WritePlan {
  mutable: [string, Record<string, SqlValue>[]][];
  events: Record<string, SqlValue>[];
  tickets: Record<string, SqlValue>[];
  append: [string, string[], Record<string, SqlValue>[]][];
  /** Versions of the mutable rows after each block that changed them. */
  history: HistoryRows;
  /** The transactions that emitted the batch's events, and the blocks its logs came from. */
  transactions: ChainTxRow[];
  blocks: IndexedBlockRow[];
}

const snapshotRows = <T extends object>(rows: Iterable<T>): Record<string, SqlValue>[] => [...rows].map((r) => ({ ...r }) as unknown as Record<string, SqlValue>);

/**
 * Captures every row a batch changed, as values: the projector may go on applying the next batch
 * before these rows reach the database.
 */
export function planWrite(projector: ProtocolProjector, changes: ProjectionChanges): WritePlan {
  const ledger = projector.ledger;
  const dirty = projector.takeDirty();
  const transcoderBlock = new Map(dirty.transcoders);
  for (const [a, b] of dirty.delegators) if (!transcoderBlock.has(a) || transcoderBlock.get(a)! < b) transcoderBlock.set(a, Math.max(b, transcoderBlock.get(a) ?? 0));

  // Total stake lives on the delegator record: a changed delegator may change its transcoder row.
  const tAddrs = new Set([...dirty.transcoders.keys(), ...[...dirty.delegators.keys()].filter((a) => ledger.hasTranscoder(a as `0x${string}`))]);
  const tRows = [...tAddrs].map((a) => transcoderRow(ledger, a, transcoderBlock.get(a)!));
  const dRows = [...dirty.delegators.keys()].map((a) => delegatorRow(ledger, a, dirty.delegators.get(a)!));
  const poolKeys = new Map<string, [string, bigint]>();
  for (const [k, tr] of dirty.pools) poolKeys.set(k, tr);
  for (const p of changes.poolPayments.values()) poolKeys.set(`${p.transcoder}|${p.round}`, [p.transcoder, p.round]);
  const pRows = [...poolKeys.entries()].map(([key, [t, r]]) => earningsPoolRow(ledger, t, r, changes.poolPayments.get(key) ?? projector.payments(t, r)));
  const exported = ledger.exportGlobals();
  const meta: PersistedMeta = { globals: exported.globals, pool: exported.pool, poolMaxSize: exported.poolMaxSize, extra: projector.extra };
  const metaRows = [{ key: META_KEY, value: jsonBig(meta) as unknown as SqlValue }];

  const mutable: [string, Record<string, SqlValue>[]][] = [
    ['transcoder', tRows],
    ['delegator', dRows],
    ['earnings_pool', pRows],
    ['protocol_round', snapshotRows(changes.rounds.values())],
    ['orchestrator', snapshotRows(changes.orchestrators.values())],
    ['gateway', snapshotRows(changes.gateways.values())],
    ['proposal', snapshotRows(changes.proposals.values())],
    ['treasury_call', snapshotRows(changes.treasuryCalls.values())],
    ['atlas_meta', metaRows],
  ];
  const append: [string, string[], Record<string, SqlValue>[]][] = [
    ['param_change', ['block_number', 'log_index'], snapshotRows(changes.params)],
    ['contract_info', ['block_number', 'log_index'], snapshotRows(changes.contracts)],
    ['delegate_change', ['block_number', 'log_index'], snapshotRows(changes.delegateChanges)],
    ['vote', ['proposal_id', 'voter'], snapshotRows(changes.votes)],
    ['treasury_balance', ['block_number', 'log_index'], snapshotRows(changes.treasuryBalances)],
    ['ledger_divergence', ['block_number', 'log_index', 'what'], snapshotRows(changes.divergences)],
    ['unknown_log', ['block_number', 'log_index'], snapshotRows(changes.unknownLogs)],
    ['poll_tally', ['poll'], snapshotRows(changes.pollTallies)],
    ['round_pool', ['round', 'transcoder'], snapshotRows(changes.roundPools)],
  ];
  // Event and ticket rows are created per log and never touched again: no copy needed.
  return { mutable, events: changes.events as unknown as Record<string, SqlValue>[], tickets: changes.tickets as unknown as Record<string, SqlValue>[], append, history: changes.history, transactions: [], blocks: [] };
}

/**
 * Writes a planned batch: upserts of changed rows (with undo images in live mode), then appends.
 * `times` (ms per table, accumulated) says where a slow write phase goes.
 */
export async function writePlan(trx: Db, plan: WritePlan, undoBlock: number | null, times?: Record<string, number>): Promise<void> {
  const { mutable, append } = plan;
  const timed = async (table: string, write: () => Promise<void>) => {
    if (!times) return write();
    const t0 = performance.now();
    await write();
    times[table] = (times[table] ?? 0) + performance.now() - t0;
  };
  if (undoBlock !== null) {
    for (const [table, rows] of mutable) await timed('projection_undo', () => saveUndo(trx, table, rows, undoBlock));
  }
  for (const [table, rows] of mutable) await timed(table, () => upsertRows(trx, table, MUTABLE[table]!, rows, { jsonCols: JSON_COLS[table] }));
  await timed('chain_event', () => copyRows(trx, 'chain_event', CHAIN_EVENT_COLUMNS, plan.events));
  await timed('winning_ticket', () => copyRows(trx, 'winning_ticket', WINNING_TICKET_COLUMNS, plan.tickets));
  for (const t of HISTORY_TABLES) await timed(historyTable(t), () => copyRows(trx, historyTable(t), [...HISTORY_COLUMNS[t], 'version_block'], plan.history[t]));
  await timed('chain_tx', () => copyRows(trx, 'chain_tx', CHAIN_TX_COLUMNS, plan.transactions as unknown as Record<string, SqlValue>[]));
  await timed('indexed_block', () => upsertIndexedBlocks(trx, plan.blocks));
  for (const [table, keys, rows] of append) await timed(table, () => upsertRows(trx, table, keys, rows, { ignore: true, jsonCols: JSON_COLS[table] }));
  // From the batch's events and delegator versions, written above.
  await timed('delegator_count_move', () => appendDelegatorCountMoves(trx));
}

const HEX_TEXT = /^0x[0-9a-f]*$/;

/**
 * The batch's blocks, one statement whatever their number: each column travels as one array literal (a backfill
 * batch holds thousands of blocks, and a statement of thousands of tuples costs more to bind and plan than to
 * run). An upsert: a source synced later can bring a block an earlier segment stored.
 */
async function upsertIndexedBlocks(trx: Db, blocks: readonly IndexedBlockRow[]): Promise<void> {
  if (blocks.length === 0) return;
  // Hashes are lowercase hex from checked headers; anything else takes the general path (no literal quoting here).
  if (!blocks.every((b) => HEX_TEXT.test(b.hash) && HEX_TEXT.test(b.parent_hash))) {
    return upsertRows(trx, 'indexed_block', ['block_number'], blocks as unknown as Record<string, SqlValue>[]);
  }
  const array = (values: (string | number | null)[]) => `{${values.map((v) => (v === null ? 'NULL' : String(v))).join(',')}}`;
  await sql`insert into indexed_block (block_number, hash, parent_hash, block_time, l1_block)
    select * from unnest(${array(blocks.map((b) => b.block_number))}::bigint[], ${array(blocks.map((b) => b.hash))}::text[],
      ${array(blocks.map((b) => b.parent_hash))}::text[], ${array(blocks.map((b) => b.block_time))}::bigint[], ${array(blocks.map((b) => b.l1_block))}::bigint[])
    on conflict (block_number) do update set hash = excluded.hash, parent_hash = excluded.parent_hash, block_time = excluded.block_time, l1_block = excluded.l1_block`.execute(trx);
}

async function saveUndo(trx: Db, table: string, rows: Record<string, SqlValue>[], block: number): Promise<void> {
  if (rows.length === 0) return;
  const keyCols = MUTABLE[table]!;
  const keys = rows.map((r) => keyCols.map((k) => r[k]!));
  const old = await selectByKeys(trx, table, keyCols, keys);
  const byKey = new Map(old.map((o) => [JSON.stringify(keyCols.map((k) => String(o[k]))), o]));
  const undo = keys.map((k) => {
    const id = JSON.stringify(k.map((v) => String(v)));
    const prior = byKey.get(id);
    return { block_number: block, tbl: table, key: Object.fromEntries(keyCols.map((c, i) => [c, String(k[i])])), old_row: prior ?? null };
  });
  for (let i = 0; i < undo.length; i += 1000) {
    const chunk = undo.slice(i, i + 1000);
    await sql`insert into projection_undo (block_number, tbl, key, old_row) values ${sql.join(
      chunk.map((u) => sql`(${u.block_number}, ${u.tbl}, ${JSON.stringify(u.key)}::jsonb, ${u.old_row === null ? null : JSON.stringify(u.old_row)}::jsonb)`),
    )}`.execute(trx);
  }
}

/** Restore every projection table to its state before `forkBlock` (inside the rewind transaction). */
export async function rollbackProjections(trx: Db, forkBlock: number): Promise<void> {
  const undo = await sql<{ tbl: string; key: Record<string, string> | string; old_row: Record<string, unknown> | string | null }>`
    select tbl, key, old_row from projection_undo where block_number >= ${forkBlock} order by seq desc`.execute(trx);
  for (const u of undo.rows) {
    const keyCols = MUTABLE[u.tbl];
    if (!keyCols) continue;
    const key = typeof u.key === 'string' ? (JSON.parse(u.key) as Record<string, string>) : u.key;
    const keyVals = keyCols.map((k) => key[k]!);
    await deleteByKeys(trx, u.tbl, keyCols, [keyVals]);
    if (u.old_row !== null) {
      const row = typeof u.old_row === 'string' ? (JSON.parse(u.old_row) as Record<string, unknown>) : u.old_row;
      const jsonCols = JSON_COLS[u.tbl] ?? [];
      const fixed = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonCols.includes(k) && typeof v !== 'string' ? JSON.stringify(v) : v])) as Record<string, SqlValue>;
      await upsertRows(trx, u.tbl, keyCols, [fixed], { jsonCols });
    }
  }
  await sql`delete from projection_undo where block_number >= ${forkBlock}`.execute(trx);
  for (const t of APPEND_ONLY) {
    await sql`delete from ${sql.table(t)} where block_number >= ${forkBlock}`.execute(trx);
  }
  for (const t of HISTORY_TABLES) await sql`delete from ${sql.table(historyTable(t))} where version_block >= ${forkBlock}`.execute(trx);
}

/** Forget undo images of blocks that can no longer be reorganized. */
export async function pruneUndo(trx: Db, finalizedBlock: number): Promise<void> {
  await sql`delete from projection_undo where block_number < ${finalizedBlock}`.execute(trx);
}
