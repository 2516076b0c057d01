import { describe, expect, it } from 'vitest';
import { ProtocolRevertError } from './precision.js';
import { TranscoderPool } from './transcoder-pool.js';

describe('TranscoderPool (SortedDoublyLL, no hints)', () => {
  it('keeps members sorted by stake, largest first', () => {
    const p = new TranscoderPool(3n);
    p.insert('a', 10n);
    p.insert('b', 30n);
    p.insert('c', 20n);
    expect(p.list().map((e) => e.address)).toEqual(['b', 'c', 'a']);
    expect(p.getFirst()).toBe('b');
    expect(p.getLast()).toBe('a');
    expect(p.isFull()).toBe(true);
  });
  it('places a new node before existing equal keys (so the oldest equal is last)', () => {
    const p = new TranscoderPool(3n);
    p.insert('old', 10n);
    p.insert('new', 10n);
    expect(p.list().map((e) => e.address)).toEqual(['new', 'old']);
    // updateKey re-inserts: the updated node moves ahead of its equals
    p.updateKey('old', 10n);
    expect(p.list().map((e) => e.address)).toEqual(['old', 'new']);
  });
  it('updateKey to 0 removes the node', () => {
    const p = new TranscoderPool(2n);
    p.insert('a', 1n);
    p.updateKey('a', 0n);
    expect(p.contains('a')).toBe(false);
    expect(p.size).toBe(0n);
  });
  it('rejects inserts when full, duplicates, zero keys; max size only grows', () => {
    const p = new TranscoderPool(1n);
    expect(() => p.insert('z', 0n)).toThrow(ProtocolRevertError);
    p.insert('a', 1n);
    expect(() => p.insert('b', 5n)).toThrow(ProtocolRevertError);
    expect(() => p.setMaxSize(1n)).toThrow(ProtocolRevertError);
    p.setMaxSize(2n);
    expect(() => p.insert('a', 5n)).toThrow(ProtocolRevertError);
    expect(() => p.remove('nope')).toThrow(ProtocolRevertError);
  });
});
