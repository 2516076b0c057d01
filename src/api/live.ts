import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export type LiveType = 'round' | 'reward' | 'ticket' | 'proposal' | 'update';

export interface LiveMessage {
  type: LiveType;
  /** `<block>-<logIndex>` of the event (or of the newest indexed event for `update`). */
  id: string;
  data: Record<string, string | number | null>;
}

const NAMES: Record<string, LiveType> = {
  NewRound: 'round',
  Reward: 'reward',
  WinningTicketTransfer: 'ticket',
  ProposalCreated: 'proposal',
  VoteCast: 'proposal',
  VoteCastWithParams: 'proposal',
  ProposalQueued: 'proposal',
  ProposalExecuted: 'proposal',
  ProposalCanceled: 'proposal',
};

export const LIVE_TYPES: LiveType[] = ['round', 'reward', 'ticket', 'proposal', 'update'];

export interface LiveFeedOptions {
  pollMs?: number;
  /** Most events read per poll; a larger backlog is delivered over the following polls. */
  batch?: number;
  maxSubscribers?: number;
}

type Listener = (m: LiveMessage) => void;

/**
 * Live notifications for /events, driven by polling chain_event for rows past a (block, logIndex) cursor.
 * One poller serves every subscriber and runs only while someone listens; each poll reads at most `batch`
 * rows, so a large indexing burst costs bounded work per tick. `update` says "something was indexed" so
 * clients can refetch views that no specific event type covers.
 */
export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private cursor: [string, number] | null = null;
  private polling = false;
  readonly pollMs: number;
  private readonly batch: number;
  readonly maxSubscribers: number;

  constructor(private readonly db: Kysely<Database>, opts: LiveFeedOptions = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 200;
    this.maxSubscribers = opts.maxSubscribers ?? 1000;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Returns the unsubscribe function, or null when the subscriber limit is reached. */
  subscribe(l: Listener): (() => void) | null {
    if (this.listeners.size >= this.maxSubscribers) return null;
    this.listeners.add(l);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
      void this.poll();
    }
    return () => {
      this.listeners.delete(l);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Next subscriber starts from the head again rather than replaying what nobody was listening to.
    this.cursor = null;
  }

  private emit(m: LiveMessage): void {
    for (const l of this.listeners) {
      try {
        l(m);
      } catch {
        // A broken subscriber must not stop the others.
      }
    }
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const head = (await sql<{ b: string; l: number }>`select block_number::text as b, log_index as l from chain_event order by block_number desc, log_index desc limit 1`.execute(this.db)).rows[0];
      if (!head) return;
      if (!this.cursor) {
        this.cursor = [head.b, head.l];
        return;
      }
      const [cb, cl] = this.cursor;
      if (BigInt(head.b) < BigInt(cb) || (head.b === cb && head.l < cl)) {
        // The head moved back: a reorg rolled rows away. Follow it and tell clients to refetch.
        this.cursor = [head.b, head.l];
        this.emit({ type: 'update', id: `${head.b}-${head.l}`, data: { blockNumber: Number(head.b), reorg: 1 } });
        return;
      }
      if (head.b === cb && head.l === cl) return;
      const rows = (
        await sql<{ b: string; l: number; name: string; round: string | null; a1: string | null; a2: string | null; amount: string | null; t: string; args: Record<string, unknown> }>`
          select block_number::text as b, log_index as l, name, round::text, a1, a2, amount::text, block_time::text as t, args
          from chain_event
          where (block_number, log_index) > (${cb}::bigint, ${cl}) and (block_number, log_index) <= (${head.b}::bigint, ${head.l})
            and name in (${sql.join(Object.keys(NAMES))})
          order by block_number, log_index limit ${this.batch}`.execute(this.db)
      ).rows;
      for (const r of rows) {
        const data: Record<string, string | number | null> = { name: r.name, blockNumber: Number(r.b), time: Number(r.t), round: r.round === null ? null : Number(r.round) };
        if (r.name === 'NewRound') data.round = Number(String(r.args.round ?? r.round));
        if (r.name === 'Reward') Object.assign(data, { orchestrator: r.a1, amount: r.amount });
        if (r.name === 'WinningTicketTransfer') Object.assign(data, { sender: r.a1, recipient: r.a2, amount: r.amount });
        if (NAMES[r.name] === 'proposal') Object.assign(data, { proposalId: String(r.args.proposalId ?? ''), voter: r.name.startsWith('VoteCast') ? r.a1 : null });
        this.emit({ type: NAMES[r.name]!, id: `${r.b}-${r.l}`, data });
      }
      const last = rows[rows.length - 1];
      this.cursor = rows.length === this.batch && last ? [last.b, last.l] : [head.b, head.l];
      this.emit({ type: 'update', id: `${this.cursor[0]}-${this.cursor[1]}`, data: { blockNumber: Number(this.cursor[0]) } });
    } catch {
      // Transient database errors: try again next tick.
    } finally {
      this.polling = false;
    }
  }
}
