import { describe, expect, it } from 'vitest';
import { ManualClock } from '../base/clock.js';
import { livingSchedule, paceOnClock } from './living.js';
import { ROUND_SECONDS, slotTimes } from './phases/round.js';

const RS = ROUND_SECONDS; // 76,524 s: 6377 L1 blocks of 12 s

describe('living schedule', () => {
  const endTime = Date.UTC(2026, 0, 15, 12) / 1000;
  const { startTime, schedule, liveFrom } = livingSchedule({ endTime, historyRounds: 35, liveRoundSeconds: 300 });

  it('ends the history at the given moment: the last block of the last history round is at endTime', () => {
    expect(RS).toBe(76_524);
    const last = slotTimes(schedule.roundStart(35), schedule.roundSeconds(35), 8);
    expect(last[7]).toBe(endTime);
    expect(startTime).toBe(endTime - 35 * RS - Math.floor(0.95 * RS));
    // History rounds are as long as on the network, one after the other.
    expect(schedule.roundStart(1)).toBe(startTime + RS);
    expect(schedule.roundStart(35) - schedule.roundStart(34)).toBe(RS);
  });

  it('then opens a live round every liveRoundSeconds after endTime', () => {
    expect(liveFrom).toBe(endTime + 300);
    expect([36, 37, 38].map((k) => schedule.roundStart(k))).toEqual([endTime + 300, endTime + 600, endTime + 900]);
    expect(schedule.roundSeconds(36)).toBe(300);
    // Every block of a live round lies inside it, after the history's last block.
    const live = slotTimes(schedule.roundStart(36), schedule.roundSeconds(36), 8);
    expect(live[0]).toBeGreaterThan(endTime);
    expect(live[7]).toBeLessThan(schedule.roundStart(37));
  });

  it('fills a 30-day window with the demo preset: 35 rounds of history span 31 days', () => {
    expect(endTime - schedule.roundStart(1)).toBeGreaterThan(30 * 86_400);
  });
});

describe('paceOnClock', () => {
  it('lets past blocks through at once and holds a live one until the clock reaches its timestamp', async () => {
    const clock = new ManualClock(1_000_000_000_000);
    const ctl = new AbortController();
    const pace = paceOnClock(clock, ctl.signal);
    await pace(999_999_000); // in the past
    let mined = false;
    const live = pace(1_000_000_060).then(() => (mined = true));
    clock.advance(59_000);
    await Promise.resolve();
    expect(mined).toBe(false);
    clock.advance(1_000);
    await live;
    expect(mined).toBe(true);
    const held = pace(1_000_000_999);
    ctl.abort();
    await expect(held).rejects.toMatchObject({ name: 'AbortError' });
  });
});
