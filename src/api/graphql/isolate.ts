import { Worker } from 'node:worker_threads';
import { CompiledQuery, type QueryResult } from 'kysely';
import { AtlasError } from '../../base/errors.js';
import type { Db } from '../../read/db.js';
import type { GraphQLRequest } from './admission.js';
import type { GraphQLAnswer } from './executor.js';

/**
 * GraphQL in a worker thread. Parsing, validation, resolvers and the answer's serialization run there, so a heavy
 * query never holds the thread that answers /health, streams SSE, serves REST and drives the indexer. The worker's
 * SQL comes back here one statement at a time and runs on `db` with at most `sqlConcurrency` statements in
 * flight (on PostgreSQL: a pool of its own with a statement timeout; on the embedded database: its one session,
 * where an indexer write waits behind at most that many GraphQL statements). Each request has a time limit: when
 * it passes, the client gets a 503, the request's remaining statements are refused, and a worker that does not
 * come back is replaced. The worker's heap is capped, so a query cannot take the process's memory.
 */

export type ToWorker =
  | { type: 'run'; id: number; request: GraphQLRequest; accept: string }
  | { type: 'cancel'; id: number }
  | { type: 'rows'; id: number; result?: QueryResult<unknown>; error?: { code: string; message: string } };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'sql'; id: number; run: number; sql: string; parameters: unknown[] }
  | { type: 'answer'; id: number; answer: GraphQLAnswer | null; error?: string }
  | { type: 'fault'; run: number; err: { name: string; message: string; stack?: string } };

export interface IsolateOptions {
  /** Where the worker's statements run. */
  db: Db;
  /** Statements of the worker in flight at once (default 2; 1 when `sharesThread`). */
  sqlConcurrency?: number;
  /**
   * The statements run on the serving thread (the embedded database is WebAssembly in this process): after each,
   * the next waits as long as it took, so GraphQL holds at most about half of that thread and /health, SSE, REST
   * and the indexer keep getting their turn.
   */
  sharesThread?: boolean;
  /** A request's time limit, ms (default 10,000). */
  timeoutMs?: number;
  /** The worker's snapshot cache re-check interval (ApiData), ms. */
  cacheTtlMs: number;
  /** Resolver failures that are faults of ours, with the request they belong to. */
  onFault: (err: Error, run: { requestId: string; method: string } | undefined) => void;
}

/** Heap of the worker: a query that would need more is stopped (the worker is replaced) instead of growing the process. */
const WORKER_HEAP_MB = 768;
/** How long a stopped request may take to let go before its worker is replaced. */
const CANCEL_GRACE_MS = 2_000;
/** Longest pause after a statement on a shared thread. */
const MAX_PAUSE_MS = 1_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Pending {
  resolve: (a: GraphQLAnswer) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
  meta: { requestId: string; method: string };
}

export class GraphQLIsolate {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  readonly timeoutMs: number;
  private readonly sqlConcurrency: number;

  constructor(private readonly opts: IsolateOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    // On a shared thread a second statement in flight would run straight after the first, with no turn for
    // /health, SSE or REST in between: one at a time there.
    this.sqlConcurrency = opts.sqlConcurrency ?? (opts.sharesThread ? 1 : 2);
  }

