import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { startFaultProxy, type FaultProxy } from '../sim/faultProxy.js';
import {
  RangeTooLargeError,
  RpcClient,
  RpcFatalError,
  RpcTransientError,
  classifyRpcError,
  createLimiter,
  toHexQuantity,
} from './rpc.js';

/** A throwaway JSON-RPC server whose behaviour each test scripts. */
async function scriptedServer(
  handler: (body: unknown, req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handler(JSON.parse(Buffer.concat(chunks).toString('utf8')), req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const fast = { backoffBaseMs: 5, backoffMaxMs: 20, maxRetryAfterMs: 10 };

describe('classifyRpcError', () => {
  it.each([
    [-32005, 'query returned more than 10000 results'],
    [-32005, 'query returned more than 10000 results. Try with this block range [0x10, 0x20].'],
    [-32602, 'block range too large'],
    [-32000, 'eth_getLogs block range is too large'],
    [-32602, 'range is too large, max is 1k blocks'],
    [-32000, 'exceed maximum block range: 50000'],
    [-32000, 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range'],
  ])('code %i "%s" is range-too-large', (code, msg) => {
    expect(classifyRpcError('eth_getLogs', code, msg)).toBeInstanceOf(RangeTooLargeError);
  });

  it('reads a suggested range when the provider gives one', () => {
    const e = classifyRpcError('eth_getLogs', -32005, 'query returned more than 10000 results. Try with this block range [0x10, 0x20].');
    expect((e as RangeTooLargeError).suggestedRange).toEqual({ from: 16, to: 32 });
  });

  it("reads the rate and the back-off Infura states in a refusal's data", () => {
    const e = classifyRpcError('eth_getBlockByNumber', -32005, 'project ID request rate exceeded', {
      rate: { allowed_rps: 50, backoff_seconds: 1, current_rps: 51 },
      see: 'https://infura.io/docs/ethereum/json-rpc/ratelimits',
    });
    expect(e).toBeInstanceOf(RpcTransientError);
    expect((e as RpcTransientError).rateLimit).toEqual({ perSecond: 50, retryAfterMs: 1000 });
  });

  it.each([
    [-32005, 'limit exceeded'],
    [-32000, 'rate limit reached'],
    [-32603, 'internal error'],
    [-32000, 'header not found'],
    [-32000, 'request timed out'],
    [-32602, 'BlockOutOfRangeError: block height is 5 but requested was 8'],
    [-32000, 'block not found'],
  ])('code %i "%s" is transient', (code, msg) => {
    expect(classifyRpcError('eth_call', code, msg)).toBeInstanceOf(RpcTransientError);
  });

  it.each([
    [-32601, 'the method eth_foo does not exist/is not available'],
    [-32602, 'invalid argument 0: hex string has length 3'],
    [3, 'execution reverted'],
    // a block below the node's height whose state was pruned: retrying cannot bring it back
    [-32602, 'BlockOutOfRangeError: block height is 1815 but requested was 16'],
    [-32602, 'BlockOutOfRangeError: block height is 1815 but requested was 1815'],
  ])('code %i "%s" is fatal', (code, msg) => {
    expect(classifyRpcError('eth_call', code, msg)).toBeInstanceOf(RpcFatalError);
  });
});

describe('createLimiter', () => {
  it('never runs more than n tasks at once', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2 + (i % 3)));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('starts a task marked ahead before the tasks already waiting', async () => {
    const limit = createLimiter(1);
    const started: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const task = (name: string, wait?: Promise<void>) => () => {
      started.push(name);
      return wait ?? Promise.resolve();
    };
    const all = [limit(task('running', gate)), limit(task('queued 1')), limit(task('queued 2')), limit(task('ahead'), true)];
    open();
    await Promise.all(all);
    expect(started).toEqual(['running', 'ahead', 'queued 1', 'queued 2']);
  });
});

describe('RpcClient.ahead', () => {
  it('shares the connections and counters of its client, its calls going before the waiting ones', async () => {
    const seen: string[] = [];
    const server = await scriptedServer((body, _req, res) => {
      const b = body as { id: number; method: string };
      seen.push(b.method);
      setTimeout(() => res.end(JSON.stringify({ jsonrpc: '2.0', id: b.id, result: '0x1' })), 20);
    });
    try {
      const rpc = new RpcClient({ url: server.url, concurrency: 1 });
      const first = rpc.request('eth_blockNumber');
      const queued = [rpc.request('eth_getLogs'), rpc.request('eth_getLogs')];
      await new Promise((r) => setTimeout(r, 5));
      const urgent = rpc.ahead().request('eth_call');
      await Promise.all([first, ...queued, urgent]);
      expect(seen).toEqual(['eth_blockNumber', 'eth_call', 'eth_getLogs', 'eth_getLogs']);
      expect(rpc.stats().requests).toBe(4);
      expect(rpc.stats().httpRequests).toBe(4);
    } finally {
      await server.close();
    }
  });
});

// The same behaviour whether the HTTP exchange runs on this thread or in the HTTP worker.
for (const offThread of [false, true]) describe(`RpcClient against anvil through the fault proxy${offThread ? ', off thread' : ''}`, () => {
  let anvil: AnvilNode;
  let proxy: FaultProxy;

  beforeAll(async () => {
    anvil = await startAnvil();
    // a few blocks so batches have something to fetch
    const direct = new RpcClient({ url: anvil.url });
    await direct.request('anvil_mine', [toHexQuantity(300)]);
    proxy = await startFaultProxy({ upstream: anvil.url, retryAfterSeconds: 0, hangMs: 5_000 });
  });
  afterAll(async () => {
    await proxy?.close();
    await anvil?.stop();
  });

  it('makes single calls and validates with zod', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url });
    const chainId = await rpc.request('eth_chainId', [], z.string());
    expect(chainId).toBe('0x7a69');
    await expect(rpc.request('eth_chainId', [], z.number())).rejects.toBeInstanceOf(RpcFatalError);
  });

  it('splits large batches and keeps call order', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, maxBatchSize: 100 });
    const calls = Array.from({ length: 250 }, (_, i) => ({ method: 'eth_getBlockByNumber', params: [toHexQuantity(i), false] }));
    const blocks = await rpc.batch(calls, z.object({ number: z.string() }));
    expect(blocks.map((b) => Number(b.number))).toEqual(calls.map((_, i) => i));
    const s = rpc.stats();
    expect(s.batches).toBe(3);
    expect(s.requests).toBe(250);
  });

  it('retries 429, 503, timeouts, truncated and reset bodies, then succeeds', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, timeoutMs: 300, ...fast });
    proxy.inject('http429', 'http503', 'hang', 'truncate', 'reset');
    const n = await rpc.request('eth_blockNumber', [], z.string());
    expect(Number(n)).toBeGreaterThanOrEqual(300);
    const s = rpc.stats();
    expect(s.retries).toBe(5);
    expect(s.httpRequests).toBe(6);
    expect(s.transientCauses).toMatchObject({ http429: 1, http5xx: 1, timeout: 1, malformed: 1, connection: 1 });
    expect(s.errors.transient).toBe(5);
  });

  it('retries a failed batch as a whole and returns every result', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, timeoutMs: 300, ...fast });
    proxy.inject('truncate', 'http429');
    const calls = Array.from({ length: 10 }, (_, i) => ({ method: 'eth_getBlockByNumber', params: [toHexQuantity(i), false] }));
    const out = await rpc.batch(calls, z.object({ number: z.string() }));
    expect(out).toHaveLength(10);
    expect(rpc.stats().retries).toBe(20);
  });

  it('gives up after maxRetries with a transient error', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, maxRetries: 2, ...fast });
    proxy.inject('http503', 'http503', 'http503');
    await expect(rpc.request('eth_blockNumber')).rejects.toThrow(/gave up after 3 attempts/);
    expect(rpc.stats().httpRequests).toBe(3);
  });

  it('does not retry deterministic errors', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, ...fast });
    await expect(rpc.request('eth_noSuchMethod', [])).rejects.toBeInstanceOf(RpcFatalError);
    expect(rpc.stats().retries).toBe(0);
    expect(rpc.stats().errors.fatal).toBe(1);
  });

  it('surfaces range errors without retrying, per batch item', async () => {
    const rpc = new RpcClient({ offThread, url: proxy.url, ...fast });
    proxy.setMaxLogRange(10);
    try {
      const filter = (from: number, to: number) => ({ fromBlock: toHexQuantity(from), toBlock: toHexQuantity(to) });
      await expect(rpc.request('eth_getLogs', [filter(0, 100)])).rejects.toBeInstanceOf(RangeTooLargeError);
      const out = await rpc.batchSettled([
        { method: 'eth_getLogs', params: [filter(0, 5)] },
        { method: 'eth_getLogs', params: [filter(0, 50)] },
      ]);
      expect(out[0].ok).toBe(true);
      expect(!out[1].ok && out[1].error).toBeInstanceOf(RangeTooLargeError);
      expect(rpc.stats().retries).toBe(0);
      expect(rpc.stats().errors.rangeTooLarge).toBe(2);
    } finally {
      proxy.setMaxLogRange(undefined);
    }
  });

  it('reports connection errors as transient', async () => {
    const rpc = new RpcClient({ offThread, url: 'http://127.0.0.1:1', maxRetries: 1, ...fast });
    const err = await rpc.request('eth_blockNumber').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcTransientError);
    expect((err as RpcTransientError).transientCause).toBe('connection');
  });
});

