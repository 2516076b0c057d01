import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of a JSON-RPC node that misbehaves on purpose, the way
 * public RPC providers do: rate limits, 5xx, hangs, cut-off bodies and
 * "too many results" errors. Faults come from an explicit queue first, then from
 * a seeded random schedule, so a failing test can be replayed.
 */

/** Faults applied to a whole HTTP request. */
export type FaultKind =
  | 'http429' // 429 with Retry-After
  | 'http503'
  | 'hang' // never answers (until hangMs or shutdown): the client must time out
  | 'truncate' // 200 with the first half of the upstream body, cleanly ended: malformed JSON
  | 'reset'; // headers announce the full length, half is sent, then the socket is destroyed

export const FAULT_KINDS: readonly FaultKind[] = ['http429', 'http503', 'hang', 'truncate', 'reset'];

export interface FaultProxyOptions {
  /** JSON-RPC URL to forward to. */
  upstream: string;
  /** Port on 127.0.0.1; default: any free port. */
  port?: number;
  /** Seed of the random schedule. Default 1. */
  seed?: number;
  /** Probability per HTTP request of each fault (checked in FAULT_KINDS order). */
  rates?: Partial<Record<FaultKind, number>>;
  /** Random faults hit only requests containing one of these methods (default: all requests). */
  methods?: readonly string[];
  /** Retry-After seconds sent with 429. Default 1. */
  retryAfterSeconds?: number;
  /** How long a hung request is held before its socket is destroyed. Default 60 s. */
  hangMs?: number;
  /** eth_getLogs spanning more than this many blocks gets a range error (deterministic, not scheduled). */
  maxLogRange?: number;
  /** eth_getLogs whose upstream answer has more than this many logs gets a range error. */
  maxLogResults?: number;
  /** Text of the range error. */
  rangeErrorMessage?: string;
  /** JSON-RPC code of the range error. Default -32005. */
  rangeErrorCode?: number;
  /** Every forwarded request waits this long first (a slow or throttled provider). Default 0. */
  latencyMs?: number;
}

export interface FaultProxyStats {
  /** HTTP requests received. */
  requests: number;
  /** JSON-RPC calls received (a batch counts each item). */
  calls: number;
  /** HTTP requests forwarded unchanged. */
  passthrough: number;
  injected: Record<FaultKind | 'rangeError', number>;
}

