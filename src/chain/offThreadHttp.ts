import { Worker } from 'node:worker_threads';

/**
 * JSON-RPC POSTs carried out in a worker thread: the request, the body, its JSON parse, and the slimming of
 * the bulk answers (eth_getLogs, eth_getBlockByNumber) to the fields Atlas reads. A backfill receives tens of
 * megabytes of JSON; parsed here, they would take the thread that decodes, replays and writes the batches,
 * while the worker runs on another core and hands over compact structured clones. Slimming drops keys only,
 * never changes a value: the caller's schemas still check every field it reads, with the same errors.
 */

/** How an answer's results are slimmed: the keys kept of each log, of a block, of each of its transactions. */
export type SlimKind = 'logs' | 'block';

const LOG_KEYS = ['address', 'topics', 'data', 'blockNumber', 'blockHash', 'transactionHash', 'transactionIndex', 'logIndex', 'removed'];
const BLOCK_KEYS = ['number', 'hash', 'parentHash', 'timestamp', 'l1BlockNumber', 'transactions'];
const TX_KEYS = ['hash', 'from', 'to', 'gas', 'gasPrice', 'maxFeePerGas', 'blockNumber', 'transactionIndex'];

/** What came back: the parsed (and slimmed) body, or its text when it is an error status or not JSON. */
export interface OffThreadAnswer {
  status: number;
  retryAfter: string | null;
  json?: unknown;
  text?: string;
}

/** The request failed before an answer was read: timed out, or a connection error (message as `describe` words it). */
export class OffThreadPostError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

interface Request {
  id: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** [JSON-RPC id, how to slim its result]. */
  slim: [number, SlimKind][];
}

type Reply = { id: number; answer: OffThreadAnswer } | { id: number; error: { message: string; timedOut: boolean } };

// Runs in the worker: plain JavaScript (no loader there), so the same code serves sources and the build.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const KEYS = { log: ${JSON.stringify(LOG_KEYS)}, block: ${JSON.stringify(BLOCK_KEYS)}, tx: ${JSON.stringify(TX_KEYS)} };
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
function pick(o, keys) {
  if (!isRecord(o)) return o;
  const out = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = o[k];
  return out;
}
function slimResult(kind, r) {
  if (kind === 'logs') return Array.isArray(r) ? r.map((l) => pick(l, KEYS.log)) : r;
  const b = pick(r, KEYS.block);
  if (isRecord(b) && Array.isArray(b.transactions)) b.transactions = b.transactions.map((t) => pick(t, KEYS.tx));
  return b;
}
function slim(json, kinds) {
  const one = (item) => {
    if (!isRecord(item) || !('result' in item)) return;
    const kind = kinds.get(item.id);
    if (kind) item.result = slimResult(kind, item.result);
  };
  if (Array.isArray(json)) json.forEach(one);
  else one(json);
  return json;
}
function describe(e) {
  const cause = e && e.cause;
  return e instanceof Error ? (cause instanceof Error ? e.message + ' (' + cause.message + ')' : e.message) : String(e);
}
parentPort.on('message', async (m) => {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), m.timeoutMs);
  try {
    const res = await fetch(m.url, { method: 'POST', headers: m.headers, body: m.body, signal: ctrl.signal });
    const retryAfter = res.headers.get('retry-after');
    const text = await res.text();
    clearTimeout(timer);
    const status = res.status;
    if (status === 429 || status === 413 || status === 408 || status >= 500) return parentPort.postMessage({ id: m.id, answer: { status, retryAfter, text } });
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      return parentPort.postMessage({ id: m.id, answer: { status, retryAfter, text } });
    }
    parentPort.postMessage({ id: m.id, answer: { status, retryAfter, json: slim(json, new Map(m.slim)) } });
  } catch (e) {
    clearTimeout(timer);
    parentPort.postMessage({ id: m.id, error: { message: describe(e), timedOut: ctrl.signal.aborted } });
  }
});
`;

/** One worker for the process, started on first use; it keeps the process alive only while requests are out. */
class OffThreadHttp {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (a: OffThreadAnswer) => void; reject: (e: Error) => void }>();

  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, slim: [number, SlimKind][]): Promise<OffThreadAnswer> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise<OffThreadAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, url, headers, body, timeoutMs, slim } satisfies Request);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.settled(r.id);
      if ('answer' in r) p.resolve(r.answer);
      else p.reject(new OffThreadPostError(r.error.message, r.error.timedOut));
    });
    // A worker that died takes its requests with it: they fail as connection errors (retried), and the next post starts a new one.
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const out = [...this.pending.values()];
      this.pending.clear();
      for (const p of out) p.reject(new OffThreadPostError(why, false));
    };
    worker.on('error', (e) => fail(`HTTP worker failed: ${e.message}`));
    worker.on('exit', (code) => fail(`HTTP worker exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
  }
}

let shared: OffThreadHttp | null = null;

/** POSTs `body` to `url` from the process's HTTP worker thread. */
export function postOffThread(url: string, headers: Record<string, string>, body: string, timeoutMs: number, slim: [number, SlimKind][]): Promise<OffThreadAnswer> {
  shared ??= new OffThreadHttp();
  return shared.post(url, headers, body, timeoutMs, slim);
}
