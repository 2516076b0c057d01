/**
 * The documented limits of hosted JSON-RPC providers, and the exact error replies they send when a
 * client crosses them, as profiles the provider-shaped server (providerServer.ts) applies to a
 * replayed chain. Limits and wire formats are the providers' published ones (cited per profile);
 * latencies are assumptions (a typical round trip from a well-connected host), not measurements.
 */

/** One HTTP reply: status, JSON body and extra headers. */
export interface ProviderReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A JSON-RPC error object as a provider sends it. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export interface RateLimit {
  /** Units the provider refills per second (compute units, credits or plain requests). */
  unitsPerSecond: number;
  /** Seconds of refill the bucket holds: the burst a client may send above the rate. */
  burstSeconds: number;
  unit: 'compute units' | 'credits' | 'requests';
  /** Cost per method; methods not listed cost `defaultCost`. */
  costs: Readonly<Record<string, number>>;
  defaultCost: number;
  /**
   * 'request': a request whose total cost the bucket cannot cover is refused whole with `reply`.
   * 'item': batch items past the budget fail one by one with `itemError`, the rest are answered.
   */
  batch: 'request' | 'item';
  /** The reply to a refused request; `perSecond` is the configured rate. */
  reply: (id: unknown, perSecond: number) => ProviderReply;
  itemError?: (perSecond: number) => RpcErrorObject;
}

export interface GetLogsCaps {
  /** Widest block span (toBlock − fromBlock + 1) one eth_getLogs may ask for. */
  maxRange?: number;
  /** Most logs one eth_getLogs may return. */
  maxResults?: number;
  /** Reply to a span wider than maxRange. */
  rangeError?: (id: unknown, maxRange: number) => ProviderReply;
  /** Reply to a query with more than maxResults logs; `fits` is the widest range from `from` that would answer. */
  resultsError?: (id: unknown, q: { from: number; to: number; fits: number; maxResults: number }) => ProviderReply;
}

