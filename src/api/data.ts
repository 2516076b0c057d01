import { sql, type Kysely, type RawBuilder } from 'kysely';
import { pendingEarnings } from '../analytics/pendingEarnings.js';
import { loadPriceBook } from '../prices/lookup.js';
import { proposalState, ProposalState, quorumVotes } from '../protocol/index.js';
import { fromNumeric } from '../store/amounts.js';
import { PREPARE_MARKER } from '../store/preparedStatements.js';
import type { Database } from '../store/schema.js';

/** Rows as the drivers return them: numeric/int8 as strings. */
type Text = string;

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const UINT256_MAX = 2n ** 256n - 1n;
const DAY = 86_400;
/** Governor defaults (facts §3); param_change overrides them when the chain announced a change. */
const DEFAULT_QUORUM = 333_300n;
const DEFAULT_QUOTA = 500_000n;

export interface RoundData {
  round: bigint;
  blockNumber: bigint;
  blockTime: number;
  l1Block: bigint | null;
  mintable: bigint;
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
  /** Accounts with bonded stake > 0 at the end of the round (from BondingVotes DelegatorBondedAmountChanged). */
  delegators: number;
}

export interface RewardCallStats {
  called: number;
  eligible: number;
  ratio: number | null;
}

export interface OrchestratorData {
  address: string;
  serviceUri: string | null;
  aiServiceUri: string | null;
  rewardCaller: string | null;
  active: boolean;
  registered: boolean;
  activationRound: bigint;
  /** null = no deactivation scheduled (uint256 max on chain). */
  deactivationRound: bigint | null;
  lastRewardRound: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  totalStake: bigint;
  cumulativeRewards: bigint;
  cumulativeFees: bigint;
  fees30d: bigint;
  fees90d: bigint;
  feesTotal: bigint;
  rewardCalls30: RewardCallStats;
  rewardCalls90: RewardCallStats;
  firstSeenRound: bigint | null;
  ageRounds: number | null;
  delegatorCount: number;
}

export type ProposalStatus = 'pending' | 'active' | 'canceled' | 'defeated' | 'succeeded' | 'queued' | 'expired' | 'executed';

export interface ProposalData {
  id: string;
  proposer: string;
  targets: string[];
  values: string[];
  calldatas: string[];
  description: string;
  title: string;
  voteStart: bigint;
  voteEnd: bigint;
  createdBlock: bigint;
  createdRound: bigint | null;
  createdTime: number | null;
  queuedBlock: bigint | null;
  eta: bigint | null;
  executedBlock: bigint | null;
  canceledBlock: bigint | null;
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  voters: number;
  quorum: bigint;
  quorumReached: boolean;
  status: ProposalStatus;
}

export interface Snapshot {
  version: string;
  builtAt: number;
  /** Chain time of the newest indexed event (unix s); windows like "last 30 days" are measured back from it. */
  chainTime: number;
  indexedBlock: bigint | null;
  rounds: RoundData[];
  current: RoundData | null;
  orchestrators: OrchestratorData[];
  orchestratorsByAddress: Map<string, OrchestratorData>;
  proposals: ProposalData[];
  proposalsById: Map<string, ProposalData>;
  delegators: number;
  totals: { fees: bigint; rewards: bigint; treasuryRewards: bigint; winningTickets: number };
  roundLength: bigint | null;
  headL1Block: bigint | null;
}

const big = (x: Text | null): bigint => fromNumeric(x);
const bigOrNull = (x: Text | null): bigint | null => (x === null ? null : fromNumeric(x));

async function rows<T>(db: Kysely<Database>, q: RawBuilder<T>): Promise<T[]> {
  return (await q.execute(db)).rows;
}

const STATUS_NAMES: Record<ProposalState, ProposalStatus> = {
  [ProposalState.Pending]: 'pending',
  [ProposalState.Active]: 'active',
  [ProposalState.Canceled]: 'canceled',
  [ProposalState.Defeated]: 'defeated',
  [ProposalState.Succeeded]: 'succeeded',
  [ProposalState.Queued]: 'queued',
  [ProposalState.Expired]: 'expired',
  [ProposalState.Executed]: 'executed',
};

