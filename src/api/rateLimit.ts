export interface RateLimitOptions {
  /** Sustained requests per second per client. */
  ratePerSec: number;
  /** Bucket size: requests a client may send in a burst. */
  burst: number;
  /** Most clients tracked at once; beyond it the least recently seen are dropped (bounded memory). */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Per-client token bucket. Buckets refill continuously; a request takes one token or is refused with the
 * seconds until the next token. The map is an LRU (Map keeps insertion order; touching re-inserts), so a
 * flood of distinct addresses costs bounded memory and only evicts idle clients.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxClients: number;

  constructor(private readonly opts: RateLimitOptions, private readonly now: () => number = () => performance.now()) {
    this.maxClients = opts.maxClients ?? 50_000;
  }

  /** Takes `n` tokens (a request's weight; one unless it is costed) or none. */
  take(client: string, n = 1): { ok: true; remaining: number } | { ok: false; retryAfterSec: number } {
    const t = this.now();
    const b = this.buckets.get(client) ?? { tokens: this.opts.burst, at: t };
    this.buckets.delete(client);
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.ratePerSec);
    b.at = t;
    let result: { ok: true; remaining: number } | { ok: false; retryAfterSec: number };
    if (b.tokens >= n) {
      b.tokens -= n;
      result = { ok: true, remaining: Math.floor(b.tokens) };
    } else {
      result = { ok: false, retryAfterSec: Math.max(1, Math.ceil((n - b.tokens) / this.opts.ratePerSec)) };
    }
    this.buckets.set(client, b);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return result;
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The rate-limit key of a client address: an IPv4 address as is, an IPv6 address by its /64 (one subscriber
 * usually holds a whole /64 and can rotate through it freely), an IPv4-mapped IPv6 address as its IPv4.
 */
export function clientKey(address: string): string {
  const a = address.split('%')[0]!.toLowerCase();
  if (!a.includes(':')) return a;
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  const [head, tail] = a.includes('::') ? (a.split('::') as [string, string]) : [a, null];
  const left = head === '' ? [] : head.split(':');
  const right = tail === null || tail === '' ? [] : tail.split(':');
  const groups = tail === null ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g || '0', 16) || 0).toString(16))
    .join(':')}::/64`;
}
