import { singleFlight } from '../base/singleFlight.js';
import { pendingEarnings } from '../analytics/pendingEarnings.js';
import { loadPriceBook } from '../prices/lookup.js';
import { proposalState, ProposalState, quorumVotes } from '../protocol/index.js';
import { chainHead, dataVersion, headL1Block, indexedBlock } from '../read/chain.js';
import type { Db } from '../read/db.js';
import { allDelegators, bondedCounts, delegatorsOf, type DelegatorRecord, type DelegatorRow } from '../read/delegators.js';
import { events, type EventData, type EventFilter } from '../read/events.js';
import { allTranscoders } from '../read/orchestrators.js';
import { protocolParams } from '../read/params.js';
import { feeTotals, poolEarnings, poolHistory, type PoolRow } from '../read/pools.js';
import { allProposals, votes, type ProposalRow, type VoteData } from '../read/proposals.js';
import { allRounds, bondedAccountDeltas, roundSums, type RoundRow } from '../read/rounds.js';
import { ticketFeesByTime } from '../read/tickets.js';

export type { DelegatorRow, EventData, EventFilter, VoteData };
export type PoolData = PoolRow;

const UINT256_MAX = 2n ** 256n - 1n;
const DAY = 86_400;

/** A round with the number of bonded accounts at its end (from BondingVotes DelegatorBondedAmountChanged). */
export interface RoundData extends RoundRow {
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

export interface ProposalData extends ProposalRow {
  title: string;
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
  private versionCheckedAt = 0;
  private readonly probe = singleFlight(() => dataVersion(this.db));
  // One rebuild at a time: callers arriving while the version is read or the snapshot built share that work.
  private readonly refresh = singleFlight(async () => {
    const version = await this.probe();
    this.versionCheckedAt = Date.now();
    if (this.snap?.version === version) return this.snap;
    this.snap = await this.build(version);
    return this.snap;
  });
  private accounts: { version: string; map: Promise<Map<string, AccountData>> } | null = null;

  constructor(
    readonly db: Db,
    private readonly versionTtlMs = 1000,
  ) {}

  private static readonly byDb = new WeakMap<Db, Map<number, ApiData>>();

  /** The reads of one database handle, shared by every app over it (one snapshot per data version, not one per app). */
  static shared(db: Db, versionTtlMs = 1000): ApiData {
    let m = ApiData.byDb.get(db);
    if (!m) ApiData.byDb.set(db, (m = new Map()));
    let d = m.get(versionTtlMs);
    if (!d) m.set(versionTtlMs, (d = new ApiData(db, versionTtlMs)));
    // A new app sees the data as it is now: its first read re-checks the version (the snapshot is kept if unchanged).
    d.invalidate();
    return d;
  }

  /** Cheap fingerprint of the indexed data: changes with every indexed batch and with reorg rollbacks. */
  async probeVersion(): Promise<string> {
    return this.probe();
  }

  async snapshot(): Promise<Snapshot> {
    if (this.snap && Date.now() - this.versionCheckedAt < this.versionTtlMs) return this.snap;
    return this.refresh();
  }

  /** Forget cached figures (tests that write to the database call this). */
  invalidate(): void {
    this.versionCheckedAt = 0;
  }