/**
 * Reads for the API. Small, hot tables (rounds, the orchestrator directory, proposals) are computed once per
 * data version and served from memory: the version is the sync checkpoint, re-read at most every
 * `versionTtlMs`, so a directory request costs no SQL while the indexer is idle, and at most one rebuild
 * per indexed batch while it is busy.
 */
export class ApiData {
  private snap: Snapshot | null = null;
  private building: Promise<Snapshot> | null = null;
  private versionCheckedAt = 0;
  private versionProbe: Promise<string> | null = null;
  private accounts: { version: string; map: Promise<Map<string, AccountData>> } | null = null;

  constructor(
    readonly db: Kysely<Database>,
    private readonly versionTtlMs = 1000,
  ) {}

  /** Cheap fingerprint of the indexed data: changes with every indexed batch and with reorg rollbacks. */
  async probeVersion(): Promise<string> {
    this.versionProbe ??= (async () => {
      try {
        const r = await rows(
          this.db,
          sql<{ b: Text | null; t: Text | null; n: Text }>`
            select max(block)::text as b, max(updated_at)::text as t, count(*)::text as n from sync_checkpoint`,
        );
        const ev = await rows(this.db, sql<{ b: Text; l: number }>`select block_number::text as b, log_index as l from chain_event order by block_number desc, log_index desc limit 1`);
        const row = r[0];
        return `${row?.b ?? '-'}|${row?.t ?? '-'}|${row?.n ?? '0'}|${ev[0]?.b ?? '-'}:${ev[0]?.l ?? '-'}`;
      } finally {
        this.versionProbe = null;
      }
    })();
    return this.versionProbe;
  }

  async snapshot(): Promise<Snapshot> {
    const now = Date.now();
    if (this.snap && now - this.versionCheckedAt < this.versionTtlMs) return this.snap;
    if (this.building) return this.building;
    const version = await this.probeVersion();
    this.versionCheckedAt = Date.now();
    if (this.snap && this.snap.version === version) return this.snap;
    if (this.building) return this.building;
    this.building = this.build(version).then(
      (s) => {
        this.snap = s;
        this.building = null;
        return s;
      },
      (e: unknown) => {
        this.building = null;
        throw e;
      },
    );
    return this.building;
  }

  /** Forget cached figures (tests that write to the database call this). */
  invalidate(): void {
    this.versionCheckedAt = 0;
  }

