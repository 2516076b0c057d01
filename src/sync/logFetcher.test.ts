import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, RpcFatalError } from '../chain/rpc.js';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { startFaultProxy } from '../sim/faultProxy.js';
import { LogFetcher, blockWithTransactionsSchema, compareLogs, getBlockNumber, rawLogsSchema, type Hex } from './logFetcher.js';
import { deployEmitter, mineHistory } from './testkit/emitter.js';

/** Real anvil, real HTTP faults: the fetcher must return exactly what a clean direct fetch returns. */
describe('LogFetcher', () => {
  let anvil: AnvilNode;
  let direct: RpcClient;
  let watched: Hex[];
  let head: number;
  let expectedCount: number;

  beforeAll(async () => {
    anvil = await startAnvil({ noMining: true });
    direct = new RpcClient({ url: anvil.url });
    const a = await deployEmitter(direct, { mine: true });
    const b = await deployEmitter(direct, { mine: true });
    const other = await deployEmitter(direct, { mine: true });
    watched = [a, b];
    await mineHistory(direct, { seed: 11, blocks: 300, emitters: [a, b, other], gapProbability: 0.15, maxGap: 30 });
    head = await getBlockNumber(direct);
    const all = await new LogFetcher({ rpc: direct, initialRange: 1_000_000, maxRange: 1_000_000 }).fetchAll(watched, 0, head);
    expectedCount = all.logs.length;
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('sees thousands of logs across many blocks, sorted, with headers', async () => {
    const { logs, headers } = await new LogFetcher({ rpc: direct, initialRange: 100 }).fetchAll(watched, 0, head);
    expect(logs.length).toBe(expectedCount);
    expect(logs.length).toBeGreaterThan(2_000);
    expect(new Set(logs.map((l) => l.blockNumber)).size).toBeGreaterThan(100);
    expect(head).toBeGreaterThan(600);
    for (let i = 1; i < logs.length; i++) expect(compareLogs(logs[i - 1], logs[i])).toBeLessThan(0);
    expect(logs.every((l) => watched.includes(l.address))).toBe(true);
    const byNumber = new Map(headers.map((h) => [h.number, h]));
    expect(byNumber.size).toBe(new Set(logs.map((l) => l.blockNumber)).size);
    for (const l of logs) expect(byNumber.get(l.blockNumber)?.hash).toBe(l.blockHash);
    expect(headers[0].l1BlockNumber).toBeNull();
  });

  it('returns identical logs through 429s, 503s, hangs, truncated and reset bodies and range errors', async () => {
    const proxy = await startFaultProxy({
      upstream: anvil.url,
      seed: 7,
      rates: { http429: 0.08, http503: 0.06, hang: 0.04, truncate: 0.06, reset: 0.04 },
      retryAfterSeconds: 0,
      hangMs: 5_000,
      maxLogRange: 700,
      maxLogResults: 400,
    });
    try {
      const rpc = new RpcClient({ url: proxy.url, timeoutMs: 250, backoffBaseMs: 5, backoffMaxMs: 40, maxRetries: 12, concurrency: 4 });
      const fetcher = new LogFetcher({ rpc, initialRange: 2_000, concurrency: 4, targetLogs: 200 });
      const reference = await new LogFetcher({ rpc: direct, initialRange: 1_000_000, maxRange: 1_000_000 }).fetchAll(watched, 0, head);

      const chunks: Array<{ from: number; to: number }> = [];
      const logs = [];
      const headers = [];
      for await (const c of fetcher.chunks(watched, 0, head)) {
        chunks.push({ from: c.fromBlock, to: c.toBlock });
        logs.push(...c.logs);
        headers.push(...c.headers);
      }
      expect(logs).toEqual(reference.logs);
      expect(headers).toEqual(reference.headers);
      // contiguous, in order, exactly covering the range
      expect(chunks[0].from).toBe(0);
      expect(chunks.at(-1)?.to).toBe(head);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i].from).toBe(chunks[i - 1].to + 1);

      const p = proxy.stats().injected;
      expect(p.http429 + p.http503 + p.hang + p.truncate + p.reset).toBeGreaterThan(5);
      expect(p.rangeError).toBeGreaterThan(0);
      const s = rpc.stats();
      expect(s.retries).toBeGreaterThan(5);
      expect(s.transientCauses.timeout).toBeGreaterThan(0);
      expect(s.transientCauses.malformed + s.transientCauses.connection).toBeGreaterThan(0);
      expect(fetcher.stats().splits).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('shrinks ranges on "more than N results" and still returns everything', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, maxLogResults: 60 });
    try {
      const rpc = new RpcClient({ url: proxy.url });
      const fetcher = new LogFetcher({ rpc, initialRange: 50_000, maxRange: 50_000, concurrency: 2 });
      const { logs } = await fetcher.fetchAll(watched, 0, head);
      expect(logs.length).toBe(expectedCount);
      const s = fetcher.stats();
      expect(s.splits).toBeGreaterThan(3);
      expect(s.currentRange).toBeLessThan(50_000);
      expect(rpc.stats().errors.rangeTooLarge).toBe(proxy.stats().injected.rangeError);
      expect(rpc.stats().retries).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('grows the range over sparse stretches up to the widest allowed', async () => {
    const rpc = new RpcClient({ url: anvil.url });
    const fetcher = new LogFetcher({ rpc, initialRange: 4, maxRange: 512, targetLogs: 100_000 });
    await fetcher.fetchAll(watched, 0, head);
    expect(fetcher.stats().grows).toBeGreaterThanOrEqual(3);
    expect(fetcher.stats().currentRange).toBe(512);
  });

  it('sizes ranges toward targetLogs per call over dense stretches, and still returns everything', async () => {
    const rpc = new RpcClient({ url: anvil.url });
    const fetcher = new LogFetcher({ rpc, initialRange: 200, maxRange: 200, targetLogs: 20, concurrency: 1 });
    const chunkSizes: number[] = [];
    let total = 0;
    for await (const c of fetcher.chunks(watched, 0, head)) {
      chunkSizes.push(c.logs.length);
      total += c.logs.length;
    }
    expect(total).toBe(expectedCount);
    expect(fetcher.stats().shrinks).toBeGreaterThan(0);
    // After the first (full-width) call, calls hold about targetLogs logs, not 200 blocks' worth.
    expect(chunkSizes[0]).toBeGreaterThan(60);
    const rest = chunkSizes.slice(1, -1).sort((a, b) => a - b);
    expect(rest.length).toBeGreaterThan(5);
    expect(rest[Math.floor(rest.length / 2)]).toBeLessThanOrEqual(60);
    expect(fetcher.stats().currentRange).toBeLessThan(200);
  });

  it('fails clearly when a single block is still too large', async () => {
    const proxy = await startFaultProxy({ upstream: anvil.url, maxLogResults: 3 });
    try {
      const fetcher = new LogFetcher({ rpc: new RpcClient({ url: proxy.url }), initialRange: 64 });
      const err = await fetcher.fetchAll(watched, 0, head).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcFatalError);
      expect((err as Error).message).toMatch(/single block \d+ .*cannot be split below one block/);
    } finally {
      await proxy.close();
    }
  });

  it('delivers nothing for an empty range and stops cleanly when the consumer stops', async () => {
    const fetcher = new LogFetcher({ rpc: direct, initialRange: 50, concurrency: 3 });
    expect(await fetcher.fetchAll(watched, 10, 9)).toEqual({ logs: [], headers: [] });
    let n = 0;
    for await (const c of fetcher.chunks(watched, 0, head)) {
      expect(c.fromBlock).toBeLessThanOrEqual(c.toBlock);
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });

  it('asks nothing more once the consumer stops: the chunks fetched ahead get no header lookups', async () => {
    const rpc = new RpcClient({ url: anvil.url, concurrency: 8 });
    const fetcher = new LogFetcher({ rpc, initialRange: 10, maxRange: 10, concurrency: 8 });
    let n = 0;
    for await (const _ of fetcher.chunks(watched, 0, head)) if (++n === 6) break;
    const atStop = rpc.stats().requests;
    // Ranges were in flight when it stopped (they were fetched ahead)…
    expect(atStop).toBeGreaterThan(6 * 2);
    await new Promise((r) => setTimeout(r, 500));
    // …and what came back of them after the stop asked for nothing more.
    expect(rpc.stats().requests).toBe(atStop);
  });
});

describe('the shapes of eth_getLogs and eth_getBlockByNumber answers', () => {
  const log = {
    address: '0xAbCdEf0000000000000000000000000000000001',
    topics: [`0x${'a'.repeat(64)}`, `0x${'0'.repeat(24)}${'b'.repeat(40)}`],
    data: '0x',
    blockNumber: '0x10',
    blockHash: `0x${'c'.repeat(64)}`,
    transactionHash: `0x${'d'.repeat(64)}`,
    transactionIndex: '0x2',
    logIndex: '0x1f',
    removed: false,
  };
  const tx = { hash: `0x${'E'.repeat(64)}`, from: `0x${'F'.repeat(40)}`, to: null, gas: '0x5208', gasPrice: '0x3b9aca00', blockNumber: '0x10', transactionIndex: '0x2' };
  const block = { number: '0x10', hash: `0x${'c'.repeat(64)}`, parentHash: `0x${'9'.repeat(64)}`, timestamp: '0x65', l1BlockNumber: '0x7', transactions: [tx] };
  const issue = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? null : r.error!.issues[0]!.message);

  it('takes a log with numbers as integers and the address lowercased', () => {
    expect(rawLogsSchema.parse([log])).toEqual([
      {
        address: '0xabcdef0000000000000000000000000000000001',
        topics: log.topics,
        data: '0x',
        blockNumber: 16,
        blockHash: log.blockHash,
        transactionHash: log.transactionHash,
        transactionIndex: 2,
        logIndex: 31,
      },
    ]);
  });

  it('names the field that is wrong, and refuses numbers past 2^53', () => {
    expect(issue(rawLogsSchema.safeParse([log, { ...log, topics: [log.topics[0], '0xzz'] }]))).toBe('[1].topics[1]: expected 0x-prefixed hex, got "0xzz"');
    expect(issue(rawLogsSchema.safeParse([{ ...log, blockNumber: 16 }]))).toBe('[0].blockNumber: expected a hex quantity, got 16');
    expect(issue(rawLogsSchema.safeParse([{ ...log, logIndex: '0x20000000000000' }]))).toBe('[0].logIndex: quantity 0x20000000000000 exceeds 2^53');
    expect(issue(rawLogsSchema.safeParse([{ ...log, data: undefined }]))).toBe('[0].data: expected 0x-prefixed hex, got nothing');
    expect(issue(rawLogsSchema.safeParse([{ ...log, removed: 'no' }]))).toBe('[0].removed: expected a boolean, got "no"');
    expect(issue(rawLogsSchema.safeParse({ logs: [] }))).toBe('result: expected an array of logs, got {"logs":[]}');
    expect(issue(rawLogsSchema.safeParse([null]))).toBe('[0]: expected an object');
  });

  it('takes a block with its transactions, leaving out those it cannot read', () => {
    const system = { type: '0x6a', hash: `0x${'1'.repeat(64)}` };
    expect(blockWithTransactionsSchema.parse({ ...block, transactions: [system, tx] })).toEqual({
      number: 16,
      hash: block.hash,
      parentHash: block.parentHash,
      timestamp: 101,
      l1BlockNumber: 7,
      transactions: [{ hash: `0x${'e'.repeat(64)}`, blockNumber: 16, index: 2, from: `0x${'f'.repeat(40)}`, to: null, gas: 21000n, gasPrice: 1000000000n }],
    });
    expect(blockWithTransactionsSchema.parse({ ...block, l1BlockNumber: null }).l1BlockNumber).toBeNull();
    expect(issue(blockWithTransactionsSchema.safeParse({ ...block, timestamp: '0x' }))).toBe('.timestamp: expected a hex quantity, got "0x"');
    expect(issue(blockWithTransactionsSchema.safeParse({ ...block, transactions: undefined }))).toBe('.transactions: expected an array, got nothing');
    expect(blockWithTransactionsSchema.nullable().parse(null)).toBeNull();
  });

  it('reads the same through the HTTP worker, which hands over only the fields read; a malformed answer fails alike on both threads', async () => {
    let logs: unknown[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const calls = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string } | { id: number; method: string }[];
        const answer = (c: { id: number; method: string }) => ({
          jsonrpc: '2.0',
          id: c.id,
          result: c.method === 'eth_getLogs' ? logs : { ...block, logsBloom: `0x${'0'.repeat(512)}`, transactions: [{ ...tx, input: '0xdeadbeef', v: '0x1' }, `0x${'1'.repeat(64)}`] },
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(Array.isArray(calls) ? calls.map(answer) : answer(calls)));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const on = new RpcClient({ url, offThread: true });
      const here = new RpcClient({ url });
      logs = [{ ...log, extra: 'x'.repeat(100) }];
      const raw = (await on.request('eth_getLogs', [{}])) as Record<string, unknown>[];
      expect(Object.keys(raw[0]!).sort()).toEqual(Object.keys(log).sort());
      expect(await on.request('eth_getLogs', [{}], rawLogsSchema)).toEqual(await here.request('eth_getLogs', [{}], rawLogsSchema));
      const [slim] = (await on.batch([{ method: 'eth_getBlockByNumber', params: ['0x10', true] }])) as Record<string, unknown>[];
      expect(slim).toEqual({ ...block, transactions: [tx, `0x${'1'.repeat(64)}`] });
      const [read] = await on.batch([{ method: 'eth_getBlockByNumber', params: ['0x10', true] }], blockWithTransactionsSchema);
      expect(read!.transactions).toHaveLength(1);
      // Malformed values reach the schema unchanged: the same one-line error either way.
      for (const bad of [[{ ...log, topics: 'none' }], [{ ...log, data: undefined }], { logs: [] }, [null]]) {
        logs = bad as unknown[];
        const message = async (rpc: RpcClient) => ((await rpc.request('eth_getLogs', [{}], rawLogsSchema).catch((e: unknown) => e)) as Error).message;
        const offThread = await message(on);
        expect(offThread).toMatch(/^eth_getLogs: unexpected result shape: [\s\S]*(topics|data|result|\[0\])/);
        expect(offThread).toBe(await message(here));
      }
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
