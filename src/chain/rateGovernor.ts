/**
 * Paces JSON-RPC calls under a provider's rate limit that the client is never told up front: nothing
 * is held back until the provider refuses calls for being too many (HTTP 429 and its JSON-RPC
 * equivalents); from then on calls are released at a rate that is cut on every further refusal and
 * raised again while callers are waiting, so the client runs just under the limit instead of tripping
 * it. A provider that names its limit ("200/second request limit reached") is taken at its word.
 * Rates count calls (a batch of n is n calls), as the providers count them.
 */

export interface RateHint {
  /** The provider's stated limit, in calls per second. */
  perSecond?: number;
  /** How long the provider asks everyone to wait (Retry-After, back-off seconds). */
  retryAfterMs?: number;
}

export interface RateGovernorOptions {
  /** A learned rate to start from (calls per second), e.g. remembered from an earlier run. */
  initialRate?: number | null;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RateGovernorStats {
  /** Calls per second released now; null while no limit has been met. */
  rate: number | null;
  /** Requests refused for rate. */
  refusals: number;
  /** Times the rate was cut. */
  cuts: number;
  /** Milliseconds callers spent waiting for their turn. */
  waitedMs: number;
}

interface Slot {
  /** Calls served. */
  ok: number;
  /** Requests refused for rate. */
  refused: number;
  /** Requests answered, refused ones included. */
  requests: number;
}

const WINDOW_MS = 2_000;
/** Seconds of the rate that may go out at once. */
const BURST_SECONDS = 0.2;
const SLOT_MS = 100;
const CUT = 0.85;
/** Share of refused calls in the window that marks a limit rather than noise. */
const REFUSED_SHARE = 0.2;
/** Fewest refused requests in the window that can mark a limit. */
const MIN_REFUSED = 5;
const FAST_GROWTH = 1.05;
const SLOW_GROWTH = 1.01;

export class RateGovernor {
  private rate: number | null;
  private tokens = 0;
  private refilledAt: number;
  private pausedUntil = 0;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  /** The rate in force when it was last cut: growth slows down once it is near again. */
  private rateAtCut: number | null = null;
  /** A limit the provider stated: the rate never probes past it. */
  private ceiling: number | null = null;
  private lastGrowthAt: number;
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** Calls served, requests refused and requests answered per 100 ms slot over the last two seconds. */
  private readonly slots = new Map<number, Slot>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly counters = { refusals: 0, cuts: 0, waitedMs: 0 };
  private firstActivityAt: number | null = null;

  constructor(opts: RateGovernorOptions = {}) {
    this.now = opts.now ?? (() => performance.now());
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.rate = null;
    this.refilledAt = this.now();
    this.lastGrowthAt = this.refilledAt;
    if (opts.initialRate) this.startAt(opts.initialRate);
  }

  stats(): RateGovernorStats {
    return { rate: this.rate, ...this.counters };
  }

  /** The learned rate (calls per second), to remember for the next run; null if none was needed. */
  get learnedRate(): number | null {
    return this.rate;
  }

  /** Paces from `rate` calls per second on, as if it had been learned here (unless a limit was met already). */
  startAt(rate: number): void {
    if (this.rate !== null || !(rate > 0)) return;
    this.rate = rate;
    this.rateAtCut = rate;
    // Nothing in hand at first: a run that just stopped may still be counted against the provider's window.
    this.tokens = 0;
    this.refilledAt = this.now();
    this.lastGrowthAt = this.refilledAt;
  }

  /** Waits until `calls` may be sent. Callers are served in arrival order. */
  acquire(calls: number): Promise<void> {
    if (this.rate === null && this.now() >= this.pausedUntil) return Promise.resolve();
    this.waiting++;
    const turn = this.queue.then(() => this.take(calls));
    this.queue = turn.catch(() => undefined);
    return turn.finally(() => {
      this.waiting--;
    });
  }