  private async build(version: string): Promise<Snapshot> {
    const db = this.db;
    const roundRows = await rows(
      db,
      sql<Record<string, Text | null> & { active_transcoders: number; reward_calls: number; winning_tickets: number }>`
        select round::text, block_number::text, block_time::text, l1_block::text, mintable::text, inflation::text,
          total_active_stake::text, l2_supply::text, l1_supply::text, treasury_reward_cut_rate::text,
          treasury_balance::text, active_transcoders, rewards::text, treasury_rewards::text, reward_calls,
          fees::text, winning_tickets
        from protocol_round order by round`,
    );
    const deltas = await rows(
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
        from tr group by round order by round`,
    );
    const deltaByRound = new Map(deltas.map((d) => [BigInt(d.round), Number(d.delta)]));
    let running = 0;
    let di = 0;
    const sortedDeltaRounds = [...deltaByRound.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rounds: RoundData[] = roundRows.map((r) => {
      const round = big(r.round!);
      while (di < sortedDeltaRounds.length && sortedDeltaRounds[di]! <= round) running += deltaByRound.get(sortedDeltaRounds[di++]!)!;
      return {
        round,
        blockNumber: big(r.block_number!),
        blockTime: Number(r.block_time),
        l1Block: bigOrNull(r.l1_block ?? null),
        mintable: big(r.mintable!),
        inflation: big(r.inflation!),
        totalActiveStake: big(r.total_active_stake!),
        l2Supply: big(r.l2_supply!),
        l1Supply: bigOrNull(r.l1_supply ?? null),
        treasuryRewardCutRate: big(r.treasury_reward_cut_rate!),
        treasuryBalance: big(r.treasury_balance!),
        activeTranscoders: r.active_transcoders,
        rewards: big(r.rewards!),
        treasuryRewards: big(r.treasury_rewards!),
        rewardCalls: r.reward_calls,
        fees: big(r.fees!),
        winningTickets: r.winning_tickets,
        delegators: running,
      };
    });
    const current = rounds[rounds.length - 1] ?? null;
    const currentRound = current?.round ?? 0n;

    const head = await rows(db, sql<{ t: Text | null; b: Text | null }>`select block_time::text as t, block_number::text as b from chain_event order by block_number desc, log_index desc limit 1`);
    const chainTime = head[0]?.t ? Number(head[0].t) : current?.blockTime ?? 0;
    const indexedBlock = await rows(db, sql<{ b: Text | null }>`select max(block)::text as b from sync_checkpoint`);

    // Windows: rounds initialized within the last 30/90 days of chain time; the last 30/90 initialized rounds.
    const roundsSince = (secs: number) => new Set(rounds.filter((r) => r.blockTime > chainTime - secs).map((r) => r.round));
    const in30d = roundsSince(30 * DAY);
    const in90d = roundsSince(90 * DAY);
    const last30 = rounds.slice(-30).map((r) => r.round);
    const last90 = rounds.slice(-90).map((r) => r.round);
    const minWindowRound = [...in90d, ...last90].reduce<bigint | null>((m, r) => (m === null || r < m ? r : m), null) ?? currentRound;

    const trs = await rows(
      db,
      sql<Record<string, Text | null>>`
        select t.address, t.last_reward_round::text, t.reward_cut::text, t.fee_share::text, t.activation_round::text,
          t.deactivation_round::text, t.cumulative_rewards::text, t.cumulative_fees::text, t.total_stake::text,
          o.service_uri, o.ai_service_uri, o.reward_caller, o.first_block::text
        from transcoder t left join orchestrator o on o.address = t.address`,
    );
    const counts = await rows(db, sql<{ delegate: Text; n: Text }>`select delegate, count(*)::text as n from delegator where bonded_amount > 0 group by delegate`);
    const countBy = new Map(counts.map((c) => [c.delegate, Number(c.n)]));
    const pools = await rows(
      db,
      sql<{ transcoder: Text; round: Text; rewards: Text; fees: Text }>`
        select transcoder, round::text, rewards::text, fees::text from earnings_pool
        where round >= ${minWindowRound.toString()} and round <= ${currentRound.toString()} and (rewards > 0 or fees > 0)`,
    );
    const feeTotals = await rows(db, sql<{ transcoder: Text; fees: Text }>`select transcoder, sum(fees)::text as fees from earnings_pool group by transcoder`);
    const feeTotalBy = new Map(feeTotals.map((f) => [f.transcoder, big(f.fees)]));
    const poolsBy = new Map<string, { round: bigint; rewards: bigint; fees: bigint }[]>();
    for (const p of pools) {
      const list = poolsBy.get(p.transcoder) ?? [];
      list.push({ round: big(p.round), rewards: big(p.rewards), fees: big(p.fees) });
      poolsBy.set(p.transcoder, list);
    }
    const roundOfBlock = (block: bigint): bigint | null => {
      let lo = 0;
      let hi = rounds.length - 1;
      let found: bigint | null = null;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (rounds[mid]!.blockNumber <= block) {
          found = rounds[mid]!.round;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found ?? rounds[0]?.round ?? null;
    };

    const orchestrators: OrchestratorData[] = trs.map((t) => {
      const address = t.address!;
      const activation = big(t.activation_round!);
      const deact = big(t.deactivation_round!);
      const deactivationRound = deact === UINT256_MAX ? null : deact;
      const isActiveIn = (r: bigint) => activation > 0n && activation <= r && (deactivationRound === null || r < deactivationRound);
      const mine = poolsBy.get(address) ?? [];
      const calledRounds = new Set(mine.filter((p) => p.rewards > 0n).map((p) => p.round));
      // The current round counts only once the call is made: a round still in progress is not a miss yet.
      const callStats = (window: bigint[]): RewardCallStats => {
        let called = 0;
        let eligible = 0;
        for (const r of window) {
          const c = calledRounds.has(r);
          if (r === currentRound && !c) continue;
          if (!isActiveIn(r) && !c) continue;
          eligible++;
          if (c) called++;
        }
        return { called, eligible, ratio: eligible === 0 ? null : called / eligible };
      };
      const sumFees = (set: Set<bigint>) => mine.reduce((s, p) => (set.has(p.round) ? s + p.fees : s), 0n);
      const firstSeenRound = t.first_block ? roundOfBlock(big(t.first_block)) : activation > 0n ? activation : null;
      return {
        address,
        serviceUri: t.service_uri ?? null,
        aiServiceUri: t.ai_service_uri ?? null,
        rewardCaller: t.reward_caller ?? null,
        active: isActiveIn(currentRound),
        registered: activation > 0n || big(t.total_stake!) > 0n,
        activationRound: activation,
        deactivationRound,
        lastRewardRound: big(t.last_reward_round!),
        rewardCut: big(t.reward_cut!),
        feeShare: big(t.fee_share!),
        totalStake: big(t.total_stake!),
        cumulativeRewards: big(t.cumulative_rewards!),
        cumulativeFees: big(t.cumulative_fees!),
        fees30d: sumFees(in30d),
        fees90d: sumFees(in90d),
        feesTotal: feeTotalBy.get(address) ?? 0n,
        rewardCalls30: callStats(last30),
        rewardCalls90: callStats(last90),
        firstSeenRound,
        ageRounds: firstSeenRound === null ? null : Number(currentRound - firstSeenRound),
        delegatorCount: countBy.get(address) ?? 0,
      };
    });

    const delegatorsNow = await rows(db, sql<{ n: Text }>`select count(*)::text as n from delegator where bonded_amount > 0`);
    const totals = await rows(
      db,
      sql<{ fees: Text | null; rewards: Text | null; treasury: Text | null; tickets: Text | null }>`
        select sum(fees)::text as fees, sum(rewards)::text as rewards, sum(treasury_rewards)::text as treasury,
          sum(winning_tickets)::text as tickets from protocol_round`,
    );
    const params = await rows(
      db,
      sql<{ param: Text; value: Text | null }>`
        select distinct on (param) param, value from param_change
        where param in ('roundLength', 'quorumNumerator', 'quota') order by param, block_number desc, log_index desc`,
    );
    const param = (name: string): bigint | null => {
      const v = params.find((p) => p.param === name)?.value;
      return v && /^\d+$/.test(v) ? BigInt(v) : null;
    };
    const headL1 = await rows(db, sql<{ l1: Text | null }>`select l1_block::text as l1 from sync_block order by number desc limit 1`);

    const proposals = await this.buildProposals(rounds, currentRound, param('quorumNumerator') ?? DEFAULT_QUORUM, param('quota') ?? DEFAULT_QUOTA);
    const t0 = totals[0];
    return {
      version,
      builtAt: Date.now(),
      chainTime,
      indexedBlock: bigOrNull(indexedBlock[0]?.b ?? null),
      rounds,
      current,
      orchestrators,
      orchestratorsByAddress: new Map(orchestrators.map((o) => [o.address, o])),
      proposals,
      proposalsById: new Map(proposals.map((p) => [p.id, p])),
      delegators: Number(delegatorsNow[0]?.n ?? 0),
      totals: {
        fees: big(t0?.fees ?? '0'),
        rewards: big(t0?.rewards ?? '0'),
        treasuryRewards: big(t0?.treasury ?? '0'),
        winningTickets: Number(t0?.tickets ?? 0),
      },
      roundLength: param('roundLength'),
      headL1Block: bigOrNull(headL1[0]?.l1 ?? null),
    };
  }

  private async buildProposals(rounds: RoundData[], currentRound: bigint, quorumNumerator: bigint, quota: bigint): Promise<ProposalData[]> {
    const ps = await rows(
      this.db,
      sql<Record<string, unknown>>`
        select p.id, p.proposer, p.targets, p."values", p.calldatas, p.description, p.vote_start::text, p.vote_end::text,
          p.created_block::text, p.created_round::text, p.queued_block::text, p.eta::text, p.executed_block::text,
          p.canceled_block::text, p.for_votes::text, p.against_votes::text, p.abstain_votes::text, p.voters,
          (select block_time::text from chain_event e where e.block_number = p.created_block limit 1) as created_time
        from proposal p order by p.created_block desc, p.id`,
    );
    const stakeAt = (round: bigint): bigint => {
      let best: RoundData | undefined;
      for (const r of rounds) if (r.round <= round) best = r;
      return (best ?? rounds[rounds.length - 1])?.totalActiveStake ?? 0n;
    };
    const s = (k: string, p: Record<string, unknown>) => (p[k] === null || p[k] === undefined ? null : String(p[k]));
    const arr = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    return ps.map((p) => {
      const voteStart = big(s('vote_start', p));
      const voteEnd = big(s('vote_end', p));
      const totals = { forVotes: big(s('for_votes', p)), againstVotes: big(s('against_votes', p)), abstainVotes: big(s('abstain_votes', p)) };
      const quorum = quorumVotes(stakeAt(voteStart), quorumNumerator);
      const executed = s('executed_block', p) !== null;
      const canceled = s('canceled_block', p) !== null;
      const queued = s('queued_block', p) !== null;
      const state = proposalState({
        voteStart,
        voteEnd,
        currentRound,
        executed,
        canceled,
        totals,
        quorum,
        quota,
        timelock: executed ? 'done' : canceled ? 'cancelled' : queued ? 'pending' : 'none',
      });
      const description = String(p.description ?? '');
      return {
        id: String(p.id),
        proposer: String(p.proposer),
        targets: arr(p.targets).map((t) => t.toLowerCase()),
        values: arr(p.values),
        calldatas: arr(p.calldatas),
        description,
        title: description.split('\n')[0]!.replace(/^#+\s*/, '').slice(0, 200),
        voteStart,
        voteEnd,
        createdBlock: big(s('created_block', p)),
        createdRound: bigOrNull(s('created_round', p)),
        createdTime: s('created_time', p) === null ? null : Number(s('created_time', p)),
        queuedBlock: bigOrNull(s('queued_block', p)),
        eta: bigOrNull(s('eta', p)),
        executedBlock: bigOrNull(s('executed_block', p)),
        canceledBlock: bigOrNull(s('canceled_block', p)),
        ...totals,
        voters: Number(p.voters),
        quorum,
        quorumReached: totals.forVotes + totals.againstVotes + totals.abstainVotes >= quorum,
        status: STATUS_NAMES[state],
      };
    });
  }

  // ----------------------------------------------------------------- per-address reads (not cached in the snapshot)

  async orchestratorHistory(address: string, fromRound: bigint): Promise<PoolData[]> {
    const r = await rows(
      this.db,
      sql<Record<string, Text | null>>`
        select ep.round::text, ep.total_stake::text, ep.reward_cut::text, ep.fee_share::text,
          ep.cumulative_reward_factor::text, ep.cumulative_fee_factor::text, ep.rewards::text,
          ep.treasury_rewards::text, ep.fees::text, pr.block_time::text
        from earnings_pool ep left join protocol_round pr on pr.round = ep.round
        where ep.transcoder = ${address} and ep.round >= ${fromRound.toString()}
        order by ep.round`,
    );
    return r.map((p) => ({
      round: big(p.round!),
      time: p.block_time ? Number(p.block_time) : null,
      totalStake: big(p.total_stake!),
      rewardCut: big(p.reward_cut!),
      feeShare: big(p.fee_share!),
      cumulativeRewardFactor: big(p.cumulative_reward_factor!),
      cumulativeFeeFactor: big(p.cumulative_fee_factor!),
      rewards: big(p.rewards!),
      treasuryRewards: big(p.treasury_rewards!),
      fees: big(p.fees!),
    }));
  }

  async cutChanges(address: string): Promise<EventData[]> {
    return this.events({ names: ['TranscoderUpdate'], address, order: 'desc', limit: 1000 }).then((p) => p.data);
  }

  async delegatorsOf(
    address: string,
    opts: { limit: number; after: { key: bigint | string; address: string } | null; sort: 'bondedAmount' | 'address'; order: 'asc' | 'desc' },
  ): Promise<{ data: DelegatorRow[]; total: number }> {
    const dir = opts.order === 'asc' ? sql`asc` : sql`desc`;
    const cmp = opts.order === 'asc' ? sql`>` : sql`<`;
    let keyset = sql`true`;
    if (opts.after) {
      keyset =
        opts.sort === 'address'
          ? sql`d.address ${cmp} ${String(opts.after.address)}`
          : sql`(d.bonded_amount, d.address) ${cmp} (${opts.after.key.toString()}::numeric, ${opts.after.address})`;
    }
    const order = opts.sort === 'address' ? sql`d.address ${dir}` : sql`d.bonded_amount ${dir}, d.address ${dir}`;
    const data = await rows(
      this.db,
      sql<Record<string, Text>>`
        select d.address, d.bonded_amount::text, d.fees::text, d.start_round::text, d.last_claim_round::text from delegator d
        where d.delegate = ${address} and d.bonded_amount > 0 and ${keyset} order by ${order} limit ${opts.limit}`,
    );
    const total = await rows(this.db, sql<{ n: Text }>`select count(*)::text as n from delegator where delegate = ${address} and bonded_amount > 0`);
    return {
      data: data.map((d) => ({
        address: d.address!,
        bondedAmount: big(d.bonded_amount!),
        fees: big(d.fees!),
        startRound: big(d.start_round!),
        lastClaimRound: big(d.last_claim_round!),
      })),
      total: Number(total[0]?.n ?? 0),
    };
  }

  /**
   * Account page data. Every account of a data version is computed together on first use (pendingEarnings
   * over all delegators is four queries, the same as for one) and kept until the version changes, so an
   * account page costs no SQL for its figures, only for its event history.
   */
  async account(address: string): Promise<AccountData | null> {
    const snap = await this.snapshot();
    if (!this.accounts || this.accounts.version !== snap.version) {
      const map = this.loadAccounts();
      this.accounts = { version: snap.version, map };
      map.catch(() => {
        if (this.accounts?.map === map) this.accounts = null;
      });
    }
    return (await this.accounts.map).get(address) ?? null;
  }

  private async loadAccounts(): Promise<Map<string, AccountData>> {
    const d = await rows(
      this.db,
      sql<Record<string, unknown>>`
        select address, bonded_amount::text, fees::text, delegate, delegated_amount::text, start_round::text,
          last_claim_round::text, unbonding_locks from delegator`,
    );
    const pending = new Map((await pendingEarnings(this.db)).map((p) => [p.delegator, p]));
    const out = new Map<string, AccountData>();
    for (const row of d) {
      const address = String(row.address);
      const p = pending.get(address);
      const locks = Array.isArray(row.unbonding_locks) ? (row.unbonding_locks as { id: string; amount: string; withdrawRound: string }[]) : [];
      out.set(address, {
        address,
        delegate: String(row.delegate) === ZERO_ADDRESS ? null : String(row.delegate),
        bondedAmount: big(String(row.bonded_amount)),
        fees: big(String(row.fees)),
        delegatedAmount: big(String(row.delegated_amount)),
        startRound: big(String(row.start_round)),
        lastClaimRound: big(String(row.last_claim_round)),
        pendingStake: p?.pendingStake ?? big(String(row.bonded_amount)),
        pendingFees: p?.pendingFees ?? big(String(row.fees)),
        endRound: p?.endRound ?? 0n,
        unbondingLocks: locks.map((l) => ({ id: BigInt(l.id), amount: BigInt(l.amount), withdrawRound: BigInt(l.withdrawRound) })),
      });
    }
    return out;
  }

  /** chain_event rows newest first (or oldest first), keyset-paginated on (block_number, log_index). */
  async events(f: EventFilter): Promise<{ data: EventData[]; next: [bigint, number] | null }> {
    const conds: RawBuilder<unknown>[] = [];
    if (f.names?.length) conds.push(sql`e.name in (${sql.join(f.names)})`);
    if (f.contract) conds.push(sql`e.contract = ${f.contract}`);
    if (f.fromRound !== undefined) conds.push(sql`e.round >= ${f.fromRound.toString()}`);
    if (f.toRound !== undefined) conds.push(sql`e.round <= ${f.toRound.toString()}`);
    if (f.fromBlock !== undefined) conds.push(sql`e.block_number >= ${f.fromBlock.toString()}`);
    if (f.toBlock !== undefined) conds.push(sql`e.block_number <= ${f.toBlock.toString()}`);
    if (f.txHash) conds.push(sql`e.tx_hash = ${f.txHash}`);
    if (f.after) {
      const [b, l] = f.after;
      conds.push(f.order === 'asc' ? sql`(e.block_number, e.log_index) > (${b.toString()}::bigint, ${l})` : sql`(e.block_number, e.log_index) < (${b.toString()}::bigint, ${l})`);
    }
    const dir = f.order === 'asc' ? sql`asc` : sql`desc`;
    const n = f.limit + 1;
    const where = (extra: RawBuilder<unknown>[]) => {
      const all = [...conds, ...extra];
      return all.length ? sql`where ${sql.join(all, sql` and `)}` : sql``;
    };
    // With an address, one ordered branch per address column: each walks its own (a, block) index and
    // stops after a page, where a single `a1 = x or a2 = x` lets the planner scan the whole table in block
    // order for accounts with few events.
    const source = f.address
      ? sql`(
          (select e.* from chain_event e ${where([sql`e.a1 = ${f.address}`])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})
          union all
          (select e.* from chain_event e ${where([sql`e.a2 = ${f.address}`, sql`e.a1 is distinct from ${f.address}`])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})
        )`
      : sql`(select e.* from chain_event e ${where([])} order by e.block_number ${dir}, e.log_index ${dir} limit ${n})`;
    const r = await rows(
      this.db,
      // Prepared: planning this union costs as much as running it, on the busiest endpoint (account pages).
      sql<Record<string, unknown>>`${sql.raw(PREPARE_MARKER)}
        select x.block_number::text as b, x.log_index, x.tx_hash, x.block_time::text as t, x.round::text as r, x.contract, x.name, x.a1, x.a2, x.amount::text as amt, x.args
        from ${source} as x order by x.block_number ${dir}, x.log_index ${dir} limit ${n}`,
    );
    const data: EventData[] = r.slice(0, f.limit).map((e) => ({
      blockNumber: big(String(e.b)),
      logIndex: Number(e.log_index),
      txHash: String(e.tx_hash),
      time: Number(e.t),
      round: e.r === null ? null : big(String(e.r)),
      contract: String(e.contract),
      name: String(e.name),
      a1: e.a1 === null ? null : String(e.a1),
      a2: e.a2 === null ? null : String(e.a2),
      amount: e.amt === null ? null : big(String(e.amt)),
      args: (e.args ?? {}) as Record<string, unknown>,
    }));
    const last = data[data.length - 1];
    return { data, next: r.length > f.limit && last ? [last.blockNumber, last.logIndex] : null };
  }

  async votes(proposalId: string): Promise<VoteData[]> {
    const r = await rows(
      this.db,
      sql<Record<string, unknown>>`
        select v.voter, v.support, v.weight::text, v.reason, v.delegate, v.block_number::text, v.log_index from vote v
        where v.proposal_id = ${proposalId} order by v.weight desc, v.voter`,
    );
    return r.map((v) => ({
      voter: String(v.voter),
      support: Number(v.support),
      weight: big(String(v.weight)),
      reason: String(v.reason ?? ''),
      delegate: v.delegate === null ? null : String(v.delegate),
      blockNumber: big(String(v.block_number)),
      logIndex: Number(v.log_index),
    }));
  }

  /** Fees paid (ETH actually transferred by winning tickets) per UTC day or Monday-based week. */
  /**
   * Fees (ETH-wei) and winning tickets per UTC day or Monday-based week, each bucket also in USD (1e-8)
   * at the time it was paid: every block's tickets are valued at the ETH/USD price in effect at that
   * block, then summed. USD is null for a bucket holding a block before any known price.
   */
  async feeBuckets(interval: 'day' | 'week', from: number | undefined, to: number | undefined): Promise<{ start: number; fees: bigint; tickets: number; usdE8: bigint | null }[]> {
    const conds: RawBuilder<unknown>[] = [];
    if (from !== undefined) conds.push(sql`block_time >= ${from}`);
    if (to !== undefined) conds.push(sql`block_time < ${to}`);
    const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
    const [perBlock, prices] = await Promise.all([
      rows(this.db, sql<{ t: Text; fees: Text; tickets: Text }>`
        select block_time::text as t, sum(paid)::text as fees, count(*)::text as tickets
        from winning_ticket ${where} group by block_time order by block_time`),
      loadPriceBook(this.db),
    ]);
    const out: { start: number; fees: bigint; tickets: number; usdE8: bigint | null }[] = [];
    for (const b of perBlock) {
      const t = Number(b.t);
      const start = interval === 'day' ? Math.floor(t / 86_400) * 86_400 : Math.floor((t - 345_600) / 604_800) * 604_800 + 345_600;
      let bucket = out[out.length - 1];
      if (!bucket || bucket.start !== start) {
        bucket = { start, fees: 0n, tickets: 0, usdE8: 0n };
        out.push(bucket);
      }
      const fees = big(b.fees);
      bucket.fees += fees;
      bucket.tickets += Number(b.tickets);
      const usd = prices.usdE8(fees, 'ETH', t);
      bucket.usdE8 = usd === null || bucket.usdE8 === null ? null : bucket.usdE8 + usd;
    }
    return out;
  }
}

export interface PoolData {
  round: bigint;
  time: number | null;
  totalStake: bigint;
  rewardCut: bigint;
  feeShare: bigint;
  cumulativeRewardFactor: bigint;
  cumulativeFeeFactor: bigint;
  rewards: bigint;
  treasuryRewards: bigint;
  fees: bigint;
}

export interface DelegatorRow {
  address: string;
  bondedAmount: bigint;
  fees: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
}

export interface AccountData {
  address: string;
  delegate: string | null;
  bondedAmount: bigint;
  fees: bigint;
  delegatedAmount: bigint;
  startRound: bigint;
  lastClaimRound: bigint;
  pendingStake: bigint;
  pendingFees: bigint;
  endRound: bigint;
  unbondingLocks: { id: bigint; amount: bigint; withdrawRound: bigint }[];
}

export interface EventFilter {
  names?: string[];
  address?: string;
  contract?: string;
  fromRound?: bigint;
  toRound?: bigint;
  fromBlock?: bigint;
  toBlock?: bigint;
  txHash?: string;
  order: 'asc' | 'desc';
  limit: number;
  after?: [bigint, number] | null;
}

export interface EventData {
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
  time: number;
  round: bigint | null;
  contract: string;
  name: string;
  a1: string | null;
  a2: string | null;
  amount: bigint | null;
  args: Record<string, unknown>;
}

export interface VoteData {
  voter: string;
  support: number;
  weight: bigint;
  reason: string;
  delegate: string | null;
  blockNumber: bigint;
  logIndex: number;
}
