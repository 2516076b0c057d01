// The GraphQL worker thread: parses, validates, executes and serializes GraphQL requests away from the thread
// that answers /health, streams SSE, serves REST and drives the indexer. Its SQL runs on that thread's database
// (forwarded one statement at a time, see isolate.ts), so it holds no connection of its own.
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { QueryResult } from 'kysely';
import { AtlasError } from '../../base/errors.js';
import { forwardingDb } from '../../read/db.js';
import { ApiData } from '../data.js';
import { graphqlExecutor } from './executor.js';
import type { FromWorker, ToWorker } from './isolate.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

// The request a statement belongs to: its run id, and whether it was stopped.
const current = new AsyncLocalStorage<{ run: number; signal: AbortSignal }>();
const statements = new Map<number, { resolve: (r: QueryResult<unknown>) => void; reject: (e: Error) => void }>();
let nextStatement = 0;

const db = forwardingDb((sql, parameters) => {
  const req = current.getStore();
  // A stopped request runs nothing more: its remaining resolvers fail at their next statement.
  if (req?.signal.aborted) return Promise.reject(new AtlasError('unavailable', 'the query was stopped'));
  const id = nextStatement++;
  return new Promise((resolve, reject) => {
    statements.set(id, { resolve, reject });
    post({ type: 'sql', id, run: req?.run ?? -1, sql, parameters: [...parameters] });
  });
});
const { cacheTtlMs } = workerData as { cacheTtlMs: number };
const data = new ApiData(db, cacheTtlMs);
const execute = graphqlExecutor(
  data,
  (err) => {
    const e = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: 'Error', message: String(err) };
    post({ type: 'fault', run: current.getStore()?.run ?? -1, err: e });
  },
  cacheTtlMs,
);

const runs = new Map<number, AbortController>();

port.on('message', (m: ToWorker) => {
  if (m.type === 'rows') {
    const s = statements.get(m.id);
    statements.delete(m.id);
    if (!s) return;
    if (m.error) s.reject(m.error.code === 'statement_timeout' || m.error.code === 'stopped' ? new AtlasError('unavailable', m.error.message) : Object.assign(new Error(m.error.message), { code: m.error.code }));
    else s.resolve(m.result!);
  } else if (m.type === 'run') {
    const ctl = new AbortController();
    runs.set(m.id, ctl);
    void current
      .run({ run: m.id, signal: ctl.signal }, () => execute(m.request, m.accept))
      .then(
        (answer) => post({ type: 'answer', id: m.id, answer }),
        (e: unknown) => post({ type: 'answer', id: m.id, answer: null, error: (e as Error).message }),
      )
      .finally(() => runs.delete(m.id));
  } else if (m.type === 'cancel') {
    runs.get(m.id)?.abort();
  }
});

post({ type: 'ready' });
