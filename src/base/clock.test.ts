import { describe, expect, it } from 'vitest';
import { isAbortError, ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('wakes waits in the order of their moments once the clock reaches them', async () => {
    const clock = new ManualClock(1_000);
    const woke: number[] = [];
    const a = clock.sleepUntil(3_000).then(() => woke.push(3_000));
    const b = clock.sleepUntil(2_000).then(() => woke.push(2_000));
    const c = clock.sleepUntil(9_000).then(() => woke.push(9_000));
    expect(clock.pending).toBe(3);
    expect(clock.nextWake).toBe(2_000);
    clock.advance(2_500);
    await Promise.all([a, b]);
    expect(woke).toEqual([2_000, 3_000]);
    expect(clock.now()).toBe(3_500);
    expect(clock.pending).toBe(1);
    clock.set(1_000); // never back
    expect(clock.now()).toBe(3_500);
    clock.set(9_000);
    await c;
    expect(woke).toEqual([2_000, 3_000, 9_000]);
  });

  it('resolves a wait for a moment already passed at once and rejects an aborted one', async () => {
    const clock = new ManualClock(5_000);
    await expect(clock.sleepUntil(4_000)).resolves.toBeUndefined();
    const ctl = new AbortController();
    const w = clock.sleepUntil(10_000, ctl.signal);
    ctl.abort();
    const err = await w.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(clock.pending).toBe(0);
  });
});

describe('systemClock', () => {
  it('waits until the moment and stops early when aborted', async () => {
    const t0 = systemClock.now();
    await systemClock.sleepUntil(t0 + 20);
    expect(systemClock.now()).toBeGreaterThanOrEqual(t0 + 20);
    const ctl = new AbortController();
    const w = systemClock.sleepUntil(systemClock.now() + 60_000, ctl.signal);
    ctl.abort();
    expect(isAbortError(await w.catch((e: unknown) => e))).toBe(true);
  });
});