describe('RpcClient against scripted servers', () => {
  it('honours the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const srv = await scriptedServer(async (body, _req, res) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      const { id } = body as { id: number };
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: '0x1' }));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, concurrency: 3 });
      await Promise.all(Array.from({ length: 12 }, () => rpc.request('eth_blockNumber')));
      expect(peak).toBe(3);
    } finally {
      await srv.close();
    }
  });

  it('retries only the transiently failed items of a batch, matching ids out of order', async () => {
    let round = 0;
    const srv = await scriptedServer((body, _req, res) => {
      round++;
      const items = body as Array<{ id: number; params: [string] }>;
      const out = items.map((it) =>
        round === 1 && it.params[0] === 'b'
          ? { jsonrpc: '2.0', id: it.id, error: { code: -32005, message: 'limit exceeded' } }
          : round === 1 && it.params[0] === 'c'
            ? { jsonrpc: '2.0', id: it.id, error: { code: -32601, message: 'method not found' } }
            : { jsonrpc: '2.0', id: it.id, result: `${it.params[0]}${round}` },
      );
      res.end(JSON.stringify(out.reverse()));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, ...fast });
      const out = await rpc.batchSettled(['a', 'b', 'c'].map((p) => ({ method: 'x', params: [p] })));
      expect(out[0]).toEqual({ ok: true, result: 'a1' });
      expect(out[1]).toEqual({ ok: true, result: 'b2' });
      expect(!out[2].ok && out[2].error).toBeInstanceOf(RpcFatalError);
      expect(rpc.stats().retries).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('treats HTTP 413 as range-too-large and splits oversized batches', async () => {
    const srv = await scriptedServer((body, _req, res) => {
      const items = Array.isArray(body) ? (body as Array<{ id: number }>) : [body as { id: number }];
      if (items.length > 2) {
        res.writeHead(413);
        res.end('payload too large');
        return;
      }
      const out = items.map((it) => ({ jsonrpc: '2.0', id: it.id, result: it.id }));
      res.end(JSON.stringify(Array.isArray(body) ? out : out[0]));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, ...fast });
      const out = await rpc.batch(Array.from({ length: 7 }, () => ({ method: 'x', params: [] })));
      expect(out).toHaveLength(7);
      expect(rpc.stats().retries).toBe(0);
    } finally {
      await srv.close();
    }
    const srv413 = await scriptedServer((_body, _req, res) => {
      res.writeHead(413);
      res.end();
    });
    try {
      const rpc = new RpcClient({ url: srv413.url, ...fast });
      const err = await rpc.request('eth_getLogs', [{}]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RangeTooLargeError);
      expect((err as RangeTooLargeError).httpStatus).toBe(413);
    } finally {
      await srv413.close();
    }
  });

  it('splits a batch the provider refuses whole for rate, when one request of it costs more than the provider ever allows', async () => {
    // As a provider that charges a batch as the sum of its calls: more than 10 calls in one request never pass.
    let refused = 0;
    const srv = await scriptedServer((body, _req, res) => {
      const items = body as Array<{ id: number; params: [number] }>;
      if (items.length > 10) {
        refused++;
        res.writeHead(429);
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32005, message: 'project ID request rate exceeded' } }));
        return;
      }
      res.end(JSON.stringify(items.map((it) => ({ jsonrpc: '2.0', id: it.id, result: it.params[0] * 2 }))));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, ...fast });
      const out = await rpc.batch(Array.from({ length: 100 }, (_, i) => ({ method: 'x', params: [i] })));
      expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
      expect(refused).toBeGreaterThan(0);
    } finally {
      await srv.close();
    }
  });

  it('waits for Retry-After (capped) on 429', async () => {
    let n = 0;
    const srv = await scriptedServer((body, _req, res) => {
      if (n++ === 0) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
        return;
      }
      res.end(JSON.stringify({ jsonrpc: '2.0', id: (body as { id: number }).id, result: 'ok' }));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, backoffBaseMs: 1, backoffMaxMs: 1, maxRetryAfterMs: 150 });
      const t0 = Date.now();
      expect(await rpc.request('x')).toBe('ok');
      const dt = Date.now() - t0;
      expect(dt).toBeGreaterThanOrEqual(140);
      expect(dt).toBeLessThan(900);
    } finally {
      await srv.close();
    }
  });

  it('treats a response with neither result nor error as malformed', async () => {
    let n = 0;
    const srv = await scriptedServer((body, _req, res) => {
      const id = (body as { id: number }).id;
      res.end(JSON.stringify(n++ === 0 ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result: null }));
    });
    try {
      const rpc = new RpcClient({ url: srv.url, ...fast });
      expect(await rpc.request('x')).toBeNull();
      expect(rpc.stats().transientCauses.malformed).toBe(1);
    } finally {
      await srv.close();
    }
  });
});
