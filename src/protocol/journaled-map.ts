// A Map that can undo the writes of one transaction, so a ledger operation that "reverts" half-way
// leaves no trace, like an EVM transaction, without copying the whole state per operation.

/** Map with begin/commit/rollback; records are expected to be replaced, never mutated in place. */
export class JournaledMap<K, V> {
  private readonly data = new Map<K, V>();
  private journal: Map<K, V | undefined> | undefined;
  private dirty = new Set<K>();

  /** Value stored under key, or undefined. */
  get(key: K): V | undefined {
    return this.data.get(key);
  }

  /** Stores value, remembering the previous one if a transaction is open. */
  set(key: K, value: V): void {
    this.remember(key);
    this.data.set(key, value);
    this.dirty.add(key);
  }

  /** Deletes key, remembering the previous value if a transaction is open. */
  delete(key: K): void {
    this.remember(key);
    this.data.delete(key);
    this.dirty.add(key);
  }

  /** Keys written since the last call; a persisting caller writes exactly these. */
  drainDirty(): K[] {
    const keys = [...this.dirty];
    this.dirty = new Set();
    return keys;
  }

  /** Bulk-load persisted entries without marking them dirty. */
  load(entries: Iterable<[K, V]>): void {
    for (const [k, v] of entries) this.data.set(k, v);
  }

  get size(): number {
    return this.data.size;
  }

  /** Iterates current entries (insertion order). */
  entries(): IterableIterator<[K, V]> {
    return this.data.entries();
  }

  /** Starts recording undo information. */
  begin(): void {
    this.journal = new Map();
  }

  /** Drops undo information, keeping the writes. */
  commit(): void {
    this.journal = undefined;
  }

  /** Restores every key written since begin(). */
  rollback(): void {
    if (!this.journal) return;
    for (const [k, v] of this.journal) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, v);
    }
    this.journal = undefined;
  }

  private remember(key: K): void {
    if (this.journal && !this.journal.has(key)) this.journal.set(key, this.data.get(key));
  }
}
