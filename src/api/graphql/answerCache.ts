import { AsyncLocalStorage } from 'node:async_hooks';
import { Kind, parse } from 'graphql';
import { CompiledQuery, type QueryResult } from 'kysely';
import { singleFlight } from '../../base/singleFlight.js';
import { dataVersion } from '../../read/chain.js';
import { forwardingDb, type Db } from '../../read/db.js';

// The subgraph's entities change only when the indexer commits a batch, which moves the data version (the sync
// checkpoints and the chain head, read/chain.ts). Within one version the same statement has the same rows and the
// same request the same answer, so both are kept per version: the Explorer's pages ask the same few operations
// over and over, and its account page asks for the same protocol and round for every account. As REST's snapshot,
// a new version is seen within `ttlMs`.

/** A map of at most `maxWeight` in total, the least recently used leaving first. Values may be pending. */
export class Lru<V> {
  private readonly map = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    private readonly maxWeight: number,
    /** Heavier entries are not kept. */
    private readonly maxEntryWeight: number,
  ) {}

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V, weight: number): void {
    this.delete(key);
    if (weight > this.maxEntryWeight) return;
    this.map.set(key, { value, weight });
    this.total += weight;
    for (const [k, e] of this.map) {
      if (this.total <= this.maxWeight) break;
      this.map.delete(k);
      this.total -= e.weight;
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.total -= e.weight;
  }

  get size(): number {
    return this.map.size;
  }
}

/** The data version, read at most once per `ttlMs`. */
export class VersionClock {
  private version: string | null = null;
  private readAt = 0;
  private readonly probe: () => Promise<string>;

  constructor(db: Db, private readonly ttlMs: number) {
    this.probe = singleFlight(async () => {
      const v = await dataVersion(db);
      this.version = v;
      this.readAt = Date.now();
      return v;
    });
  }

  async current(): Promise<string> {
    if (this.version !== null && Date.now() - this.readAt < this.ttlMs) return this.version;
    return this.probe();
  }
}

const keyText = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

/** Statements kept: rows in total, and the most rows one statement may have to be kept. */
const STATEMENT_ROWS = 200_000;
const STATEMENT_MAX_ROWS = 20_000;

/**
 * A database handle over `db` whose statements are answered once per data version: the version is the one the
 * request runs in (`inVersion`); outside a request statements are not kept. Concurrent equal statements share one
 * run; a failed one is not kept.
 */
export class StatementCache {
  private readonly scope = new AsyncLocalStorage<string>();
  private readonly kept = new Lru<Promise<QueryResult<unknown>>>(STATEMENT_ROWS, STATEMENT_MAX_ROWS);
  readonly db: Db;

  constructor(inner: Db) {
    const run = (sqlText: string, parameters: readonly unknown[]) => inner.executeQuery(CompiledQuery.raw(sqlText, [...parameters]));
    this.db = forwardingDb((sqlText, parameters) => {
      const version = this.scope.getStore();
      if (version === undefined) return run(sqlText, parameters);
      const key = `${version}\u0000${sqlText}\u0000${keyText(parameters)}`;
      const hit = this.kept.get(key);
      if (hit) return hit;
      const p = run(sqlText, parameters);
      this.kept.set(key, p, 1);
      p.then(
        (r) => (this.kept.get(key) === p ? this.kept.set(key, p, r.rows.length + 1) : undefined),
        () => this.kept.delete(key),
      );
      return p;
    });
  }

  /** Runs `fn` with this handle's statements kept for `version`. */
  inVersion<T>(version: string, fn: () => Promise<T>): Promise<T> {
    return this.scope.run(version, fn);
  }
}

/**
 * The top-level fields of a document's operations, or null when it does not parse (then nothing is kept: the
 * executor reports the error). Kept per query text.
 */
export function rootFields(query: string, memo: Lru<string[] | null>): string[] | null {
  const hit = memo.get(query);
  if (hit !== undefined) return hit;
  let fields: string[] | null = null;
  try {
    const doc = parse(query);
    fields = [];
    for (const d of doc.definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) continue;
      if (d.kind !== Kind.OPERATION_DEFINITION || d.operation !== 'query') {
        fields = null;
        break;
      }
      for (const s of d.selectionSet.selections) {
        // A fragment at the top: not worth following, the request is simply not kept.
        if (s.kind !== Kind.FIELD) {
          fields = null;
          break;
        }
        fields.push(s.name.value);
      }
      if (fields === null) break;
    }
  } catch {
    fields = null;
  }
  memo.set(query, fields, query.length);
  return fields;
}
