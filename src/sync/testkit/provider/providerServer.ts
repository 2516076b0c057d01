import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../../sim/faultProxy.js';
import { callCost, type ProviderProfile, type ProviderReply, type RpcErrorObject } from './profiles.js';
import { blockHash, type LogQuery, type ReplayChain } from './replayChain.js';

/**
 * Real JSON-RPC over HTTP in front of a replayed chain, shaped like a hosted provider: its latency, its
 * rate limit (a token bucket in the provider's own units), its eth_getLogs caps with the exact error
 * replies, and occasional server errors. State reads (eth_call) go to the node that recorded the
 * history, at the simulated block the replayed block stands for.
 */

export interface ProviderServerOptions {
  chain: ReplayChain;
  profile: ProviderProfile;
  /** JSON-RPC URL of the recording node, for eth_call. */
  upstream?: string;
  /** Seed of the latency jitter and the server errors. Default 1. */
  seed?: number;
  port?: number;
}

export interface ProviderStats {
  httpRequests: number;
  /** JSON-RPC calls received (batch items counted one by one). */
  calls: number;
  /** Calls answered with a result, per method. */
  served: Record<string, number>;
  /** Units the rate limit charged (0 without one). */
  unitsCharged: number;
  refused: { rateLimited: number; rangeTooLarge: number; tooManyResults: number; serverError: number; invalid: number };
  /** Widest span and largest result of any eth_getLogs answered: never above the caps. */
  widestLogSpan: number;
  mostLogs: number;
}

export interface ProviderServer {
  readonly url: string;
  readonly profile: ProviderProfile;
  stats(): ProviderStats;
  resetStats(): void;
  close(): Promise<void>;
}

interface Call {
  id: unknown;
  method: string;
  params: unknown[];
}

/** What one call comes to: a result (JSON text), a JSON-RPC error, or a whole HTTP reply of its own. */
type Outcome = { result: string } | { error: RpcErrorObject } | { reply: ProviderReply };

const MAX_BODY = 10 * 1024 * 1024;

function emptyStats(): ProviderStats {
  return { httpRequests: 0, calls: 0, served: {}, unitsCharged: 0, refused: { rateLimited: 0, rangeTooLarge: 0, tooManyResults: 0, serverError: 0, invalid: 0 }, widestLogSpan: 0, mostLogs: 0 };
}

