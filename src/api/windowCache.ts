/**
 * Answers over data that changes without new blocks (telemetry windows ending now), kept per URL for a time to
 * live (`ttlMs`, or the one a read asks for): under load a leaderboard is computed about once per that time
 * instead of once per request. Requests for the same
 * key while it is computed wait for that one computation; an answer older than `ttlMs` (up to three times it) is
 * served while one refresh runs behind it; `invalidate()` (a write this process accepted) drops everything, so a
 * reader never sees an answer older than its own write. Bounded by total body size, least recently used first out.
 */
export class WindowCache<V extends { body: { length: number } }> {
  private readonly entries = new Map<string, { at: number; value: V }>();
  private readonly pending = new Map<string, Promise<V>>();
  private generation = 0;
  private bytes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The answer for `key`: cached for `ttlMs` (at most the cache's own), or from `compute` (one computation per key at a time). */
  get(key: string, compute: () => Promise<V>, ttlMs = this.ttlMs): Promise<V> {
    const ttl = Math.min(ttlMs, this.ttlMs);
    if (ttl <= 0) return compute();
    const hit = this.entries.get(key);
    if (hit) {
      const age = this.now() - hit.at;
      if (age < ttl) return Promise.resolve(hit.value);
      if (age < 3 * ttl) {
        this.refresh(key, compute).catch(() => undefined); // the next reader meets the error, if it persists
        return Promise.resolve(hit.value);
      }
    }
    return this.refresh(key, compute);
  }

  /** Forget every answer and every computation in flight (started before a write). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.pending.clear();
    this.bytes = 0;
  }

  private refresh(key: string, compute: () => Promise<V>): Promise<V> {
    const running = this.pending.get(key);
    if (running) return running;
    const generation = this.generation;
    const p = compute()
      .then((value) => {
        if (generation === this.generation) this.put(key, value);
        return value;
      })
      .finally(() => {
        if (this.pending.get(key) === p) this.pending.delete(key);
      });
    this.pending.set(key, p);
    return p;
  }

  private put(key: string, value: V): void {
    const old = this.entries.get(key);
    if (old) this.bytes -= old.value.body.length;
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), value });
    this.bytes += value.body.length;
    while (this.bytes > this.maxBytes && this.entries.size > 0) {
      const [k, first] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.bytes -= first.value.body.length;
    }
  }
}
