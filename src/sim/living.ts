// The living network: a history of full-length rounds that ends at a given moment (start-up), then rounds of a
// few minutes each for as long as the process runs, every block mined when a clock reaches its timestamp.
import type { Clock } from '../base/clock.js';
import { ROUND_SECONDS } from './phases/round.js';
import type { RoundSchedule } from './run.js';

/** Share of a round its blocks are spread over (mineRound): the last block of round k is this far into it. */
const BLOCK_SPAN = 0.95;

export interface LivingScheduleOptions {
  /** Unix seconds of the history's last block (start-up time). */
  endTime: number;
  /** Rounds of history, each as long as on the network (ROUND_SECONDS). */
  historyRounds: number;
  /** Seconds each round after the history lasts. */
  liveRoundSeconds: number;
}

export interface LivingSchedule {
  /** The scenario's startTime (unix s) that makes the history end at `endTime`. */
  startTime: number;
  schedule: RoundSchedule;
  /** Unix seconds at which the first live round opens. */
  liveFrom: number;
}

/**
 * History round k opens k network rounds after the start, so its last block lands at `endTime` when k is the last
 * history round; live round H + j opens j live rounds after `endTime`.
 */
export function livingSchedule(o: LivingScheduleOptions): LivingSchedule {
  const rs = ROUND_SECONDS;
  const startTime = o.endTime - o.historyRounds * rs - Math.floor(BLOCK_SPAN * rs);
  const schedule: RoundSchedule = {
    roundStart: (k) => (k <= o.historyRounds ? startTime + k * rs : o.endTime + (k - o.historyRounds) * o.liveRoundSeconds),
    roundSeconds: (k) => (k <= o.historyRounds ? rs : o.liveRoundSeconds),
  };
  return { startTime, schedule, liveFrom: o.endTime + o.liveRoundSeconds };
}

/**
 * A `beforeMine` hook that holds each block until the clock reaches its timestamp: past blocks (the history)
 * pass at once, live ones wait. Rejects with the clock's AbortError once `signal` aborts.
 */
export function paceOnClock(clock: Clock, signal: AbortSignal): (timestamp: number) => Promise<void> {
  return (timestamp) => clock.sleepUntil(timestamp * 1000, signal);
}
