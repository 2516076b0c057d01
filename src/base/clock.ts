// The one clock of a running Atlas: the simulator's live rounds, the demo's telemetry and adverts, and the API's
// time windows all read it, so a test can run the living network on a clock it moves itself.

/** Wall time as a process sees it; `sleepUntil` lets a caller wait for a moment on this clock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves once `now() >= at` (ms); rejects with an AbortError when the signal aborts first. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** The error a clock wait ends with when its signal aborts. */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error('stopped');
  e.name = 'AbortError';
  return e;
}

export const isAbortError = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';

/** The process's own clock (Date.now and timers). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleepUntil(at, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      // Timers cap at ~24.8 days; longer waits re-arm.
      const arm = (): void => {
        const left = at - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortError(signal));
      };
      let timer: NodeJS.Timeout | undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
    });
  },
};

/**
 * A clock that moves only when told (tests): `advance` and `set` wake every wait whose moment has come, in
 * the order of their moments.
 */
export class ManualClock implements Clock {
  private t: number;
  private waits: { at: number; resolve: () => void }[] = [];

  constructor(start: number) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Waits pending on this clock. */
  get pending(): number {
    return this.waits.length;
  }

  /** The earliest moment someone waits for, or null. */
  get nextWake(): number | null {
    return this.waits.length === 0 ? null : Math.min(...this.waits.map((w) => w.at));
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (at <= this.t) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = {
        at,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.waits = this.waits.filter((x) => x !== w);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waits.push(w);
    });
  }

  /** Moves the clock forward by `ms` (never back). */
  advance(ms: number): void {
    this.set(this.t + Math.max(0, ms));
  }

  /** Moves the clock to `t` if that is later than now. */
  set(t: number): void {
    if (t <= this.t) return;
    this.t = t;
    const due = this.waits.filter((w) => w.at <= t).sort((a, b) => a.at - b.at);
    this.waits = this.waits.filter((w) => w.at > t);
    for (const w of due) w.resolve();
  }
}