export interface ProviderProfile {
  name: string;
  /** The plan modelled and where its numbers come from, for result files. */
  plan: string;
  latency: { meanMs: number; jitterMs: number };
  /** Extra server time per eth_getLogs: scanning the span and returning the logs. */
  getLogsWork: { msPerMillionBlocks: number; msPerThousandLogs: number };
  rate?: RateLimit;
  getLogs: GetLogsCaps;
  /** Share of HTTP requests answered with a server error (not charged, as the providers document). */
  serverErrorRate: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
/** 10000 → "10K", as Alchemy writes its cap. */
const thousands = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}K` : String(n));
const rpcError = (id: unknown, error: RpcErrorObject) => ({ jsonrpc: '2.0', id, error });

/**
 * Alchemy, Growth plan: 660 compute units per second, evaluated as a token bucket over a 10-second
 * window; eth_getLogs on Arbitrum has no block-range cap on paid plans and at most 10,000 logs per
 * response. CU per method from Alchemy's compute-unit table. Over the rate: HTTP 429 with a JSON-RPC
 * error of code 429. Sources: alchemy.com/docs/reference/throughput, /compute-unit-costs, /eth-getlogs.
 */
export const alchemy: ProviderProfile = {
  name: 'alchemy',
  plan: 'Alchemy Growth: 660 CU/s (10 s token bucket), eth_getLogs 60 CU, eth_getBlockByNumber 20 CU, eth_call 26 CU, no block-range cap, 10,000 logs per response',
  latency: { meanMs: 80, jitterMs: 30 },
  getLogsWork: { msPerMillionBlocks: 0.5, msPerThousandLogs: 10 },
  rate: {
    unitsPerSecond: 660,
    burstSeconds: 10,
    unit: 'compute units',
    costs: { eth_chainId: 0, net_version: 0, eth_syncing: 0, eth_blockNumber: 10, eth_getLogs: 60, eth_getBlockByNumber: 20, eth_getBlockByHash: 20, eth_getTransactionReceipt: 20, eth_call: 26 },
    defaultCost: 20,
    batch: 'request',
    reply: (id) => ({
      status: 429,
      body: rpcError(id, {
        code: 429,
        message:
          'Your app has exceeded its compute units per second capacity. If you have retries enabled, you can safely ignore this message. If not, check out https://docs.alchemy.com/reference/throughput',
      }),
    }),
  },
  getLogs: {
    maxResults: 10_000,
    resultsError: (id, q) => ({
      status: 200,
      body: rpcError(id, {
        code: -32602,
        message:
          `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of ${thousands(q.maxResults)} logs in the response. ` +
          `Based on your parameters and the response size limit, this block range should work: [${hex(q.from)}, ${hex(q.fits)}]`,
      }),
    }),
  },
  serverErrorRate: 0.002,
};

/**
 * Infura, Developer plan: 4,000 credits per second; eth_getLogs costs 255 credits, methods without a
 * listed price the default 80; eth_getLogs returns at most 10,000 results (error -32005 naming a range
 * that fits). Over the rate: HTTP 429, -32005 "project ID request rate exceeded" with the suggested
 * back-off. Sources: docs.metamask.io/services (pricing, credit cost, eth_getLogs constraints).
 */
export const infura: ProviderProfile = {
  name: 'infura',
  plan: 'Infura Developer: 4,000 credits/s, eth_getLogs 255 credits, other calls 80, 10,000 results per eth_getLogs',
  latency: { meanMs: 80, jitterMs: 30 },
  getLogsWork: { msPerMillionBlocks: 0.5, msPerThousandLogs: 10 },
  rate: {
    unitsPerSecond: 4_000,
    burstSeconds: 1,
    unit: 'credits',
    costs: { eth_getLogs: 255, eth_chainId: 5, net_version: 5 },
    defaultCost: 80,
    batch: 'request',
    // allowed_rps: the credit rate in calls of the default price.
    reply: (id, perSecond) => ({
      status: 429,
      body: rpcError(id, {
        code: -32005,
        message: 'project ID request rate exceeded',
        data: { rate: { allowed_rps: Math.floor(perSecond / 80), backoff_seconds: 1, current_rps: Math.floor(perSecond / 80) + 1 }, see: 'https://infura.io/docs/ethereum/json-rpc/ratelimits' },
      }),
    }),
  },
  getLogs: {
    maxResults: 10_000,
    resultsError: (id, q) => ({
      status: 200,
      body: rpcError(id, {
        code: -32005,
        message: `query returned more than ${q.maxResults} results. Try with this block range [${hex(q.from)}, ${hex(q.fits)}].`,
        data: { from: hex(q.from), limit: q.maxResults, to: hex(q.fits) },
      }),
    }),
  },
  serverErrorRate: 0.002,
};

const quicknodeLimited = (perSecond: number): RpcErrorObject => ({
  code: -32007,
  message: `${perSecond}/second request limit reached - reduce calls per second or upgrade your account at quicknode.com`,
});

/**
 * QuickNode, Scale plan: 200 requests per second, each call of a batch counted on its own (items past
 * the budget fail, the rest of the batch is answered); eth_getLogs spans at most 10,000 blocks on paid
 * plans, refused with HTTP 413 and -32614. Over the rate: -32007 "N/second request limit reached".
 * Sources: quicknode.com/docs (eth_getLogs), support.quicknode.com ("429 Errors Explained").
 */
export const quicknode: ProviderProfile = {
  name: 'quicknode',
  plan: 'QuickNode Scale: 200 requests/s (batch items counted one by one), eth_getLogs at most 10,000 blocks',
  latency: { meanMs: 80, jitterMs: 30 },
  getLogsWork: { msPerMillionBlocks: 0.5, msPerThousandLogs: 10 },
  rate: {
    unitsPerSecond: 200,
    burstSeconds: 1,
    unit: 'requests',
    costs: {},
    defaultCost: 1,
    batch: 'item',
    itemError: (perSecond) => quicknodeLimited(perSecond),
    reply: (id, perSecond) => ({ status: 429, body: rpcError(id, quicknodeLimited(perSecond)) }),
  },
  getLogs: {
    maxRange: 10_000,
    rangeError: (id, maxRange) => ({ status: 413, body: rpcError(id, { code: -32614, message: `eth_getLogs is limited to a ${maxRange.toLocaleString('en-US')} range` }) }),
  },
  serverErrorRate: 0.002,
};

/**
 * An archive node (Nitro) on the same host: no rate limit, no caps, sub-millisecond round trips.
 * Its eth_getLogs time grows with the span scanned and the logs returned.
 */
export const localArchive: ProviderProfile = {
  name: 'localhost-archive',
  plan: 'archive node on localhost: no rate limit, no eth_getLogs caps, ~0.3 ms round trip',
  latency: { meanMs: 0.3, jitterMs: 0.2 },
  getLogsWork: { msPerMillionBlocks: 0.5, msPerThousandLogs: 5 },
  getLogs: {},
  serverErrorRate: 0,
};

/** The same chain with nothing in the way: the reference a shaped sync must equal. */
export const unshaped: ProviderProfile = {
  name: 'unshaped',
  plan: 'no latency, no limits, no errors',
  latency: { meanMs: 0, jitterMs: 0 },
  getLogsWork: { msPerMillionBlocks: 0, msPerThousandLogs: 0 },
  getLogs: {},
  serverErrorRate: 0,
};

export const providerProfiles: readonly ProviderProfile[] = [alchemy, infura, quicknode, localArchive];

/** Cost of one call under a rate limit (0 without one). */
export function callCost(rate: RateLimit | undefined, method: string): number {
  if (!rate) return 0;
  return rate.costs[method] ?? rate.defaultCost;
}
