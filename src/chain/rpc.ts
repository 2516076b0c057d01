import { z } from 'zod';
import { AtlasError } from '../base/errors.js';
import { OffThreadPostError, postOffThread, type SlimKind } from './offThreadHttp.js';
import { RateGovernor, type RateGovernorStats, type RateHint } from './rateGovernor.js';

/**
 * JSON-RPC client over fetch, built for indexing: batching, a concurrency cap,
 * per-attempt timeouts and retries that only repeat what can succeed on a
 * second try. Results are returned as `unknown` unless a zod schema is given:
 * a node's answer is an input boundary and callers validate it.
 */

/** Rate refusals of one whole batch after which it is split in two (when the learned rate says nothing smaller). */
const BATCH_REFUSALS_BEFORE_HALVING = 3;
export type RpcErrorKind = 'rangeTooLarge' | 'transient' | 'fatal';

/** Why a transient failure happened; counted separately in the stats. */
export type TransientCause = 'http429' | 'http5xx' | 'timeout' | 'connection' | 'malformed' | 'rpc';

export interface RpcErrorDetails {
  method?: string;
  /** JSON-RPC error code, when the node answered with one. */
  rpcCode?: number;
  /** HTTP status of the node's answer, when the failure was at the HTTP layer. */
  httpStatus?: number;
  data?: unknown;
  cause?: unknown;
}

/**
 * A failure of the node Atlas reads the chain from: an AtlasError `unavailable` (a data source Atlas depends on),
 * with its kind as the reason. The node's own figures are `rpcCode` and `httpStatus`, apart from the error family's
 * `code` (the kind of rejection) and `status` (the HTTP status Atlas answers with).
 */
export abstract class RpcError extends AtlasError {
  abstract readonly kind: RpcErrorKind;
  readonly method: string | undefined;
  readonly rpcCode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly data: unknown;

  constructor(reason: 'range_too_large' | 'rpc_transient' | 'rpc_fatal', message: string, details: RpcErrorDetails = {}) {
    super('unavailable', message, { reason, cause: details.cause });
    this.method = details.method;
    this.rpcCode = details.rpcCode;
    this.httpStatus = details.httpStatus;
    this.data = details.data;
  }
}

/**
 * The node refused because the answer would be too big (too many logs, too wide
 * a block range, or HTTP 413). Never retried here: the caller must ask for less.
 */
export class RangeTooLargeError extends RpcError {
  readonly kind = 'rangeTooLarge' as const;
  override readonly name = 'RangeTooLargeError';
  /** Some providers suggest a range that would work ("Try with this block range [0x.., 0x..]"). */
  readonly suggestedRange: { from: number; to: number } | undefined;
  /** The cap the provider named, when its message names one. */
  readonly limit: GetLogsLimit;

  constructor(message: string, details: RpcErrorDetails = {}) {
    super('range_too_large', message, details);
    this.suggestedRange = parseSuggestedRange(message);
    this.limit = parseGetLogsLimit(message);
  }
}

/** Caps of a provider's eth_getLogs: widest block span, most logs per answer. */
export interface GetLogsLimit {
  maxRange?: number;
  maxResults?: number;
}

/** A failure that may go away by itself (rate limit, overload, timeout, broken body). */
export class RpcTransientError extends RpcError {
  readonly kind = 'transient' as const;
  override readonly name = 'RpcTransientError';
  readonly transientCause: TransientCause;
  /** Server-requested wait (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;
  /** Set when the provider refused for rate (HTTP 429 or its JSON-RPC equivalents), with what it said about its limit. */
  readonly rateLimit: RateHint | undefined;

  constructor(message: string, cause: TransientCause, details: RpcErrorDetails & { retryAfterMs?: number; rateLimit?: RateHint } = {}) {
    super('rpc_transient', message, details);
    this.transientCause = cause;
    this.retryAfterMs = details.retryAfterMs;
    this.rateLimit = details.rateLimit ?? (cause === 'http429' ? { retryAfterMs: details.retryAfterMs } : undefined);
  }
}