export interface FaultProxy {
  readonly url: string;
  readonly port: number;
  /** Queue faults for the next requests (first in, first out), ahead of the random schedule. */
  inject(...faults: FaultKind[]): void;
  /** Replace the random schedule's rates (empty object: no random faults). */
  setRates(rates: Partial<Record<FaultKind, number>>): void;
  setMaxLogRange(blocks: number | undefined): void;
  setMaxLogResults(logs: number | undefined): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

/** Deterministic PRNG (mulberry32): good enough for schedules, tiny, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface JsonRpcRequestItem {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

function asItems(body: unknown): JsonRpcRequestItem[] {
  const arr = Array.isArray(body) ? body : [body];
  return arr.filter((x): x is JsonRpcRequestItem => typeof x === 'object' && x !== null);
}

/** Block span of an eth_getLogs call, or undefined when it uses tags or a blockHash. */
function logSpan(item: JsonRpcRequestItem): number | undefined {
  if (item.method !== 'eth_getLogs' || !Array.isArray(item.params)) return undefined;
  const filter: unknown = item.params[0];
  if (typeof filter !== 'object' || filter === null) return undefined;
  const { fromBlock, toBlock } = filter as { fromBlock?: unknown; toBlock?: unknown };
  if (typeof fromBlock !== 'string' || typeof toBlock !== 'string') return undefined;
  if (!fromBlock.startsWith('0x') || !toBlock.startsWith('0x')) return undefined;
  return Number.parseInt(toBlock, 16) - Number.parseInt(fromBlock, 16) + 1;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  let rates: Partial<Record<FaultKind, number>> = { ...(options.rates ?? {}) };
  let maxLogRange = options.maxLogRange;
  let maxLogResults = options.maxLogResults;
  const methods = options.methods ? new Set(options.methods) : undefined;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const hangMs = options.hangMs ?? 60_000;
  const rangeMessage = options.rangeErrorMessage ?? 'query returned more than 10000 results';
  const rangeCode = options.rangeErrorCode ?? -32005;
  const queue: FaultKind[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const counters: FaultProxyStats = {
    requests: 0,
    calls: 0,
    passthrough: 0,
    injected: { http429: 0, http503: 0, hang: 0, truncate: 0, reset: 0, rangeError: 0 },
  };
  let closing = false;

  const pickFault = (items: JsonRpcRequestItem[]): FaultKind | undefined => {
    const queued = queue.shift();
    if (queued) return queued;
    if (methods && !items.some((i) => typeof i.method === 'string' && methods.has(i.method))) return undefined;
    // One draw per request keeps the schedule a pure function of the request sequence.
    const r = random();
    let acc = 0;
    for (const kind of FAULT_KINDS) {
      acc += rates[kind] ?? 0;
      if (r < acc) return kind;
    }
    return undefined;
  };

  const forward = async (body: string): Promise<{ status: number; text: string; contentType: string }> => {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const res = await fetch(options.upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? 'application/json' };
  };

  // Deterministic range errors replace only the offending items of a batch.
  const applyRangeRules = (items: JsonRpcRequestItem[], isBatch: boolean, upstreamText: string): string => {
    if (maxLogRange === undefined && maxLogResults === undefined) return upstreamText;
    if (!items.some((i) => i.method === 'eth_getLogs')) return upstreamText;
    let parsed: unknown;
    try {
      parsed = JSON.parse(upstreamText);
    } catch {
      return upstreamText;
    }
    const responses = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    const reqById = new Map<unknown, JsonRpcRequestItem>(items.map((i) => [i.id, i]));
    let changed = false;
    const out = responses.map((r) => {
      if (typeof r !== 'object' || r === null) return r;
      const resp = r as { id?: unknown; result?: unknown };
      const req = reqById.get(resp.id);
      if (!req || req.method !== 'eth_getLogs') return r;
      const span = logSpan(req);
      const tooWide = maxLogRange !== undefined && span !== undefined && span > maxLogRange;
      const tooMany = maxLogResults !== undefined && Array.isArray(resp.result) && resp.result.length > maxLogResults;
      if (!tooWide && !tooMany) return r;
      changed = true;
      counters.injected.rangeError++;
      return { jsonrpc: '2.0', id: resp.id, error: { code: rangeCode, message: rangeMessage } };
    });
    if (!changed) return upstreamText;
    return JSON.stringify(isBatch ? out : out[0]);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    counters.requests++;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const items = asItems(body);
    counters.calls += items.length;
    const fault = pickFault(items);
    if (fault) counters.injected[fault]++;

    switch (fault) {
      case 'http429':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: 429, message: 'Too Many Requests' } }));
        return;
      case 'http503':
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Service Unavailable');
        return;
      case 'hang': {
        const t = setTimeout(() => {
          timers.delete(t);
          req.socket.destroy();
        }, hangMs);
        timers.add(t);
        req.socket.once('close', () => {
          clearTimeout(t);
          timers.delete(t);
        });
        return;
      }
      default:
        break;
    }

    let upstream: { status: number; text: string; contentType: string };
    try {
      upstream = await forward(raw);
    } catch (e) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream error: ${(e as Error).message}`);
      return;
    }
    const text = upstream.status === 200 ? applyRangeRules(items, Array.isArray(body), upstream.text) : upstream.text;
    const bytes = Buffer.from(text, 'utf8');

    if (fault === 'truncate') {
      // No content-length: the body ends "cleanly" but is half a JSON document.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    if (fault === 'reset') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => req.socket.destroy());
      return;
    }
    counters.passthrough++;
    res.writeHead(upstream.status, { 'content-type': upstream.contentType, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (s) => {
    if (closing) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fault proxy: no address');
  const port = addr.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    inject: (...faults) => {
      queue.push(...faults);
    },
    setRates: (r) => {
      rates = { ...r };
    },
    setMaxLogRange: (n) => {
      maxLogRange = n;
    },
    setMaxLogResults: (n) => {
      maxLogResults = n;
    },
    stats: () => structuredClone(counters),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
