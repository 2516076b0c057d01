// The BondingManager's transcoderPool (SortedDoublyLL): next round's active set, sorted by stake descending.
import { requireThat } from './precision.js';

/** One pool member: address and its key (total stake, LPT-wei). */
export interface PoolEntry {
  readonly address: string;
  readonly stake: bigint;
}

/**
 * Sorted pool with SortedDoublyLL semantics for hint-less inserts: a node goes before the first node whose key
 * is <= its own, so among equal stakes the most recently inserted/updated ranks first and the oldest is last.
 */
export class TranscoderPool {
  private entries: PoolEntry[] = [];

  constructor(private maxSizeValue: bigint) {}

  /** Maximum number of members (numActiveTranscoders). */
  get maxSize(): bigint {
    return this.maxSizeValue;
  }

  /** Current number of members. */
  get size(): bigint {
    return BigInt(this.entries.length);
  }

  /** SortedDoublyLL.setMaxSize: the new size must be strictly greater than the old one. */
  setMaxSize(size: bigint): void {
    requireThat(size > this.maxSizeValue, 'new max size must be greater than old max size');
    this.maxSizeValue = size;
  }

  /** True when size == maxSize. */
  isFull(): boolean {
    return this.size === this.maxSizeValue;
  }

  /** True when the address is a member (members always have a non-zero key). */
  contains(address: string): boolean {
    return this.entries.some((e) => e.address === address);
  }

  /** Key (LPT-wei) of a member, 0 when absent. */
  getKey(address: string): bigint {
    return this.entries.find((e) => e.address === address)?.stake ?? 0n;
  }

  /** Member with the smallest stake (the eviction candidate), undefined when empty. */
  getLast(): string | undefined {
    return this.entries[this.entries.length - 1]?.address;
  }

  /** Member with the largest stake, undefined when empty. */
  getFirst(): string | undefined {
    return this.entries[0]?.address;
  }

  /** SortedDoublyLL.insert: requires not full, not present, non-zero key. */
  insert(address: string, stake: bigint): void {
    requireThat(!this.isFull(), 'pool is full');
    requireThat(!this.contains(address), 'pool already contains node');
    requireThat(stake > 0n, 'key must be non-zero');
    const idx = this.entries.findIndex((e) => e.stake <= stake);
    const entry = { address, stake };
    if (idx < 0) this.entries.push(entry);
    else this.entries.splice(idx, 0, entry);
  }

  /** SortedDoublyLL.remove: requires presence. */
  remove(address: string): void {
    const idx = this.entries.findIndex((e) => e.address === address);
    requireThat(idx >= 0, 'pool does not contain node');
    this.entries.splice(idx, 1);
  }

  /** SortedDoublyLL.updateKey: remove then re-insert unless the new key is 0 (then the node just leaves). */
  updateKey(address: string, stake: bigint): void {
    this.remove(address);
    if (stake > 0n) this.insert(address, stake);
  }

  /** Members in order, largest stake first. */
  list(): readonly PoolEntry[] {
    return [...this.entries];
  }

  /** Copy for transactional rollback. */
  clone(): TranscoderPool {
    const p = new TranscoderPool(this.maxSizeValue);
    p.entries = [...this.entries];
    return p;
  }
}