/** A deterministic failure: asking again gives the same answer. */
export class RpcFatalError extends RpcError {
  readonly kind = 'fatal' as const;
  override readonly name = 'RpcFatalError';

  constructor(message: string, details: RpcErrorDetails = {}) {
    super('rpc_fatal', message, details);
  }
}

// Texts providers use when an eth_getLogs answer would be too large. Matched
// case-insensitively against the JSON-RPC error message (and data, when a string).
const RANGE_TOO_LARGE_PATTERNS: readonly RegExp[] = [
  /query returned more than \d+ results/i,
  /block range (is )?too (large|wide)/i,
  /range is too (large|wide)/i,
  /exceeds? (the )?max(imum)? block range/i,
  /log response size exceeded/i,
  /response size (should not|exceed)/i,
  /eth_getLogs (is )?limited to/i,
  /too many (logs|results)/i,
  /max(imum)? (results|logs) (limit|exceeded)/i,
  /range limit exceeded/i,
];

// Deterministic-looking codes whose text marks them as load problems rather than bad input.
const TRANSIENT_MESSAGE_PATTERNS: readonly RegExp[] = [
  /rate limit/i,
  /too many requests/i,
  /time(d)? ?out/i,
  /temporar/i,
  /try again/i,
  /busy/i,
  /overload/i,
  /capacity/i,
  // The node's head is behind the requested block: a lagging backend behind a load
  // balancer, or a chain that just got shorter. Both pass once the node catches up.
  /header not found/i,
  /unknown block/i,
  /block ?out ?of ?range/i,
  /block height is \d+ but requested/i,
  /block not found/i,
  /beyond (the )?(current )?head/i,
  /upstream/i,
  /unavailable/i,
];

// Refusals for rate, by the texts and codes providers use: QuickNode -32007 "N/second request limit
// reached" (and -32012 "credits limited to N/sec"), Infura -32005 "project ID request rate exceeded",
// Alchemy code 429 "exceeded its compute units per second capacity".
const RATE_LIMIT_PATTERNS: readonly RegExp[] = [
  /rate limit/i,
  /rate exceeded/i,
  /too many requests/i,
  /request limit reached/i,
  /credits limited to/i,
  /per second capacity/i,
  /throughput/i,
];

/** What a rate refusal says about the limit: QuickNode names its rate, Infura its back-off. */
function rateHint(message: string, data: unknown): RateHint {
  const hint: RateHint = {};
  const per = /(\d+(?:\.\d+)?)\s*\/\s*(?:second|sec)\b/i.exec(message);
  if (per) hint.perSecond = Number(per[1]);
  const backoff = z
    .object({ backoff_seconds: z.number().optional(), rate: z.object({ backoff_seconds: z.number().optional(), allowed_rps: z.number().optional() }).optional() })
    .safeParse(data);
  const secs = backoff.success ? (backoff.data.backoff_seconds ?? backoff.data.rate?.backoff_seconds) : undefined;
  if (secs !== undefined && secs > 0) hint.retryAfterMs = secs * 1000;
  // Infura names the rate it allows in its data (requests per second).
  const allowed = backoff.success ? backoff.data.rate?.allowed_rps : undefined;
  if (hint.perSecond === undefined && allowed !== undefined && allowed > 0) hint.perSecond = allowed;
  return hint;
}

/** Classify a JSON-RPC error object (`{code, message, data}`) returned by a node. */
export function classifyRpcError(method: string | undefined, code: number, message: string, data?: unknown): RpcError {
  const text = typeof data === 'string' ? `${message} ${data}` : message;
  const details: RpcErrorDetails = { method, rpcCode: code, data };
  if (RANGE_TOO_LARGE_PATTERNS.some((re) => re.test(text))) {
    return new RangeTooLargeError(message, details);
  }
  if (code === 429 || code === -32007 || code === -32012 || RATE_LIMIT_PATTERNS.some((re) => re.test(text))) {
    return new RpcTransientError(message, 'rpc', { ...details, rateLimit: rateHint(text, data) });
  }
  // anvil with pruned history answers a call at an old block with "block height is H but requested was B",
  // B ≤ H: that state is gone for good, unlike B > H (a node behind the head), so retrying cannot help.
  const height = /block height is (\d+) but requested was (\d+)/i.exec(text);
  if (height && BigInt(height[2]!) <= BigInt(height[1]!)) {
    return new RpcFatalError(`${message} (the node keeps no state for that block: pruned history)`, details);
  }
  // -32005 is "limit exceeded" (EIP-1474): without range text it is a rate limit.
  // -32603 internal error and -32000 "server error" with load text come from overloaded backends.
  if (code === -32005 || code === 429 || code === -32603 || TRANSIENT_MESSAGE_PATTERNS.some((re) => re.test(text))) {
    return new RpcTransientError(message, 'rpc', details);
  }
  return new RpcFatalError(message, details);
}

