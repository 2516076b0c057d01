import { describe, expect, it } from 'vitest';
import { singleFlight } from './singleFlight.js';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('singleFlight', () => {
  it('shares one run between calls made while it is in flight, and runs again once it settled', async () => {
    const runs: ReturnType<typeof deferred<number>>[] = [];
    const call = singleFlight(() => {
      const d = deferred<number>();
      runs.push(d);
      return d.promise;
    });
    const a = call();
    const b = call();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(7);
    expect(await Promise.all([a, b])).toEqual([7, 7]);
    const c = call();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(8);
    expect(await c).toBe(8);
  });

  it('passes a failure to every waiting caller and does not keep it', async () => {
    let n = 0;
    const call = singleFlight(async () => {
      n += 1;
      if (n === 1) throw new Error('database unreachable');
      return n;
    });
    const [a, b] = await Promise.allSettled([call(), call()]);
    expect(a).toEqual({ status: 'rejected', reason: new Error('database unreachable') });
    expect(b).toEqual(a);
    expect(await call()).toBe(2);
  });
});
