import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from './anvil.js';
import { seededRandom, startFaultProxy, type FaultKind } from './faultProxy.js';

const post = (url: string, body: unknown, signal?: AbortSignal): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });

const call = (method: string, params: unknown[] = [], id = 1) => ({ jsonrpc: '2.0', id, method, params });

describe('fault proxy', () => {
  let anvil: AnvilNode;
  beforeAll(async () => {
    anvil = await startAnvil();
    await post(anvil.url, call('anvil_mine', ['0x40']));
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('passes requests through and counts them', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url });
    try {
      const res = await post(proxy.url, [call('eth_chainId', [], 1), call('eth_blockNumber', [], 2)]);
      const body = (await res.json()) as Array<{ id: number; result: string }>;
      expect(body.map((b) => b.id).sort()).toEqual([1, 2]);
      expect(proxy.stats()).toMatchObject({ requests: 1, calls: 2, passthrough: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('injects programmed faults in order', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, retryAfterSeconds: 7, hangMs: 200 });
    try {
      proxy.inject('http429', 'http503', 'truncate', 'reset', 'hang');
      const r429 = await post(proxy.url, call('eth_chainId'));
      expect(r429.status).toBe(429);
      expect(r429.headers.get('retry-after')).toBe('7');
      await r429.text();
      const r503 = await post(proxy.url, call('eth_chainId'));
      expect(r503.status).toBe(503);
      await r503.text();
      const truncated = await (await post(proxy.url, call('eth_chainId'))).text();
      expect(() => JSON.parse(truncated) as unknown).toThrow();
      await expect(post(proxy.url, call('eth_chainId')).then((r) => r.text())).rejects.toThrow();
      const ctrl = new AbortController();
      const t = setTimeout(() => ctrl.abort(), 100);
      await expect(post(proxy.url, call('eth_chainId'), ctrl.signal)).rejects.toThrow();
      clearTimeout(t);
      expect(proxy.stats().injected).toMatchObject({ http429: 1, http503: 1, truncate: 1, reset: 1, hang: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('answers wide eth_getLogs with a range error, per batch item', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, maxLogRange: 10 });
    try {
      const logs = (from: number, to: number, id: number) =>
        call('eth_getLogs', [{ fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}` }], id);
      const res = await post(proxy.url, [logs(0, 9, 1), logs(1, 10, 2), logs(5, 40, 3)]);
      const body = (await res.json()) as Array<{ id: number; result?: unknown; error?: { code: number; message: string } }>;
      const byId = new Map(body.map((b) => [b.id, b]));
      expect(byId.get(1)?.result).toEqual([]);
      expect(byId.get(2)?.result).toEqual([]);
      expect(byId.get(3)?.error).toEqual({ code: -32005, message: 'query returned more than 10000 results' });
      expect(proxy.stats().injected.rangeError).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('follows a seeded schedule reproducibly', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const proxy = await startFaultProxy({ upstream: anvil.url, seed, rates: { http429: 0.3, http503: 0.2 }, retryAfterSeconds: 0 });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) {
          const r = await post(proxy.url, call('eth_chainId'));
          await r.text();
          statuses.push(r.status);
        }
        return statuses;
      } finally {
        await proxy.close();
      }
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(a.filter((s) => s === 429).length).toBeGreaterThan(2);
    expect(a.filter((s) => s === 503).length).toBeGreaterThan(1);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(5);
  });

  it('limits random faults to chosen methods', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, rates: { http503: 1 }, methods: ['eth_getLogs'] });
    try {
      const ok = await post(proxy.url, call('eth_chainId'));
      expect(ok.status).toBe(200);
      await ok.text();
      const bad = await post(proxy.url, call('eth_getLogs', [{ fromBlock: '0x0', toBlock: '0x1' }]));
      expect(bad.status).toBe(503);
      await bad.text();
    } finally {
      await proxy.close();
    }
  });

  it('shuts down cleanly with hung requests open', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, hangMs: 60_000 });
    proxy.inject('hang', 'hang');
    const pending = [post(proxy.url, call('eth_chainId')), post(proxy.url, call('eth_chainId'))].map((p) => p.catch((e: unknown) => e));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await proxy.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    const results = await Promise.all(pending);
    for (const r of results) expect(r).toBeInstanceOf(Error);
  });

  it('seededRandom is deterministic and in [0,1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const kinds: FaultKind[] = ['hang'];
    expect(kinds).toHaveLength(1);
  });
});