  /** Runs one admitted request; rejects with AtlasError 'unavailable' when it passes its time limit or the worker fails. */
  run(request: GraphQLRequest, accept: string, meta: { requestId: string; method: string }): Promise<GraphQLAnswer> {
    if (this.closed) return Promise.reject(new AtlasError('unavailable', 'the server is shutting down'));
    const { worker, ready } = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<GraphQLAnswer>((resolve, reject) => {
      // The time limit counts from when a worker can run the request (its start-up is not the query's time).
      const p: Pending = { resolve, reject, timer: null, meta };
      this.pending.set(id, p);
      void ready.then(() => {
        if (this.pending.get(id) !== p) return;
        p.timer = setTimeout(() => this.stop(id, worker), this.timeoutMs);
        worker.postMessage({ type: 'run', id, request, accept } satisfies ToWorker);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failAll('the server is shutting down');
    await w?.terminate();
  }

  private stop(id: number, worker: Worker): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(new AtlasError('unavailable', `the query ran longer than its time limit of ${this.timeoutMs / 1000} s and was stopped; ask for fewer rows or split the query`));
    worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
    // A worker busy in one long stretch of JavaScript cannot hear the cancel: replace it.
    const check = setTimeout(() => {
      if (this.worker === worker && this.stillRunning.has(id)) this.replace(worker, 'a stopped query did not let go');
    }, CANCEL_GRACE_MS);
    check.unref();
    this.stillRunning.add(id);
  }

  // Requests stopped here whose worker has not answered yet.
  private readonly stillRunning = new Set<number>();

  private ensureWorker(): { worker: Worker; ready: Promise<void> } {
    if (this.worker) return { worker: this.worker, ready: this.workerReady! };
    // From the compiled build the worker is plain JavaScript; from the TypeScript sources (tests, development)
    // it loads through tsx, registered inside the worker before its module is imported.
    const ts = import.meta.url.endsWith('.ts');
    const entry = new URL(ts ? './worker.ts' : './worker.js', import.meta.url);
    const options = { workerData: { cacheTtlMs: this.opts.cacheTtlMs }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
    const worker = ts
      ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); });`, { ...options, eval: true })
      : new Worker(entry, options);
    worker.unref();
    this.workerReady = new Promise<void>((resolve) => worker.once('message', () => resolve()));
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    worker.on('error', (e) => this.replace(worker, `the GraphQL worker failed: ${e.message}`));
    worker.on('exit', () => {
      if (this.worker === worker) this.replace(worker, 'the GraphQL worker stopped');
    });
    this.worker = worker;
    return { worker, ready: this.workerReady };
  }

  private workerReady: Promise<void> | null = null;

  private replace(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.stillRunning.clear();
    this.failAll(`${why}; retry the query`);
    void worker.terminate();
  }

  private failAll(message: string): void {
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new AtlasError('unavailable', message));
      this.pending.delete(id);
    }
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (m.type === 'ready') return;
    if (m.type === 'sql') {
      void this.statement(m.run, m.sql, m.parameters).then(
        (result) => worker.postMessage({ type: 'rows', id: m.id, result } satisfies ToWorker),
        (e: unknown) => worker.postMessage({ type: 'rows', id: m.id, error: statementError(e) } satisfies ToWorker),
      );
    } else if (m.type === 'answer') {
      this.stillRunning.delete(m.id);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (p.timer) clearTimeout(p.timer);
      if (m.answer) p.resolve(m.answer);
      else p.reject(new Error(m.error ?? 'GraphQL execution failed'));
    } else if (m.type === 'fault') {
      this.opts.onFault(Object.assign(new Error(m.err.message), { name: m.err.name, stack: m.err.stack }), this.pending.get(m.run)?.meta);
    }
  }

  /** One of the worker's statements, when fewer than `sqlConcurrency` are in flight. */
  private async statement(run: number, sqlText: string, parameters: unknown[]): Promise<QueryResult<unknown>> {
    if (this.running >= this.sqlConcurrency) await new Promise<void>((r) => this.waiting.push(r));
    // A stopped request's statements that were still waiting do not run.
    if (this.stillRunning.has(run)) {
      this.waiting.shift()?.();
      throw Object.assign(new Error('the query was stopped'), { code: 'stopped' });
    }
    this.running++;
    const started = performance.now();
    try {
      const r = await this.opts.db.executeQuery(CompiledQuery.raw(sqlText, parameters));
      return { rows: r.rows, ...(r.numAffectedRows === undefined ? {} : { numAffectedRows: r.numAffectedRows }) };
    } finally {
      // The slot is held through the pause (answered already), so the next statement starts after it.
      if (this.opts.sharesThread) void sleep(Math.min(performance.now() - started, MAX_PAUSE_MS)).then(() => this.release());
      else this.release();
    }
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

/** A failed statement as the worker needs it: PostgreSQL's statement timeout is said to the client, the rest is masked. */
function statementError(e: unknown): { code: string; message: string } {
  const code = (e as { code?: string }).code;
  if (code === '57014') return { code: 'statement_timeout', message: 'a database statement of this query ran longer than the statement timeout and was cancelled; ask for fewer rows' };
  return { code: code ?? 'error', message: (e as Error).message ?? String(e) };
}