export async function startProviderServer(opts: ProviderServerOptions): Promise<ProviderServer> {
  const { chain, profile } = opts;
  const random = seededRandom(opts.seed ?? 1);
  let stats = emptyStats();
  const rate = profile.rate;
  const capacity = rate ? rate.unitsPerSecond * rate.burstSeconds : 0;
  let tokens = capacity;
  let refilledAt = performance.now();
  const hashToNumber = new Map<string, number>();

  const refill = (): void => {
    const now = performance.now();
    tokens = Math.min(capacity, tokens + ((now - refilledAt) * (rate?.unitsPerSecond ?? 0)) / 1000);
    refilledAt = now;
  };
  const delayMs = (workMs: number): number => Math.max(0, profile.latency.meanMs + (random() * 2 - 1) * profile.latency.jitterMs) + workMs;

  const blockTag = (tag: unknown): number | null => {
    if (tag === 'latest' || tag === 'safe' || tag === 'finalized' || tag === 'pending' || tag === undefined) return chain.head();
    if (tag === 'earliest') return 0;
    if (typeof tag === 'string' && /^0x[0-9a-fA-F]+$/.test(tag)) return Number.parseInt(tag, 16);
    return null;
  };

  // Block hashes cannot be inverted: those handed out are remembered for eth_getBlockByHash and blockHash filters.
  const rememberHash = (json: string | null, n: number): void => {
    if (json === null) return;
    if (hashToNumber.size > 200_000) hashToNumber.clear();
    hashToNumber.set(blockHash(chain.chainId, n), n);
  };

  /** Asks the recording node, at the recorded block behind `block` (the block tag at `at` of the params). */
  const forward = async (call: Call, block: number, at = 1): Promise<Outcome> => {
    if (!opts.upstream) return { error: { code: -32000, message: 'missing trie node (state not available)' } };
    const params = [...call.params];
    params[at] = `0x${chain.simBlockAt(block).toString(16)}`;
    const res = await fetch(opts.upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: RpcErrorObject };
    return body.error ? { error: body.error } : { result: JSON.stringify(body.result ?? null) };
  };

  const getLogs = (id: unknown, filter: Record<string, unknown> | undefined): { outcome: Outcome; workMs: number } => {
    const f = filter ?? {};
    let from: number | null;
    let to: number | null;
    if (typeof f.blockHash === 'string') {
      const n = hashToNumber.get(f.blockHash.toLowerCase());
      if (n === undefined) return { outcome: { result: '[]' }, workMs: 0 };
      from = to = n;
    } else {
      from = blockTag(f.fromBlock ?? 'latest');
      to = blockTag(f.toBlock ?? 'latest');
    }
    if (from === null || to === null) return { outcome: { error: { code: -32602, message: 'invalid block tag' } }, workMs: 0 };
    if (to < from) return { outcome: { error: { code: -32602, message: 'invalid block range params' } }, workMs: 0 };
    const span = to - from + 1;
    const caps = profile.getLogs;
    if (caps.maxRange !== undefined && span > caps.maxRange) {
      stats.refused.rangeTooLarge++;
      const reply = caps.rangeError?.(id, caps.maxRange) ?? { status: 200, body: { jsonrpc: '2.0', id, error: { code: -32005, message: `block range is too wide (maximum ${caps.maxRange})` } } };
      return { outcome: { reply }, workMs: 0 };
    }
    const addr = f.address;
    const addresses = new Set<string>((Array.isArray(addr) ? addr : typeof addr === 'string' ? [addr] : []).map((a) => String(a).toLowerCase()));
    const topics = (Array.isArray(f.topics) ? f.topics : []).map((t) => (t === null ? null : new Set<string>((Array.isArray(t) ? t : [t]).map((x) => String(x).toLowerCase()))));
    const q: LogQuery = { from, to, addresses, topics };
    const logs = chain.logs(q);
    const workMs = (span / 1e6) * profile.getLogsWork.msPerMillionBlocks + (logs.length / 1000) * profile.getLogsWork.msPerThousandLogs;
    if (caps.maxResults !== undefined && logs.length > caps.maxResults) {
      stats.refused.tooManyResults++;
      const fits = chain.widestRangeWithin(q, caps.maxResults);
      const reply = caps.resultsError?.(id, { from, to, fits, maxResults: caps.maxResults }) ?? {
        status: 200,
        body: { jsonrpc: '2.0', id, error: { code: -32005, message: `query returned more than ${caps.maxResults} results` } },
      };
      return { outcome: { reply }, workMs };
    }
    stats.widestLogSpan = Math.max(stats.widestLogSpan, span);
    stats.mostLogs = Math.max(stats.mostLogs, logs.length);
    return { outcome: { result: `[${logs.map((l) => l.json).join(',')}]` }, workMs };
  };

  const answer = async (call: Call): Promise<{ outcome: Outcome; workMs: number }> => {
    const p = call.params;
    switch (call.method) {
      case 'eth_chainId':
        return { outcome: { result: JSON.stringify(`0x${chain.chainId.toString(16)}`) }, workMs: 0 };
      case 'net_version':
        return { outcome: { result: JSON.stringify(String(chain.chainId)) }, workMs: 0 };
      case 'web3_clientVersion':
        return { outcome: { result: '"atlas-replay/1"' }, workMs: 0 };
      case 'eth_syncing':
        return { outcome: { result: 'false' }, workMs: 0 };
      case 'eth_blockNumber':
        return { outcome: { result: JSON.stringify(`0x${chain.head().toString(16)}`) }, workMs: 0 };
      case 'eth_getBlockByNumber': {
        const n = blockTag(p[0]);
        if (n === null) return { outcome: { error: { code: -32602, message: 'invalid block tag' } }, workMs: 0 };
        const json = chain.blockJson(n, p[1] === true);
        rememberHash(json, n);
        return { outcome: { result: json ?? 'null' }, workMs: 0 };
      }
      case 'eth_getBlockByHash': {
        const n = typeof p[0] === 'string' ? hashToNumber.get(p[0].toLowerCase()) : undefined;
        return { outcome: { result: n === undefined ? 'null' : (chain.blockJson(n, p[1] === true) ?? 'null') }, workMs: 0 };
      }
      case 'eth_getLogs':
        return getLogs(call.id, p[0] as Record<string, unknown> | undefined);
      case 'eth_call': {
        const n = blockTag(p[1]);
        if (n === null) return { outcome: { error: { code: -32602, message: 'invalid block tag' } }, workMs: 0 };
        if (n > chain.head()) return { outcome: { error: { code: -32000, message: `header not found` } }, workMs: 0 };
        return { outcome: await forward(call, n), workMs: 0.2 };
      }
      case 'eth_getTransactionByBlockNumberAndIndex': {
        const n = blockTag(p[0]);
        if (n === null) return { outcome: { error: { code: -32602, message: 'invalid block tag' } }, workMs: 0 };
        if (n > chain.head()) return { outcome: { result: 'null' }, workMs: 0 };
        return { outcome: await forward(call, n, 0), workMs: 0.1 };
      }
      case 'eth_getTransactionByHash': {
        // The recorded transaction, whatever block the replay moved its logs to.
        if (!opts.upstream) return { outcome: { result: 'null' }, workMs: 0 };
        const res = await fetch(opts.upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params: call.params }) });
        const body = (await res.json()) as { result?: unknown; error?: RpcErrorObject };
        return { outcome: body.error ? { error: body.error } : { result: JSON.stringify(body.result ?? null) }, workMs: 0.1 };
      }
      default:
        return { outcome: { error: { code: -32601, message: `the method ${call.method} does not exist/is not available` } }, workMs: 0 };
    }
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) fn();
    else setTimeout(fn, ms);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.httpRequests++;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return send(res, 413, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'request entity too large' } }));
      chunks.push(c as Buffer);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      stats.refused.invalid++;
      return later(delayMs(0), () => send(res, 200, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } })));
    }
    const isBatch = Array.isArray(parsed);
    const raw = (isBatch ? parsed : [parsed]) as Array<Record<string, unknown>>;
    if (raw.length === 0) return send(res, 200, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } }));
    const calls: Call[] = raw.map((r) => ({ id: r?.id ?? null, method: String(r?.method ?? ''), params: Array.isArray(r?.params) ? r.params : [] }));
    stats.calls += calls.length;

    if (random() < profile.serverErrorRate) {
      stats.refused.serverError++;
      return later(delayMs(0), () => {
        res.writeHead(random() < 0.5 ? 502 : 503, { 'content-type': 'text/html' });
        res.end('<html><body><h1>upstream connect error</h1></body></html>');
      });
    }

    // Rate limit, charged on arrival as the providers do.
    const limited = new Set<number>();
    if (rate) {
      refill();
      const costs = calls.map((c) => callCost(rate, c.method));
      if (rate.batch === 'request' || !isBatch) {
        const total = costs.reduce((a, b) => a + b, 0);
        if (total > tokens) {
          stats.refused.rateLimited += calls.length;
          const reply = rate.reply(isBatch ? null : calls[0]!.id, rate.unitsPerSecond);
          return later(delayMs(0), () => send(res, reply.status, JSON.stringify(reply.body), reply.headers));
        }
        tokens -= total;
        stats.unitsCharged += total;
      } else {
        costs.forEach((cost, i) => {
          if (cost > tokens) {
            limited.add(i);
            stats.refused.rateLimited++;
          } else {
            tokens -= cost;
            stats.unitsCharged += cost;
          }
        });
      }
    }

    const results = await Promise.all(
      calls.map(async (c, i): Promise<{ outcome: Outcome; workMs: number }> => {
        if (limited.has(i)) return { outcome: { error: rate!.itemError!(rate!.unitsPerSecond) }, workMs: 0 };
        try {
          const r = await answer(c);
          if ('result' in r.outcome) stats.served[c.method] = (stats.served[c.method] ?? 0) + 1;
          return r;
        } catch (e) {
          return { outcome: { error: { code: -32603, message: `internal error: ${(e as Error).message}` } }, workMs: 0 };
        }
      }),
    );
    const workMs = results.reduce((a, r) => a + r.workMs, 0);
    const wrap = (c: Call, o: Outcome): string => {
      if ('result' in o) return `{"jsonrpc":"2.0","id":${JSON.stringify(c.id)},"result":${o.result}}`;
      if ('error' in o) return JSON.stringify({ jsonrpc: '2.0', id: c.id, error: o.error });
      // A whole-request reply inside a batch travels as that item's error.
      const body = o.reply.body as { error?: RpcErrorObject };
      return JSON.stringify({ jsonrpc: '2.0', id: c.id, error: body.error ?? { code: -32603, message: 'error' } });
    };
    later(delayMs(workMs), () => {
      if (!isBatch) {
        const o = results[0]!.outcome;
        if ('reply' in o) return send(res, o.reply.status, JSON.stringify(o.reply.body), o.reply.headers);
        return send(res, 200, wrap(calls[0]!, o));
      }
      send(res, 200, `[${results.map((r, i) => wrap(calls[i]!, r.outcome)).join(',')}]`);
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal error' } }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    profile,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