const num = (s: string, k?: string): number => Number(s.replace(/[,_]/g, '')) * (k && /k/i.test(k) ? 1000 : 1);

/**
 * The cap a range error names, if any: "limited to a 10,000 range" (QuickNode), "range 1000000 exceeds
 * limit of 10000", "exceed maximum block range: 50000", "maximum block range: 2000" are spans;
 * "more than 10000 results" (Infura, geth), "a cap of 10K logs" (Alchemy), "logs matched by query
 * exceeds limit of 10000" (Arbitrum Nitro), "query exceeds max results 20000" are result counts.
 */
export function parseGetLogsLimit(message: string): GetLogsLimit {
  const out: GetLogsLimit = {};
  let m = /limited to an? ([\d,]+) (?:block )?range/i.exec(message) ?? /limited to ([\d,]+) blocks?/i.exec(message);
  m ??= /range \d+ exceeds limit of ([\d,]+)/i.exec(message);
  m ??= /max(?:imum)? block range:? (?:of )?([\d,]+)/i.exec(message);
  m ??= /block range is too wide \(maximum ([\d,]+)\)/i.exec(message);
  m ??= /max is ([\d,]+)(k?) blocks/i.exec(message);
  if (m) out.maxRange = num(m[1]!, m[2]);
  const r =
    /more than ([\d,]+) results/i.exec(message) ??
    /cap of ([\d,.]+)(k?) logs/i.exec(message) ??
    /logs matched by query exceeds limit of ([\d,]+)/i.exec(message) ??
    /exceeds max results ([\d,]+)/i.exec(message);
  if (r) out.maxResults = num(r[1]!, r[2]);
  return out;
}

function parseSuggestedRange(message: string): { from: number; to: number } | undefined {
  const m = /\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]/i.exec(message);
  if (!m) return undefined;
  const from = Number.parseInt(m[1], 16);
  const to = Number.parseInt(m[2], 16);
  return Number.isSafeInteger(from) && Number.isSafeInteger(to) && to >= from ? { from, to } : undefined;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

// ---------------------------------------------------------------------------
// Concurrency limiter