  private async take(calls: number): Promise<void> {
    const started = this.now();
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now);
        continue;
      }
      if (this.rate === null) break;
      this.grow(now);
      // Calls go out evenly: a fifth of a second's worth may go at once (never less than the request at
      // hand), so a provider that counts per second, or per fraction of one, is never flooded.
      const capacity = Math.max(this.rate * BURST_SECONDS, calls);
      this.tokens = Math.min(capacity, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
      this.refilledAt = now;
      if (this.tokens >= calls) {
        this.tokens -= calls;
        break;
      }
      await this.sleep(Math.max(1, ((calls - this.tokens) * 1000) / this.rate));
    }
    this.counters.waitedMs += this.now() - started;
  }

  /** While callers queue up behind the rate, probe upwards: quickly back to where it was cut, slowly past it. */
  private grow(now: number): void {
    if (this.rate === null) return;
    const dt = (now - this.lastGrowthAt) / 1000;
    this.lastGrowthAt = now;
    if (this.waiting <= 1 || now - this.lastCutAt < WINDOW_MS) return;
    const factor = this.rateAtCut !== null && this.rate < this.rateAtCut * 0.95 ? FAST_GROWTH : SLOW_GROWTH;
    this.rate *= factor ** Math.min(dt, 1);
    if (this.ceiling !== null) this.rate = Math.min(this.rate, this.ceiling * 0.98);
  }

  private slot(now: number): Slot {
    if (this.firstActivityAt === null) this.firstActivityAt = now;
    const key = Math.floor(now / SLOT_MS);
    let s = this.slots.get(key);
    if (!s) {
      s = { ok: 0, refused: 0, requests: 0 };
      this.slots.set(key, s);
      for (const k of this.slots.keys()) if (k <= key - WINDOW_MS / SLOT_MS) this.slots.delete(k);
    }
    return s;
  }

  private windowTotals(now: number): Slot {
    const since = Math.floor(now / SLOT_MS) - WINDOW_MS / SLOT_MS;
    const t: Slot = { ok: 0, refused: 0, requests: 0 };
    for (const [k, s] of this.slots) {
      if (k > since) {
        t.ok += s.ok;
        t.refused += s.refused;
        t.requests += s.requests;
      }
    }
    return t;
  }

  /** Calls the provider answered. */
  onServed(calls: number): void {
    const s = this.slot(this.now());
    s.ok += calls;
    s.requests++;
  }

  /**
   * A request the provider refused for rate (whole, or some of its calls). `again`: it is a retry of a
   * request refused before, which marks a limit: a flaky proxy seldom refuses the same request twice.
   */
  onRefused(hint: RateHint = {}, again = false): void {
    const now = this.now();
    this.counters.refusals++;
    const s = this.slot(now);
    s.refused++;
    s.requests++;
    if (hint.retryAfterMs !== undefined && hint.retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, now + hint.retryAfterMs);
    if (hint.perSecond !== undefined && hint.perSecond > 0) {
      // The provider said what its limit is: run just under it, and do not probe past it.
      this.ceiling = hint.perSecond;
      const target = hint.perSecond * 0.95;
      if (this.rate === null || this.rate > target || now - this.lastCutAt >= WINDOW_MS) this.setRate(target, now, target);
      return;
    }
    // One cut per second at most: refusals of calls sent before a cut say little about the new rate.
    if (now - this.lastCutAt < 1_000) return;
    const { ok, refused, requests } = this.windowTotals(now);
    // Over a limit, refusals come thick; a few among many answers are a flaky proxy, not a limit.
    if (!again && (refused < MIN_REFUSED || refused < requests * REFUSED_SHARE)) return;
    if (this.rate !== null) {
      // What got through since the last cut is what the provider refills under this rate; a cut goes at
      // least to 85% and at most to half, so one noisy second cannot collapse the rate.
      const since = Math.max(this.lastCutAt, now - WINDOW_MS + SLOT_MS);
      const servedSinceCut = (this.servedSince(since) * 1000) / (now - since);
      this.setRate(Math.max(1, this.rate * 0.5, Math.min(this.rate * CUT, servedSinceCut * 0.95)), now, this.rate);
      return;
    }
    // The first limit met: start from what got through meanwhile (an upper bound: a deep bucket's
    // burst counts too; the cuts that follow find the refill). Nothing served yet: only the pause applies.
    const observedMs = Math.min(WINDOW_MS, Math.max(SLOT_MS, now - (this.firstActivityAt ?? now)));
    const served = (ok * 1000) / observedMs;
    if (served > 0) this.setRate(Math.max(1, served * 0.95), now, null);
  }

  /** Calls served since time t (within the window). */
  private servedSince(t: number): number {
    const from = Math.floor(t / SLOT_MS);
    let n = 0;
    for (const [k, s] of this.slots) if (k >= from) n += s.ok;
    return n;
  }

  /** Calls worth sending in one request now: what may go out at once, so pacing stays smooth. */
  get batchHint(): number | null {
    return this.rate === null ? null : Math.max(1, Math.floor(this.rate * BURST_SECONDS));
  }

  private setRate(rate: number, now: number, before: number | null): void {
    this.rateAtCut = before ?? rate;
    this.rate = rate;
    this.tokens = 0;
    this.refilledAt = now;
    this.lastCutAt = now;
    this.lastGrowthAt = now;
    this.counters.cuts++;
  }
}
