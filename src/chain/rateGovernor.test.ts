import { describe, expect, it } from 'vitest';
import { RateGovernor, type RateHint } from './rateGovernor.js';

/** Virtual time: timers fire in order of their due time, with every pending promise settled between them. */
class VirtualClock {
  t = 0;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;
  now = (): number => this.t;
  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, fire: resolve });
    });

  async run(untilMs: number): Promise<void> {
    for (;;) {
      // A macrotask turn settles every pending promise chain first.
      await new Promise((r) => setImmediate(r));
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      if (next.at > untilMs) return;
      this.t = next.at;
      next.fire();
    }
  }
}

/** A provider's token bucket in its own units; `perItem` refuses only the calls past the budget. */
function provider(unitsPerSecond: number, burstSeconds: number, costPerCall: number, clock: VirtualClock) {
  let tokens = unitsPerSecond * burstSeconds;
  let at = 0;
  return (calls: number, perItem: boolean): number => {
    tokens = Math.min(unitsPerSecond * burstSeconds, tokens + ((clock.now() - at) * unitsPerSecond) / 1000);
    at = clock.now();
    if (!perItem) {
      if (calls * costPerCall > tokens) return 0;
      tokens -= calls * costPerCall;
      return calls;
    }
    const served = Math.min(calls, Math.floor(tokens / costPerCall));
    tokens -= served * costPerCall;
    return served;
  };
}

interface Load {
  workers: number;
  callsPerRequest: number | (() => number);
  latencyMs: number;
  seconds: number;
  perItem: boolean;
  hint?: RateHint;
  /** Wait before sending a refused request again. Default 100 ms. */
  backoffMs?: number;
}

async function drive(g: RateGovernor, clock: VirtualClock, serve: (calls: number, perItem: boolean) => number, load: Load) {
  let served = 0;
  let requests = 0;
  let refused = 0;
  let lastServedAt = 0;
  const end = load.seconds * 1000;
  // Like the RPC client: a refused request is sent again after a short back-off.
  const worker = async (): Promise<void> => {
    let refusedBefore = false;
    while (clock.now() < end) {
      const calls = typeof load.callsPerRequest === 'function' ? load.callsPerRequest() : load.callsPerRequest;
      await g.acquire(calls);
      requests++;
      const ok = serve(calls, load.perItem);
      if (ok > 0) lastServedAt = clock.now();
      await clock.sleep(load.latencyMs);
      served += ok;
      if (ok > 0) g.onServed(ok);
      if (ok < calls) {
        refused++;
        g.onRefused(load.hint, refusedBefore);
        refusedBefore = true;
        await clock.sleep(load.backoffMs ?? 100);
      } else refusedBefore = false;
    }
  };
  const all = Promise.all(Array.from({ length: load.workers }, worker));
  await clock.run(end + 60_000);
  await all;
  return { served, requests, refused, lastServedAt };
}

describe('RateGovernor', () => {
  it('holds a client just under a compute-unit bucket it was never told about (Alchemy-like: 660 CU/s, 10 s burst, 100-call batches)', async () => {
    const clock = new VirtualClock();
    const g = new RateGovernor({ now: clock.now, sleep: clock.sleep });
    const seconds = 600;
    // Requests of a quarter second of calls, as the RPC client sends them once a limit is known.
    const r = await drive(g, clock, provider(660, 10, 20, clock), { workers: 8, callsPerRequest: () => Math.min(100, g.batchHint ?? 100), latencyMs: 80, seconds, perItem: false });
    // What the provider can give: its burst plus its refill until the last call it served.
    const capacity = (660 * (r.lastServedAt / 1000) + 6600) / 20;
    expect(r.lastServedAt).toBeGreaterThanOrEqual(seconds * 1000);
    expect(r.served).toBeGreaterThan(capacity * 0.85);
    expect(r.served).toBeLessThanOrEqual(capacity);
    // It does not keep tripping the limit: refusals are a small share of what it sends.
    expect(r.refused).toBeLessThan(r.requests * 0.15);
    expect(g.stats().rate).not.toBeNull();
  });

  it('takes a stated limit at its word and stays under it (QuickNode-like: "200/second", items refused one by one)', async () => {
    const clock = new VirtualClock();
    const g = new RateGovernor({ now: clock.now, sleep: clock.sleep });
    const seconds = 120;
    const r = await drive(g, clock, provider(200, 1, 1, clock), { workers: 32, callsPerRequest: 1, latencyMs: 80, seconds, perItem: true, hint: { perSecond: 200 } });
    expect(r.served).toBeGreaterThan(200 * seconds * 0.9);
    expect(g.stats().rate).toBeLessThanOrEqual(200);
    expect(r.refused).toBeLessThan(r.requests * 0.02);
  });

  it('ignores a few scattered refusals: no limit, no pacing', async () => {
    const clock = new VirtualClock();
    const g = new RateGovernor({ now: clock.now, sleep: clock.sleep });
    let n = 0;
    // Every 20th request refused, whatever the rate: a flaky proxy rather than a limit.
    const r = await drive(g, clock, (calls) => (++n % 20 === 0 ? 0 : calls), { workers: 4, callsPerRequest: 1, latencyMs: 10, seconds: 30, perItem: false, backoffMs: 10 });
    expect(g.stats().rate).toBeNull();
    expect(g.stats().waitedMs).toBe(0);
    expect(r.served).toBeGreaterThan(10_000);
  });

  it('starts from a remembered rate and waits out a requested back-off', async () => {
    const clock = new VirtualClock();
    const g = new RateGovernor({ now: clock.now, sleep: clock.sleep, initialRate: 10 });
    const times: number[] = [];
    const run = (async () => {
      for (let i = 0; i < 30; i++) {
        await g.acquire(1);
        times.push(clock.now());
      }
    })();
    await clock.run(10_000);
    await run;
    // 10 per second from the start, with nothing in hand: the provider may still count the last run's calls.
    expect(times[0]).toBeGreaterThanOrEqual(100);
    expect(times[1]).toBeGreaterThanOrEqual(200);
    expect(times[29]).toBeGreaterThanOrEqual(2_900);
    expect(times[29]).toBeLessThan(3_200);
    g.onRefused({ retryAfterMs: 5_000 });
    const before = clock.now();
    const after = g.acquire(1).then(() => clock.now());
    await clock.run(20_000);
    expect((await after) - before).toBeGreaterThanOrEqual(5_000);
  });
});