/** Runs at most `n` tasks at once, in arrival order (a task marked `ahead` goes before every waiting one). */
export interface Limiter {
  <T>(task: () => Promise<T>, ahead?: boolean): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(n: number): Limiter {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a positive integer, got ${n}`);
  let active = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    active--;
    const next = queue.shift();
    if (next) next();
  };
  const run = <T>(task: () => Promise<T>, ahead = false): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++;
        task().then(resolve, reject).finally(release);
      };
      if (active < n) start();
      else if (ahead) queue.unshift(start);
      else queue.push(start);
    });
  Object.defineProperties(run, {
    active: { get: () => active },
    waiting: { get: () => queue.length },
  });
  return run as Limiter;
}

// ---------------------------------------------------------------------------
// Client

export interface RpcCall {
  method: string;
  params: readonly unknown[];
}

export type RpcOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: RpcError };

export interface RpcClientOptions {
  url: string;
  /** Max HTTP requests in flight; under a provider's rate limit the rate governor paces them further. Default 32. */
  concurrency?: number;
  /** A provider rate (calls per second) learned earlier, to start from instead of finding it again. */
  initialRate?: number | null;
  /** Per-attempt timeout, covering the response body too. Default 15 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures other than refusals for rate. Default 6. */
  maxRetries?: number;
  /** Retries of calls the provider refused for rate (it asks to wait; the client slows down meanwhile). Default 60. */
  maxRateLimitRetries?: number;
  /** First backoff delay; doubles per retry. Default 200 ms. */
  backoffBaseMs?: number;
  /** Cap of a single backoff delay. Default 10 s. */
  backoffMaxMs?: number;
  /** Cap on a server's Retry-After, so a hostile value cannot stall a sync. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Calls per HTTP batch. Default 100. */
  maxBatchSize?: number;
  headers?: Record<string, string>;
  /** Jitter source in [0, 1); injectable so tests are reproducible. */
  random?: () => number;
  fetch?: typeof fetch;
  /**
   * Carry out the HTTP requests, and parse their answers, in a worker thread (see offThreadHttp): for a client
   * whose answers are big (a backfill's logs and blocks) on a thread that has other work. Not with `fetch`.
   */
  offThread?: boolean;
}

/** The results the HTTP worker slims to the fields read here (eth_getLogs by rawLogsSchema, blocks by the header schemas). */
const SLIM_KINDS: Record<string, SlimKind> = { eth_getLogs: 'logs', eth_getBlockByNumber: 'block' };

export interface RpcStats {
  /** Logical JSON-RPC calls asked of the client. */
  requests: number;
  /** HTTP requests sent, retries included. */
  httpRequests: number;
  /** HTTP requests that carried a JSON-RPC batch array. */
  batches: number;
  /** Calls sent again after a transient failure. */
  retries: number;
  /** Errors seen per attempt, by kind (a retried call can count several times). */
  errors: Record<RpcErrorKind, number>;
  transientCauses: Record<TransientCause, number>;
  /** Pacing under the provider's rate limit. */
  rate: RateGovernorStats;
}

const jsonRpcErrorSchema = z.object({
  code: z.number(),
  message: z.string(),
  data: z.unknown().optional(),
});

const jsonRpcEnvelopeSchema = z.looseObject({
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  error: jsonRpcErrorSchema.optional().nullable(),
});

type JsonRpcResponse =
  | { id: number | string | null; result: unknown }
  | { id: number | string | null; error: z.infer<typeof jsonRpcErrorSchema> };

// A response must carry exactly one of `result` or `error`; anything else is a broken body.
function parseResponse(value: unknown): JsonRpcResponse | undefined {
  // The common answer, a result without an error, is told apart without the schema: a batch brings thousands.
  if (typeof value === 'object' && value !== null && 'result' in value) {
    const { id, error } = value as { id?: unknown; error?: unknown };
    if ((error === undefined || error === null) && (id === undefined || id === null || typeof id === 'number' || typeof id === 'string')) {
      return { id: id ?? null, result: (value as { result: unknown }).result };
    }
  }
  const parsed = jsonRpcEnvelopeSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const id = parsed.data.id ?? null;
  if (parsed.data.error) return { id, error: parsed.data.error };
  if (typeof value === 'object' && value !== null && 'result' in value) {
    return { id, result: (value as { result: unknown }).result };
  }
  return undefined;
}

type ResolvedOptions = Required<Omit<RpcClientOptions, 'url' | 'headers' | 'fetch' | 'random' | 'initialRate' | 'offThread'>>;

interface Wire {
  id: number;
  call: RpcCall;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RpcClient {
  readonly url: string;
  private readonly opts: ResolvedOptions;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;
  private readonly offThread: boolean;
  private readonly random: () => number;
  private readonly limit: Limiter;
  private readonly governor: RateGovernor;
  /** Shared with the client's `ahead()` views, so ids stay unique across them. */
  private readonly ids = { next: 1 };
  /** This view's calls go before the calls waiting for a connection (see `ahead()`). */
  private readonly first: boolean = false;
  private readonly counters: Omit<RpcStats, 'rate'> = {
    requests: 0,
    httpRequests: 0,
    batches: 0,
    retries: 0,
    errors: { rangeTooLarge: 0, transient: 0, fatal: 0 },
    transientCauses: { http429: 0, http5xx: 0, timeout: 0, connection: 0, malformed: 0, rpc: 0 },
  };

  constructor(options: RpcClientOptions) {
    this.url = options.url;
    this.opts = {
      concurrency: options.concurrency ?? 32,
      timeoutMs: options.timeoutMs ?? 15_000,
      maxRetries: options.maxRetries ?? 6,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 60,
      backoffBaseMs: options.backoffBaseMs ?? 200,
      backoffMaxMs: options.backoffMaxMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      maxBatchSize: options.maxBatchSize ?? 100,
    };
    this.headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
    this.fetchImpl = options.fetch ?? fetch;
    this.offThread = options.offThread === true && options.fetch === undefined;
    this.random = options.random ?? Math.random;
    this.limit = createLimiter(this.opts.concurrency);
    this.governor = new RateGovernor({ initialRate: options.initialRate });
  }

  /** A snapshot copy of the counters. */
  stats(): RpcStats {
    return { ...structuredClone(this.counters), rate: this.governor.stats() };
  }

  /** The provider's rate limit as learned so far (calls per second), null while none was met. */
  get learnedRate(): number | null {
    return this.governor.learnedRate;
  }

  /**
   * The same client (connections, rate, counters) whose calls go before those already waiting for a connection:
   * for the few reads a batch cannot be applied without, while a backfill's fetches ahead fill the queue.
   */
  ahead(): RpcClient {
    return Object.assign(Object.create(this) as RpcClient, { first: true });
  }

  /** Starts pacing at a rate learned in an earlier run (calls per second) instead of finding the limit again. */
  startRateAt(callsPerSecond: number): void {
    this.governor.startAt(callsPerSecond);
  }

  /** One call; throws a typed RpcError. With a schema the result is validated (a mismatch is fatal). */
  async request<T = unknown>(method: string, params: readonly unknown[] = [], schema?: z.ZodType<T>): Promise<T> {
    this.counters.requests++;
    const [outcome] = await this.execute([{ method, params }], false);
    if (!outcome.ok) throw outcome.error;
    return validate(method, outcome.result, schema);
  }

  /**
   * Many calls as JSON-RPC batch arrays (split by maxBatchSize, run under the
   * concurrency cap). Each call settles on its own: transient per-item errors
   * are retried for that item only.
   */
  async batchSettled(calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    this.counters.requests += calls.length;
    // Under a rate limit, big batches only make the pacing coarse: a quarter second of calls per request.
    const size = Math.min(this.opts.maxBatchSize, this.governor.batchHint ?? Number.POSITIVE_INFINITY);
    const chunks: RpcCall[][] = [];
    for (let i = 0; i < calls.length; i += size) {
      chunks.push(calls.slice(i, i + size));
    }
    const results = await Promise.all(chunks.map((c) => this.executeSplitting(c)));
    return results.flat();
  }

  /** Like batchSettled, but throws the first error (in call order) and validates with `schema`. */
  async batch<T = unknown>(calls: readonly RpcCall[], schema?: z.ZodType<T>): Promise<T[]> {
    const outcomes = await this.batchSettled(calls);
    return outcomes.map((o, i) => {
      if (!o.ok) throw o.error;
      return validate(calls[i].method, o.result, schema);
    });
  }

  // A 413 on a multi-call batch says the request was too big, not that one call
  // is: halve the batch before giving up.
  private async executeSplitting(calls: RpcCall[]): Promise<RpcOutcome[]> {
    const out = await this.execute(calls, true);
    if (calls.length > 1 && out.every((o) => !o.ok && o.error instanceof RangeTooLargeError && o.error.httpStatus === 413)) {
      const mid = Math.ceil(calls.length / 2);
      const [a, b] = await Promise.all([this.executeSplitting(calls.slice(0, mid)), this.executeSplitting(calls.slice(mid))]);
      return [...a, ...b];
    }
    return out;
  }

  private async execute(calls: readonly RpcCall[], asBatch: boolean): Promise<RpcOutcome[]> {
    const outcomes: Array<RpcOutcome | undefined> = new Array(calls.length).fill(undefined);
    let pending = calls.map((_, i) => i);
    // Refusals for rate are the provider asking to wait, not failures: they have a budget of their own
    // (the rate governor slows everyone down meanwhile), and only other failures use up maxRetries.
    let rateRefusals = 0;
    for (let round = 0, attempt = 0; ; round++) {
      let retryAfterMs = 0;
      const retry: number[] = [];
      const lastErrors = new Map<number, RpcTransientError>();
      const wires: Wire[] = pending.map((i) => ({ id: this.ids.next++, call: calls[i] }));
      let perItem: RpcOutcome[];
      try {
        perItem = await this.limit(async () => {
          await this.governor.acquire(wires.length);
          return this.attempt(wires, asBatch || wires.length > 1);
        }, this.first);
      } catch (e) {
        const err = e instanceof RpcError ? e : new RpcTransientError(String(e), 'connection', { cause: e });
        perItem = wires.map(() => ({ ok: false, error: err }));
      }
      this.pace(perItem, rateRefusals > 0);
      const counted = new Set<RpcError>();
      perItem.forEach((o, j) => {
        const idx = pending[j];
        if (o.ok) {
          outcomes[idx] = o;
          return;
        }
        // One transport failure fails every item of the batch: count it once.
        if (!counted.has(o.error)) {
          counted.add(o.error);
          this.counters.errors[o.error.kind]++;
          if (o.error instanceof RpcTransientError) this.counters.transientCauses[o.error.transientCause]++;
        }
        if (o.error instanceof RpcTransientError) {
          retry.push(idx);
          lastErrors.set(idx, o.error);
          retryAfterMs = Math.max(retryAfterMs, o.error.retryAfterMs ?? 0);
        } else {
          outcomes[idx] = o;
        }
      });
      if (retry.length === 0) break;
      const onlyRate = retry.every((idx) => lastErrors.get(idx)!.rateLimit !== undefined);
      // A batch the provider refuses whole for rate may cost more than its bucket ever holds (a provider that
      // charges a batch as the sum of its calls): sent again as it is, it would be refused forever. Smaller
      // requests instead: the size the learned rate allows, and halved after repeated refusals.
      const fits = onlyRate && asBatch && retry.length > 1 ? this.rateFittingSize(retry.length, rateRefusals) : null;
      if (fits !== null) {
        await sleep(Math.min(this.backoffMs(rateRefusals, retryAfterMs), 2_000));
        const parts: number[][] = [];
        for (let i = 0; i < retry.length; i += fits) parts.push(retry.slice(i, i + fits));
        const answers = await Promise.all(parts.map((part) => this.execute(part.map((idx) => calls[idx]), true)));
        parts.forEach((part, k) => part.forEach((idx, j) => (outcomes[idx] = answers[k][j])));
        break;
      }
      if (onlyRate && rateRefusals < this.opts.maxRateLimitRetries) rateRefusals++;
      else if (attempt < this.opts.maxRetries) attempt++;
      else {
        for (const idx of retry) {
          const err = lastErrors.get(idx)!;
          outcomes[idx] = {
            ok: false,
            error: new RpcTransientError(`${err.message} (gave up after ${round + 1} attempts)`, err.transientCause, {
              method: err.method,
              rpcCode: err.rpcCode,
              httpStatus: err.httpStatus,
              cause: err,
            }),
          };
        }
        break;
      }
      this.counters.retries += retry.length;
      pending = retry;
      await sleep(onlyRate ? Math.min(this.backoffMs(rateRefusals - 1, retryAfterMs), 2_000) : this.backoffMs(attempt - 1, retryAfterMs));
    }
    return outcomes.map((o) => o!);
  }

  /** The request size to split a rate-refused batch of `n` calls into, or null to send it again as it is. */
  private rateFittingSize(n: number, refusals: number): number | null {
    const hint = this.governor.batchHint;
    const size = Math.min(hint ?? n, refusals >= BATCH_REFUSALS_BEFORE_HALVING ? Math.ceil(n / 2) : n);
    return size < n ? Math.max(1, size) : null;
  }

  /** Tells the rate governor what the provider served and what it refused for rate. */
  private pace(outcomes: RpcOutcome[], retried: boolean): void {
    let served = 0;
    let refused = 0;
    const hint: RateHint = {};
    for (const o of outcomes) {
      if (o.ok) served++;
      else if (o.error instanceof RpcTransientError && o.error.rateLimit) {
        refused++;
        const { perSecond, retryAfterMs } = o.error.rateLimit;
        if (perSecond !== undefined) hint.perSecond = perSecond;
        if (retryAfterMs !== undefined) hint.retryAfterMs = Math.min(retryAfterMs, this.opts.maxRetryAfterMs);
      }
    }
    if (served > 0) this.governor.onServed(served);
    if (refused > 0) this.governor.onRefused(hint, retried);
  }

  private backoffMs(attempt: number, retryAfterMs: number): number {
    const exp = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** attempt);
    // Equal jitter: keeps at least half the delay while spreading retries of concurrent callers.
    const jittered = exp / 2 + (this.random() * exp) / 2;
    return Math.max(jittered, Math.min(retryAfterMs, this.opts.maxRetryAfterMs));
  }

  /** One HTTP attempt. Throws for failures of the whole request; per-item errors come back as outcomes. */
  private async attempt(wires: Wire[], asBatch: boolean): Promise<RpcOutcome[]> {
    this.counters.httpRequests++;
    if (asBatch) this.counters.batches++;
    const method = asBatch ? `batch(${wires.length})` : wires[0].call.method;
    const body = asBatch
      ? wires.map((w) => ({ jsonrpc: '2.0', id: w.id, method: w.call.method, params: w.call.params }))
      : { jsonrpc: '2.0', id: wires[0].id, method: wires[0].call.method, params: wires[0].call.params };
    const { status, retryAfter, text, json: parsed } = await (this.offThread ? this.postOffThread(method, body, wires) : this.post(method, body));

    if (status === 429) {
      const said = errorInBody(text);
      const hint = said ? rateHint(said.message, said.data) : {};
      const retryAfterMs = parseRetryAfter(retryAfter) ?? hint.retryAfterMs;
      throw new RpcTransientError(`${method}: HTTP 429 Too Many Requests${said ? ` (${said.message})` : ''}`, 'http429', {
        method,
        httpStatus: status,
        retryAfterMs,
        rateLimit: { ...hint, retryAfterMs },
      });
    }
    if (status === 413) {
      // QuickNode answers a too-wide eth_getLogs with 413 and a JSON-RPC error naming its cap.
      const said = errorInBody(text);
      throw new RangeTooLargeError(`${method}: HTTP 413 response too large${said ? `: ${said.message}` : ''}`, { method, httpStatus: status, rpcCode: said?.code });
    }
    if (status >= 500 || status === 408) {
      throw new RpcTransientError(`${method}: HTTP ${status}`, 'http5xx', {
        method,
        httpStatus: status,
        retryAfterMs: parseRetryAfter(retryAfter),
      });
    }

    let json: unknown = parsed;
    try {
      if (parsed === undefined) json = JSON.parse(text);
    } catch (e) {
      if (status >= 400) throw new RpcFatalError(`${method}: HTTP ${status}: ${text.slice(0, 200)}`, { method, httpStatus: status });
      throw new RpcTransientError(`${method}: malformed JSON body (${text.length} bytes)`, 'malformed', { method, httpStatus: status, cause: e });
    }
    return this.matchResponses(wires, json, status, asBatch);
  }

  /** The HTTP exchange on this thread: the status, Retry-After and the body's text. */
  private async post(method: string, body: unknown): Promise<{ status: number; retryAfter: string | null; text: string; json?: unknown }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.opts.timeoutMs);
    try {
      const res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(body),
        signal: ctrl.signal,
      });
      const status = res.status;
      const retryAfter = res.headers.get('retry-after');
      // Reading the body stays under the same abort signal: a server that stalls mid-body times out too.
      return { status, retryAfter, text: await res.text() };
    } catch (e) {
      throw this.transportFailure(method, e, ctrl.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The same exchange in the HTTP worker thread, which also parses the body and slims the bulk answers (see offThreadHttp). */
  private async postOffThread(method: string, body: unknown, wires: Wire[]): Promise<{ status: number; retryAfter: string | null; text: string; json?: unknown }> {
    const slim: [number, SlimKind][] = [];
    for (const w of wires) {
      const kind = SLIM_KINDS[w.call.method];
      if (kind) slim.push([w.id, kind]);
    }
    try {
      const a = await postOffThread(this.url, this.headers, JSON.stringify(body), this.opts.timeoutMs, slim);
      return { status: a.status, retryAfter: a.retryAfter, text: a.text ?? '', ...(a.text === undefined ? { json: a.json } : {}) };
    } catch (e) {
      throw this.transportFailure(method, e, e instanceof OffThreadPostError && e.timedOut);
    }
  }

  /** A request that got no answer, on either thread: timed out, or a connection error (both retried). */
  private transportFailure(method: string, e: unknown, timedOut: boolean): RpcTransientError {
    if (timedOut) return new RpcTransientError(`${method}: timed out after ${this.opts.timeoutMs} ms`, 'timeout', { method, cause: e });
    return new RpcTransientError(`${method}: connection error: ${describe(e)}`, 'connection', { method, cause: e });
  }

  private matchResponses(wires: Wire[], json: unknown, status: number, asBatch: boolean): RpcOutcome[] {
    const label = asBatch ? `batch(${wires.length})` : wires[0].call.method;
    // Some servers answer a batch with one error object (e.g. a rate limit); it applies to every call.
    if (!Array.isArray(json)) {
      const parsed = parseResponse(json);
      if (!parsed) {
        if (status >= 400) throw new RpcFatalError(`${label}: HTTP ${status}`, { method: label, httpStatus: status });
        throw new RpcTransientError(`${label}: malformed JSON-RPC response`, 'malformed', { method: label, httpStatus: status });
      }
      if ('error' in parsed && (asBatch || parsed.id === null)) {
        throw classifyRpcError(label, parsed.error.code, parsed.error.message, parsed.error.data);
      }
      if (asBatch) throw new RpcTransientError(`${label}: expected a batch array`, 'malformed', { method: label, httpStatus: status });
      if (parsed.id !== wires[0].id && parsed.id !== String(wires[0].id)) {
        throw new RpcTransientError(`${label}: response id ${String(parsed.id)} does not match request`, 'malformed', { method: label, httpStatus: status });
      }
      return [this.toOutcome(wires[0], parsed)];
    }
    const byId = new Map<number | string, JsonRpcResponse>();
    for (const item of json) {
      const parsed = parseResponse(item);
      if (parsed && parsed.id !== null) byId.set(parsed.id, parsed);
    }
    return wires.map((w) => {
      const r = byId.get(w.id) ?? byId.get(String(w.id));
      if (!r) {
        return {
          ok: false,
          error: new RpcTransientError(`${w.call.method}: missing from batch response`, 'malformed', { method: w.call.method, httpStatus: status }),
        };
      }
      return this.toOutcome(w, r);
    });
  }

  private toOutcome(w: Wire, r: JsonRpcResponse): RpcOutcome {
    if ('error' in r) {
      return { ok: false, error: classifyRpcError(w.call.method, r.error.code, r.error.message, r.error.data) };
    }
    return { ok: true, result: r.result };
  }
}

/** The JSON-RPC error object of a body, if it holds one (an error reply to a single call or a whole batch). */
function errorInBody(text: string): z.infer<typeof jsonRpcErrorSchema> | undefined {
  try {
    const parsed = jsonRpcEnvelopeSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.error ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

function validate<T>(method: string, value: unknown, schema?: z.ZodType<T>): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RpcFatalError(`${method}: unexpected result shape: ${parsed.error.message.slice(0, 500)}`, { method });
  }
  return parsed.data;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

/** Encode a block number as the hex quantity JSON-RPC expects. */
export function toHexQuantity(n: number | bigint): `0x${string}` {
  return `0x${n.toString(16)}`;
}
