import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RangeTooLargeError, RpcClient, RpcTransientError, classifyRpcError, toHexQuantity } from '../../../chain/rpc.js';
import type { Hex } from '../../logFetcher.js';
import { alchemy, infura, quicknode, type ProviderProfile } from './profiles.js';
import { startProviderServer, type ProviderServer } from './providerServer.js';
import { blockHash, planReplay, ReplayChain, type RecordedHistory } from './replayChain.js';
import { dailyLogShares, placeInTime, timeAtBlock, type DayRow } from './timeline.js';

const A = '0x00000000000000000000000000000000000000aa' as Hex;
const B = '0x00000000000000000000000000000000000000bb' as Hex;
const topic = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}` as Hex;

/** 400 transactions of 1–3 logs from two contracts, over 40 simulated blocks. */
function history(): RecordedHistory {
  const txs: RecordedHistory['txs'] = [];
  for (let i = 0; i < 400; i++) {
    const hash = `0x${(i + 1).toString(16).padStart(64, '0')}` as Hex;
    const logs = Array.from({ length: 1 + (i % 3) }, (_, j) => ({ address: j % 2 === 0 ? A : B, topics: [topic(i * 4 + j)], data: '0x' as Hex }));
    txs.push({ simBlock: Math.floor(i / 10), hash, tx: { hash, from: A, to: B, input: '0x', value: '0x0', nonce: toHexQuantity(i) }, logs });
  }
  return { chainId: 31337, simHead: 40, txs, l1BySimBlock: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [String(i), 1000 + i * 7])) };
}

// Ten days; the fourth carries no activity at all, the seventh most of it.
const days: DayRow[] = Array.from({ length: 10 }, (_, i) => ({ dateS: 1_700_000_000 + i * 86_400, volumeEth: i === 3 ? 0 : i === 6 ? 50 : 1, activeTranscoderCount: i === 3 ? 0 : 5, delegatorsCount: 100 }));
const timeline = { anchors: [{ block: 1_000_000, time: days[0]!.dateS }, { block: 3_000_000, time: days[0]!.dateS + 10 * 86_400 }] };

const fast = (p: ProviderProfile, over: Partial<ProviderProfile> = {}): ProviderProfile => ({ ...p, latency: { meanMs: 0, jitterMs: 0 }, serverErrorRate: 0, ...over });

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('re-timing a recorded history onto a chain', () => {
  it('places logs by the daily activity: none on a day without activity, most on the busiest day', () => {
    const mix = { tickets: 10, rewards: 5, bonding: 0, other: 0 };
    const shares = dailyLogShares(days, mix);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const times = placeInTime(Array.from({ length: 1000 }, () => 1), days, shares);
    const perDay = days.map((d) => times.filter((t) => t >= d.dateS && t < d.dateS + 86_400).length);
    expect(perDay[3]).toBe(0);
    expect(Math.max(...perDay)).toBe(perDay[6]);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });

  it('gives every transaction a block of its own, in order, inside the range, with kept-back transactions for later', () => {
    const plan = planReplay(history(), { days, timeline, chainId: 42161, liveTxs: 20 });
    expect(plan.blocks).toHaveLength(380);
    expect(plan.live).toHaveLength(20);
    expect(plan.genesis).toBe(1_000_000);
    expect(plan.head).toBe(3_000_000);
    for (let i = 1; i < plan.blocks.length; i++) expect(plan.blocks[i]!.number).toBeGreaterThan(plan.blocks[i - 1]!.number);
    expect(plan.blocks[0]!.number).toBeGreaterThanOrEqual(plan.genesis);
    expect(plan.blocks.at(-1)!.number).toBeLessThanOrEqual(plan.head);
    // Block timestamps follow the timeline and never go back.
    const ts = plan.blocks.map((b) => timeAtBlock(timeline, b.number));
    for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
  });
});

describe('provider-shaped JSON-RPC server', () => {
  const plan = planReplay(history(), { days, timeline, chainId: 42161, liveTxs: 4 });
  const servers: ProviderServer[] = [];
  const start = async (profile: ProviderProfile) => {
    const s = await startProviderServer({ chain: new ReplayChain(plan), profile });
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  let plain: ProviderServer;
  beforeAll(async () => {
    plain = await start(fast(alchemy, { rate: undefined, getLogs: {} }));
  });

  it('serves a consistent chain: headers chained by hash, logs that name their block, transaction and index', async () => {
    const first = plan.blocks[0]!.number;
    const { json } = await post(plain.url, [
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'eth_blockNumber', params: [] },
      { jsonrpc: '2.0', id: 3, method: 'eth_getBlockByNumber', params: [toHexQuantity(first), true] },
      { jsonrpc: '2.0', id: 4, method: 'eth_getBlockByNumber', params: [toHexQuantity(first + 1), false] },
      { jsonrpc: '2.0', id: 5, method: 'eth_getLogs', params: [{ fromBlock: toHexQuantity(first), toBlock: toHexQuantity(first), address: [A, B] }] },
      { jsonrpc: '2.0', id: 6, method: 'eth_getBlockByNumber', params: [toHexQuantity(plan.head + 1), false] },
    ]);
    const [chainId, head, block, next, logs, past] = (json as { result: any }[]).map((r) => r.result);
    expect(chainId).toBe('0xa4b1');
    expect(Number(head)).toBe(plan.head);
    expect(block.hash).toBe(blockHash(42161, first));
    expect(next.parentHash).toBe(block.hash);
    expect(Number(block.l1BlockNumber)).toBe(plan.blocks[0]!.l1);
    expect(block.transactions).toHaveLength(1);
    expect(block.transactions[0].blockHash).toBe(block.hash);
    expect(next.transactions).toEqual([]);
    expect(logs).toHaveLength(plan.blocks[0]!.tx.logs.length);
    expect(logs.map((l: any) => [l.blockHash, l.transactionHash, l.transactionIndex, l.logIndex])).toEqual(
      logs.map((_: unknown, i: number) => [block.hash, block.transactions[0].hash, '0x0', toHexQuantity(i)]),
    );
    expect(past).toBeNull();
  });

  it('filters by address and topic, and answers all the history in one call when nothing caps it', async () => {
    const all = await new RpcClient({ url: plain.url }).request<unknown[]>('eth_getLogs', [{ fromBlock: toHexQuantity(plan.genesis), toBlock: 'latest' }]);
    expect(all).toHaveLength(plan.blocks.reduce((a, b) => a + b.tx.logs.length, 0));
    const onlyB = await new RpcClient({ url: plain.url }).request<{ address: string }[]>('eth_getLogs', [{ fromBlock: toHexQuantity(plan.genesis), toBlock: 'latest', address: B }]);
    expect(onlyB.length).toBeGreaterThan(0);
    expect(onlyB.every((l) => l.address === B)).toBe(true);
    const one = await new RpcClient({ url: plain.url }).request<unknown[]>('eth_getLogs', [{ fromBlock: toHexQuantity(plan.genesis), toBlock: 'latest', topics: [[topic(5), topic(9)]] }]);
    expect(one).toHaveLength(2);
  });

  it('refuses too many results as Alchemy does, naming a range that then fits', async () => {
    const s = await start(fast(alchemy, { rate: undefined, getLogs: { ...alchemy.getLogs, maxResults: 100 } }));
    const q = { fromBlock: toHexQuantity(plan.genesis), toBlock: toHexQuantity(plan.head) };
    const { status, json } = await post(s.url, { jsonrpc: '2.0', id: 7, method: 'eth_getLogs', params: [q] });
    expect(status).toBe(200);
    const err = (json as { error: { code: number; message: string } }).error;
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/^Log response size exceeded\. .* a cap of 100 logs in the response\. Based on your parameters and the response size limit, this block range should work: \[0x[0-9a-f]+, 0x[0-9a-f]+\]$/);
    const classified = classifyRpcError('eth_getLogs', err.code, err.message) as RangeTooLargeError;
    expect(classified).toBeInstanceOf(RangeTooLargeError);
    expect(classified.limit).toEqual({ maxResults: 100 });
    const fits = classified.suggestedRange!;
    expect(fits.from).toBe(plan.genesis);
    const logs = await new RpcClient({ url: s.url }).request<unknown[]>('eth_getLogs', [{ fromBlock: toHexQuantity(fits.from), toBlock: toHexQuantity(fits.to) }]);
    expect(logs.length).toBeLessThanOrEqual(100);
    expect(logs.length).toBeGreaterThan(95);
    expect(s.stats().refused.tooManyResults).toBe(1);
  });

  it('refuses too many results as Infura does, with its code and data', async () => {
    const s = await start(fast(infura, { rate: undefined, getLogs: { ...infura.getLogs, maxResults: 50 } }));
    const { json } = await post(s.url, { jsonrpc: '2.0', id: 8, method: 'eth_getLogs', params: [{ fromBlock: toHexQuantity(plan.genesis), toBlock: 'latest' }] });
    const err = (json as { error: { code: number; message: string; data: { limit: number } } }).error;
    expect(err.code).toBe(-32005);
    expect(err.message).toMatch(/^query returned more than 50 results\. Try with this block range \[0x[0-9a-f]+, 0x[0-9a-f]+\]\.$/);
    expect(err.data.limit).toBe(50);
    expect((classifyRpcError('eth_getLogs', err.code, err.message) as RangeTooLargeError).limit).toEqual({ maxResults: 50 });
  });

  it('refuses a too-wide span as QuickNode does: HTTP 413 and -32614, read by the client as a 10,000-block cap', async () => {
    const s = await start(fast(quicknode, { rate: undefined }));
    const { status, json } = await post(s.url, { jsonrpc: '2.0', id: 9, method: 'eth_getLogs', params: [{ fromBlock: toHexQuantity(plan.genesis), toBlock: toHexQuantity(plan.genesis + 10_000) }] });
    expect(status).toBe(413);
    expect(json).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32614, message: 'eth_getLogs is limited to a 10,000 range' } });
    const err = await new RpcClient({ url: s.url }).request('eth_getLogs', [{ fromBlock: toHexQuantity(plan.genesis), toBlock: toHexQuantity(plan.genesis + 10_000) }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeTooLargeError);
    expect((err as RangeTooLargeError).limit).toEqual({ maxRange: 10_000 });
    // Exactly 10,000 blocks is allowed.
    const ok = await post(s.url, { jsonrpc: '2.0', id: 10, method: 'eth_getLogs', params: [{ fromBlock: toHexQuantity(plan.genesis), toBlock: toHexQuantity(plan.genesis + 9_999) }] });
    expect(ok.status).toBe(200);
    expect(s.stats().widestLogSpan).toBe(10_000);
  });

  it('charges a rate limit in the provider\'s units: a whole batch refused (Alchemy), or only the calls past the budget (QuickNode)', async () => {
    const a = await start(fast(alchemy, { rate: { ...alchemy.rate!, unitsPerSecond: 100, burstSeconds: 1 } }));
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'eth_getBlockByNumber', params: [toHexQuantity(plan.genesis + i), false] }));
    // 20 CU per header: 5 fit in a 100-CU bucket, 6 do not.
    const first = await post(a.url, batch(6));
    expect(first.status).toBe(429);
    expect((first.json as { error: { code: number; message: string } }).error).toEqual({ code: 429, message: expect.stringMatching(/^Your app has exceeded its compute units per second capacity\./) });
    expect((await post(a.url, batch(5))).status).toBe(200);
    expect(a.stats().unitsCharged).toBe(100);

    const q = await start(fast(quicknode, { rate: { ...quicknode.rate!, unitsPerSecond: 4, burstSeconds: 1 } }));
    const res = await post(q.url, batch(6));
    expect(res.status).toBe(200);
    const items = res.json as { id: number; result?: unknown; error?: { code: number; message: string } }[];
    expect(items.filter((r) => r.result !== undefined)).toHaveLength(4);
    expect(items.filter((r) => r.error)).toEqual([
      { jsonrpc: '2.0', id: 4, error: { code: -32007, message: '4/second request limit reached - reduce calls per second or upgrade your account at quicknode.com' } },
      { jsonrpc: '2.0', id: 5, error: { code: -32007, message: '4/second request limit reached - reduce calls per second or upgrade your account at quicknode.com' } },
    ]);
    const e = classifyRpcError('eth_getBlockByNumber', -32007, items[4]!.error!.message);
    expect(e).toBeInstanceOf(RpcTransientError);
    expect((e as RpcTransientError).rateLimit).toEqual({ perSecond: 4 });
  });

  it('grows the head in real time once live, with the kept-back transactions in it', async () => {
    const chain = new ReplayChain(plan);
    const startMs = 1_000_000;
    const live = chain.startLive({ blocksPerSecond: 4, everyBlocks: 2, startMs });
    expect(live.map((l) => l.number)).toEqual([plan.head + 2, plan.head + 4, plan.head + 6, plan.head + 8]);
    expect(chain.head(startMs)).toBe(plan.head);
    expect(chain.head(startMs + 1_000)).toBe(plan.head + 4);
    expect(live[0]!.producedAt).toBe(startMs + 500);
    expect(chain.blockJson(plan.head + 3, false, startMs + 500)).toBeNull();
    const block = JSON.parse(chain.blockJson(plan.head + 2, false, startMs + 500)!) as { timestamp: string; transactions: string[] };
    expect(Number(block.timestamp)).toBe(Math.floor((startMs + 500) / 1000));
    expect(block.transactions).toEqual([plan.live[0]!.tx.hash]);
  });
});