  private async build(version: string): Promise<Snapshot> {
    const db = this.db;
    const [roundRows, deltaByRound, head, indexed, params, headL1, transcoders, bonded, feeTotalBy, totals] = await Promise.all([
      allRounds(db),
      bondedAccountDeltas(db),
      chainHead(db),
      indexedBlock(db),
      protocolParams(db),
      headL1Block(db),
      allTranscoders(db),
      bondedCounts(db),
      feeTotals(db),
      roundSums(db),
    ]);
    let running = 0;
    let di = 0;
    const sortedDeltaRounds = [...deltaByRound.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rounds: RoundData[] = roundRows.map((r) => {
      while (di < sortedDeltaRounds.length && sortedDeltaRounds[di]! <= r.round) running += deltaByRound.get(sortedDeltaRounds[di++]!)!;
      return { ...r, delegators: running };
    });
    const current = rounds[rounds.length - 1] ?? null;
    const currentRound = current?.round ?? 0n;
    const chainTime = head?.time ?? current?.blockTime ?? 0;

    // Windows: rounds initialized within the last 30/90 days of chain time; the last 30/90 initialized rounds.
    const roundsSince = (secs: number) => new Set(rounds.filter((r) => r.blockTime > chainTime - secs).map((r) => r.round));
    const in30d = roundsSince(30 * DAY);
    const in90d = roundsSince(90 * DAY);
    const last30 = rounds.slice(-30).map((r) => r.round);
    const last90 = rounds.slice(-90).map((r) => r.round);
    const minWindowRound = [...in90d, ...last90].reduce<bigint | null>((m, r) => (m === null || r < m ? r : m), null) ?? currentRound;

    const poolsBy = new Map<string, { round: bigint; rewards: bigint; fees: bigint }[]>();
    for (const p of await poolEarnings(db, minWindowRound, currentRound)) {
      const list = poolsBy.get(p.transcoder) ?? [];
      list.push(p);
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

    const orchestrators: OrchestratorData[] = transcoders.map((t) => {
      const address = t.address;
      const activation = t.activationRound;
      const deactivationRound = t.deactivationRound === UINT256_MAX ? null : t.deactivationRound;
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
      const firstSeenRound = t.firstBlock !== null ? roundOfBlock(t.firstBlock) : activation > 0n ? activation : null;
      return {
        address,
        serviceUri: t.serviceUri,
        aiServiceUri: t.aiServiceUri,
        rewardCaller: t.rewardCaller,
        active: isActiveIn(currentRound),
        registered: activation > 0n || t.totalStake > 0n,
        activationRound: activation,
        deactivationRound,
        lastRewardRound: t.lastRewardRound,
        rewardCut: t.rewardCut,
        feeShare: t.feeShare,
        totalStake: t.totalStake,
        cumulativeRewards: t.cumulativeRewards,
        cumulativeFees: t.cumulativeFees,
        fees30d: sumFees(in30d),
        fees90d: sumFees(in90d),
        feesTotal: feeTotalBy.get(address) ?? 0n,
        rewardCalls30: callStats(last30),
        rewardCalls90: callStats(last90),
        firstSeenRound,
        ageRounds: firstSeenRound === null ? null : Number(currentRound - firstSeenRound),
        delegatorCount: bonded.byDelegate.get(address) ?? 0,
      };
    });

    const proposals = this.presentProposals(await allProposals(db), rounds, currentRound, params.quorumNumerator, params.quota);
    return {
      version,
      builtAt: Date.now(),
      chainTime,
      indexedBlock: indexed,
      rounds,
      current,
      orchestrators,
      orchestratorsByAddress: new Map(orchestrators.map((o) => [o.address, o])),
      proposals,
      proposalsById: new Map(proposals.map((p) => [p.id, p])),
      delegators: bonded.total,
      totals,
      roundLength: params.roundLength,
      headL1Block: headL1,
    };
  }

  /** Each proposal with its title, quorum (from the total active stake at its vote start) and governor state. */
  private presentProposals(ps: ProposalRow[], rounds: RoundData[], currentRound: bigint, quorumNumerator: bigint, quota: bigint): ProposalData[] {
    const stakeAt = (round: bigint): bigint => {
      let best: RoundData | undefined;
      for (const r of rounds) if (r.round <= round) best = r;
      return (best ?? rounds[rounds.length - 1])?.totalActiveStake ?? 0n;
    };
    return ps.map((p) => {
      const totals = { forVotes: p.forVotes, againstVotes: p.againstVotes, abstainVotes: p.abstainVotes };
      const quorum = quorumVotes(stakeAt(p.voteStart), quorumNumerator);
      const executed = p.executedBlock !== null;
      const canceled = p.canceledBlock !== null;
      const queued = p.queuedBlock !== null;
      const state = proposalState({
        voteStart: p.voteStart,
        voteEnd: p.voteEnd,
        currentRound,
        executed,
        canceled,
        totals,
        quorum,
        quota,
        timelock: executed ? 'done' : canceled ? 'cancelled' : queued ? 'pending' : 'none',
      });
      return {
        ...p,
        title: p.description.split('\n')[0]!.replace(/^#+\s*/, '').slice(0, 200),
        quorum,
        quorumReached: p.forVotes + p.againstVotes + p.abstainVotes >= quorum,
        status: STATUS_NAMES[state],
      };
    });
  }

  // ----------------------------------------------------------------- per-address reads (not cached in the snapshot)

  orchestratorHistory(address: string, fromRound: bigint): Promise<PoolData[]> {
    return poolHistory(this.db, address, fromRound);
  }

  async cutChanges(address: string): Promise<EventData[]> {
    return this.events({ names: ['TranscoderUpdate'], address, order: 'desc', limit: 1000 }).then((p) => p.data);
  }

  delegatorsOf(address: string, opts: Parameters<typeof delegatorsOf>[2]): Promise<{ data: DelegatorRow[]; total: number }> {
    return delegatorsOf(this.db, address, opts);
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
    const [records, pendingList] = await Promise.all([allDelegators(this.db), pendingEarnings(this.db)]);
    const pending = new Map(pendingList.map((p) => [p.delegator, p]));
    const out = new Map<string, AccountData>();
    for (const d of records) {
      const p = pending.get(d.address);
      out.set(d.address, { ...d, pendingStake: p?.pendingStake ?? d.bondedAmount, pendingFees: p?.pendingFees ?? d.fees, endRound: p?.endRound ?? 0n });
    }
    return out;
  }

  /** chain_event rows newest first (or oldest first), keyset-paginated on (block_number, log_index). */
  events(f: EventFilter): Promise<{ data: EventData[]; next: [bigint, number] | null }> {
    return events(this.db, f);
  }

  votes(proposalId: string): Promise<VoteData[]> {
    return votes(this.db, proposalId);
  }

  /**
   * Fees (ETH-wei) and winning tickets per UTC day or Monday-based week, each bucket also in USD (1e-8)
   * at the time it was paid: every block's tickets are valued at the ETH/USD price in effect at that
   * block, then summed. USD is null for a bucket holding a block before any known price.
   */
  async feeBuckets(interval: 'day' | 'week', from: number | undefined, to: number | undefined): Promise<{ start: number; fees: bigint; tickets: number; usdE8: bigint | null }[]> {
    const [perTime, prices] = await Promise.all([ticketFeesByTime(this.db, from, to), loadPriceBook(this.db)]);
    const out: { start: number; fees: bigint; tickets: number; usdE8: bigint | null }[] = [];
    for (const b of perTime) {
      const t = b.time;
      const start = interval === 'day' ? Math.floor(t / 86_400) * 86_400 : Math.floor((t - 345_600) / 604_800) * 604_800 + 345_600;
      let bucket = out[out.length - 1];
      if (!bucket || bucket.start !== start) {
        bucket = { start, fees: 0n, tickets: 0, usdE8: 0n };
        out.push(bucket);
      }
      bucket.fees += b.fees;
      bucket.tickets += b.tickets;
      const usd = prices.usdE8(b.fees, 'ETH', t);
      bucket.usdE8 = usd === null || bucket.usdE8 === null ? null : bucket.usdE8 + usd;
    }
    return out;
  }
}



/** A delegator record with what the ledger derives for it (pending stake and fees to `endRound`). */
export interface AccountData extends DelegatorRecord {
  pendingStake: bigint;
  pendingFees: bigint;
  endRound: bigint;
}



