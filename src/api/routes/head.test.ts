import { describe, expect, it } from 'vitest';
import { headState } from './head.js';

describe('head freshness', () => {
  const live = { phase: 'live', lagBlocks: 0 };
  const f = { staleAfterSeconds: 150, stoppedAfterSeconds: 600 };

  it('is live while the head is recent, stale once older, stopped past the stop age', () => {
    expect(headState(0, live, f)).toBe('live');
    expect(headState(150, live, f)).toBe('live');
    expect(headState(151, live, f)).toBe('stale');
    expect(headState(600, live, f)).toBe('stale');
    expect(headState(601, live, f)).toBe('stopped');
  });

  it('is syncing while the in-process indexer catches up, whatever the head age; an external indexer goes by age', () => {
    expect(headState(86_400 * 20, { phase: 'history', lagBlocks: 0 }, f)).toBe('syncing');
    expect(headState(86_400, { phase: 'backfill', lagBlocks: 5_000 }, f)).toBe('syncing');
    expect(headState(10, { phase: 'live', lagBlocks: 21 }, f)).toBe('syncing');
    expect(headState(10, { phase: 'external', lagBlocks: null }, f)).toBe('live');
    expect(headState(700, { phase: 'external', lagBlocks: null }, f)).toBe('stopped');
  });

  it('defaults to Arbitrum One thresholds: a minute, ten minutes', () => {
    expect(headState(60, live)).toBe('live');
    expect(headState(61, live)).toBe('stale');
    expect(headState(601, live)).toBe('stopped');
  });
});
