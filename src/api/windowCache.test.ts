import { describe, expect, it } from 'vitest';
import { WindowCache } from './windowCache.js';

describe('WindowCache', () => {
  const setup = (ttlMs = 1000) => {
    let t = 0;
    let computed = 0;
    let release: (() => void) | null = null;
    const cache = new WindowCache<{ body: string }>(ttlMs, 1_000_000, () => t);
    const compute = (hold = false) => async () => {
      const n = ++computed;
      if (hold) await new Promise<void>((r) => (release = r));
      return { body: `answer ${n}` };
    };
    return { cache, compute, advance: (ms: number) => (t += ms), computed: () => computed, release: () => release?.() };
  };

  it('computes once for concurrent readers and reuses the answer within the window', async () => {
    const s = setup();
    const readers = Array.from({ length: 50 }, () => s.cache.get('/lb', s.compute(true)));
    s.release();
    expect(new Set((await Promise.all(readers)).map((a) => a.body))).toEqual(new Set(['answer 1']));
    s.advance(999);
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 1');
    expect(s.computed()).toBe(1);
  });

  it('serves a stale answer while one refresh runs, then the refreshed one; past three windows it waits', async () => {
    const s = setup();
    await s.cache.get('/lb', s.compute());
    s.advance(1500);
    expect((await s.cache.get('/lb', s.compute(true))).body).toBe('answer 1');
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 1'); // refresh still running: no second one
    expect(s.computed()).toBe(2);
    s.release();
    await new Promise((r) => setTimeout(r, 0));
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 2');
    s.advance(3001);
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 3');
  });

  it('forgets everything on invalidate, including a computation started before it; ttl 0 never caches', async () => {
    const s = setup();
    const before = s.cache.get('/lb', s.compute(true));
    s.cache.invalidate();
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 2');
    s.release();
    expect((await before).body).toBe('answer 1');
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 2');
    const none = setup(0);
    await none.cache.get('/lb', none.compute());
    await none.cache.get('/lb', none.compute());
    expect(none.computed()).toBe(2);
  });

  it("keeps an answer for the read's own time to live, never longer than the cache's", async () => {
    const s = setup(1000);
    await s.cache.get('/short', s.compute(), 400);
    s.advance(500);
    await s.cache.get('/short', s.compute(), 400); // stale: served, refreshed behind it
    expect(s.computed()).toBe(2);
    await s.cache.get('/long', s.compute(), 60_000);
    s.advance(3500);
    expect((await s.cache.get('/long', s.compute(), 60_000)).body).toBe('answer 4'); // past three of the cache's 1 s
  });

  it('does not keep a failed computation', async () => {
    const s = setup();
    await expect(s.cache.get('/lb', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect((await s.cache.get('/lb', s.compute())).body).toBe('answer 1');
  });
});
