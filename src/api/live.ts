import { chainHead } from '../read/chain.js';
import type { Db } from '../read/db.js';
import { eventsBetween } from '../read/events.js';

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
  private cursor: [bigint, number] | null = null;
  private polling = false;
  readonly pollMs: number;
  private readonly batch: number;
  readonly maxSubscribers: number;

  constructor(private readonly db: Db, opts: LiveFeedOptions = {}) {
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
      const h = await chainHead(this.db);
      if (!h) return;
      const head: [bigint, number] = [h.block, h.logIndex];
      if (!this.cursor) {
        this.cursor = head;
        return;
      }
      const [cb, cl] = this.cursor;
      if (h.block < cb || (h.block === cb && h.logIndex < cl)) {
        // The head moved back: a reorg rolled rows away. Follow it and tell clients to refetch.
        this.cursor = head;
        this.emit({ type: 'update', id: `${h.block}-${h.logIndex}`, data: { blockNumber: Number(h.block), reorg: 1 } });
        return;
      }
      if (h.block === cb && h.logIndex === cl) return;
      const rows = await eventsBetween(this.db, this.cursor, head, Object.keys(NAMES), this.batch);
      for (const r of rows) {
        const data: Record<string, string | number | null> = { name: r.name, blockNumber: Number(r.blockNumber), time: r.time, round: r.round === null ? null : Number(r.round) };
        if (r.name === 'NewRound') data.round = Number(String(r.args.round ?? r.round));
        if (r.name === 'Reward') Object.assign(data, { orchestrator: r.a1, amount: r.amount === null ? null : r.amount.toString() });
        if (r.name === 'WinningTicketTransfer') Object.assign(data, { sender: r.a1, recipient: r.a2, amount: r.amount === null ? null : r.amount.toString() });
        if (NAMES[r.name] === 'proposal') Object.assign(data, { proposalId: String(r.args.proposalId ?? ''), voter: r.name.startsWith('VoteCast') ? r.a1 : null });
        this.emit({ type: NAMES[r.name]!, id: `${r.blockNumber}-${r.logIndex}`, data });
      }
      const last = rows[rows.length - 1];
      this.cursor = rows.length === this.batch && last ? [last.blockNumber, last.logIndex] : head;
      this.emit({ type: 'update', id: `${this.cursor[0]}-${this.cursor[1]}`, data: { blockNumber: Number(this.cursor[0]) } });
    } catch {
      // Transient database errors: try again next tick.
    } finally {
      this.polling = false;
    }
  }
}
